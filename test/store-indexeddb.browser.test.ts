/**
 * The record store on Chromium's real IndexedDB (the Node tests use fake-indexeddb), synced from
 * the local FHIR server over real cross-origin fetches.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RecordStore } from '../src/record-store.js';
import { LocalRecordStore } from '../src/store/index.js';
import { baseUrl, openOptions, patientIdBySsn, serverRecord, storeRecord, uniqueName } from './support/browser-sync.js';
import { SAMPLE_SSN } from './support/constants.js';

const VERSIE_SSN = SAMPLE_SSN.versie;

const opened: RecordStore[] = [];
const names: string[] = [];

async function open(name: string, extra = {}): Promise<RecordStore> {
  const store = await RecordStore.open(openOptions(name, extra));
  opened.push(store);
  if (!names.includes(name)) names.push(name);
  return store;
}

afterEach(async () => {
  for (const s of opened.splice(0)) s.close();
  for (const n of names.splice(0)) await LocalRecordStore.deleteDatabase(n);
});

describe('record store on real IndexedDB', () => {
  it('syncs a sample patient from both sources and shows the union, equal to what the servers hold', async () => {
    const clinicId = await patientIdBySsn('clinic', VERSIE_SSN);
    const hospitalId = await patientIdBySsn('hospital', VERSIE_SSN);
    const store = await open(uniqueName('idb-sync'));
    await store.addSource({ id: 'clinic', baseUrl: baseUrl('clinic'), label: 'Riverside Clinic' });
    await store.addSource({ id: 'hospital', baseUrl: baseUrl('hospital'), label: 'County Hospital' });

    const key = `clinic/Patient/${clinicId}`;
    const report = await store.syncPatient(key);
    expect(report.errors).toEqual([]);
    expect(report.sources.clinic!.status).toBe('ok');
    expect(report.sources.hospital!.status).toBe('ok');
    expect(report.sources.hospital!.patients).toEqual([`hospital/Patient/${hospitalId}`]);

    const rows = await store.search({ patient: key });
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['clinic', 'hospital']));
    // Row for row (id and version) what the two servers hold for her, nothing missing, nothing twice.
    const expected = [...(await serverRecord('clinic', clinicId)), ...(await serverRecord('hospital', hospitalId))].sort();
    const actual = await storeRecord(store, key);
    expect(actual).toEqual(expected);
    expect(new Set(actual.map((l) => l.split('@')[0])).size).toBe(actual.length);
    // The hospital patient's key sees the same linked record.
    expect(await storeRecord(store, `hospital/Patient/${hospitalId}`)).toEqual(expected);
  });

  it('keeps the record across close and reopen, and shows it when every source is unreachable', async () => {
    const clinicId = await patientIdBySsn('clinic', VERSIE_SSN);
    const name = uniqueName('idb-offline');
    const key = `clinic/Patient/${clinicId}`;
    const first = await open(name);
    await first.addSource({ id: 'clinic', baseUrl: baseUrl('clinic') });
    await first.addSource({ id: 'hospital', baseUrl: baseUrl('hospital') });
    await first.syncPatient(key);
    const before = await storeRecord(first, key);
    expect(before.length).toBeGreaterThan(10);
    first.close();

    // Reopen with both sources pointing at a port where nothing listens (Chromium also refuses
    // port 1 outright): every request fails as it does offline.
    const offlineBase = (b: string) => `http://127.0.0.1:1/${b}/fhir`;
    const second = await open(name, { sync: { http: { retry: { retries: 0 } } } });
    await second.addSource({ id: 'clinic', baseUrl: offlineBase('clinic') });
    await second.addSource({ id: 'hospital', baseUrl: offlineBase('hospital') });
    // Readable before any network attempt...
    expect(await storeRecord(second, key)).toEqual(before);
    // ...and after a sync that reaches nobody: reported per source, nothing lost.
    const report = await second.syncPatient(key);
    expect(report.sources.clinic!.status).toBe('error');
    expect(report.sources.clinic!.error?.code).toBe('network');
    expect(report.sources.hospital!.status).toBe('error');
    expect(await storeRecord(second, key)).toEqual(before);
    const sources = await second.getSources();
    expect(sources.find((s) => s.id === 'clinic')?.status).toBe('offline');
  });

  it('an insert-first page (expectNew) over stored rows commits: refused inserts do not abort it', async () => {
    // Chromium's own ConstraintError path: rows already stored are refused by `add`, then judged.
    const store = await LocalRecordStore.open({ name: uniqueName('idb-insert-first') });
    names.push(store.name);
    try {
      await store.addSource({ id: 'clinic', baseUrl: baseUrl('clinic') });
      const patient = { resourceType: 'Patient' as const, id: 'p1', meta: { versionId: '1', lastUpdated: '2024-03-01T10:00:00Z' } };
      const obs = (id: string, versionId: string, status: 'final' | 'amended') => ({
        resourceType: 'Observation' as const,
        id,
        status,
        code: { text: 'Heart rate' },
        subject: { reference: 'Patient/p1' },
        effectiveDateTime: '2024-03-01T09:00:00Z',
        meta: { versionId, lastUpdated: `2024-03-0${versionId}T10:00:00Z` },
      });
      await store.applyPage('clinic', { upserts: [patient, obs('o1', '1', 'final'), obs('o2', '1', 'final')], expectNew: true });
      const result = await store.applyPage('clinic', {
        upserts: [patient, obs('o1', '2', 'amended'), obs('o2', '1', 'final'), obs('o3', '1', 'final')],
        checkpoint: { key: 'everything', value: '2024-03-02T10:00:01Z' },
        expectNew: true,
      });
      expect(result).toEqual({ written: 2, skipped: 2, deleted: 0, held: 0, invalid: 0, refused: 0 });
      const rows = await store.search({ patient: 'clinic/Patient/p1', type: 'Observation' });
      expect(rows.map((r) => `${r.resource.id}@${r.versionId}`).sort()).toEqual(['o1@2', 'o2@1', 'o3@1']);
      expect(await store.getCheckpoint('clinic', 'everything')).toBe('2024-03-02T10:00:01Z');
    } finally {
      store.close();
    }
  });
});
