/**
 * A FAKE record source for element tests that are about rendering one exact set of resources
 * (record text, bidi, grouping): it answers `search` and `live` with exactly these rows and
 * reports the given providers, ok ones as delivered. Tests about what the real store and sync
 * deliver use `RecordStore` (see `whole-way.browser.test.ts`, `hostile-corpus.browser.test.ts`).
 */
import type { Resource } from 'fhir/r4';
import type { RecordSource, StoredRow } from '../../src/elements/base/index.js';

/** A provider as the fake lists it. */
export interface FakeSource {
  id: string;
  label: string;
  status: string;
  lastSyncAt?: number;
  lastError?: string;
}

/** The clinic, synced now. */
export const fakeClinic = (label = 'Riverside Clinic'): FakeSource => ({ id: 'clinic', label, status: 'ok', lastSyncAt: Date.now() });

/** A fake store holding `resources` of `patient` at the clinic, with these providers. */
export function fakeRecordSource(resources: Resource[], sources: FakeSource[] = [fakeClinic()], patient = 'clinic/Patient/1'): RecordSource {
  const rows: StoredRow[] = resources.map((resource) => ({ source: 'clinic', patient, fetchedAt: Date.now(), resource }));
  return {
    search: async () => rows,
    live: (query) => ({
      subscribe: (o) => {
        const types = [query.type ?? []].flat();
        queueMicrotask(() => o.next?.(rows.filter((r) => !types.length || types.includes(r.resource.resourceType))));
        return { unsubscribe() {} };
      },
    }),
    getSources: async () => sources,
    // What the store answers after a completed download from each source whose status is ok.
    syncedSources: async () => sources.filter((s) => s.status === 'ok').map((s) => s.id),
  };
}
