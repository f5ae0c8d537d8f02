/**
 * SMART App Launch end to end, in real Chromium, against a real authorization server
 * (`oidc-provider`, demo/auth-server) in front of the local FHIR server, with the demo's SMART
 * app (demo/launch.html, demo/smart.html) built from `src/smart`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { chromiumArgs, findChromium } from './support/chromium.mjs';
import { startDemo } from '../demo/launch.mjs';

type Demo = Awaited<ReturnType<typeof startDemo>>;

let browser: Browser;
let demo: Demo;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
  demo = await startDemo({ quiet: true });
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** A fresh browser profile per flow: no cookies, storage or IndexedDB from another test. */
async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

/** Signs in on the authorization server's page (in `where`): user, optional patient, Allow or Deny. */
async function consent(where: Page | Frame, options: { decision?: 'allow' | 'deny'; patientIndex?: number; uncheck?: string[] } = {}) {
  await where.locator('button[value="allow"]').waitFor({ timeout: 30_000 });
  if (options.patientIndex !== undefined) await where.locator('select[name="patient"]').selectOption({ index: options.patientIndex });
  for (const scope of options.uncheck ?? []) await where.locator(`input[name="scope"][value="${scope}"]`).uncheck();
  await where.locator(`button[value="${options.decision ?? 'allow'}"]`).click();
}

/** The app's status line once it settled: `data-state` and `data-code`. */
async function appStatus(where: Page | Frame): Promise<{ state: string | null; code: string | null; text: string }> {
  const status = where.locator('#smart-status[data-state]:not([data-state="starting"])');
  await status.waitFor({ timeout: 30_000 });
  return { state: await status.getAttribute('data-state'), code: await status.getAttribute('data-code'), text: (await status.textContent()) ?? '' };
}

/**
 * Every token this origin's sessionStorage holds (fhirclient's state), and whether any of them
 * appears in localStorage or in any IndexedDB record of the origin.
 */
async function tokenLeaks(where: Page | Frame): Promise<{ tokens: number; leaks: string[] }> {
  return where.evaluate(async () => {
    const tokens: string[] = [];
    for (let i = 0; i < sessionStorage.length; i++) {
      const raw = sessionStorage.getItem(sessionStorage.key(i)!) ?? '';
      try {
        const tr = (JSON.parse(raw) as { tokenResponse?: Record<string, unknown> }).tokenResponse ?? {};
        for (const k of ['access_token', 'refresh_token', 'id_token']) if (typeof tr[k] === 'string') tokens.push(tr[k] as string);
      } catch {
        // not JSON: not fhirclient's
      }
    }
    const leaks: string[] = [];
    const local = JSON.stringify({ ...localStorage });
    for (const t of tokens) if (local.includes(t)) leaks.push('localStorage');
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      for (const storeName of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const r = db.transaction(storeName).objectStore(storeName).getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        const text = JSON.stringify(all);
        for (const t of tokens) if (text.includes(t)) leaks.push(`IndexedDB ${storeName}`);
      }
      db.close();
    }
    return { tokens: tokens.length, leaks };
  });
}

/** The frame the simulated EHR embeds the app in. */
async function appFrame(page: Page): Promise<Frame> {
  const handle = await page.locator('iframe').elementHandle();
  const frame = await handle!.contentFrame();
  return frame!;
}

/** Waits until the provider inside `where` finished a sync; returns the per-source statuses. */
async function syncedSources(where: Page | Frame): Promise<Record<string, string>> {
  return where.evaluate(async () => {
    const provider = document.querySelector('ehr-record-provider') as unknown as { syncState: { status: string; report?: { sources: Record<string, { status: string }> } } };
    for (let i = 0; i < 300 && provider.syncState.status !== 'complete' && provider.syncState.status !== 'error'; i++) await new Promise((r) => setTimeout(r, 100));
    return Object.fromEntries(Object.entries(provider.syncState.report?.sources ?? {}).map(([k, v]) => [k, v.status]));
  });
}

/** EHR launch of the clinic's default patient in the simulated EHR: signed in, ready, first sync done. */
async function launchedFromEhr(page: Page): Promise<Frame> {
  await page.goto(demo.auth.ehrUrl({ base: 'clinic' }));
  const frame = await appFrame(page);
  await consent(frame);
  expect((await appStatus(frame)).state).toBe('ready');
  expect(await syncedSources(frame)).toEqual({ ehr: 'ok' });
  return frame;
}

