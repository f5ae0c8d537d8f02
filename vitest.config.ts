import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
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
 * Three projects:
 * - `node`: pure logic, the FHIR server, the store on fake-indexeddb (`*.node.test.ts`).
 * - `browser`: elements, IndexedDB, locks and tabs in real Chromium (`*.browser.test.ts`),
 *   with the local FHIR server started once by `test/support/global-fhir-server.ts`.
 * - `e2e`: playwright-core driving Chromium against the demo (`*.e2e.test.ts`).
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
    ],
  },
});
