/**
 * Privacy of what sync sends and keeps (issue 7 §4), against the real local server where it can
 * produce the case: identifiers searched with POST, never in a URL; error messages and lastError
 * without query strings; purge clears lastError; tombstones without the resource. Server text with
 * control and direction characters (which the demo server never sends) is checked on the client's
 * sanitizers and on a scripted answer.
 */
import { describe, expect, test } from 'vitest';
import { SyncError, redactUrl, sanitizeMessage, serverText } from '../src/sync/errors.js';
import { FhirClient } from '../src/sync/http.js';
import { SAMPLE_SSN } from './support/constants.js';
import { http, openStore, samplePatient, useWorld } from './support/sync-harness.js';

const world = useWorld();

describe('linked patients are searched by identifier without the identifier in any URL', () => {
  test('POST Patient/_search with a form body; the server logged no URL with the SSN, and the match is found', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    const { store } = await openStore(world);
    const report = await store.syncPatient(versie.clinicKey, { upload: false });
    expect(report.sources.hospital).toMatchObject({ status: 'ok', patients: [versie.hospitalKey] });

    const hospital = world.server.base('hospital').requests;
    expect(hospital.filter((r) => r.url.includes('Patient/_search')).map((r) => [r.method, r.url, r.headers['content-type']])).toEqual([
      ['POST', '/hospital/fhir/Patient/_search', 'application/x-www-form-urlencoded'],
    ]);
    const urls = ['clinic', 'hospital'].flatMap((b) => world.server.base(b).requests.map((r) => decodeURIComponent(r.url)));
    expect(urls.filter((u) => u.includes(SAMPLE_SSN.versie))).toEqual([]);
    // The source's capabilities say how it was searched.
    const sources = await store.getSources();
    expect(sources.find((s) => s.id === 'hospital')!.capabilities).toMatchObject({ patientSearch: 'POST' });
    store.close();
  });
});

describe('error messages and lastError', () => {
  test('a failing request is reported without its query string, in the report and in lastError', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    world.server.base('clinic').faults.set({ errors: { status: 400 }, match: '$everything' });
    const { store } = await openStore(world, { sources: ['clinic'] });
    const report = await store.syncPatient(versie.clinicKey, { upload: false });
    const message = report.sources.clinic!.error!.message;
    expect(message).toMatch(
      /^clinic: the server answered 400 "Bad Request": GET http:\/\/127\.0\.0\.1:\d+\/clinic\/fhir\/Patient\/[^/]+\/\$everything\?… — the server says "Internal server error \(injected fault\)"$/,
    );
    expect((await store.getSources())[0]!.lastError).toBe(message);
    store.close();
  });

  test("server text loses controls and direction overrides, is quoted, capped; URLs lose queries and fragments", () => {
    expect(serverText('Patient \u202Eevil\u202C\u0000 text\n\nmore')).toBe('"Patient evil text more"');
    expect(serverText('x'.repeat(500))).toBe(JSON.stringify(`${'x'.repeat(200)}…`));
    expect(serverText('say "hi"')).toBe('"say \\"hi\\""');
    expect(redactUrl('https://h/fhir/Patient?identifier=x|999-69-1123#f')).toBe('https://h/fhir/Patient?…');
    expect(redactUrl('https://h/fhir/metadata')).toBe('https://h/fhir/metadata');
    expect(sanitizeMessage('GET (https://h/fhir/Patient?identifier=x|1). next https://h/a#b\u2066x\u2069 end\nline')).toBe(
      'GET (https://h/fhir/Patient?…). next https://h/a?… end line',
    );
    expect(sanitizeMessage('y'.repeat(5000))).toHaveLength(1001);
    expect(new SyncError('http', 'at https://h/p?ssn=1\u202E').message).toBe('at https://h/p?…');
  });

  test("an OperationOutcome's diagnostics with direction overrides and a query-string URL come out clean", async () => {
    const answer = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'invalid', diagnostics: 'Unknown \u202Eparameter\u202C: see https://h/fhir/Patient?identifier=x|999-69-1123' }],
    };
    const fetchImpl = (async () =>
      new Response(JSON.stringify(answer), { status: 400, statusText: 'Bad Request', headers: { 'content-type': 'application/fhir+json' } })) as typeof fetch;
    const client = new FhirClient('s', 'https://h/fhir', fetchImpl);
    const error = await client.get('Patient?identifier=x|999-69-1123').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).message).toBe(
      's: the server answered 400 "Bad Request": GET https://h/fhir/Patient?… — the server says "Unknown parameter: see https://h/fhir/Patient?…"',
    );
  });
});

test('purge({ patient }) clears lastError on every source', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const { store } = await openStore(world);
  expect((await store.syncPatient(versie.clinicKey, { upload: false })).errors).toEqual([]);
  world.server.base('clinic').faults.set({ errors: { status: 400 }, match: '$everything' });
  world.server.base('hospital').faults.set({ errors: { status: 400 }, match: '$everything' });
  const failed = await store.syncPatient(versie.clinicKey, { upload: false });
  expect(failed.errors.map((e) => e.source).sort()).toEqual(['clinic', 'hospital']);
  expect((await store.getSources()).map((s) => typeof s.lastError)).toEqual(['string', 'string']);

  await store.purge({ patient: versie.clinicKey });
  expect((await store.getSources()).map((s) => [s.id, s.lastError])).toEqual([
    ['clinic', undefined],
    ['hospital', undefined],
  ]);
  store.close();
});

test('a tombstone keeps type, id, version and time, not the resource', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const { store } = await openStore(world, { sources: ['clinic'] });
  await store.syncPatient(versie.clinicKey, { upload: false });
  const allergy = (await store.search({ patient: versie.clinicKey, type: 'AllergyIntolerance' }))[0]!;
  const id = allergy.resource.id!;
  expect((await http(`${world.server.baseUrl('clinic')}/AllergyIntolerance/${id}`, { method: 'DELETE' })).status).toBe(200);

  const report = await store.syncPatient(versie.clinicKey, { upload: false });
  expect(report.sources.clinic).toMatchObject({ status: 'ok', deleted: 1 });
  const tomb = await store.get('clinic', 'AllergyIntolerance', id, { includeDeleted: true });
  expect(tomb).toMatchObject({ deleted: true, patient: versie.clinicKey, resource: { resourceType: 'AllergyIntolerance', id } });
  expect(tomb!.resource).toEqual({ resourceType: 'AllergyIntolerance', id });
  expect(tomb!.versionId).not.toBe(allergy.versionId);
  expect(typeof tomb!.lastUpdated).toBe('string');
  store.close();
});
