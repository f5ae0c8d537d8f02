/**
 * Sync across tabs, and interrupted syncs, in real Chromium.
 *
 * The "other tab" is a real second top-level window of the test page's origin with its own copy
 * of the record store (see `openSecondTab` in support/browser-sync.ts for why and how). Requests
 * each tab makes carry a tag header, so the FHIR server's request log (admin endpoint) can be
 * split per tab even while other test files use the same server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RecordStore } from '../src/record-store.js';
import { LocalRecordStore } from '../src/store/index.js';
import { checkpointKey } from '../src/sync/checkpoint.js';
import type { SyncProgress } from '../src/sync/progress.js';
import type { AllergyIntolerance, Patient } from 'fhir/r4';
import {
  baseUrl,
  createServerBase,
  getJson,
  openOptions,
  openSecondTab,
  patientIdBySsn,
  requestLog,
  resetFaults,
  serverRecord,
  setFaults,
  storeRecord,
  taggedFetch,
  uniqueName,
  until,
  type LoggedRequest,
  type SecondTab,
} from './support/browser-sync.js';
import { SAMPLE_SSN } from './support/constants.js';

const SSN = SAMPLE_SSN;

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function track<T extends { close(): void }>(store: T): T {
  cleanup.push(() => store.close());
  return store;
}

function dbName(prefix: string): string {
  const name = uniqueName(prefix);
  cleanup.unshift(() => LocalRecordStore.deleteDatabase(name)); // runs last
  return name;
}

async function secondTab(): Promise<SecondTab> {
  const tab = await openSecondTab();
  cleanup.push(() => tab.close());
  return tab;
}

async function addSources(store: Pick<RecordStore, 'addSource'>, fetchFor?: (base: string) => typeof fetch): Promise<void> {
  for (const id of ['clinic', 'hospital']) {
    await store.addSource({ id, baseUrl: baseUrl(id), ...(fetchFor ? { fetch: fetchFor(id) } : {}) });
  }
}

async function expectedRecord(ssn: string): Promise<{ clinicId: string; key: string; lines: string[] }> {
  const clinicId = await patientIdBySsn('clinic', ssn);
  const hospitalId = await patientIdBySsn('hospital', ssn);
  const lines = [...(await serverRecord('clinic', clinicId)), ...(await serverRecord('hospital', hospitalId))].sort();
  return { clinicId, key: `clinic/Patient/${clinicId}`, lines };
}

/** First page of a full (non-incremental) `$everything` listing. */
const isFullListing = (r: LoggedRequest) => r.method === 'GET' && r.url.includes('/$everything') && !r.url.includes('_since') && !r.url.includes('_offset');
const isIncrementalListing = (r: LoggedRequest) => r.method === 'GET' && r.url.includes('/$everything') && r.url.includes('_since') && !r.url.includes('_offset');