describe('SMART EHR launch', () => {
  it('launches inside the EHR page, gets the patient, a minimal banner, the EHR style and fhirUser, and keeps tokens out of IndexedDB and localStorage', async () => {
    const { context, page } = await freshPage();
    await page.goto(demo.auth.ehrUrl({ base: 'clinic' }));
    const frame = await appFrame(page);
    await consent(frame);
    const status = await appStatus(frame);
    expect(status).toMatchObject({ state: 'ready' });
    expect(status.text).toContain('Practitioner/riverside-ana-lopez');
    expect(await syncedSources(frame)).toEqual({ ehr: 'ok' });
    // need_patient_banner=false: the banner is minimal, with the patient's name from the record.
    const banner = frame.locator('ehr-patient-banner');
    await banner.locator('section.base.minimal').waitFor();
    expect(await banner.locator('section.base').textContent()).toMatch(/\p{L}{2,}/u);
    // smart_style_url's values became tokens on the provider.
    const style = await frame.locator('ehr-record-provider').evaluate((el) => ({
      surface: getComputedStyle(el).getPropertyValue('--ehr-color-surface').trim(),
      font: getComputedStyle(el).getPropertyValue('--ehr-font-family').trim(),
    }));
    expect(style).toEqual({ surface: '#edeae3', font: 'Georgia, "Times New Roman", serif' });
    const leaks = await tokenLeaks(frame);
    expect(leaks.tokens).toBeGreaterThan(0);
    expect(leaks.leaks).toEqual([]);
    await context.close();
  });

  it('refreshes an access token that expired, during a sync, and the sync completes', async () => {
    const { context, page } = await freshPage();
    const frame = await launchedFromEhr(page);
    const before = await frame.evaluate(() => window.smartSession!.client.state.tokenResponse?.access_token);
    demo.auth.expireAccessTokens();
    const statuses = await frame.evaluate(async () => {
      let refreshed = 0;
      window.smartSession!.addEventListener('token-refreshed', () => refreshed++);
      const provider = document.querySelector('ehr-record-provider') as unknown as { syncNow(): Promise<{ sources: Record<string, { status: string }> }> };
      const report = await provider.syncNow();
      return { refreshed, sources: Object.fromEntries(Object.entries(report.sources).map(([k, v]) => [k, v.status])) };
    });
    expect(statuses).toEqual({ refreshed: 1, sources: { ehr: 'ok' } });
    const after = await frame.evaluate(() => window.smartSession!.client.state.tokenResponse?.access_token);
    expect(after).not.toBe(before);
    expect((await tokenLeaks(frame)).leaks).toEqual([]);
    await context.close();
  });

  it('when the refresh token is gone too, shows "sign in again" instead of a broken page', async () => {
    const { context, page } = await freshPage();
    const frame = await launchedFromEhr(page);
    demo.auth.expireAccessTokens();
    await demo.auth.revokeRefreshTokens();
    const report = await frame.evaluate(async () => {
      const provider = document.querySelector('ehr-record-provider') as unknown as { syncNow(): Promise<{ sources: Record<string, { status: string; error?: { code: string } }> }> };
      return (await provider.syncNow()).sources;
    });
    expect(report.ehr).toMatchObject({ status: 'error', error: { code: 'unauthorized' } });
    const status = await appStatus(frame);
    expect(status.state).toBe('sign-in-again');
    expect(status.text).toMatch(/sign in again/i);
    expect(await frame.locator('#smart-status a', { hasText: 'Sign in again' }).count()).toBe(1);
    // The record from the cache is still on the screen.
    expect(await frame.locator('ehr-patient-banner section.base').count()).toBe(1);
    await context.close();
  });
});

