import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import type { Observation, Resource } from 'fhir/r4';
import { LocalRecordStore } from '../src/store/index.js';
import { SCHEMA_VERSION, declareV1, type ResourceRow } from '../src/store/schema.js';
import { CLINIC_BASE, VERSIE_CLINIC, servedAll, uniqueName, versie } from './fixtures/store/helpers.js';

describe('schema versions', () => {
  it('upgrades a v1 database in place: data kept, new date and code indexes filled', async () => {
    const name = uniqueName('upgrade');
    // Write data the way version 1 of the kit did (no date, no codes on rows).
    const v1 = new Dexie(LocalRecordStore.databaseName(name));
    declareV1(v1);
    await v1.open();
    await v1.table('sources').put({ id: 'clinic', baseUrl: CLINIC_BASE, label: 'Riverside Clinic', addedAt: 1 });
    const rows: ResourceRow[] = servedAll(versie()).map((resource: Resource) => ({
      source: 'clinic',
      type: resource.resourceType,
      id: resource.id!,
      patient: resource.resourceType === 'Patient' ? VERSIE_CLINIC : ['Practitioner', 'Organization'].includes(resource.resourceType) ? '' : VERSIE_CLINIC,
      resource,
      versionId: '1',
      lastUpdated: '2024-03-01T10:00:00Z',
      fetchedAt: 1,
      deleted: 0,
    }));
    await v1.table('resources').bulkPut(rows);
    await v1.table('checkpoints').put({ source: 'clinic', key: 'all', value: '2024-03-01T10:00:05Z', savedAt: 1 });
    expect(v1.verno).toBe(1);
    v1.close();

    const store = await LocalRecordStore.open({ name, linkIdentifierSystems: [] });
    try {
      expect(await store.getCheckpoint('clinic', 'all')).toBe('2024-03-01T10:00:05Z');
      expect(await store.search({ patient: VERSIE_CLINIC })).toHaveLength(rows.length - 2);
      // *codes (new in v2) finds the hemoglobin result written by v1.
      const hb = await store.search<Observation>({ patient: VERSIE_CLINIC, type: 'Observation', code: 'http://loinc.org|718-7' });
      expect(hb.map((r) => r.resource.code.text)).toEqual(['Hemoglobin [Mass/volume] in Blood']);
      // [patient+type+date] (new in v2) answers a date range over v1 rows.
      const early2019 = await store.search({ patient: VERSIE_CLINIC, type: 'MedicationRequest', from: '2019-01-01', to: '2019-06-30' });
      expect(early2019).toHaveLength(2);
    } finally {
      store.close();
    }
    const check = new Dexie(LocalRecordStore.databaseName(name));
    await check.open(); // dynamic mode: opens whatever is there
    expect(check.verno).toBe(SCHEMA_VERSION);
    expect(check.table('resources').schema.indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['codes', '[patient+type+date]']));
    check.close();
  });

  it('opens a database that newer code already upgraded (Dexie 4 tolerates the downgrade)', async () => {
    // E.g. another tab runs a newer deploy that added a table; this tab's older code must still work.
    const name = uniqueName('newer');
    const future = new Dexie(LocalRecordStore.databaseName(name));
    declareV1(future);
    future.version(9).stores({ notes: '++id' });
    await future.open();
    future.close();
    const store = await LocalRecordStore.open({ name });
    try {
      await store.addSource({ id: 'clinic', baseUrl: CLINIC_BASE });
      await store.applyPage('clinic', { upserts: servedAll(versie()) });
      expect(await store.search({ patient: VERSIE_CLINIC, type: 'Observation', code: 'http://loinc.org|718-7' })).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});
