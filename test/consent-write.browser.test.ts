/**
 * The consent write path end to end: `<ehr-consent-dialog>` inside `<ehr-record-provider sync>`
 * in Chromium, a real store, and the local FHIR server (a base of this file's own holding Versie
 * Botsford and one consent). Recording uploads the consent and its Provenance; a revocation made
 * while the server's copy changed meets a 412 and is resolved with "Keep mine" or "Take
 * theirs"; a consent recorded while the network is down is uploaded after it comes back. The
 * network switch is a wrapper around the page's own `fetch` (named so: the server is real).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing-helpers';
import type { Consent, Patient, Provenance } from 'fhir/r4';
import { RecordStore } from '../src/record-store.js';
import '../src/elements/record-provider/define.js';
import '../src/elements/consent-dialog/define.js';
import type { EhrConsentDialog } from '../src/elements/consent-dialog/consent-dialog.js';
import type { EhrRecordProvider } from '../src/elements/record-provider/record-provider.js';
import { baseUrl, createServerBase, getJson, requestLog, uniqueName } from './support/browser-sync.js';
import { SAMPLE_CLINIC_ID, SSN } from './support/constants.js';
import basic from '../demo/data/patients/spec-examples/Consent-consent-example-notOrg.json';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  fixtureCleanup();
  for (const c of cleanup.splice(0)) await c();
});

const USER = { reference: 'Practitioner/dr-lopez', display: 'Dr Ana Lopez' };
const words = (n: Element | null | undefined) => (n?.textContent ?? '').replace(/\s+/g, ' ').trim();

let baseCount = 0;
async function world() {
  const patient = await getJson<Patient>(`${baseUrl('clinic')}/Patient/${SAMPLE_CLINIC_ID.versie}`);
  const id = `consent-e2e-${Date.now().toString(36)}-${++baseCount}`;
  const consent = { ...structuredClone(basic), patient: { reference: `Patient/${patient.id}` } } as Consent;
  const url = await createServerBase(id, [patient, consent], 'Riverside Clinic');
  let online = true;
  // The network switch: while "offline", requests fail as a dropped connection does.
  const net: typeof fetch = (input, init) => (online ? fetch(input, init) : Promise.reject(new TypeError('Failed to fetch')));
  const store = await RecordStore.open({ name: uniqueName('consent-write'), linkIdentifierSystems: [SSN], sync: { broadcast: false, http: { retry: { retries: 0 } } } });
  cleanup.push(() => store.signOut());
  await store.addSource({ id: 'clinic', baseUrl: url, label: 'Riverside Clinic', fetch: net });
  const key = `clinic/Patient/${patient.id}`;
  const provider = await fixture<EhrRecordProvider>(html`<ehr-record-provider sync lang="en" .store=${store} patient=${key} .user=${USER}>
    <ehr-consent-dialog .organizations=${[{ reference: 'Organization/st-elsewhere', display: 'St Elsewhere Hospital' }]}></ehr-consent-dialog>
  </ehr-record-provider>`);
  const el = provider.querySelector('ehr-consent-dialog') as EhrConsentDialog;
  await waitUntil(() => words(el.shadowRoot!.querySelector('[part~="summary"]')).startsWith('Consents: 1 in force of 1'), 'the consent never arrived', { timeout: 15_000 });
  await el.show();
  const dialog = el.shadowRoot!.querySelector('dialog')!;
  return {
    base: id,
    url,
    store,
    provider,
    el,
    dialog,
    consentId: consent.id!,
    setOnline: (v: boolean) => void (online = v),
    row: (consentId: string) => dialog.querySelector<HTMLElement>(`[part~="consent"][data-key="clinic/Consent/${consentId}"]`),
  };
}

async function record(dialog: HTMLDialogElement, start: string) {
  const form = dialog.querySelector<HTMLFormElement>('[part~="form"]')!;
  form.querySelector<HTMLSelectElement>('select[name="recipient"]')!.value = 'Organization/st-elsewhere';
  form.querySelector<HTMLInputElement>('input[name="start"]')!.value = start;
  form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
}

describe('consent writes against the local FHIR server', () => {
  it('records a consent: pending, then uploaded with its Provenance on the next sync', async () => {
    const w = await world();
    const saved: Consent[] = [];
    w.el.addEventListener('ehr-consent-saved', (e) => saved.push(e.detail.consent));
    await record(w.dialog, '2026-12-04');
    await waitUntil(() => saved.length === 1, 'not saved');
    const id = saved[0]!.id!;
    await waitUntil(() => words(w.row(id)?.querySelector('[part~="write-state"]')) === 'Waiting to upload', 'not pending');
    await w.provider.syncNow();
    await waitUntil(() => words(w.row(id)?.querySelector('[part~="write-state"]')) === 'Uploaded', 'never uploaded', { timeout: 15_000 });
    const onServer = await getJson<Consent>(`${w.url}/Consent/${id}`);
    expect(onServer.provision?.actor?.[0]?.reference).toEqual({ reference: 'Organization/st-elsewhere', display: 'St Elsewhere Hospital' });
    const prov = await getJson<{ entry?: { resource: Provenance }[] }>(`${w.url}/Provenance?target=Consent/${id}`);
    expect(prov.entry?.[0]?.resource.agent[0]?.who).toEqual(USER);
  });

  it('a revocation meets a changed server copy (412): Keep mine uploads it, the conflict is gone', async () => {
    const w = await world();
    // Someone else changes the consent on the server after we downloaded it.
    const current = await getJson<Consent>(`${w.url}/Consent/${w.consentId}`);
    await fetch(`${w.url}/Consent/${w.consentId}`, { method: 'PUT', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ ...current, dateTime: '2026-12-01' }) });
    w.row(w.consentId)!.querySelector<HTMLButtonElement>('button[data-to="inactive"]')!.click();
    await waitUntil(() => words(w.row(w.consentId)?.querySelector('[part~="write-state"]')) === 'Waiting to upload', 'revocation not pending');
    await w.provider.syncNow();
    // The server refused the stale write with 412 Precondition Failed.
    expect((await requestLog(w.base)).some((r) => r.method === 'PUT' && r.url.includes(`/Consent/${w.consentId}`) && r.status === 412)).toBe(true);
    await waitUntil(() => w.row(w.consentId)?.querySelector('[part~="conflict"]') !== null, 'no conflict shown', { timeout: 10_000 });
    expect(words(w.row(w.consentId)!.querySelector('[part~="write-state"]'))).toBe('Conflict');
    const keep = [...w.row(w.consentId)!.querySelectorAll<HTMLButtonElement>('[part~="conflict"] button')].find((b) => words(b) === 'Keep mine')!;
    keep.click();
    await waitUntil(() => w.row(w.consentId)?.querySelector('[part~="conflict"]') === null, 'conflict not resolved');
    await w.provider.syncNow();
    await waitUntil(async () => (await getJson<Consent>(`${w.url}/Consent/${w.consentId}`)).status === 'inactive', 'revocation never reached the server', { timeout: 15_000 });
  });

  it('Take theirs keeps the server’s copy and drops the revocation', async () => {
    const w = await world();
    const current = await getJson<Consent>(`${w.url}/Consent/${w.consentId}`);
    await fetch(`${w.url}/Consent/${w.consentId}`, { method: 'PUT', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ ...current, dateTime: '2026-12-02' }) });
    w.row(w.consentId)!.querySelector<HTMLButtonElement>('button[data-to="inactive"]')!.click();
    await waitUntil(() => words(w.row(w.consentId)?.querySelector('[part~="write-state"]')) === 'Waiting to upload', 'revocation not pending');
    await w.provider.syncNow();
    await waitUntil(() => w.row(w.consentId)?.querySelector('[part~="conflict"]') !== null, 'no conflict shown', { timeout: 10_000 });
    [...w.row(w.consentId)!.querySelectorAll<HTMLButtonElement>('[part~="conflict"] button')].find((b) => words(b) === 'Take theirs')!.click();
    await waitUntil(() => words(w.row(w.consentId)?.querySelector('[part~="status"]')) === 'In force', 'the server copy was not taken');
    expect((await getJson<Consent>(`${w.url}/Consent/${w.consentId}`)).status).toBe('active');
  });

  it('a consent recorded offline is uploaded once the network is back', async () => {
    const w = await world();
    w.setOnline(false);
    const saved: Consent[] = [];
    w.el.addEventListener('ehr-consent-saved', (e) => saved.push(e.detail.consent));
    await record(w.dialog, '2026-12-05');
    await waitUntil(() => saved.length === 1, 'not saved offline');
    await w.provider.syncNow();
    const id = saved[0]!.id!;
    expect(words(w.row(id)?.querySelector('[part~="write-state"]'))).toBe('Waiting to upload');
    w.setOnline(true);
    await w.provider.syncNow();
    await waitUntil(() => words(w.row(id)?.querySelector('[part~="write-state"]')) === 'Uploaded', 'not uploaded after reconnecting', { timeout: 15_000 });
    expect((await getJson<Consent>(`${w.url}/Consent/${id}`)).status).toBe('active');
  });
});
