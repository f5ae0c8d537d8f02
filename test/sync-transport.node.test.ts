/**
 * Transport rules (issue 7 §4): https except loopback or an explicit allowInsecure; redirects not
 * followed; next links only under the source's base path, not just its origin. Against the real
 * local server where it can produce the case (its redirect and nextUrl faults).
 */
import { describe, expect, test } from 'vitest';
import { isLoopbackHost, resolveSourceLink, transportProblem } from '../src/sync/source-links.js';
import { openStore, samplePatient, useWorld } from './support/sync-harness.js';

const world = useWorld();

describe('which base URLs may be used', () => {
  test('https anywhere; http only on loopback', () => {
    expect(transportProblem('https://fhir.example.org/r4')).toBeUndefined();
    for (const url of ['http://127.0.0.1:8080/fhir', 'http://127.1.2.3/fhir', 'http://localhost/fhir', 'http://[::1]:9/fhir']) {
      expect(transportProblem(url), url).toBeUndefined();
    }
    for (const url of ['http://fhir.example.org/fhir', 'http://127.0.0.1.example.org/fhir', 'http://localhost.example.org/fhir', 'http://10.0.0.5/fhir']) {
      expect(transportProblem(url), url).toBe(
        `its base URL ${new URL(url).origin} is plain http to another machine, so health data and credentials would cross the network unencrypted; use https (allowInsecure permits http for development only)`,
      );
    }
    expect(transportProblem('http://fhir.example.org/fhir', true)).toBeUndefined();
    expect(transportProblem('ftp://fhir.example.org/fhir', true)).toBe('its base URL uses ftp, not https');
    expect(isLoopbackHost('127.256.0.1')).toBe(false);
  });

  const remoteBase = 'http://fhir.example.invalid/fhir';
  /** A store with a plain-http source on another machine whose fetch records what it is asked. */
  async function remoteStore(allowInsecure?: readonly string[]) {
    const asked: string[] = [];
    const offline = (async (input: string | URL | Request) => {
      asked.push(String(input));
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const { store } = await openStore(world, { sources: [], sync: allowInsecure ? { allowInsecure } : {} });
    await store.addSource({ id: 'remote', baseUrl: remoteBase, label: 'Remote', fetch: offline });
    return { store, asked };
  }

  test('a plain-http source on another machine is refused before any request, with a clear error', async () => {
    const { store, asked } = await remoteStore();
    const report = await store.syncPatient('remote/Patient/1', { upload: false });
    expect(report.sources.remote!.error).toEqual({
      code: 'insecure-transport',
      message:
        'remote: not synced: its base URL http://fhir.example.invalid is plain http to another machine, so health data and credentials would cross the network unencrypted; use https (allowInsecure permits http for development only).',
    });
    expect(asked).toEqual([]);
    expect((await store.getSources())[0]).toMatchObject({ status: 'error', lastError: report.sources.remote!.error!.message });
    store.close();
  });

  test('allowInsecure naming the source lets it be contacted (development)', async () => {
    const { store, asked } = await remoteStore(['remote']);
    const report = await store.syncPatient('remote/Patient/1', { upload: false });
    // Contacted; it fails here only because there is no such server.
    expect(report.sources.remote!.error!.code).toBe('network');
    expect(asked[0]).toBe(`${remoteBase}/metadata`);
    store.close();
  });
});

describe('links and redirects stay under the base URL', () => {
  test('resolveSourceLink: same origin is not enough; the path must be under the base path', () => {
    const base = 'http://127.0.0.1:1/clinic/fhir';
    expect(resolveSourceLink(base, 'Patient?_count=5')).toBe(`${base}/Patient?_count=5`);
    expect(resolveSourceLink(base, `${base}/Patient?page=2`)).toBe(`${base}/Patient?page=2`);
    expect(resolveSourceLink(`${base}/`, base)).toBe(base);
    expect(resolveSourceLink(base, 'http://127.0.0.1:1/hospital/fhir/Patient')).toBeUndefined();
    expect(resolveSourceLink(base, 'http://127.0.0.1:1/clinic/fhirx/Patient')).toBeUndefined();
    expect(resolveSourceLink(base, `${base}/../../hospital/fhir/Patient`)).toBeUndefined();
    expect(resolveSourceLink(base, `${base}/%2e%2e/%2e%2e/hospital/fhir/Patient`)).toBeUndefined();
    expect(resolveSourceLink(base, 'https://127.0.0.1:1/clinic/fhir/Patient')).toBeUndefined();
  });

  test('a next link to another base on the same server is not followed; that base sees no request', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    const hospital = world.server.baseUrl('hospital');
    world.server.base('clinic').faults.set({ nextUrl: { url: `${hospital}/Patient?_count=5`, match: '$everything' } });
    const { store } = await openStore(world, { sources: ['clinic'] });
    const report = await store.syncPatient(versie.clinicKey, { upload: false });
    expect(report.sources.clinic!.error).toEqual({
      code: 'foreign-link',
      message: `clinic: the server linked to ${hospital}/Patient?…, which is not under its base URL (${world.server.baseUrl('clinic')}); not following it, so credentials are not sent elsewhere.`,
    });
    expect(world.server.base('hospital').requests).toEqual([]);
    store.close();
  });

  test('a redirect is not followed, even on the same server, and the source says where it pointed', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    const hospital = world.server.baseUrl('hospital');
    const clinic = world.server.baseUrl('clinic');
    world.server.base('clinic').faults.set({ redirect: { location: `${hospital}/metadata?x=1`, count: 1, match: 'metadata' } });
    const { store } = await openStore(world, { sources: ['clinic'] });
    const report = await store.syncPatient(versie.clinicKey, { upload: false });
    expect(report.sources.clinic!.error).toEqual({
      code: 'redirect',
      status: 302,
      message: `clinic: the server redirected GET ${clinic}/metadata to ${hospital}/metadata?…, which is not under the base URL ${clinic}; redirects are not followed (configure the source with the final base URL).`,
    });
    expect(world.server.base('hospital').requests).toEqual([]);
    store.close();
  });
});
