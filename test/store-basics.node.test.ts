import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AllergyIntolerance, Consent, MedicationRequest, Observation, Patient } from 'fhir/r4';
import { LocalRecordStore, StoreError } from '../src/store/index.js';
import {
  CLINIC_BASE,
  HOSPITAL_BASE,
  MARGERY_ID,
  VERSIE_CLINIC,
  VERSIE_ID,
  margery,
  openWithSources,
  seedTwoSources,
  servedAll,
  uniqueName,
} from './fixtures/store/helpers.js';

const open: LocalRecordStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
async function arrange(options?: Parameters<typeof openWithSources>[0]) {
  const store = await openWithSources(options);
  open.push(store);
  return store;
}

describe('sources', () => {
  it('persists sources in the order added, without the fetch function', async () => {
    const name = uniqueName();
    const myFetch: typeof fetch = async () => new Response('{}');
    const store = await LocalRecordStore.open({ name });
    await store.addSource({ id: 'clinic', baseUrl: `${CLINIC_BASE}/`, label: 'Riverside Clinic', fetch: myFetch });
    await store.addSource({ id: 'hospital', baseUrl: HOSPITAL_BASE, label: 'St. Mary Hospital' });
    expect(store.getSourceFetch('clinic')).toBe(myFetch);
    store.close();

    const reopened = await LocalRecordStore.open({ name });
    open.push(reopened);
    const sources = await reopened.getSources();
    expect(sources.map((s) => [s.id, s.baseUrl, s.label])).toEqual([
      ['clinic', CLINIC_BASE, 'Riverside Clinic'],
      ['hospital', HOSPITAL_BASE, 'St. Mary Hospital'],
    ]);
    expect(JSON.stringify(sources)).not.toContain('fetch');
    expect(reopened.getSourceFetch('clinic')).toBeUndefined();
  });

  it('rejects unusable source definitions', async () => {
    const store = await arrange();
    await expect(store.addSource({ id: 'a/b', baseUrl: CLINIC_BASE })).rejects.toMatchObject({ code: 'invalid-source' });
    await expect(store.addSource({ id: 'lab', baseUrl: '/relative/fhir' })).rejects.toMatchObject({ code: 'invalid-source' });
    await expect(store.addSource({ id: 'lab', baseUrl: 'ftp://lab/fhir' })).rejects.toMatchObject({ code: 'invalid-source' });
  });

  it('records sync status and clears fields given as undefined', async () => {
    const store = await arrange();
    await store.setSourceStatus('clinic', { status: 'error', lastError: 'HTTP 503' });
    await store.setSourceStatus('clinic', { status: 'ok', lastError: undefined, lastSyncAt: '2024-03-01T10:00:00Z' });
    const clinic = (await store.getSources()).find((s) => s.id === 'clinic')!;
    expect(clinic).toMatchObject({ status: 'ok', lastSyncAt: '2024-03-01T10:00:00Z' });
    expect('lastError' in clinic).toBe(false);
    await expect(store.setSourceStatus('nowhere', { status: 'ok' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('sources read by many at once (one source badge per row)', () => {
  it('gives every caller its own list, and a call after a status write has finished sees the write', async () => {
    const store = await arrange();
    const first = store.getSources();
    const second = store.getSources();
    const write = store.setSourceStatus('clinic', { status: 'error', lastError: 'HTTP 503' });
    const [a, b] = await Promise.all([first, second]);
    await write;
    a[0]!.label = 'changed by one caller';
    expect(b.map((s) => s.label)).toEqual(['Riverside Clinic', 'St. Mary Hospital']);

    const after = await store.getSources();
    expect(after.map((s) => [s.id, s.label, s.status, s.lastError])).toEqual([
      ['clinic', 'Riverside Clinic', 'error', 'HTTP 503'],
      ['hospital', 'St. Mary Hospital', undefined, undefined],
    ]);
  });
});

describe('reading a patient record from two sources', () => {
  it('returns the union over linked patients, each row with its source, resource untouched', async () => {
    const store = await arrange();
    const { hospitalAllergy } = await seedTwoSources(store);

    const allergies = await store.search<AllergyIntolerance>({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance' });
    expect(allergies).toHaveLength(5);
    expect(allergies.filter((r) => r.source === 'clinic')).toHaveLength(4);
    const fromHospital = allergies.find((r) => r.source === 'hospital')!;
    expect(fromHospital.patient).toBe('hospital/Patient/hosp-7731');
    expect(fromHospital.resource).toEqual({ ...hospitalAllergy, meta: { ...hospitalAllergy.meta, versionId: 'h1', lastUpdated: '2024-03-01T10:00:00Z' } });
    expect(Object.keys(fromHospital).sort()).toEqual(['fetchedAt', 'lastUpdated', 'patient', 'resource', 'source', 'versionId']);

    // The same union from the hospital's side.
    const fromOtherSide = await store.search({ patient: 'hospital/Patient/hosp-7731', type: 'AllergyIntolerance' });
    expect(fromOtherSide).toHaveLength(5);
  });

  it('searches several types, by code and by date range; newest first', async () => {
    const store = await arrange();
    await seedTwoSources(store);
    const meds = await store.search<MedicationRequest>({ patient: VERSIE_CLINIC, type: ['MedicationRequest', 'MedicationStatement'] });
    expect(meds.map((r) => r.resource.authoredOn)).toEqual([
      '2019-10-25T00:46:35+00:00',
      '2019-04-18T00:46:35+00:00',
      '2019-01-18T00:46:35+00:00',
    ]);
    const hemoglobin = await store.search<Observation>({ patient: VERSIE_CLINIC, type: 'Observation', code: 'http://loinc.org|718-7' });
    expect(hemoglobin).toHaveLength(1);
    expect(hemoglobin[0]!.resource.code.coding![0]!.code).toBe('718-7');

    const in2019 = await store.search({ patient: VERSIE_CLINIC, type: ['MedicationRequest', 'Condition'], from: '2019-04', to: '2019-04' });
    expect(in2019.map((r) => r.resource.resourceType).sort()).toEqual(['Condition', 'MedicationRequest']);

    const everything = await store.search({ patient: VERSIE_CLINIC });
    expect(everything.filter((r) => r.resource.resourceType === 'Patient').map((r) => r.source).sort()).toEqual(['clinic', 'hospital']);
  });

  it('stores shared resources without a patient and reads them by reference', async () => {
    const store = await arrange();
    await seedTwoSources(store);
    const practitioner = await store.read('clinic/Practitioner/7cdcee56-a0c0-419c-98fd-a7ccc981f650');
    expect(practitioner?.patient).toBe('');
    expect(practitioner?.resource.resourceType).toBe('Practitioner');
    expect(await store.get('clinic', 'Patient', VERSIE_ID)).toMatchObject({ patient: VERSIE_CLINIC, source: 'clinic' });
    expect(await store.get('hospital', 'Patient', VERSIE_ID)).toBeUndefined();
    await expect(store.read('clinic/Practitioner')).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('does not mix in an unrelated patient', async () => {
    const store = await arrange();
    await seedTwoSources(store);
    await store.applyPage('hospital', { upserts: servedAll(margery(), 'm1') });
    const versieLabs = await store.search({ patient: VERSIE_CLINIC, type: 'Observation' });
    expect(versieLabs.every((r) => r.patient.endsWith(VERSIE_ID))).toBe(true);
    const margeryLabs = await store.search({ patient: `hospital/Patient/${MARGERY_ID}`, type: 'Observation' });
    expect(margeryLabs).toHaveLength(3);
  });
});

describe('local saves', () => {
  it('writes the row and its outbox entry together, with a client-chosen id', async () => {
    const store = await arrange();
    await seedTwoSources(store);
    const consent: Consent = {
      resourceType: 'Consent',
      status: 'active',
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      patient: { reference: `Patient/${VERSIE_ID}` },
      dateTime: '2024-03-02T09:15:00Z',
    };
    const row = await store.save(consent, { source: 'clinic' });
    expect(consent.id).toBeUndefined(); // caller's object untouched
    expect(row.resource.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row).toMatchObject({ source: 'clinic', patient: VERSIE_CLINIC, local: 'pending' });

    const [entry] = await store.pendingWrites('clinic');
    expect(entry).toMatchObject({ source: 'clinic', type: 'Consent', id: row.resource.id, operation: 'create', attempts: 0, status: 'pending' });
    expect(entry!.baseVersionId).toBeUndefined();
    expect(entry!.body).toEqual(row.resource);

    const consents = await store.search({ patient: 'hospital/Patient/hosp-7731', type: 'Consent' });
    expect(consents.map((r) => r.resource.id)).toEqual([row.resource.id]);
  });

  it('queues an update on top of the stored server version', async () => {
    const store = await arrange();
    await seedTwoSources(store);
    const allergy = (await store.search<AllergyIntolerance>({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance' }))[0]!;
    await store.save({ ...allergy.resource, criticality: 'high' }, { source: 'clinic' });
    const [entry] = await store.pendingWrites();
    expect(entry).toMatchObject({ operation: 'update', baseVersionId: '1' });
    const row = await store.get<AllergyIntolerance>('clinic', 'AllergyIntolerance', allergy.resource.id!);
    expect(row).toMatchObject({ local: 'pending', versionId: '1' });
    expect(row!.resource.criticality).toBe('high');
  });

  it('deletes locally as a pending tombstone', async () => {
    const store = await arrange();
    await seedTwoSources(store);
    const [med] = await store.search({ patient: VERSIE_CLINIC, type: 'MedicationRequest' });
    await store.remove('clinic', 'MedicationRequest', med!.resource.id!);
    expect(await store.search({ patient: VERSIE_CLINIC, type: 'MedicationRequest' })).toHaveLength(2);
    const [entry] = await store.pendingWrites();
    expect(entry).toMatchObject({ operation: 'delete', body: null, baseVersionId: '1' });
    expect(await store.get('clinic', 'MedicationRequest', med!.resource.id!, { includeDeleted: true })).toMatchObject({ deleted: true, local: 'pending' });
  });

  it('rejects invalid resources and unknown sources', async () => {
    const store = await arrange();
    const bad = [
      { id: 'x' },
      { resourceType: 'observation', id: 'x' },
      { resourceType: 'Observation', id: 'has spaces' },
      { resourceType: 'Observation', id: 'x'.repeat(65) },
      null,
    ];
    for (const r of bad) {
      const err = await store.save(r as never, { source: 'clinic' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('invalid-resource');
    }
    await expect(store.save({ resourceType: 'Basic', code: {} } as never, { source: 'lab' })).rejects.toMatchObject({ code: 'not-found' });
    expect(await store.pendingWrites()).toEqual([]);
  });
});

describe('partitions', () => {
  it('keeps two names in two databases that never see each other', async () => {
    const a = await arrange({ name: uniqueName('user-a') });
    const b = await arrange({ name: uniqueName('user-b') });
    await seedTwoSources(a);
    expect(await a.search({ patient: VERSIE_CLINIC, type: 'Patient' })).toHaveLength(2);
    expect(await b.search({ patient: VERSIE_CLINIC, type: 'Patient' })).toEqual([]);
    expect(await b.get('clinic', 'Patient', VERSIE_ID)).toBeUndefined();
    // Named by a digest of the partition name: the database list names no user.
    expect(LocalRecordStore.databaseName('user-42')).toMatch(/^ehr-elements\/[0-9a-f]{64}$/);
    expect(LocalRecordStore.databaseName('user-42')).not.toBe(LocalRecordStore.databaseName('user-43'));
    const names = (await indexedDB.databases()).map((d) => d.name!);
    expect(names).toContain(LocalRecordStore.databaseName(a.name));
    expect(names).toContain(LocalRecordStore.databaseName(b.name));
    expect(names.filter((n) => n.includes('user-a') || n.includes('user-b'))).toEqual([]);
  });

  it('can delete a partition', async () => {
    const name = uniqueName();
    const store = await LocalRecordStore.open({ name });
    await store.addSource({ id: 'clinic', baseUrl: CLINIC_BASE });
    store.close();
    await LocalRecordStore.deleteDatabase(name);
    const again = await LocalRecordStore.open({ name });
    open.push(again);
    expect(await again.getSources()).toEqual([]);
  });
});

describe('closed store', () => {
  it('rejects every call with code "closed"', async () => {
    const store = await openWithSources();
    store.close();
    await expect(store.search({ patient: VERSIE_CLINIC })).rejects.toMatchObject({ code: 'closed' });
    await expect(store.save({ resourceType: 'Patient' } as Patient, { source: 'clinic' })).rejects.toMatchObject({ code: 'closed' });
  });
});