describe('sync seen from another tab', () => {
  it('live() in another tab emits the rows this tab downloads', async () => {
    const { key, lines } = await expectedRecord(SSN.dustin);
    const name = dbName('tabs-live');
    const tab = await secondTab();

    const theirs = track(await tab.RecordStore.open(openOptions(name)));
    const seen: string[][] = [];
    const sub = theirs.live({ patient: key }).subscribe((rows) => seen.push(rows.map((r) => `${r.source}/${r.resource.resourceType}/${r.resource.id}@${r.versionId}`).sort()));
    cleanup.push(() => sub.unsubscribe());
    await until(() => seen.length > 0, 5_000, 'the first live emission');
    expect(seen[0]).toEqual([]);

    const mine = track(await RecordStore.open(openOptions(name)));
    await addSources(mine);
    const report = await mine.syncPatient(key);
    expect(report.errors).toEqual([]);

    // The other tab never synced and never wrote: its rows can only have come through IndexedDB
    // plus Dexie's cross-tab change notification.
    await until(() => seen.at(-1)?.length === lines.length, 10_000, 'the other tab to see every row');
    expect(seen.at(-1)).toEqual(lines);
  });

  it('two tabs syncing at once: one downloads, the other waits for the lock, then only checks for changes', async () => {
    // What src/sync/locks.ts does: `navigator.locks.request` with no `ifAvailable`, so the second
    // caller WAITS for the source's lock and then runs its own sync of that source; by then the
    // first tab's checkpoint is stored, so that sync is incremental (`_since`) and downloads
    // nothing. Meanwhile it sees the data through its live query and the progress through the
    // BroadcastChannel.
    const { clinicId, key, lines } = await expectedRecord(SSN.versie);
    const name = dbName('tabs-lock');
    const tab = await secondTab();
    const tags = { a: uniqueName('tab-a'), b: uniqueName('tab-b') };

    const a = track(await RecordStore.open(openOptions(name)));
    const b = track(await tab.RecordStore.open(openOptions(name)));
    await addSources(a, () => taggedFetch(tags.a));
    await addSources(b, () => taggedFetch(tags.b, tab.window));

    const remote: Record<'a' | 'b', SyncProgress[]> = { a: [], b: [] };
    a.addEventListener('remote-progress', (e) => remote.a.push(e.detail));
    b.addEventListener('remote-progress', (e) => remote.b.push(e.detail));
    // One timeline for both tabs (array order is real order; the tabs' clocks differ).
    const timeline: string[] = [];
    for (const [who, store] of [['a', a], ['b', b]] as const) {
      const sub = store.live({ patient: key }).subscribe((rows) => timeline.push(`${who}:rows:${rows.length}`));
      cleanup.push(() => sub.unsubscribe());
    }
    await until(() => timeline.filter((t) => t.endsWith(':rows:0')).length === 2, 5_000, 'both live queries');

    const [ra, rb] = await Promise.all([
      a.syncPatient(key).then((r) => (timeline.push('a:resolved'), r)),
      b.syncPatient(key).then((r) => (timeline.push('b:resolved'), r)),
    ]);
    expect(ra.errors).toEqual([]);
    expect(rb.errors).toEqual([]);
    // The lock is per source: for each server one tab downloads the record and the other, having
    // waited, only checks for changes. Which tab wins which server is a race (each source and
    // each link round takes the lock for its own pass), so the roles are read per server.
    const reports = { a: ra, b: rb };
    const roles = (base: 'clinic' | 'hospital') => (ra.sources[base]!.downloaded > 0 ? (['a', 'b'] as const) : (['b', 'a'] as const));
    const [first, waiter] = roles('clinic');
    for (const base of ['clinic', 'hospital'] as const) {
      const [loader, checker] = roles(base);
      expect(reports[loader].sources[base]!.downloaded, `${base}: downloaded by the tab that got the lock`).toBeGreaterThan(0);
      expect(reports[checker].sources[base]!.downloaded, `${base}: nothing again by the other`).toBe(0);
      expect(reports[checker].sources[base]!.status).toBe('ok');

      const log = await requestLog(base, (t) => t === tags.a || t === tags.b);
      const who = (r: LoggedRequest) => (r.headers['x-test-tag'] === tags.a ? 'a' : 'b');
      // ONE full download of the record per server, by the tab that got its lock first...
      const full = log.filter(isFullListing);
      expect(full.map(who), `${base}: full listings`).toEqual([loader]);
      // ...and one incremental check by the other.
      expect(log.filter(isIncrementalListing).map(who), `${base}: incremental listings`).toEqual([checker]);
      // The check comes after the download. (The tabs' requests may interleave otherwise.)
      expect(log.findIndex(isIncrementalListing), `${base}: incremental after the full listing`).toBeGreaterThan(log.findIndex(isFullListing));
    }
    expect((await requestLog('clinic', tags[first])).some((r) => r.url.includes(clinicId))).toBe(true);

    // Both tabs show the whole record...
    expect(await storeRecord(a, key)).toEqual(lines);
    expect(await storeRecord(b, key)).toEqual(lines);
    // ...and the waiting tab had rows on screen (from the other tab's writes) before its own sync
    // returned, having downloaded none itself.
    const resolvedAt = timeline.indexOf(`${waiter}:resolved`);
    const firstRows = timeline.findIndex((t) => t.startsWith(`${waiter}:rows:`) && !t.endsWith(':rows:0'));
    expect(firstRows).toBeGreaterThanOrEqual(0);
    expect(firstRows).toBeLessThan(resolvedAt);
    await until(() => timeline.includes(`${waiter}:rows:${lines.length}`), 5_000, 'the waiting tab to show every row');

    // Progress of the downloading tab reached the waiting one over the BroadcastChannel.
    const heard = remote[waiter].filter((p) => p.patient === key);
    expect(heard.some((p) => p.source === 'clinic' && p.phase === 'download' && p.done > 0)).toBe(true);
    expect(heard.some((p) => p.source === 'clinic' && p.phase === 'done' && p.done > 0 && !p.estimated)).toBe(true);
    expect(heard.every((p) => p.done <= p.total)).toBe(true);
  });
});

