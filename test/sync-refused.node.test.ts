/**
 * A source can only speak about its own patients (issue 7 §1), against the real local server:
 * the clinic's answers carry resources about the hospital's patient, an unknown server's patient,
 * another clinic patient and other Patients (the server's `inject` fault). None is stored, each
 * is counted and named in the report, and the rest of the record arrives as usual.
 */
import { expect, test } from 'vitest';
import { openStore, samplePatient, serverCount, useWorld } from './support/sync-harness.js';
import { SAMPLE_CLINIC_ID } from './support/constants.js';

const world = useWorld();

function hostile(versieClinicId: string, marHospitalId: string) {
  const hospitalBase = world.server.baseUrl('hospital');
  const allergy = (id: string, patient: string) => ({
    resourceType: 'AllergyIntolerance',
    id,
    meta: { versionId: '1', lastUpdated: '2024-01-01T00:00:00Z' },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    code: { text: 'Invented peanut allergy' },
    patient: { reference: patient },
    // Found by the clinic's $everything for Versie through the asserter, as a real server could.
    asserter: { reference: `Patient/${versieClinicId}` },
  });
  return [
    allergy('evil-hospital', `${hospitalBase}/Patient/${marHospitalId}`),
    allergy('evil-unknown', 'https://elsewhere.example/fhir/Patient/1'),
    allergy('evil-other-clinic-patient', `Patient/${SAMPLE_CLINIC_ID.patricia}`),
    { resourceType: 'Patient', id: 'evil-patient', meta: { versionId: '1' }, deceasedBoolean: true, link: [{ type: 'seealso', other: { reference: `${hospitalBase}/Patient/${marHospitalId}` } }] },
    { resourceType: 'Patient', id: SAMPLE_CLINIC_ID.patricia, meta: { versionId: '99' }, deceasedBoolean: true },
    { resourceType: 'Medication', id: 'evil-shared-med', meta: { versionId: '1' }, code: { text: 'Shared medication' } },
  ];
}

test("the clinic cannot file data under the hospital's patient, an unknown server's or a patient not asked for", async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const margery = samplePatient(world, 'Margery Gibson');
  world.server.base('clinic').faults.set({ inject: { resources: hostile(versie.clinicId, margery.hospitalId!), match: '$everything', count: 1 } });
  const { store } = await openStore(world, { sources: ['clinic', 'hospital'] });

  const report = await store.syncPatient(versie.clinicKey, { upload: false });
  expect(report.sources.clinic).toMatchObject({ status: 'ok', refused: 5 });
  expect(report.refused).toBe(5);
  const refusals = report.sources.clinic!.notes.filter((n) => n.code.startsWith('refused-')).map((n) => `${n.code}: ${n.message}`);
  expect(refusals.sort()).toEqual(
    [
      `refused-foreign-patient: clinic sent AllergyIntolerance/evil-hospital about hospital/Patient/${margery.hospitalId}, a patient of another source; not stored.`,
      'refused-foreign-patient: clinic sent AllergyIntolerance/evil-unknown about a patient on a server that is not a registered source; not stored.',
      `refused-foreign-patient: clinic sent AllergyIntolerance/evil-other-clinic-patient about clinic/Patient/${SAMPLE_CLINIC_ID.patricia}, which this sync did not ask for; not stored.`,
      'refused-unrequested-patient: clinic sent Patient/evil-patient, which this sync did not ask for; not stored.',
      `refused-unrequested-patient: clinic sent Patient/${SAMPLE_CLINIC_ID.patricia}, which this sync did not ask for; not stored.`,
    ].sort(),
  );

  // Nothing of it is stored, under any key.
  for (const id of ['evil-hospital', 'evil-unknown', 'evil-other-clinic-patient']) {
    expect(await store.get('clinic', 'AllergyIntolerance', id, { includeDeleted: true })).toBeUndefined();
  }
  expect(await store.get('clinic', 'Patient', 'evil-patient', { includeDeleted: true })).toBeUndefined();
  expect(await store.get('clinic', 'Patient', SAMPLE_CLINIC_ID.patricia, { includeDeleted: true })).toBeUndefined();
  // The hospital's patient Dustin has no rows from the clinic.
  expect(await store.search({ patient: margery.hospitalKey! })).toEqual([]);
  // Shared resources are still stored, under no patient.
  expect(await store.get('clinic', 'Medication', 'evil-shared-med')).toMatchObject({ patient: '', resource: { code: { text: 'Shared medication' } } });
  // The rest of Versie's clinic record arrived as usual.
  const allergies = (await store.search({ patient: versie.clinicKey, type: 'AllergyIntolerance' })).filter((r) => r.source === 'clinic');
  expect(allergies.length).toBe(await serverCount(world, 'clinic', 'AllergyIntolerance', versie.clinicId));
  store.close();
});

test('per-type searches are filed by the same rule (a type search keeps only its own type anyway)', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const margery = samplePatient(world, 'Margery Gibson');
  world.server.base('clinic').faults.set({
    disable: ['everything'],
    inject: { resources: hostile(versie.clinicId, margery.hospitalId!), match: 'AllergyIntolerance?', count: 1 },
  });
  const { store } = await openStore(world, { sources: ['clinic', 'hospital'] });
  const report = await store.syncPatient(versie.clinicKey, { upload: false });
  expect(report.sources.clinic).toMatchObject({ status: 'ok', strategy: 'compartment-search', refused: 3 });
  expect(await store.search({ patient: margery.hospitalKey! })).toEqual([]);
  expect(await store.get('clinic', 'Patient', 'evil-patient', { includeDeleted: true })).toBeUndefined();
  store.close();
});
