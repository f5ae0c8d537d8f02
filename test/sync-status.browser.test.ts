/**
 * `<ehr-sync-status>` inside `<ehr-record-provider sync>`, syncing a real store with the local
 * FHIR server: a source that delivers, a base the server does not have (HTTP 404), progress
 * while it runs, offline, Sync now, polite announcements, German, axe.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing-helpers';
import { RecordStore } from '../src/record-store.js';
import { de, registerTranslation } from '../src/elements/base/index.js';
import '../src/elements/record-provider/define.js';
import '../src/elements/sync-status/define.js';
import '../src/elements/allergy-panel/define.js';
import type { EhrSyncStatus } from '../src/elements/sync-status/sync-status.js';
import type { EhrRecordProvider } from '../src/elements/record-provider/record-provider.js';
import { expectNoAxeViolations } from './support/elements.js';
import { baseUrl, server, uniqueName } from './support/browser-sync.js';
import { SAMPLE_CLINIC_ID, SSN } from './support/constants.js';

registerTranslation(de);
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  fixtureCleanup();
  for (const c of cleanup.splice(0)) await c();
});

const VERSIE = `clinic/Patient/${SAMPLE_CLINIC_ID.versie}`;
const words = (n: Element | null | undefined) => (n?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function openStore(): Promise<RecordStore> {
  const store = await RecordStore.open({ name: uniqueName('sync-status'), linkIdentifierSystems: [SSN], sync: { broadcast: false, http: { retry: { retries: 0 } } } });
  cleanup.push(() => store.signOut());
  await store.addSource({ id: 'clinic', baseUrl: baseUrl('clinic'), label: 'Riverside Clinic' });
  // A base this server does not have: it answers 404.
  await store.addSource({ id: 'lab', baseUrl: `${server}/no-such-lab/fhir`, label: 'City Lab' });
  return store;
}

async function render(store: RecordStore, lang = 'en') {
  const provider = await fixture<EhrRecordProvider>(html`<ehr-record-provider sync lang=${lang} .store=${store} patient=${VERSIE}>
    <ehr-sync-status></ehr-sync-status>
  </ehr-record-provider>`);
  const el = provider.querySelector('ehr-sync-status') as EhrSyncStatus;
  return { provider, el };
}

const line = (el: EhrSyncStatus, source: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="source"][data-source="${source}"]`);

describe('<ehr-sync-status>', () => {
  it('shows progress while syncing, then per source: synced (relative and absolute time) and failed with the reason in words', async () => {
    const store = await openStore();
    const { el } = await render(store);
    // While the first sync runs, the sources say so (a count once the engine reported one).
    await waitUntil(() => line(el, 'clinic')?.dataset.state === 'syncing', 'never showed syncing', { timeout: 10_000 });
    expect(words(line(el, 'clinic'))).toMatch(/Syncing…/);
    // The reason comes with the provider's report at the end of the sync.
    await waitUntil(() => line(el, 'clinic')?.dataset.state === 'synced' && words(line(el, 'lab')).includes('HTTP 404'), 'sync did not finish', { timeout: 20_000 });
    expect(words(line(el, 'clinic'))).toMatch(/^Riverside Clinic ✓ Synced (now|\d+ seconds? ago) \(\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}\)$/);
    expect(words(line(el, 'lab'))).toContain('City Lab ✕ Sync failed: server error (HTTP 404)');
    // The change was announced once, politely.
    const live = el.shadowRoot!.querySelector('[role="status"][aria-live="polite"]')!;
    await waitUntil(() => words(live).includes('HTTP 404'), 'the failure was not announced', { timeout: 5_000 });
    await expectNoAxeViolations(el);
  });

  it('"Sync now" asks the provider to sync again, and is unavailable while it runs', async () => {
    const store = await openStore();
    const { el } = await render(store);
    await waitUntil(() => el.syncState?.status === 'complete', 'first sync', { timeout: 20_000 });
    const requests: unknown[] = [];
    el.addEventListener('ehr-sync-request', (e) => requests.push((e as CustomEvent).detail));
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="sync-button"]')!;
    expect(button.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
    button.click();
    expect(requests).toEqual([{ patient: VERSIE }]);
    await waitUntil(() => button.getAttribute('aria-disabled') === 'true', 'button not marked busy', { timeout: 10_000 });
    await waitUntil(() => button.getAttribute('aria-disabled') === 'false', 'second sync did not finish', { timeout: 20_000 });
  });

  it('says "Offline" when the browser is, keeping the last good sync', async () => {
    const store = await openStore();
    const { el } = await render(store);
    await waitUntil(() => line(el, 'clinic')?.dataset.state === 'synced' && words(line(el, 'lab')).includes('HTTP 404'), 'first sync', { timeout: 20_000 });
    const onLine = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine')!;
    Object.defineProperty(Navigator.prototype, 'onLine', { configurable: true, get: () => false });
    try {
      window.dispatchEvent(new Event('offline'));
      await waitUntil(() => line(el, 'clinic')?.dataset.state === 'offline', 'not offline', { timeout: 5_000 });
      expect(words(line(el, 'clinic'))).toMatch(/Offline: showing what is saved on this device · last synced/);
      // A failure is still said as one.
      expect(line(el, 'lab')?.dataset.state).toBe('failed');
    } finally {
      Object.defineProperty(Navigator.prototype, 'onLine', onLine);
      window.dispatchEvent(new Event('online'));
    }
  });

  it('speaks German', async () => {
    const store = await openStore();
    const { el } = await render(store, 'de');
    await waitUntil(() => words(line(el, 'lab')).includes('HTTP 404'), 'sync did not finish', { timeout: 20_000 });
    expect(words(el.shadowRoot!.querySelector('[part~="heading"]'))).toBe('Synchronisierungsstatus');
    expect(words(line(el, 'lab'))).toContain('Synchronisierung fehlgeschlagen: Serverfehler (HTTP 404)');
  });

  it("links the other elements' partial notice to it with sync-status-href (a #fragment only)", async () => {
    const store = await openStore();
    const provider = await fixture<EhrRecordProvider>(html`<ehr-record-provider sync lang="en" .store=${store} patient=${VERSIE}>
      <ehr-sync-status id="sync-status"></ehr-sync-status>
      <ehr-allergy-panel sync-status-href="#sync-status"></ehr-allergy-panel>
      <ehr-allergy-panel class="hostile" sync-status-href="https://elsewhere.example/steal"></ehr-allergy-panel>
    </ehr-record-provider>`);
    const [good, hostile] = [...provider.querySelectorAll('ehr-allergy-panel')];
    const link = (el: Element) => el.shadowRoot!.querySelector<HTMLAnchorElement>('[part~="notice"] [part~="status-link"]');
    await waitUntil(() => link(good!) !== null, 'no link in the partial notice', { timeout: 20_000 });
    expect(link(good!)!.getAttribute('href')).toBe('#sync-status');
    expect(words(link(good!))).toBe('See sync status');
    expect(link(good!)!.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
    // The same notice without a link when the href leaves the page.
    await waitUntil(() => hostile!.shadowRoot!.querySelector('[part~="notice"]') !== null, 'no notice', { timeout: 5_000 });
    expect(link(hostile!)).toBeNull();
  });
});
