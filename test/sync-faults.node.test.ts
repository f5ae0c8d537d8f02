/**
 * Bad days: the server (or something in between) fails, throttles, refuses the token, cuts
 * answers off, sends garbage or takes too long. One source's trouble never blocks the other,
 * and nothing already cached is lost. Waits are recorded by an injected sleep, never timed.
 */
import { expect, test } from 'vitest';
import { openStore, requestLines, samplePatient, snapshot, useWorld } from './support/sync-harness.js';

const world = useWorld();

/** A fetch for one source that rewrites the first answer whose URL contains `match`. */
function rewriting(match: string, rewrite: (res: Response, text: string) => Response): typeof fetch {
  let done = false;
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await fetch(input, init);
    const url = String(input);
    if (done || !url.includes(match)) return res;
    done = true;
    return rewrite(res, await res.text());
  }) as typeof fetch;
}

test('500 twice, then success: retried with back-off, the request log shows the retries', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  world.server.base('clinic').faults.set({ errors: { count: 2, match: '$everything' } });
  const { store, sleeps } = await openStore(world);
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.errors).toEqual([]);
  expect(report.sources.clinic!.status).toBe('ok');
  const everything = world.server.base('clinic').requests.filter((r) => r.url.includes('$everything'));
  expect(everything.slice(0, 3).map((r) => r.status)).toEqual([500, 500, 200]);
  expect(sleeps.length).toBeGreaterThanOrEqual(2);
  store.close();
});

test('429 with Retry-After: 1 waits one second (asked of the injected sleep)', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  world.server.base('hospital').faults.set({ throttle: { count: 1, status: 429, retryAfter: 1, match: '$everything' } });
  const { store, sleeps } = await openStore(world);
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.errors).toEqual([]);
  expect(sleeps).toContain(1000);
  const statuses = world.server.base('hospital').requests.filter((r) => r.url.includes('$everything')).map((r) => r.status);
  expect(statuses.slice(0, 2)).toEqual([429, 200]);
  store.close();
});

test('401 from the hospital: the hospital is reported failed with 401, the clinic still syncs', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  world.server.base('hospital').faults.set({ unauthorized: {} });
  const { store } = await openStore(world);
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.sources.clinic!.status).toBe('ok');
  expect(report.sources.hospital).toMatchObject({ status: 'error', error: { status: 401, code: 'unauthorized' } });
  expect(report.errors).toEqual([expect.objectContaining({ source: 'hospital', status: 401, code: 'unauthorized' })]);
  // No retries on 401.
  expect(world.server.base('hospital').requests).toHaveLength(1);
  expect((await store.getSources()).find((s) => s.id === 'hospital')).toMatchObject({ status: 'unauthorized' });
  const rows = await store.search({ patient: versie.clinicKey });
  expect(rows.length).toBeGreaterThan(50);
  expect(rows.every((r) => r.source === 'clinic')).toBe(true);
  store.close();
});

test('401 from the clinic after an earlier sync: the hospital is still found from the cached patient', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const { store } = await openStore(world);
  await store.syncPatient(versie.clinicKey);
  const before = await snapshot(store, versie.clinicKey);
  world.server.base('clinic').faults.set({ unauthorized: {} });
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.sources.clinic).toMatchObject({ status: 'error', error: { status: 401 } });
  expect(report.sources.hospital!.status).toBe('ok');
  expect(await snapshot(store, versie.clinicKey)).toEqual(before);
  store.close();
});

test('an answer cut off mid-body is retried', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  world.server.base('clinic').faults.set({ dropMidBody: { count: 1, match: '$everything' } });
  const { store, sleeps } = await openStore(world);
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.errors).toEqual([]);
  // One dropped answer, one wait, and the same page asked for again.
  expect(sleeps).toHaveLength(1);
  const everything = world.server.base('clinic').requests.filter((r) => r.url.includes('$everything'));
  expect(everything.map((r) => r.fault ?? 'ok')[0]).toBe('dropMidBody');
  expect(everything.filter((r) => r.fault)).toHaveLength(1);
  expect(everything[1]!.url).toBe(everything[0]!.url);
  store.close();
});

