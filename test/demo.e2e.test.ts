import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { chromiumArgs, findChromium } from './support/chromium.mjs';
import { startDemo } from '../demo/launch.mjs';
import { loadSampleData } from '../demo/data/load.mjs';

/** How many Patients each provider of the sample data holds (what the list must show). */
async function samplePatientCounts(): Promise<Record<string, number>> {
  const { bases } = await loadSampleData();
  return Object.fromEntries(bases.map((b) => [b.id, b.resources.filter((r: { resourceType?: string }) => r.resourceType === 'Patient').length]));
}

type Demo = Awaited<ReturnType<typeof startDemo>>;

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's violations on the page as it is now (ids and where), for a readable failure. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: Document): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
});
afterAll(async () => {
  await browser?.close();
});

// Playwright's CSS locators pierce open shadow roots, so these reach inside the elements.
const banner = (page: Page) => page.locator('ehr-patient-banner');
const allergies = (page: Page) => page.locator('ehr-allergy-panel');
const meds = (page: Page) => page.locator('ehr-medication-list');
const syncStatus = (page: Page) => page.locator('.sync-status');

/** Waits until the provider reports the sync finished (complete or failed). */
async function waitForSync(page: Page): Promise<string> {
  await page.locator('.sync-status[data-state="complete"], .sync-status[data-state="error"]').waitFor({ timeout: 30_000 });
  return (await syncStatus(page).textContent()) ?? '';
}

/** Waits until an element shows neither its loading skeleton nor nothing at all. */
async function settled(element: Locator): Promise<void> {
  await element.locator('[part="base"]').first().waitFor();
  await element.locator('[part="skeleton"]').first().waitFor({ state: 'detached', timeout: 15_000 });
}

/** Opens a patient from the list by clicking the name in their row. */
async function openFromList(page: Page, name: string, provider = 'clinic'): Promise<void> {
  await page.locator(`tbody tr[data-providers~="${provider}"] a`, { hasText: name }).first().click();
  await banner(page).waitFor();
}