describe('SMART sign-out', () => {
  it('sign-out forgets the tokens and, as this host chooses, deletes the cached record', async () => {
    const { context, page } = await freshPage();
    await page.goto(`${demo.demoUrl}launch.html?standalone=patient&iss=${encodeURIComponent(demo.auth.fhirBase('clinic'))}`);
    await consent(page, { patientIndex: 0 });
    expect((await appStatus(page)).state).toBe('ready');
    expect(await syncedSources(page)).toEqual({ ehr: 'ok' });
    const before = await page.evaluate(async () => ({
      keys: Object.keys(sessionStorage).filter((k) => k.startsWith('ehr-elements.smart.')).length,
      databases: (await indexedDB.databases()).filter((d) => d.name?.startsWith('ehr-elements/')).length,
    }));
    expect(before.keys).toBeGreaterThan(0);
    expect(before.databases).toBe(1);
    await page.locator('#sign-out').click();
    await page.locator('#smart-status[data-state="signed-out"]').waitFor();
    const after = await page.evaluate(async () => ({
      keys: Object.keys(sessionStorage).filter((k) => k.startsWith('ehr-elements.smart.')).length,
      databases: (await indexedDB.databases()).filter((d) => d.name?.startsWith('ehr-elements/')).length,
    }));
    expect(after).toEqual({ keys: 0, databases: 0 });
    await context.close();
  });
});

describe('SMART from the demo page', () => {
  it('the demo links its simulated EHR, which launches the app in an iframe', async () => {
    const { context, page } = await freshPage();
    await page.goto(demo.demoUrl);
    await page.getByRole('link', { name: 'Open as a SMART app in a simulated EHR' }).click();
    await page.locator('header', { hasText: 'Simulated EHR' }).waitFor();
    const frame = await appFrame(page);
    await consent(frame);
    expect((await appStatus(frame)).state).toBe('ready');
    expect(await page.evaluate(() => location.href)).toBe(demo.ehrLaunchUrl.replace(/\?.*$/, '') + '?base=clinic');
    await context.close();
  });
});

describe('SMART standalone launch', () => {
  it('patient launch: the user picks the patient on the server, and the app opens that record with a full banner', async () => {
    const { context, page } = await freshPage();
    await page.goto(`${demo.demoUrl}launch.html?standalone=patient&iss=${encodeURIComponent(demo.auth.fhirBase('hospital'))}`);
    await consent(page, { patientIndex: 1 });
    expect((await appStatus(page)).state).toBe('ready');
    const ctx = await page.evaluate(() => window.smartSession!.context);
    expect(ctx.patient).toMatch(/^[A-Za-z0-9\-.]+$/);
    expect(ctx.needPatientBanner).toBe(true);
    expect(ctx.scopes).toContain('launch/patient');
    expect(ctx.scopes).toContain('patient/Observation.rs');
    expect(await syncedSources(page)).toEqual({ ehr: 'ok' });
    await page.locator('ehr-patient-banner section.base:not(.minimal)').waitFor();
    expect((await tokenLeaks(page)).leaks).toEqual([]);
    await context.close();
  });

  it('provider launch: signed in without a patient in context, with user scopes', async () => {
    const { context, page } = await freshPage();
    await page.goto(`${demo.demoUrl}launch.html?standalone=provider&iss=${encodeURIComponent(demo.auth.fhirBase('clinic'))}`);
    await consent(page);
    expect((await appStatus(page)).state).toBe('ready');
    const ctx = await page.evaluate(() => window.smartSession!.context);
    expect(ctx.patient).toBeUndefined();
    expect(ctx.scopes).toContain('user/AllergyIntolerance.rs');
    expect(ctx.scopes).not.toContain('launch/patient');
    await page.getByText('No patient in context').waitFor();
    // The token works: a FHIR read through the session's client.
    const total = await page.evaluate(async () => {
      const bundle = (await window.smartSession!.client.request('Patient?_summary=count')) as { total?: number };
      return bundle.total;
    });
    expect(total).toBeGreaterThan(0);
    expect((await tokenLeaks(page)).leaks).toEqual([]);
    await context.close();
  });

  it('types the user did not share say "Not shared with this app" (the consent dialog too), and sync asks only for what was shared', async () => {
    const { context, page } = await freshPage();
    await page.goto(`${demo.demoUrl}launch.html?standalone=patient&iss=${encodeURIComponent(demo.auth.fhirBase('clinic'))}`);
    await consent(page, { patientIndex: 0, uncheck: ['patient/AllergyIntolerance.rs', 'patient/Consent.crus'] });
    expect((await appStatus(page)).state).toBe('ready');
    expect(await syncedSources(page)).toEqual({ ehr: 'ok' });
    const panel = page.locator('ehr-allergy-panel [part="not-shared"]');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('Not shared with this app');
    // The banner's allergy status says the same, never "not recorded".
    expect(await page.locator('ehr-patient-banner [part="allergy-status"]').getAttribute('data-state')).toBe('not-shared');
    await page.locator('ehr-consent-dialog [part="not-shared"]').waitFor();
    // Medications were shared: they are not hidden.
    expect(await page.locator('ehr-medication-list [part="not-shared"]').count()).toBe(0);
    await context.close();
  });
});