test('a malformed body fails that source with a clear message; nothing cached before is lost', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const { store, local } = await openStore(world);
  await store.syncPatient(versie.clinicKey);
  const before = await snapshot(store, versie.clinicKey);
  const checkpoint = await local.getCheckpoint('clinic', `patient:${versie.clinicId}:everything`);
  world.server.base('clinic').faults.set({ malformed: { match: '$everything' } });
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.sources.clinic).toMatchObject({ status: 'error', error: { code: 'malformed' } });
  expect(report.sources.clinic!.error!.message).toMatch(/not valid JSON.*\$everything/);
  expect(report.sources.hospital!.status).toBe('ok');
  expect(await snapshot(store, versie.clinicKey)).toEqual(before);
  expect(await local.getCheckpoint('clinic', `patient:${versie.clinicId}:everything`)).toBe(checkpoint);
  store.close();
});

test('a resource without id in a page is reported; the rest of the page is kept', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  let dropped = '';
  const clinicFetch = rewriting('$everything', (res, text) => {
    const bundle = JSON.parse(text);
    const entry = bundle.entry.find((e: any) => e.resource.resourceType === 'Immunization');
    dropped = entry.resource.id;
    delete entry.resource.id;
    return new Response(JSON.stringify(bundle), { status: res.status, headers: res.headers });
  });
  const clean = await openStore(world);
  await clean.store.syncPatient(versie.clinicKey);
  const expected = await snapshot(clean.store, versie.clinicKey);
  clean.store.close();

  const { store } = await openStore(world, { fetch: { clinic: clinicFetch } });
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.sources.clinic!.status).toBe('ok');
  expect(report.errors).toEqual([expect.objectContaining({ source: 'clinic', code: 'invalid-entry', message: expect.stringMatching(/Immunization without an id/) })]);
  const got = await snapshot(store, versie.clinicKey);
  expect(got).toEqual(expected.filter((l) => !l.includes(`/Immunization/${dropped}@`)));
  store.close();
});

test('a search answered with something other than a Bundle fails that source', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const clinicFetch = rewriting('$everything', (res) =>
    new Response(JSON.stringify({ resourceType: 'Patient', id: 'x' }), { status: 200, headers: res.headers }),
  );
  const { store } = await openStore(world, { fetch: { clinic: clinicFetch } });
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.sources.clinic).toMatchObject({ status: 'error', error: { code: 'not-bundle' } });
  expect(report.sources.clinic!.error!.message).toMatch(/expected a Bundle but got Patient/);
  store.close();
});

test('an HTML page instead of FHIR JSON (a login portal) fails that source', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const clinicFetch = rewriting('$everything', () =>
    new Response('<html><body>Please sign in</body></html>', { status: 200, headers: { 'content-type': 'text/html' } }),
  );
  const { store } = await openStore(world, { fetch: { clinic: clinicFetch } });
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.sources.clinic).toMatchObject({ status: 'error', error: { code: 'content-type' } });
  expect(report.sources.clinic!.error!.message).toMatch(/text\/html/);
  store.close();
});

test('a server slower than the time limit is reported as a timeout', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  world.server.base('hospital').faults.set({ latencyMs: { ms: 3000, match: '$everything' } });
  const { store } = await openStore(world, { sync: { http: { timeoutMs: 1000, retry: { retries: 1 } } } });
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.sources.clinic!.status).toBe('ok');
  expect(report.sources.hospital).toMatchObject({ status: 'error', error: { code: 'timeout' } });
  expect((await store.getSources()).find((s) => s.id === 'hospital')).toMatchObject({ status: 'offline' });
  expect(requestLines(world, 'hospital').filter((l) => l.includes('$everything'))).toHaveLength(2);
  store.close();
});
