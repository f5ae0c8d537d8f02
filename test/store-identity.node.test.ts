import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AllergyIntolerance, Patient } from 'fhir/r4';
import { LocalRecordStore } from '../src/store/index.js';
import { CLINIC_BASE, HOSPITAL_BASE, SSN, VERSIE_CLINIC, VERSIE_ID, hospitalVersie, openWithSources, served, servedAll, uniqueName, versie } from './fixtures/store/helpers.js';

const NATIONAL = 'urn:oid:2.16.840.1.113883.2.4.6.3';
const open: LocalRecordStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function arrange(options: { trustedIdentifierSystem?: string } = {}) {
  const store = options.trustedIdentifierSystem
    ? await LocalRecordStore.open({ name: uniqueName('identity'), linkIdentifierSystems: [SSN], trustedIdentifierSystem: options.trustedIdentifierSystem })
    : await openWithSources();
  if (options.trustedIdentifierSystem) {
    await store.addSource({ id: 'clinic', baseUrl: CLINIC_BASE, label: 'Riverside Clinic' });
    await store.addSource({ id: 'hospital', baseUrl: `${HOSPITAL_BASE}/`, label: 'St Elsewhere' });
  }
  open.push(store);
  await store.addSource({ id: 'lab', baseUrl: 'https://lab.example.org/fhir', label: 'City Lab' });
  await store.applyPage('clinic', { upserts: servedAll(versie()) });
  return store;
}

const clinicVersie = () => versie()[0] as Patient;
const ssnOf = (p: Patient) => p.identifier!.find((i) => i.system === SSN)!.value!;

/** Someone else's record that copies Versie's SSN (a hostile or mistaken server). */
function impostor(id: string, extra: Partial<Patient> = {}): Patient {
  return {
    resourceType: 'Patient',
    id,
    identifier: [{ system: SSN, value: ssnOf(clinicVersie()) }],
    name: [{ family: 'Mallory', given: ['Eve'] }],
    birthDate: '1961-07-04',
    gender: 'female',
    ...extra,
  };
}