describe('SMART refusals', () => {
  it('a denied authorization ends in a clear message, with nothing stored', async () => {
    const { context, page } = await freshPage();
    await page.goto(`${demo.demoUrl}launch.html?standalone=provider&iss=${encodeURIComponent(demo.auth.fhirBase('clinic'))}`);
    await consent(page, { decision: 'deny' });
    const status = await appStatus(page);
    expect(status).toMatchObject({ state: 'error', code: 'access-denied' });
    expect(status.text).toMatch(/not granted/);
    expect(await tokenLeaks(page)).toEqual({ tokens: 0, leaks: [] });
    await context.close();
  });

  it('a wrong state is refused with a clear message', async () => {
    const { context, page } = await freshPage();
    await page.goto(`${demo.demoUrl}launch.html?standalone=provider&iss=${encodeURIComponent(demo.auth.fhirBase('clinic'))}`);
    await page.locator('button[value="allow"]').waitFor();
    // A code arrives with a state this app never issued (a forged or replayed redirect).
    await page.goto(`${demo.demoUrl}smart.html?code=forged&state=not-a-state-we-made`);
    const status = await appStatus(page);
    expect(status).toMatchObject({ state: 'error', code: 'state-mismatch' });
    expect(status.text).toMatch(/state does not match/);
    await context.close();
  });

  it('a server that does not offer PKCE S256 is refused before the user is sent anywhere', async () => {
    const { context, page } = await freshPage();
    const asked: string[] = [];
    page.on('request', (r) => asked.push(r.url()));
    await page.goto(`${demo.demoUrl}launch.html?standalone=provider&iss=${encodeURIComponent(demo.auth.noPkceBase('clinic'))}`);
    const status = page.locator('#launch-status[data-state="error"]');
    await status.waitFor();
    expect(await status.getAttribute('data-code')).toBe('pkce-unsupported');
    expect(await status.textContent()).toMatch(/PKCE/);
    expect(asked.some((u) => u.startsWith(`${demo.auth.issuer}/auth`))).toBe(false);
    await context.close();
  });

  it('an iss the app is not set up for is refused', async () => {
    const { context, page } = await freshPage();
    await page.goto(`${demo.demoUrl}launch.html?iss=${encodeURIComponent('http://127.0.0.1:9/evil/fhir')}&launch=abc`);
    const status = page.locator('#launch-status[data-state="error"]');
    await status.waitFor();
    expect(await status.getAttribute('data-code')).toBe('configuration');
    await context.close();
  });
});

describe('two SMART clients on one page', () => {
  it('sign in to the clinic and to the hospital separately, and both sessions come back on one page without clashing', async () => {
    const { context, page } = await freshPage();
    for (const [instance, base] of [
      ['clinic', 'clinic'],
      ['hospital', 'hospital'],
    ] as const) {
      await page.goto(`${demo.demoUrl}launch.html?standalone=provider&instance=${instance}&iss=${encodeURIComponent(demo.auth.fhirBase(base))}`);
      await consent(page);
      expect((await appStatus(page)).state).toBe('ready');
      expect(await page.evaluate(() => window.smartSession!.instance)).toBe(instance);
    }
    await page.goto(`${demo.demoUrl}smart.html?instances=clinic,hospital`);
    expect((await appStatus(page)).state).toBe('ready');
    const sessions = await page.evaluate(async () =>
      Promise.all(
        window.smartSessions!.map(async (s) => ({
          instance: s.instance,
          server: new URL(s.context.serverUrl).pathname,
          token: s.client.state.tokenResponse?.access_token,
          patients: ((await s.client.request('Patient?_summary=count')) as { total?: number }).total,
        })),
      ),
    );
    expect(sessions.map((s) => [s.instance, s.server])).toEqual([
      ['clinic', '/clinic/fhir'],
      ['hospital', '/hospital/fhir'],
    ]);
    expect(sessions[0]!.token).not.toBe(sessions[1]!.token);
    for (const s of sessions) expect(s.patients).toBeGreaterThan(0);
    expect((await tokenLeaks(page)).leaks).toEqual([]);
    await context.close();
  });
});