describe('demo SPA', () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo({ quiet: true });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('lists every sample patient once per person, linked across both providers, read from the local FHIR server', async () => {
    const page = await browser.newPage();
    await page.goto(demo.demoUrl);
    const rows = page.locator('table[aria-label="Patients"] tbody tr');
    await rows.first().waitFor();
    // Every provider's patients are there, each in exactly one row…
    const clinic = await page.locator('tbody tr[data-providers~="clinic"]').count();
    const hospital = await page.locator('tbody tr[data-providers~="hospital"]').count();
    expect({ clinic, hospital }).toEqual(await samplePatientCounts());
    // …and a person the hospital also treated is one row with both providers' chips.
    const parker = page.locator('tbody tr', { hasText: 'CASPER, Parker' });
    await expect(parker.count()).resolves.toBe(1);
    await expect(parker.locator('.provider-chip').allTextContents()).resolves.toEqual(['Riverside Clinic', 'St Elsewhere Hospital']);
    // Born in the kit's format, gender in words, the main identifier with its label, a Deceased tag.
    const cells = (await parker.locator('td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(cells.slice(0, 3)).toEqual(['31-Jul-1952', 'Male', 'MRN 6d0c6969-6843-47e1-9921-d9bf11b1df31']);
    await expect(parker.locator('th .tag.deceased').textContent()).resolves.toContain('Deceased');
    // Jordana is held by the clinic only: one chip, her NHI labelled as such.
    const jordana = page.locator('tbody tr', { hasText: 'JORDANA, Patricia' });
    await expect(jordana.locator('.provider-chip').allTextContents()).resolves.toEqual(['Riverside Clinic']);
    await expect(jordana.locator('td.identifier').textContent()).resolves.toMatch(/NHI\s*ABC1234/);
    await expect(page.locator('[role="alert"]').count()).resolves.toBe(0);
    // Each name opens the patient (a link: reachable with Tab, opened with Enter).
    await expect(parker.locator('a').getAttribute('href')).resolves.toMatch(/^#\/patient\/clinic\/[^/]+$/);
    await page.close();
  });

  it('finds a patient by name or by identifier, and says how many it shows of how many', async () => {
    const page = await browser.newPage();
    await page.goto(demo.demoUrl);
    const rows = page.locator('table[aria-label="Patients"] tbody tr');
    await rows.first().waitFor();
    const total = await rows.count();
    await expect(page.locator('.list-count').textContent()).resolves.toBe(`${total} patients`);
    const search = page.getByLabel('Search by name or identifier');
    await search.fill('versie botsford');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('BOTSFORD, Versie');
    await expect(page.locator('.list-count').textContent()).resolves.toBe(`Showing 1 of ${total} patients`);
    // Her SSN, typed with spaces instead of hyphens; then the hospital's MRN, which only the hospital's record holds.
    await search.fill('999 69 1123');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('BOTSFORD, Versie');
    const { bases } = await loadSampleData();
    type Named = { resourceType?: string; name?: Array<{ family?: string }>; identifier?: Array<{ system?: string; value?: string }> };
    const hospitalCopy = (bases.find((b) => b.id === 'hospital')!.resources as unknown as Named[]).find(
      (r) => r.resourceType === 'Patient' && r.name?.[0]?.family === 'Botsford',
    )!;
    const hospitalMrn = hospitalCopy.identifier!.find((i) => i.system === 'urn:ehr-elements:demo:hospital-mrn')!.value!;
    await search.fill(hospitalMrn.toLowerCase());
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('BOTSFORD, Versie');
    await search.fill('no such person');
    await expect(rows.count()).resolves.toBe(0);
    await expect(page.locator('main .status').textContent()).resolves.toContain('No patient matches');
    await page.close();
  });

  it('opens every patient the clinic lists: banner, allergies and medications all load without errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(demo.demoUrl);
    const links = page.locator('tbody tr[data-providers~="clinic"] a');
    await links.first().waitFor();
    const patients = await links.evaluateAll((as) => as.map((a) => ({ name: a.textContent!.trim(), href: a.getAttribute('href')! })));
    expect(patients.length).toBe((await samplePatientCounts()).clinic);
    for (const { name, href } of patients) {
      await page.locator(`tbody tr[data-providers~="clinic"] a[href="${href}"]`).click();
      expect(page.url()).toContain(href);
      const status = await waitForSync(page);
      expect(status, name).toContain('Up to date with Riverside Clinic');
      await Promise.all([settled(banner(page)), settled(allergies(page)), settled(meds(page))]);
      // The banner names the patient the list named, in FAMILY, Given form.
      await expect(banner(page).locator('[part="name"]').textContent(), name).resolves.toContain(name);
      // Each element reached a real state: rows, or an explicit "none recorded" message.
      const allergyState = await allergies(page).locator('[part="row"], [part="empty"], [part="summary"]').count();
      expect(allergyState, `${name}: allergy panel state`).toBeGreaterThan(0);
      const medState = await meds(page).locator('[part="row"], [part="empty"]').count();
      expect(medState, `${name}: medication list state`).toBeGreaterThan(0);
      // No error boxes anywhere in the record (a disagreement warning would be role="alert" too).
      await expect(page.locator('main [role="alert"]').count(), `${name}: alerts`).resolves.toBe(0);
      await page.getByRole('link', { name: 'All patients' }).click();
      await links.first().waitFor();
    }
    await page.close();
  });

  it('marks Parker Casper as deceased and flags his prescriptions still active after death', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(demo.demoUrl);
    await openFromList(page, 'CASPER, Parker');
    await waitForSync(page);
    await settled(meds(page));
    await expect(banner(page).getAttribute('deceased')).resolves.toBe('');
    await expect(banner(page).locator('[part="deceased"]').textContent()).resolves.toContain('Deceased');
    await expect(banner(page).locator('[part="died"]').textContent()).resolves.toContain('21-Feb-2021');
    const active = meds(page).locator('section.group[data-group="active"]');
    await expect(active.locator('[part="group-heading"]').textContent()).resolves.toContain('not stopped at death on 21-Feb-2021');
    // One warning note for the list; each such row a quiet mark, in words for screen readers.
    await expect(meds(page).locator('[part~="warning"]').count()).resolves.toBe(1);
    const marked = await active.locator('tr.after-death [part="after-death-mark"]').count();
    expect(marked).toBeGreaterThan(0);
    await expect(active.locator('tr.after-death').first().textContent()).resolves.toContain('Not stopped at death');
    await page.close();
  });

  it("shows Versie Botsford's latex allergy once, with both providers as sources", async () => {
    const page = await browser.newPage();
    await page.goto(demo.demoUrl);
    await openFromList(page, 'BOTSFORD, Versie');
    await waitForSync(page);
    await settled(allergies(page));
    const latex = allergies(page).locator('[part="row"]', { has: page.locator('[part="substance"]', { hasText: /latex/i }) });
    await expect(latex.count()).resolves.toBe(1);
    const badges = await latex.locator('ehr-source-badge [part="label"]').allTextContents();
    expect(badges.map((b) => b.trim()).sort()).toEqual(['Riverside Clinic', 'St Elsewhere Hospital']);
    // "Sync now" runs the provider's sync again and the status line follows it.
    await page.locator('.sync-line > button.sync-now').click();
    const line = await waitForSync(page);
    expect(line).toContain('Up to date with Riverside Clinic and St Elsewhere Hospital');
    // The page's own time reads like the kit's: a date and the 24-hour clock, never AM/PM.
    expect(line).toMatch(/\(\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}\)$/);
    await page.close();
  });

  it('shows a patient from the cache on a second visit, before any FHIR request completes', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(demo.demoUrl);
    await openFromList(page, 'BOTSFORD, Versie');
    await waitForSync(page);
    await settled(meds(page));
    const rowsFirst = await meds(page).locator('[part="row"]').count();
    expect(rowsFirst).toBeGreaterThan(0);

    // Hold every FHIR request until told otherwise, then reload the page (IndexedDB persists).
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    let finished = 0;
    for (const base of demo.bases) {
      await page.route(`${base.url}/**`, async (route) => {
        held++;
        await gate;
        await route.continue().catch(() => undefined);
      });
    }
    const fhirOrigin = new URL(demo.bases[0]!.url).origin;
    page.on('requestfinished', (r) => {
      if (r.url().startsWith(fhirOrigin)) finished++;
    });
    await page.reload();
    await banner(page).locator('[part="name"]', { hasText: 'BOTSFORD, Versie' }).waitFor();
    await meds(page).locator('[part="row"]').first().waitFor();
    await allergies(page).locator('[part="row"]').first().waitFor();
    expect(await meds(page).locator('[part="row"]').count()).toBe(rowsFirst);
    await expect(syncStatus(page).getAttribute('data-state')).resolves.toBe('syncing');
    expect(finished).toBe(0); // painted from the cache: no FHIR answer has arrived
    // The sync starts (the engine is loaded on first use, so possibly after the paint) and waits.
    await expect.poll(() => held).toBeGreaterThan(0);
    expect(finished).toBe(0);

    release();
    await expect(waitForSync(page)).resolves.toContain('Up to date');

    // "Clear cached data" (after its confirm) empties the store: the record is gone from the page.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Clear cached data' }).click();
    await page.locator('.options-notice', { hasText: 'Cached data cleared' }).waitFor();
    await meds(page).locator('[part="row"]').first().waitFor({ state: 'detached' });
    await banner(page).locator('[part="name"]').waitFor({ state: 'detached' });
    await context.close();
  });

  it('says which provider failed when one cannot be synced, and shows what the other one has', async () => {
    const hospital = demo.fhir.base('hospital');
    // 401: not retried, so the test does not wait out the engine's back-off as it would for a 5xx.
    hospital.faults.set({ unauthorized: {} });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(demo.demoUrl);
      await openFromList(page, 'BOTSFORD, Versie');
      const status = await waitForSync(page);
      expect(status).toContain('Up to date with Riverside Clinic');
      expect(status).toContain('St Elsewhere Hospital could not be synced: not signed in (HTTP 401)');
      await settled(allergies(page));
      // The clinic's allergies are there; the panel says the hospital's are missing.
      expect(await allergies(page).locator('[part="row"]').count()).toBeGreaterThan(0);
      await expect(allergies(page).locator('[part="notice"]').first().textContent()).resolves.toContain('St Elsewhere Hospital');
      await page.close();
    } finally {
      hospital.faults.reset();
    }
  });

  it('the Simulate switches: offline keeps the cached record and syncs again on return; a provider down is shown honestly; density', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(demo.demoUrl);
    await openFromList(page, 'BOTSFORD, Versie');
    await waitForSync(page);
    await settled(allergies(page));
    const rows = await allergies(page).locator('[part="row"]').count();
    expect(rows).toBeGreaterThan(0);

    await page.locator('#opt-offline').check();
    await page.locator('.sync-line > button.sync-now').click();
    const offline = await waitForSync(page);
    expect(offline).toContain('Riverside Clinic could not be synced: server unreachable');
    expect(offline).toContain('St Elsewhere Hospital could not be synced: server unreachable');
    // Everything cached is still on the screen.
    expect(await allergies(page).locator('[part="row"]').count()).toBe(rows);
    // Back online: the page syncs by itself.
    await page.locator('#opt-offline').uncheck();
    await page.locator('.sync-status[data-state="complete"]', { hasText: 'Up to date with Riverside Clinic and St Elsewhere Hospital' }).waitFor({ timeout: 30_000 });

    await page.locator('input[data-outage="hospital"]').check();
    await page.locator('.sync-status[data-state="complete"]', { hasText: 'St Elsewhere Hospital could not be synced' }).waitFor({ timeout: 60_000 });
    expect(await syncStatus(page).textContent()).toContain('Up to date with Riverside Clinic');
    await page.locator('input[data-outage="hospital"]').uncheck();
    await page.locator('.sync-status[data-state="complete"]', { hasText: 'Up to date with Riverside Clinic and St Elsewhere Hospital' }).waitFor({ timeout: 30_000 });

    await page.locator('#opt-density').selectOption('compact');
    await expect(allergies(page).getAttribute('density')).resolves.toBe('compact');
    await expect(page.locator('ehr-lab-timeline').getAttribute('density')).resolves.toBe('compact');
    await page.close();
  }, 120_000);

  it('a consent recorded offline waits in the outbox, says so, and reaches the clinic\'s server when the page is back online', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(demo.demoUrl);
    await openFromList(page, 'BOTSFORD, Versie');
    await waitForSync(page);
    const patient = (await page.locator('section.record').getAttribute('data-patient'))!;
    const [, patientId] = patient.match(/^clinic\/Patient\/(.+)$/) ?? [];
    expect(patientId, `the record opened from the clinic (${patient})`).toBeTruthy();
    const onServer = async () => {
      const r = await fetch(`${demo.fhir.baseUrl('clinic')}/Consent?patient=${patientId}&_summary=count`, { headers: { accept: 'application/fhir+json' } });
      return ((await r.json()) as { total: number }).total;
    };
    const before = await onServer();

    await page.locator('#opt-offline').check();
    const dialog = page.locator('ehr-consent-dialog');
    await dialog.locator('[part="open-button"]').click();
    const form = dialog.locator('[part~="form"]');
    await form.locator('select[name="recipient"]').selectOption('Organization/st-elsewhere-hospital');
    await form.locator('input[name="start"]').fill('2026-12-04');
    await form.locator('button[type="submit"]').click();
    const pending = dialog.locator('[part~="consent"]', { has: page.locator('[part~="write-state"]', { hasText: 'Waiting to upload' }) });
    await pending.first().waitFor({ timeout: 15_000 });
    const consentId = await pending.first().getAttribute('data-key');
    // Offline: nothing reached the server.
    expect(await onServer()).toBe(before);
    await dialog.locator('[part="close-button"]').click();

    await page.locator('#opt-offline').uncheck();
    await page.locator('.sync-status[data-state="complete"]', { hasText: 'Up to date with Riverside Clinic and St Elsewhere Hospital' }).waitFor({ timeout: 30_000 });
    await expect.poll(onServer, { timeout: 15_000 }).toBe(before + 1);
    // The row no longer says it waits.
    await dialog.locator('[part="open-button"]').click();
    await dialog.locator(`[part~="consent"][data-key="${consentId}"] [part~="write-state"]`, { hasNotText: 'Waiting to upload' }).waitFor({ timeout: 15_000 });
    await page.close();
  }, 120_000);

  it('is usable from the keyboard, with labelled landmarks and no axe violations, light and dark', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(demo.demoUrl);
    await page.locator('tbody tr a').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // Tab reaches the first patient's link (after the header options); Enter opens the record.
    let onPatientLink = false;
    for (let i = 0; i < 12 && !onPatientLink; i++) {
      await page.keyboard.press('Tab');
      onPatientLink = await page.evaluate(() => document.activeElement?.getAttribute('href')?.startsWith('#/patient/') ?? false);
    }
    expect(onPatientLink).toBe(true);
    await page.keyboard.press('Enter');
    await waitForSync(page);
    await Promise.all([settled(banner(page)), settled(allergies(page)), settled(meds(page))]);
    // Focus moves to the record, so the next Tab continues inside it.
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe('Patient record');
    await expect(page.getByRole('navigation', { name: 'Page' }).count()).resolves.toBe(1);
    await expect(page.getByRole('region', { name: 'Patient record' }).count()).resolves.toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.selectOption('#opt-theme', 'dark');
    await expect(page.locator('ehr-record-provider').getAttribute('theme')).resolves.toBe('dark');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('switches the headings to German', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(demo.demoUrl);
    await openFromList(page, 'BOTSFORD, Versie');
    await settled(allergies(page));
    await settled(meds(page));
    await expect(allergies(page).locator('[part="heading"]').textContent()).resolves.toBe('Allergies and adverse reactions');
    await page.selectOption('#opt-lang', 'de');
    await expect(page.locator('.app').getAttribute('lang')).resolves.toBe('de');
    await allergies(page).locator('[part="heading"]', { hasText: 'Allergien und Unverträglichkeiten' }).waitFor();
    await meds(page).locator('[part="heading"]', { hasText: 'Medikamente' }).waitFor();
    await banner(page).locator('[part="born"]', { hasText: 'Geboren' }).waitFor();
    await page.getByRole('link', { name: 'Alle Patienten' }).waitFor();
    // Back to English.
    await page.selectOption('#opt-lang', 'en');
    await meds(page).locator('[part="heading"]', { hasText: 'Medications' }).waitFor();
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