describe('corroborated linking', () => {
  it('links a shared SSN only when family name, birth date and gender agree', async () => {
    const store = await arrange();
    await store.applyPage('hospital', { upserts: servedAll([hospitalVersie().patient]) });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC, 'hospital/Patient/hosp-7731']);
    expect(await store.listPossibleMatches(VERSIE_CLINIC)).toEqual([]);
  });

  it('a copied SSN with other facts is a possible match with its evidence, never merged', async () => {
    const store = await arrange();
    const { allergy } = hospitalVersie('x');
    await store.applyPage('lab', { upserts: servedAll([impostor('x', { deceasedBoolean: true }), { ...allergy, patient: { reference: 'Patient/x' } } as AllergyIntolerance]) });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
    const rows = await store.search({ patient: VERSIE_CLINIC, type: ['Patient', 'AllergyIntolerance'] });
    expect(rows.filter((r) => r.source !== 'clinic')).toEqual([]);
    expect(rows.filter((r) => r.resource.resourceType === 'Patient').map((r) => r.resource.id)).toEqual([VERSIE_ID]);
    expect(await store.listPossibleMatches(VERSIE_CLINIC)).toEqual([
      {
        id: `${VERSIE_CLINIC}~lab/Patient/x`,
        patient: VERSIE_CLINIC,
        candidate: 'lab/Patient/x',
        source: 'lab',
        reason: 'not-corroborated',
        identifiers: [`${SSN}|${ssnOf(clinicVersie())}`],
        evidence: { family: 'differ', birthDate: 'differ', gender: 'agree' },
      },
    ]);
    // Asked from either side, and without a patient, the pair is listed once.
    expect((await store.listPossibleMatches('lab/Patient/x')).map((m) => m.id)).toEqual([`${VERSIE_CLINIC}~lab/Patient/x`]);
    expect((await store.listPossibleMatches()).map((m) => m.id)).toEqual([`${VERSIE_CLINIC}~lab/Patient/x`]);
  });

  it('a missing birth date or gender is not corroboration', async () => {
    const store = await arrange();
    const { patient } = hospitalVersie();
    delete patient.birthDate;
    await store.applyPage('hospital', { upserts: servedAll([patient]) });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
    const [match] = await store.listPossibleMatches(VERSIE_CLINIC);
    expect(match?.evidence).toEqual({ family: 'agree', birthDate: 'missing', gender: 'agree' });
  });

  it('several records of one source with the identifier are all possible matches, none merged', async () => {
    const store = await arrange();
    const a = hospitalVersie('h-a').patient;
    const b = hospitalVersie('h-b').patient;
    await store.applyPage('hospital', { upserts: servedAll([a, b]) });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
    expect((await store.listPossibleMatches(VERSIE_CLINIC)).map((m) => [m.candidate, m.reason])).toEqual([
      ['hospital/Patient/h-a', 'several-in-source'],
      ['hospital/Patient/h-b', 'several-in-source'],
    ]);
  });

  it('the attack: a server linking to the hospital patient cannot make them dead or allergic', async () => {
    const store = await arrange();
    const { patient: hospital456 } = hospitalVersie('456');
    await store.applyPage('hospital', { upserts: servedAll([hospital456]) });
    // Server "lab" claims its Patient/x is hospital 456 (Patient.link) and copies the SSN, with
    // a death and an invented allergy — but its record disagrees on who the person is.
    const x = impostor('x', { deceasedBoolean: true, link: [{ type: 'seealso', other: { reference: `${HOSPITAL_BASE}/Patient/456` } }] });
    const invented: AllergyIntolerance = { resourceType: 'AllergyIntolerance', id: 'inv', patient: { reference: 'Patient/x' }, code: { text: 'Penicillin' } };
    await store.applyPage('lab', { upserts: servedAll([x, invented]) });
    const record = await store.search({ patient: 'hospital/Patient/456' });
    expect(record.filter((r) => r.source === 'lab')).toEqual([]);
    expect(record.filter((r) => r.resource.resourceType === 'Patient').map((r) => `${r.source}/${r.resource.id}`).sort()).toEqual([
      `clinic/${VERSIE_ID}`,
      'hospital/456',
    ]);
    expect(record.some((r) => (r.resource as Patient).deceasedBoolean === true)).toBe(false);
    // One candidate record, compared with each record of the set that shares the SSN.
    expect((await store.listPossibleMatches('hospital/Patient/456')).map((m) => [m.patient, m.candidate, m.reason])).toEqual([
      [VERSIE_CLINIC, 'lab/Patient/x', 'not-corroborated'],
      ['hospital/Patient/456', 'lab/Patient/x', 'not-corroborated'],
    ]);
  });

  it('a one-sided Patient.link to another source is a possible match; corroborated it links, transitively', async () => {
    const store = await arrange();
    const facts = { name: clinicVersie().name, birthDate: clinicVersie().birthDate, gender: clinicVersie().gender };
    const hosp: Patient = { resourceType: 'Patient', id: 'h1', ...facts, link: [{ type: 'seealso', other: { reference: `${CLINIC_BASE}/Patient/${VERSIE_ID}` } }] };
    await store.applyPage('hospital', { upserts: servedAll([hosp]) });
    // Same facts, but only the hospital says so: not linked.
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
    expect((await store.listPossibleMatches(VERSIE_CLINIC)).map((m) => m.reason)).toEqual(['link-not-corroborated']);
    // The clinic links back: corroborated. The lab's record links to the hospital's and back.
    const back = { ...clinicVersie(), link: [{ type: 'seealso' as const, other: { reference: `${HOSPITAL_BASE}/Patient/h1` } }] };
    await store.applyPage('clinic', { upserts: [served(back, '2', '2024-03-02T10:00:00Z')] });
    const lab: Patient = { resourceType: 'Patient', id: 'l1', ...facts, link: [{ type: 'seealso', other: { reference: `${HOSPITAL_BASE}/Patient/h1` } }] };
    await store.applyPage('hospital', { upserts: [served({ ...hosp, link: [...hosp.link!, { type: 'seealso', other: { reference: 'https://lab.example.org/fhir/Patient/l1' } }] }, '2', '2024-03-02T10:00:00Z')] });
    await store.applyPage('lab', { upserts: servedAll([lab]) });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC, 'hospital/Patient/h1', 'lab/Patient/l1']);
    expect(await store.listPossibleMatches(VERSIE_CLINIC)).toEqual([]);
  });

  it('a confirmed link is remembered; a rejected one is not offered again until the data changes', async () => {
    const store = await arrange();
    const { patient } = hospitalVersie('h1');
    patient.birthDate = '2016-01-01'; // differs from the clinic's record
    await store.applyPage('hospital', { upserts: [served(patient, '1', '2024-03-01T10:00:00Z')] });
    const [match] = await store.listPossibleMatches(VERSIE_CLINIC);
    expect(match?.reason).toBe('not-corroborated');

    await store.rejectLink(match!.id);
    expect(await store.listPossibleMatches(VERSIE_CLINIC)).toEqual([]);
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
    // A new version with the same identity data: still rejected.
    await store.applyPage('hospital', { upserts: [served({ ...patient, telecom: [{ system: 'phone', value: '555' }] }, '2', '2024-03-02T10:00:00Z')] });
    expect(await store.listPossibleMatches(VERSIE_CLINIC)).toEqual([]);
    // The hospital changes who it says this is (gender): offered again.
    await store.applyPage('hospital', { upserts: [served({ ...patient, gender: 'unknown' }, '3', '2024-03-03T10:00:00Z')] });
    expect((await store.listPossibleMatches(VERSIE_CLINIC)).map((m) => m.id)).toEqual([match!.id]);

    await store.confirmLink(match!.id);
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC, 'hospital/Patient/h1']);
    expect(await store.listPossibleMatches(VERSIE_CLINIC)).toEqual([]);
    // Confirmed stays confirmed when the data changes again.
    await store.applyPage('hospital', { upserts: [served({ ...patient, gender: 'male' }, '4', '2024-03-04T10:00:00Z')] });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC, 'hospital/Patient/h1']);
    // Rejecting undoes a confirmation.
    await store.rejectLink(match!.id);
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
  });

  it('a rejection also keeps an automatic link apart', async () => {
    const store = await arrange();
    await store.applyPage('hospital', { upserts: servedAll([hospitalVersie().patient]) });
    await store.rejectLink(`${VERSIE_CLINIC}~hospital/Patient/hosp-7731`);
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
  });

  it('confirm and reject check their argument', async () => {
    const store = await arrange();
    await expect(store.confirmLink('nonsense')).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(store.confirmLink(`hospital/Patient/zz~${VERSIE_CLINIC}`)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(store.rejectLink(`${VERSIE_CLINIC}~hospital/Patient/zz`)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('a trusted identifier system links on its value alone, still one record per source', async () => {
    const store = await arrange({ trustedIdentifierSystem: NATIONAL });
    const clinic = { ...clinicVersie(), identifier: [...clinicVersie().identifier!, { system: NATIONAL, value: 'NL-123' }] };
    await store.applyPage('clinic', { upserts: [served(clinic, '2', '2024-03-02T10:00:00Z')] });
    const other: Patient = { resourceType: 'Patient', id: 'n1', identifier: [{ system: NATIONAL, value: 'NL-123' }], name: [{ family: 'Botsford-Smith' }] };
    await store.applyPage('hospital', { upserts: servedAll([other]) });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC, 'hospital/Patient/n1']);
    // A second hospital record with the same number: neither is merged.
    await store.applyPage('hospital', { upserts: servedAll([{ ...other, id: 'n2' }]) });
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
    expect((await store.listPossibleMatches(VERSIE_CLINIC)).map((m) => m.candidate)).toEqual(['hospital/Patient/n1', 'hospital/Patient/n2']);
  });

  it('purging a patient removes its candidate records and the decisions about it', async () => {
    const store = await arrange();
    await store.applyPage('lab', { upserts: servedAll([impostor('x')]) });
    await store.purge({ patient: VERSIE_CLINIC });
    expect(await store.get('lab', 'Patient', 'x')).toBeUndefined();

    await store.applyPage('clinic', { upserts: servedAll(versie()) });
    await store.applyPage('lab', { upserts: servedAll([impostor('y')]) });
    await store.rejectLink(`${VERSIE_CLINIC}~lab/Patient/y`);
    await store.purge({ patient: VERSIE_CLINIC });
    // The rejected record is someone else's and stays; the decision went with the patient, so
    // when the patient is stored again the pair is offered again.
    expect((await store.get('lab', 'Patient', 'y'))?.resource.id).toBe('y');
    await store.applyPage('clinic', { upserts: servedAll(versie()) });
    expect((await store.listPossibleMatches(VERSIE_CLINIC)).map((m) => m.id)).toEqual([`${VERSIE_CLINIC}~lab/Patient/y`]);
  });
});

