/**
 * Who is this person elsewhere: the engine against the real local FHIR server. Links need
 * corroboration; candidates are fetched as Patients only; "searched, no record" is recorded.
 */
import type { AllergyIntolerance, Patient } from 'fhir/r4';
import { expect, test } from 'vitest';
import { SSN, http, openStore, requestLines, samplePatient, useWorld } from './support/sync-harness.js';

const world = useWorld();
const NHI = 'https://standards.digital.health.nz/ns/nhi-id';

test('a clinic-only patient: the hospital is searched, holds no record, and the store says so', async () => {
  const patricia = samplePatient(world, 'Patricia JORDANA');
  expect(patricia.hospitalKey).toBeUndefined();
  const { store } = await openStore(world, { linkIdentifierSystems: [SSN, NHI] });
  const report = await store.syncPatient(patricia.clinicKey);
  expect(report.errors).toEqual([]);
  expect(report.sources.hospital).toMatchObject({ status: 'ok', noRecord: true, patients: [], downloaded: 0 });
  expect(requestLines(world, 'hospital').filter((l) => /\/Patient(\?|\/_search)/.test(l))).toEqual(['POST /hospital/fhir/Patient/_search']);
  const [clinic, hospital] = await store.coverage(patricia.clinicKey);
  expect(clinic).toMatchObject({ source: 'clinic', state: 'delivered', patients: [patricia.clinicKey] });
  expect(hospital).toMatchObject({ source: 'hospital', state: 'no-record', searched: [`${NHI}|ABC1234`], patients: [] });
  expect(hospital!.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  store.close();
});

test('a patient without any linking identifier: other sources are not searched, and not called empty', async () => {
  const patricia = samplePatient(world, 'Patricia JORDANA');
  const { store } = await openStore(world); // links on SSN only; Patricia has none
  const report = await store.syncPatient(patricia.clinicKey);
  expect(report.sources.hospital).toMatchObject({ status: 'skipped', patients: [] });
  expect(report.sources.hospital!.noRecord).toBeUndefined();
  expect(requestLines(world, 'hospital')).toEqual([]);
  expect((await store.coverage(patricia.clinicKey)).map((c) => c.state)).toEqual(['delivered', 'not-synced']);
  store.close();
});

test('the attack: another server copies the SSN and links to the patient; nothing of it enters the record', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const clinicPatient = (await http(`${world.server.baseUrl('clinic')}/Patient/${versie.clinicId}`)).body as Patient;
  const ssn = clinicPatient.identifier!.find((i) => i.system === SSN)!.value!;
  // The hospital's real copy of Versie is replaced by a record of someone else that claims to be
  // her: same SSN, a Patient.link to the clinic's record, dead, with an allergy.
  const hostile: Patient = {
    resourceType: 'Patient',
    id: 'x-claims-versie',
    identifier: [{ system: SSN, value: ssn }],
    name: [{ family: 'Mallory', given: ['Eve'] }],
    birthDate: '1961-07-04',
    gender: 'female',
    deceasedBoolean: true,
    link: [{ type: 'seealso', other: { reference: `${world.server.baseUrl('clinic')}/Patient/${versie.clinicId}` } }],
  };
  const allergy: AllergyIntolerance = { resourceType: 'AllergyIntolerance', id: 'x-allergy', patient: { reference: 'Patient/x-claims-versie' }, code: { text: 'Invented allergy' } };
  await http(`${world.server.baseUrl('hospital')}/Patient/${versie.hospitalId}`, { method: 'DELETE' });
  for (const r of [hostile, allergy]) {
    expect((await http(`${world.server.baseUrl('hospital')}/${r.resourceType}/${r.id}`, { method: 'PUT', body: JSON.stringify(r) })).status).toBeLessThan(300);
  }

  world.server.base('hospital').clearRequests();
  const { store } = await openStore(world);
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.errors).toEqual([]);
  expect(report.sources.hospital).toMatchObject({ status: 'skipped', patients: [], downloaded: 0, possibleMatches: 1 });
  // Only the candidate Patient was fetched, never its record.
  expect(requestLines(world, 'hospital').filter((l) => /AllergyIntolerance|\$everything|Observation/.test(l))).toEqual([]);
  expect(await store.linkedPatients(versie.clinicKey)).toEqual([versie.clinicKey]);
  const rows = await store.search({ patient: versie.clinicKey });
  expect(rows.filter((r) => r.source === 'hospital')).toEqual([]);
  expect(rows.some((r) => (r.resource as Patient).deceasedBoolean === true)).toBe(false);
  const matches = await store.listPossibleMatches(versie.clinicKey);
  expect(matches.map((m) => [m.candidate, m.reason, m.evidence])).toEqual([
    ['hospital/Patient/x-claims-versie', 'not-corroborated', { family: 'differ', birthDate: 'differ', gender: 'agree' }],
  ]);
  // Not "no record at the hospital" either: there is a record a person has to look at.
  expect((await store.coverage(versie.clinicKey)).map((c) => c.state)).toEqual(['delivered', 'not-synced']);

  // A person confirms it (say the hospital registered her under a wrong name): the next sync
  // downloads that record in full.
  await store.confirmLink(matches[0]!.id);
  const again = await store.syncPatient(versie.clinicKey);
  expect(again.sources.hospital).toMatchObject({ status: 'ok', patients: ['hospital/Patient/x-claims-versie'] });
  expect((await store.get('hospital', 'AllergyIntolerance', 'x-allergy'))?.patient).toBe('hospital/Patient/x-claims-versie');
  store.close();
});

test('a Patient.link chain is followed source to source, each step corroborated', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const base = (id: string) => world.server.baseUrl(id);
  const clinicPatient = (await http(`${base('clinic')}/Patient/${versie.clinicId}`)).body as Patient;
  // Neither record carries an identifier the host links on; the clinic's links to the
  // hospital's, which links back — and on to a third record in the clinic's own server.
  const strip = (p: Patient): Patient => ({ ...p, identifier: [] });
  const hospitalPatient = (await http(`${base('hospital')}/Patient/${versie.hospitalId}`)).body as Patient;
  await http(`${base('clinic')}/Patient/${versie.clinicId}`, {
    method: 'PUT',
    body: JSON.stringify({ ...strip(clinicPatient), link: [{ type: 'seealso', other: { reference: `${base('hospital')}/Patient/${versie.hospitalId}` } }] }),
  });
  await http(`${base('hospital')}/Patient/${versie.hospitalId}`, {
    method: 'PUT',
    body: JSON.stringify({
      ...strip(hospitalPatient),
      link: [
        { type: 'seealso', other: { reference: `${base('clinic')}/Patient/${versie.clinicId}` } },
        { type: 'replaces', other: { reference: 'Patient/h-old' } },
      ],
    }),
  });
  await http(`${base('hospital')}/Patient/h-old`, { method: 'PUT', body: JSON.stringify({ ...strip(hospitalPatient), id: 'h-old', link: [] }) });

  const { store } = await openStore(world);
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.errors).toEqual([]);
  expect(await store.linkedPatients(versie.clinicKey)).toEqual([versie.clinicKey, ...['hospital/Patient/h-old', versie.hospitalKey!].sort()]);
  expect([...report.sources.hospital!.patients].sort()).toEqual(['hospital/Patient/h-old', versie.hospitalKey].sort());
  store.close();
});
