import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Observation, Patient } from 'fhir/r4';
import type { LocalRecordStore } from '../src/store/index.js';
import {
  CLINIC_BASE,
  HOSPITAL_BASE,
  SSN,
  VERSIE_CLINIC,
  VERSIE_ID,
  hospitalVersie,
  openWithSources,
  served,
  servedAll,
  versie,
} from './fixtures/store/helpers.js';

const open: LocalRecordStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
async function arrange(linkIdentifierSystems?: string[]) {
  const store = await openWithSources(linkIdentifierSystems ? { linkIdentifierSystems } : {});
  open.push(store);
  await store.addSource({ id: 'lab', baseUrl: 'https://lab.example.org/fhir', label: 'City Lab' });
  await store.applyPage('clinic', { upserts: servedAll(versie()) });
  return store;
}

function withSsn(patient: Patient, value: string, system = SSN): Patient {
  return { ...patient, identifier: [{ system, value }] };
}

describe('patient links', () => {
  it('links patients in two sources that share an SSN', async () => {
    const store = await arrange();
    await store.applyPage('hospital', { upserts: servedAll([hospitalVersie().patient]) });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC, 'hospital/Patient/hosp-7731']);
    expect(await store.linkedPatients('hospital/Patient/hosp-7731')).toEqual(['hospital/Patient/hosp-7731', VERSIE_CLINIC]);
  });

  it('does not link different SSNs', async () => {
    const store = await arrange();
    const other = withSsn(hospitalVersie().patient, '999-12-3456');
    await store.applyPage('hospital', { upserts: servedAll([other]) });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
  });

  it('does not link on an identifier system the host did not name', async () => {
    // Same SSN, but the host links only on a national id system.
    const store = await arrange(['urn:oid:2.16.840.1.113883.2.1.4.1']);
    await store.applyPage('hospital', { upserts: servedAll([hospitalVersie().patient]) });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
    // The Synthea MRN system is shared too, but also not named.
    expect(await store.search({ patient: VERSIE_CLINIC, type: 'Patient' })).toHaveLength(1);
  });

  it('links by Patient.link with an absolute reference to another source when the target corroborates it, and transitively', async () => {
    const store = await arrange();
    const clinic = versie()[0] as Patient;
    const facts = { name: clinic.name, birthDate: clinic.birthDate, gender: clinic.gender };
    // The hospital's record has no SSN but says it is the clinic's patient and agrees on who they are;
    // the clinic's record links back (both sides' own data).
    const hospital: Patient = { resourceType: 'Patient', id: 'hosp-1', ...facts, link: [{ type: 'seealso', other: { reference: `${CLINIC_BASE}/Patient/${VERSIE_ID}` } }] };
    const clinicBack: Patient = { ...clinic, link: [{ type: 'seealso', other: { reference: 'http://127.0.0.1:8103/hospital/fhir/Patient/hosp-1' } }] };
    // The lab's patient points at the hospital's one (replaced-by) and the hospital's points back.
    const lab: Patient = { resourceType: 'Patient', id: 'lab-9', ...facts, link: [{ type: 'replaced-by', other: { reference: 'http://127.0.0.1:8103/hospital/fhir/Patient/hosp-1' } }] };
    hospital.link!.push({ type: 'seealso', other: { reference: 'https://lab.example.org/fhir/Patient/lab-9' } });
    await store.applyPage('clinic', { upserts: [served(clinicBack, '2', '2024-03-01T10:00:00Z')] });
    await store.applyPage('hospital', { upserts: [served(hospital, '1', '2024-03-01T10:00:00Z')] });
    await store.applyPage('lab', { upserts: [served(lab, '1', '2024-03-01T10:00:00Z')] });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC, 'hospital/Patient/hosp-1', 'lab/Patient/lab-9']);
    expect(await store.linkedPatients('lab/Patient/lab-9')).toEqual(['lab/Patient/lab-9', VERSIE_CLINIC, 'hospital/Patient/hosp-1']);
  });

  it('follows a relative Patient.link within one source, even to a patient not downloaded yet', async () => {
    const store = await arrange();
    const merged: Patient = { resourceType: 'Patient', id: 'old-record', link: [{ type: 'replaced-by', other: { reference: `Patient/${VERSIE_ID}` } }] };
    await store.applyPage('clinic', { upserts: [served(merged, '1', '2024-03-01T10:00:00Z')] });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC, 'clinic/Patient/old-record']);

    const pointer: Patient = { resourceType: 'Patient', id: 'p1', link: [{ type: 'refer', other: { reference: 'Patient/not-yet-synced' } }] };
    await store.applyPage('hospital', { upserts: [served(pointer, '1', '2024-03-01T10:00:00Z')] });
    expect(await store.linkedPatients('hospital/Patient/p1')).toEqual(['hospital/Patient/p1', 'hospital/Patient/not-yet-synced']);
  });

  it('does not link by Patient.link to a server that is not a registered source (no wrong-patient merge)', async () => {
    const store = await arrange();
    // The clinic's patient 7 points at patient 12 of an MPI we do not sync from; the clinic's
    // own patient 12 is somebody else and must not be merged into 7's chart.
    const seven: Patient = {
      resourceType: 'Patient',
      id: '7',
      name: [{ family: 'Alpha' }],
      link: [
        { type: 'seealso', other: { reference: 'http://mpi.elsewhere.org/fhir/Patient/12' } },
        { type: 'seealso', other: { reference: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0' } },
        { type: 'seealso', other: { reference: '#contained-patient' } },
      ],
    };
    const twelve: Patient = { resourceType: 'Patient', id: '12', name: [{ family: 'Unrelated' }] };
    const obs: Observation = {
      resourceType: 'Observation',
      id: 'o12',
      status: 'final',
      code: { text: 'HIV viral load' },
      subject: { reference: 'Patient/12' },
    };
    await store.applyPage('clinic', { upserts: servedAll([seven, twelve, obs]) });
    expect(await store.linkedPatients('clinic/Patient/7')).toEqual(['clinic/Patient/7']);
    expect(await store.linkedPatients('clinic/Patient/12')).toEqual(['clinic/Patient/12']);
    expect(await store.search({ patient: 'clinic/Patient/7', type: 'Observation' })).toEqual([]);
    expect((await store.search({ patient: 'clinic/Patient/7' })).map((r) => r.resource.id)).toEqual(['7']);
    // Purging 7 leaves 12 and 12's data alone.
    await store.purge({ patient: 'clinic/Patient/7' });
    expect((await store.get('clinic', 'Observation', 'o12'))?.patient).toBe('clinic/Patient/12');
    expect((await store.get('clinic', 'Patient', '12'))?.resource.id).toBe('12');
  });

  it('resolves a Patient.link to a registered source\'s absolute URL, also when the source is added later', async () => {
    const store = await arrange();
    const facts = { name: [{ family: 'Alpha', given: ['Ann'] }], birthDate: '1980-01-02', gender: 'female' as const };
    const seven: Patient = {
      resourceType: 'Patient',
      id: '7',
      ...facts,
      link: [
        // The hospital's base is registered with a trailing slash; references compare normalized.
        { type: 'seealso', other: { reference: `${HOSPITAL_BASE}/Patient/h-12/_history/3` } },
        { type: 'seealso', other: { reference: 'https://registry.example.org/fhir/Patient/r-5' } },
      ],
    };
    const h12: Patient = { resourceType: 'Patient', id: 'h-12', ...facts, link: [{ type: 'seealso', other: { reference: `${CLINIC_BASE}/Patient/7` } }] };
    const r5: Patient = { resourceType: 'Patient', id: 'r-5', ...facts, link: [{ type: 'seealso', other: { reference: `${CLINIC_BASE}/Patient/7` } }] };
    await store.applyPage('clinic', { upserts: servedAll([seven]) });
    await store.applyPage('hospital', { upserts: servedAll([h12]) });
    expect(await store.linkedPatients('clinic/Patient/7')).toEqual(['clinic/Patient/7', 'hospital/Patient/h-12']);
    expect(await store.linkedPatients('hospital/Patient/h-12')).toEqual(['hospital/Patient/h-12', 'clinic/Patient/7']);
    // The registry becomes a source after the Patient was stored: links are resolved on read.
    await store.addSource({ id: 'registry', baseUrl: 'https://registry.example.org/fhir' });
    await store.applyPage('registry', { upserts: servedAll([r5]) });
    expect(await store.linkedPatients('clinic/Patient/7')).toEqual(['clinic/Patient/7', 'hospital/Patient/h-12', 'registry/Patient/r-5']);
    expect(await store.linkedPatients('registry/Patient/r-5')).toEqual(['registry/Patient/r-5', 'clinic/Patient/7', 'hospital/Patient/h-12']);
  });

  it('links by a relative Patient.link within the row\'s own source only', async () => {
    const store = await arrange();
    const seven: Patient = { resourceType: 'Patient', id: '7', link: [{ type: 'replaced-by', other: { reference: 'Patient/12' } }] };
    await store.applyPage('hospital', { upserts: servedAll([seven]) });
    await store.applyPage('clinic', { upserts: servedAll([{ resourceType: 'Patient', id: '12' } as Patient]) });
    expect(await store.linkedPatients('hospital/Patient/7')).toEqual(['hospital/Patient/7', 'hospital/Patient/12']);
    expect(await store.linkedPatients('clinic/Patient/12')).toEqual(['clinic/Patient/12']);
  });

  it('unlinks when the identifier changes or the patient is deleted', async () => {
    const store = await arrange();
    const hospital = hospitalVersie().patient;
    await store.applyPage('hospital', { upserts: [served(hospital, '1', '2024-03-01T10:00:00Z')] });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toHaveLength(2);
    // Hospital corrects a mistyped SSN.
    await store.applyPage('hospital', { upserts: [served(withSsn(hospital, '999-00-0001'), '2', '2024-03-02T10:00:00Z')] });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
    await store.applyPage('hospital', { upserts: [served(hospital, '3', '2024-03-03T10:00:00Z')] });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toHaveLength(2);
    await store.applyPage('hospital', { upserts: [], deletes: [{ type: 'Patient', id: hospital.id!, versionId: '4', at: '2024-03-04T10:00:00Z' }] });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
  });

  it('rejects malformed patient keys', async () => {
    const store = await arrange();
    await expect(store.linkedPatients('Patient/123')).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(store.search({ patient: 'clinic/Observation/1' })).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