describe('coverage', () => {
  it('says per source whether the patient was delivered, searched with no record, failed or never synced', async () => {
    const store = await arrange();
    await store.applyPage('clinic', { upserts: [], checkpoint: { key: 'k', value: '2024-03-01T10:00:00Z', patient: VERSIE_CLINIC } });
    await store.recordNoRecord('hospital', VERSIE_CLINIC, { at: '2024-03-01T10:00:01Z', searched: [`${SSN}|x`] });
    await store.setSourceStatus('lab', { status: 'error', lastError: 'lab: 503' });
    expect(await store.coverage(VERSIE_CLINIC)).toEqual([
      { source: 'clinic', state: 'delivered', at: '2024-03-01T10:00:00Z', patients: [VERSIE_CLINIC] },
      { source: 'hospital', state: 'no-record', at: '2024-03-01T10:00:01Z', searched: [`${SSN}|x`], patients: [] },
      { source: 'lab', state: 'failed', error: 'lab: 503', patients: [] },
    ]);
    // A later delivery from the hospital (of a linked record) wins over the old finding.
    await store.applyPage('hospital', { upserts: servedAll([hospitalVersie().patient]), checkpoint: { key: 'h', value: '2024-03-05T00:00:00Z', patient: 'hospital/Patient/hosp-7731' } });
    expect((await store.coverage(VERSIE_CLINIC))[1]).toEqual({ source: 'hospital', state: 'delivered', at: '2024-03-05T00:00:00Z', patients: ['hospital/Patient/hosp-7731'] });
    await store.clearNoRecord('hospital', VERSIE_CLINIC);
    await store.purge({ patient: VERSIE_CLINIC });
    expect((await store.coverage(VERSIE_CLINIC)).map((c) => c.state)).toEqual(['not-synced', 'not-synced', 'failed']);
  });
});
