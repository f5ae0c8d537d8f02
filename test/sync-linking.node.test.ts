/**
 * Finding the same person in other sources: identifier search results are checked, not trusted.
 */
import type { Patient } from 'fhir/r4';
import { expect, test } from 'vitest';
import { FhirClient } from '../src/sync/http.js';
import { findPatientsByIdentifier } from '../src/sync/linking.js';
import { SSN, openStore, requestLines, samplePatient, useWorld } from './support/sync-harness.js';

const world = useWorld();

const searchset = (patients: Patient[]) =>
  new Response(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: patients.map((resource) => ({ resource })) }), {
    status: 200,
    headers: { 'content-type': 'application/fhir+json' },
  });

test('findPatientsByIdentifier keeps only the patients that carry the identifier searched for', async () => {
  const match: Patient = { resourceType: 'Patient', id: 'p1', identifier: [{ system: SSN, value: '999-11-1111' }] };
  const sameValueOtherSystem: Patient = { resourceType: 'Patient', id: 'p2', identifier: [{ system: 'urn:mrn', value: '999-11-1111' }] };
  const other: Patient = { resourceType: 'Patient', id: 'p3', identifier: [{ system: SSN, value: '999-22-2222' }] };
  const urls: string[] = [];
  // A lenient server: ignores `identifier` and answers with every patient.
  const fetchImpl = (async (url: string) => {
    urls.push(String(url));
    return searchset([match, sameValueOtherSystem, other, { resourceType: 'Patient', id: 'p4' }]);
  }) as unknown as typeof fetch;
  const client = new FhirClient('hospital', 'http://hospital.example/fhir', fetchImpl, { sleep: async () => {} });
  expect((await findPatientsByIdentifier(client, [`${SSN}|999-11-1111`])).patients.map((p) => p.id)).toEqual(['p1']);
  expect(decodeURIComponent(urls[0]!)).toContain(`Patient?identifier=${SSN}|999-11-1111`);
});

test('a server that ignores the identifier parameter: only the matching patient is linked and downloaded', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  // The hospital answers the identifier search (POST `Patient/_search`, or GET `Patient?identifier=…`)
  // with every patient it has.
  const lenient = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (url.pathname.endsWith('/Patient/_search') && init?.method === 'POST') {
      url.pathname = url.pathname.slice(0, -'/_search'.length);
      url.searchParams.set('_count', '1000');
      return fetch(url, { ...init, method: 'GET', body: undefined });
    }
    if (url.pathname.endsWith('/Patient') && url.searchParams.has('identifier')) {
      url.searchParams.delete('identifier');
      url.searchParams.set('_count', '1000');
      return fetch(url, init);
    }
    return fetch(input, init);
  }) as typeof fetch;
  const { store } = await openStore(world, { fetch: { hospital: lenient } });

  const report = await store.syncPatient(versie.clinicKey);
  expect(report.errors).toEqual([]);
  // The lenient answer did hold other patients.
  expect(requestLines(world, 'hospital').some((l) => l.includes('Patient?_count=1000'))).toBe(true);
  expect(report.sources.hospital).toMatchObject({ status: 'ok', patients: [versie.hospitalKey] });
  const others = world.data.patients.filter((p) => p.hospital && p.name !== versie.name).map((p) => p.hospital!.split('/')[1]!);
  expect(others.length).toBeGreaterThan(0);
  for (const id of others) expect(await store.get('hospital', 'Patient', id), id).toBeUndefined();
  expect((await store.get('hospital', 'Patient', versie.hospitalId!))?.resource.id).toBe(versie.hospitalId);
  expect(await store.linkedPatients(versie.clinicKey)).toEqual([versie.clinicKey, versie.hospitalKey]);
  store.close();
});
