import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AllergyIntolerance } from 'fhir/r4';
import { LocalRecordStore, type StoredRow } from '../src/store/index.js';
import { SSN, VERSIE_CLINIC, hospitalVersie, openWithSources, record, served, servedAll, versie } from './fixtures/store/helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
async function arrange() {
  const store = await openWithSources();
  cleanups.push(() => store.close());
  await store.applyPage('clinic', { upserts: servedAll(versie()) });
  return store;
}
type Rows = StoredRow<AllergyIntolerance>[];
const ids = (rows: Rows) => rows.map((r) => `${r.source}:${r.resource.id}`);

describe('live queries', () => {
  it('emits the cached rows first, then again after a local save', async () => {
    const store = await arrange();
    const live = record(store.live<AllergyIntolerance>({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance' }));
    cleanups.push(() => live.sub.unsubscribe());
    const first = await live.until((rows) => rows.length === 4);
    expect(first.every((r) => r.source === 'clinic' && !r.local)).toBe(true);

    const target = first[0]!.resource;
    await store.save({ ...target, criticality: 'high' }, { source: 'clinic' });
    const after = await live.until((rows) => rows.some((r) => r.local === 'pending'));
    expect(after.find((r) => r.resource.id === target.id)!.resource.criticality).toBe('high');
    expect(live.errors).toEqual([]);
  });

  it('emits when sync lands a page, including rows from a newly linked source', async () => {
    const store = await arrange();
    const live = record(store.live<AllergyIntolerance>({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance' }));
    cleanups.push(() => live.sub.unsubscribe());
    await live.until((rows) => rows.length === 4);

    // The hospital's download arrives: its patient (same SSN) and an allergy.
    const { patient, allergy } = hospitalVersie();
    await store.applyPage('hospital', { upserts: servedAll([patient, allergy], 'h1') });
    const rows = await live.until((r) => r.length === 5);
    expect(ids(rows)).toContain(`hospital:${allergy.id}`);

    // A server-side delete disappears from the view.
    await store.applyPage('hospital', { upserts: [], deletes: [{ type: 'AllergyIntolerance', id: allergy.id!, versionId: 'h2', at: '2024-03-05T00:00:00Z' }] });
    expect(ids(await live.until((r) => r.length === 4))).not.toContain(`hospital:${allergy.id}`);
  });

  it('stops emitting after unsubscribe', async () => {
    const store = await arrange();
    const stopped = record(store.live<AllergyIntolerance>({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance' }));
    const control = record(store.live<AllergyIntolerance>({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance' }));
    cleanups.push(() => control.sub.unsubscribe());
    await stopped.until((rows) => rows.length === 4);
    await control.until((rows) => rows.length === 4);
    stopped.sub.unsubscribe();
    expect(stopped.sub.closed).toBe(true);
    const seen = stopped.values.length;

    const allergy = versie().find((r): r is AllergyIntolerance => r.resourceType === 'AllergyIntolerance')!;
    await store.applyPage('clinic', { upserts: [served({ ...allergy, criticality: 'high' }, '2', '2024-03-02T00:00:00Z')] });
    // The control subscription sees the change; the stopped one got nothing more.
    await control.until((rows) => rows.some((r) => r.versionId === '2'));
    expect(stopped.values.length).toBe(seen);
  });

  it('sees writes made through another connection to the same database (as another tab would)', async () => {
    const store = await arrange();
    const other = await LocalRecordStore.open({ name: store.name, linkIdentifierSystems: [SSN] });
    cleanups.push(() => other.close());
    const live = record(store.live<AllergyIntolerance>({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance' }));
    cleanups.push(() => live.sub.unsubscribe());
    await live.until((rows) => rows.length === 4);
    const { patient, allergy } = hospitalVersie();
    await other.applyPage('hospital', { upserts: servedAll([patient, allergy], 'h1') });
    expect(ids(await live.until((r) => r.length === 5))).toContain(`hospital:${allergy.id}`);
  });

  it('does not re-emit an unchanged result when only a source status changes', async () => {
    const store = await arrange();
    const live = record(store.live<AllergyIntolerance>({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance' }));
    cleanups.push(() => live.sub.unsubscribe());
    const [first] = await live.until((rows) => rows.length === 4);
    await store.setSourceStatus('clinic', { status: 'syncing' });
    await store.setSourceStatus('clinic', { status: 'ok', lastSyncAt: '2024-03-02T00:00:00Z' });
    await store.save({ ...first!.resource, criticality: 'high' }, { source: 'clinic' });
    await store.save({ ...first!.resource, criticality: 'low' }, { source: 'clinic' });
    await live.until((rows) => rows.some((r) => r.resource.criticality === 'low' && r.local === 'pending'));
    // Initial result, then at most one per save; nothing for the status updates.
    expect(live.values.length).toBeLessThanOrEqual(3);
  });

  it('reports a bad query through the error callback', async () => {
    const store = await arrange();
    const live = record(store.live({ patient: 'not-a-key' }));
    cleanups.push(() => live.sub.unsubscribe());
    expect(await live.failed()).toMatchObject({ name: 'StoreError', code: 'invalid-argument' });
  });
});
