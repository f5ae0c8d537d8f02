import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { chromiumArgs, findChromium } from './test/support/chromium.mjs';

/**
 * A fresh browser block per project: vitest writes into `instances`, so sharing one object
 * between projects fails ("Cannot define a nested project for a chromium browser").
 */
function chromium() {
  return {
    enabled: true,
    headless: true,
    provider: playwright({ launchOptions: { executablePath: findChromium(), args: chromiumArgs } }),
    instances: [{ browser: 'chromium' as const }],
  };
}

/**
 * Four projects:
 * - `node`: pure logic, the FHIR server, the store on fake-indexeddb (`*.node.test.ts`).
 * - `browser`: elements, IndexedDB, locks and tabs in real Chromium (`*.browser.test.ts`),
 *   with the local FHIR server started once by `test/support/global-fhir-server.ts`.
 * - `e2e`: playwright-core driving Chromium against the demo (`*.e2e.test.ts`).
 * - `storybook`: every story run as a test in Chromium (`@storybook/addon-vitest`).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.node.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        optimizeDeps: { include: ['lit', 'lit/decorators.js', 'lit/directive-helpers.js', '@lit/context', '@open-wc/testing-helpers', 'axe-core', 'dexie'] },
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          globalSetup: ['test/support/global-fhir-server.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          browser: chromium(),
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/**/*.e2e.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
      {
        // Every story in `stories/` runs as a test in Chromium (its play function, and axe via
        // addon-a11y: `parameters.a11y.test = 'error'` in .storybook/preview.ts fails on violations).
        plugins: [storybookTest({ configDir: '.storybook' })],
        optimizeDeps: { include: ['lit', 'lit/directive-helpers.js'] },
        test: {
          name: 'storybook',
          testTimeout: 30_000,
          browser: chromium(),
        },
      },
    ],
  },
});
