import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, findChromium } from './support/chromium.mjs';
import { startDemo } from '../demo/launch.mjs';

type Demo = Awaited<ReturnType<typeof startDemo>>;

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
});
afterAll(async () => {
  await browser?.close();
});

describe('demo SPA', () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo({ quiet: true });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('lists the sample patients of both providers, read from the local FHIR server', async () => {
    const page = await browser.newPage();
    await page.goto(demo.demoUrl);
    const rows = page.locator('table[aria-label="Patients by provider"] tbody tr');
    await rows.first().waitFor();
    const clinic = await page.locator('tbody tr[data-provider="clinic"]').count();
    const hospital = await page.locator('tbody tr[data-provider="hospital"]').count();
    expect(clinic).toBeGreaterThanOrEqual(6);
    expect(hospital).toBeGreaterThanOrEqual(4);
    // The deceased Synthea patient is on the list with a formatted name and birth date.
    const parker = page.locator('tbody tr', { hasText: 'CASPER, Parker' }).first();
    await expect(parker.locator('td').nth(1).textContent()).resolves.toBe('1952-07-31');
    await expect(page.locator('[role="alert"]').count()).resolves.toBe(0);
    await page.close();
  });
});

describe('demo SPA with a FHIR server that is down', () => {
  let demo: Demo;
  beforeAll(async () => {
    // 127.0.0.1:9 (discard) has nothing listening: the fetch fails like a server that is down.
    demo = await startDemo({
      quiet: true,
      basesOverride: [{ id: 'clinic', label: 'Riverside Clinic', url: 'http://127.0.0.1:9/clinic/fhir' }],
    });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('shows which provider could not be reached instead of a blank page', async () => {
    const page = await browser.newPage();
    await page.goto(demo.demoUrl);
    const alert = page.locator('[role="alert"]');
    await alert.waitFor();
    const text = await alert.textContent();
    expect(text).toContain('Riverside Clinic');
    expect(text).toContain('unreachable');
    await page.close();
  });
});
