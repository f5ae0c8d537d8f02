import type { Page } from 'playwright-core';

/** The demo's record elements, each waited for until it shows content, not its skeleton. */
export const RECORD_ELEMENTS = ['ehr-patient-banner', 'ehr-allergy-panel', 'ehr-medication-list'] as const;

/**
 * Opens a patient from the demo's list by the name in their row, waits for the provider's sync
 * to finish (complete or failed) and for every record element to leave its loading skeleton.
 */
export async function openDemoPatient(page: Page, demoUrl: string, name: string): Promise<void> {
  await page.goto(demoUrl);
  await page.locator('tbody tr a', { hasText: name }).first().click();
  await page.locator('.sync-status[data-state="complete"], .sync-status[data-state="error"]').waitFor({ timeout: 30_000 });
  for (const tag of RECORD_ELEMENTS) {
    await page.locator(`${tag} [part="base"]`).first().waitFor();
    await page.locator(`${tag} [part="skeleton"]`).first().waitFor({ state: 'detached', timeout: 15_000 });
  }
}
