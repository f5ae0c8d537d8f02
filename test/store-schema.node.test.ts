import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import type { Observation, Resource } from 'fhir/r4';
import { clinicalDate, codesOf } from '../src/store/derive.js';
import { LocalRecordStore } from '../src/store/index.js';
import { SCHEMA_VERSION, declareV1, declareV2, type OutboxRow, type ResourceRow } from '../src/store/schema.js';
import { CLINIC_BASE, VERSIE_CLINIC, servedAll, uniqueName, versie } from './fixtures/store/helpers.js';

describe('schema versions', () => {
  it('upgrades a v1 database in place: data kept, new date and code indexes filled', async () => {
    const name = uniqueName('upgrade');
    // Write data the way version 1 of the kit did (no date, no codes on rows).
    const v1 = new Dexie(LocalRecordStore.databaseName(name));
    declareV1(v1);
    await v1.open();
    await v1.table('sources').put({ id: 'clinic', baseUrl: CLINIC_BASE, label: 'Riverside Clinic', addedAt: 1 });
    const rows: Array<Omit<ResourceRow, 'date'>> = servedAll(versie()).map((resource: Resource) => ({
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
      // The date index (v2's [patient+type+date], v3's [patient+type+deleted+date]) answers a
      // date range over v1 rows.
      const early2019 = await store.search({ patient: VERSIE_CLINIC, type: 'MedicationRequest', from: '2019-01-01', to: '2019-06-30' });
      expect(early2019).toHaveLength(2);
    } finally {
      store.close();
    }
    const check = new Dexie(LocalRecordStore.databaseName(name));
    await check.open(); // dynamic mode: opens whatever is there
    expect(check.verno).toBe(SCHEMA_VERSION);
    expect(check.table('resources').schema.indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['codes', '[patient+type+deleted+date]']));
    check.close();
  });

  it('upgrades a v2 database to v3: data kept, undated rows and tombstones indexed, old indexes dropped', async () => {
    const name = uniqueName('upgrade-v2');
    // Write data the way version 2 of the kit did: `date` only when the resource has one,
    // a tombstone, and a row with a pending local write and its outbox entry.
    const v2 = new Dexie(LocalRecordStore.databaseName(name));
    declareV2(v2);
    await v2.open();
    await v2.table('sources').put({ id: 'clinic', baseUrl: CLINIC_BASE, label: 'Riverside Clinic', addedAt: 1 });
    const shared = ['Practitioner', 'Organization', 'Medication', 'Location'];
    const rows = servedAll(versie()).map((resource: Resource) => {
      const row: Omit<ResourceRow, 'date'> & { date?: string } = {
        source: 'clinic',
        type: resource.resourceType,
        id: resource.id!,
        patient: shared.includes(resource.resourceType) ? '' : VERSIE_CLINIC,
        resource,
        versionId: '1',
        lastUpdated: '2024-03-01T10:00:00Z',
        fetchedAt: 1,
        deleted: 0,
      };
      const date = clinicalDate(resource);
      const codes = codesOf(resource);
      if (date) row.date = date;
      if (codes.length) row.codes = codes;
      return row;
    });
    const allergyIds = rows.filter((r) => r.type === 'AllergyIntolerance').map((r) => r.id).sort();
    expect(allergyIds.length).toBeGreaterThanOrEqual(3);
    const [goneId, editedId] = allergyIds;
    const gone = rows.find((r) => r.id === goneId)!;
    gone.deleted = 1;
    gone.versionId = '2';
    const edited = rows.find((r) => r.id === editedId)!;
    edited.local = 'pending';
    const entry: OutboxRow = {
      source: 'clinic',
      type: 'AllergyIntolerance',
      id: editedId!,
      operation: 'update',
      baseVersionId: '1',
      body: edited.resource,
      status: 'pending',
      attempts: 0,
      createdAt: 1,
    };
    await v2.table('outbox').add(entry);
    await v2.table('resources').bulkPut(rows);
    const undated = rows.filter((r) => r.patient === VERSIE_CLINIC && r.date === undefined);
    expect(undated.map((r) => r.type)).toContain('Patient');
    expect(v2.verno).toBe(2);
    v2.close();

    const live = rows.filter((r) => r.patient === VERSIE_CLINIC && !r.deleted);
    const store = await LocalRecordStore.open({ name, linkIdentifierSystems: [] });
    try {
      const all = await store.search({ patient: VERSIE_CLINIC });
      expect(all).toHaveLength(live.length);
      // Undated rows (the Patient) come last, after every dated row.
      const firstUndated = all.findIndex((r) => !clinicalDate(r.resource));
      expect(firstUndated).toBeGreaterThan(0);
      expect(all.slice(firstUndated).every((r) => !clinicalDate(r.resource))).toBe(true);
      // A by-type read finds rows v2 stored without a date.
      expect((await store.search({ patient: VERSIE_CLINIC, type: 'Patient' })).map((r) => r.resource.id)).toEqual([
        undated.find((r) => r.type === 'Patient')!.id,
      ]);
      // Tombstones stay hidden unless asked for; the local version of the edited row is shown.
      const allergies = await store.search({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance' });
      expect(allergies.map((r) => r.resource.id).sort()).toEqual(allergyIds.filter((id) => id !== goneId));
      expect(allergies.find((r) => r.resource.id === editedId)?.local).toBe('pending');
      const withDeleted = await store.search({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance', includeDeleted: true });
      expect(withDeleted.find((r) => r.resource.id === goneId)).toMatchObject({ deleted: true, versionId: '2' });
      expect(withDeleted).toHaveLength(allergyIds.length);
      // Date ranges and codes work as before; undated rows are outside any date range.
      const early2019 = await store.search({ patient: VERSIE_CLINIC, type: 'MedicationRequest', from: '2019-01-01', to: '2019-06-30' });
      expect(early2019).toHaveLength(2);
      expect(await store.search({ patient: VERSIE_CLINIC, type: 'Patient', from: '0000' })).toEqual([]);
      expect(await store.search({ patient: VERSIE_CLINIC, type: 'Patient', to: '9999' })).toEqual([]);
      const hb = await store.search<Observation>({ patient: VERSIE_CLINIC, type: 'Observation', code: 'http://loinc.org|718-7' });
      expect(hb.map((r) => r.resource.code.text)).toEqual(['Hemoglobin [Mass/volume] in Blood']);
      // Delete detection sees live server rows only: not the tombstone, not the local edit.
      expect(await store.localIds('clinic', 'AllergyIntolerance', VERSIE_CLINIC)).toEqual(allergyIds.slice(2));
      expect(await store.pendingWrites()).toHaveLength(1);
      // Rows written after the upgrade land in the same index.
      await store.applyPage('clinic', { upserts: servedAll(versie(), '3', '2024-04-01T10:00:00Z').filter((r) => r.resourceType === 'Patient') });
      expect(await store.search({ patient: VERSIE_CLINIC, type: 'Patient' })).toMatchObject([{ versionId: '3' }]);
    } finally {
      store.close();
    }
    const check = new Dexie(LocalRecordStore.databaseName(name));
    await check.open();
    expect(check.verno).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(6);
    expect(check.table('resources').schema.indexes.map((i) => i.name).sort()).toEqual(['[patient+type+deleted+code+date]', '[patient+type+deleted+date]', 'codes']);
    const stored = await check.table<ResourceRow>('resources').toArray();
    expect(stored).toHaveLength(rows.length);
    expect(stored.every((r) => typeof r.date === 'string')).toBe(true);
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