describe('two tabs uploading the same outbox', () => {
  it('each write reaches the server once: no duplicate, no self-inflicted conflict, both tabs see an empty outbox', async () => {
    // A server base of this test's own, so its writes touch no data other test files read.
    const serverBase = uniqueName('tabs-upload').replace(/[^A-Za-z0-9_-]/g, '-');
    const patient: Patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Upload', given: ['Tabs'] }] };
    const peanut: AllergyIntolerance = {
      resourceType: 'AllergyIntolerance',
      id: 'a1',
      patient: { reference: 'Patient/p1' },
      code: { text: 'Peanut' },
      criticality: 'low',
    };
    const url = await createServerBase(serverBase, [patient, peanut]);
    const key = 'clinic/Patient/p1';
    const name = dbName('tabs-upload');
    const tab = await secondTab();
    const tags = { a: uniqueName('up-a'), b: uniqueName('up-b') };
    const a = track(await RecordStore.open(openOptions(name)));
    const b = track(await tab.RecordStore.open(openOptions(name)));
    // A third connection to the partition, for the outbox (only the sync engine reads it).
    const outbox = track(await LocalRecordStore.open(openOptions(name)));
    await a.addSource({ id: 'clinic', baseUrl: url, fetch: taggedFetch(tags.a) });
    await b.addSource({ id: 'clinic', baseUrl: url, fetch: taggedFetch(tags.b, tab.window) });
    expect((await a.syncPatient(key)).errors).toEqual([]);

    const row = await a.get<AllergyIntolerance>('clinic', 'AllergyIntolerance', 'a1');
    await a.save({ ...row!.resource, criticality: 'high' }, { source: 'clinic' });
    const created = await a.save<AllergyIntolerance>({ resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/p1' }, code: { text: 'Latex' } }, { source: 'clinic' });
    const newId = created.resource.id!;
    expect((await outbox.pendingWrites()).map((w) => w.id).sort()).toEqual(['a1', newId].sort());

    const [ra, rb] = await Promise.all([a.sync(), b.sync()]);
    expect(ra.errors).toEqual([]);
    expect(rb.errors).toEqual([]);
    expect(ra.uploaded + rb.uploaded).toBe(2);
    expect(ra.conflicts + rb.conflicts).toBe(0);

    const writes = (await requestLog(serverBase, (t) => t === tags.a || t === tags.b)).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.url} ${r.status}`).sort()).toEqual(
      [`PUT /${serverBase}/fhir/AllergyIntolerance/a1 200`, `PUT /${serverBase}/fhir/AllergyIntolerance/${newId} 201`].sort(),
    );
    const onServer = await getJson<AllergyIntolerance>(`${url}/AllergyIntolerance/a1`);
    expect(onServer.criticality).toBe('high');
    expect((await getJson<AllergyIntolerance>(`${url}/AllergyIntolerance/${newId}`)).code?.text).toBe('Latex');
    expect(await outbox.pendingWrites()).toEqual([]);
    for (const store of [a, b]) expect(await store.listConflicts()).toEqual([]);
    expect(await b.get('clinic', 'AllergyIntolerance', 'a1')).toMatchObject({ versionId: onServer.meta!.versionId, resource: { criticality: 'high' } });
  });
});

describe('interrupted syncs resume without loss or duplicates', () => {
  afterEach(async () => {
    await resetFaults('clinic');
  });

  it('abort half-way (AbortSignal), then sync again: same rows as a clean sync', async () => {
    const { clinicId, key, lines } = await expectedRecord(SSN.parker);
    // Small pages for this patient's requests only, so the abort lands mid-listing.
    await setFaults('clinic', { pageSize: 5, match: clinicId });

    const name = dbName('abort');
    const store = track(await RecordStore.open(openOptions(name)));
    const local = track(await LocalRecordStore.open(openOptions(name)));
    await addSources(store);
    const controller = new AbortController();
    const aborted = store.syncPatient(key, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.source === 'clinic' && p.phase === 'download' && p.done >= 60) controller.abort();
      },
    });
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });

    const partial = await storeRecord(store, key);
    expect(partial.length).toBeGreaterThanOrEqual(60);
    expect(partial.length).toBeLessThan(lines.filter((l) => l.startsWith('clinic/')).length);
    // The checkpoint moves only with the listing's last page: none yet.
    expect(await local.getCheckpoint('clinic', checkpointKey(clinicId, 'everything'))).toBeUndefined();
    expect((await store.getSources()).find((s) => s.id === 'clinic')?.status).toBe('idle');

    const resumed = await store.syncPatient(key);
    expect(resumed.errors).toEqual([]);
    // Only what was missing was written again (the rest was skipped by versionId).
    expect(resumed.sources.clinic!.downloaded).toBeLessThanOrEqual(lines.length - partial.length + 20 /* referenced */);
    const after = await storeRecord(store, key);
    expect(after).toEqual(lines);
    expect(new Set(after.map((l) => l.split('@')[0])).size).toBe(after.length);
    expect(await local.getCheckpoint('clinic', checkpointKey(clinicId, 'everything'))).toBeTruthy();

    // A clean sync into an empty store ends with exactly the same rows.
    const clean = track(await RecordStore.open(openOptions(dbName('abort-clean'))));
    await addSources(clean);
    await clean.syncPatient(key);
    expect(await storeRecord(clean, key)).toEqual(after);
  });

  it('a tab closed mid-sync (the page-reload case): another tab takes the lock and completes the record', async () => {
    const { clinicId, key, lines } = await expectedRecord(SSN.neva);
    await setFaults('clinic', { pageSize: 5, latencyMs: 15, match: clinicId });
    const name = dbName('closed-tab');
    const tag = uniqueName('doomed');

    const mine = track(await RecordStore.open(openOptions(name)));
    await addSources(mine);
    const heard: SyncProgress[] = [];
    mine.addEventListener('remote-progress', (e) => heard.push(e.detail));

    const tab = await secondTab();
    const doomed = await tab.RecordStore.open(openOptions(name));
    await addSources(doomed, () => taggedFetch(tag, tab.window));
    void doomed.syncPatient(key).catch(() => undefined); // never settles: its tab goes away
    await until(() => heard.some((p) => p.source === 'clinic' && p.phase === 'download' && p.done >= 50), 15_000, 'the other tab to be mid-download');
    tab.close();
    await until(() => tab.window.closed, 5_000, 'the tab to close');

    const partial = await storeRecord(mine, key);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(lines.length);

    // The closed tab's Web Lock is released with it; otherwise this would wait forever.
    const report = await mine.syncPatient(key);
    expect(report.errors).toEqual([]);
    const after = await storeRecord(mine, key);
    expect(after).toEqual(lines);
    expect(new Set(after.map((l) => l.split('@')[0])).size).toBe(after.length);
    // The closed tab never got to the end of the listing.
    const theirs = await requestLog('clinic', tag);
    expect(theirs.filter(isFullListing)).toHaveLength(1);
    expect(theirs.length).toBeLessThan(Math.ceil(lines.length / 5));
  });
});
