/**
 * Limits, none of them silent (issue 7 §3), against the real local server's fault switches: a
 * body that never ends, pages that never end, too many resources, a sync out of time, JSON nested
 * a thousand levels deep. Small limits are configured here; the server does the rest.
 */
import { expect, test } from 'vitest';
import { checkpointKey } from '../src/sync/checkpoint.js';
import { DEFAULT_LIMITS } from '../src/sync/limits.js';
import { openStore, samplePatient, useWorld } from './support/sync-harness.js';

const world = useWorld();

const everythingRequests = () => world.server.base('clinic').requests.filter((r) => r.url.includes('/$everything'));

test('a body larger than maxResponseBytes is cut off while it streams, not read to the end, and the source reports the limit', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  // 200 MB of filler; the server stops writing when the client goes away.
  world.server.base('clinic').faults.set({ hugeBody: { count: 1, match: '$everything' } });
  const { store } = await openStore(world, { sources: ['clinic'], sync: { limits: { maxResponseBytes: 4 * 1024 * 1024 } } });

  const report = await store.syncPatient(versie.clinicKey, { upload: false });
  expect(report.sources.clinic).toMatchObject({ status: 'error', error: { code: 'limit-exceeded', limit: 'maxResponseBytes' } });
  expect(report.sources.clinic!.error!.message).toMatch(/^clinic: the answer is larger than 4194304 bytes \(limit maxResponseBytes\); stopped reading it: GET http:\/\/127\.0\.0\.1:\d+\/clinic\/fhir\/Patient\/[^/]+\/\$everything\?/);
  expect(report.errors.map((e) => [e.source, e.code, e.limit])).toEqual([['clinic', 'limit-exceeded', 'maxResponseBytes']]);
  const [source] = await store.getSources();
  expect(source).toMatchObject({ status: 'error', lastError: report.sources.clinic!.error!.message });
  // One request, not retried, and the server was not read to its end.
  const huge = everythingRequests();
  expect(huge.map((r) => r.fault)).toEqual(['hugeBody']);
  expect(huge[0]!.sentBytes).toBeLessThan(200 * 1024 * 1024);
  store.close();
});

test('pages that never end stop at maxPages; what came before is kept, the query is not checkpointed', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  world.server.base('clinic').faults.set({ endlessPages: { match: '$everything' }, pageSize: { size: 5, match: '$everything' } });
  const { store, local } = await openStore(world, { sources: ['clinic'], sync: { limits: { maxPages: 4 } } });

  const report = await store.syncPatient(versie.clinicKey, { upload: false });
  expect(report.sources.clinic).toMatchObject({ status: 'error', error: { code: 'limit-exceeded', limit: 'maxPages' } });
  expect(report.sources.clinic!.error!.message).toMatch(/^clinic: more than 4 pages in one sync \(limit maxPages\); stopped\./);
  // Four pages applied and the fifth refused: five requests, not an endless loop.
  expect(everythingRequests()).toHaveLength(5);
  expect(await store.get('clinic', 'Patient', versie.clinicId)).toMatchObject({ patient: versie.clinicKey });
  expect(await local.getCheckpoint('clinic', checkpointKey(versie.clinicId, 'everything'))).toBeUndefined();
  store.close();
});

test('more resources than maxResources stop the source; the next sync without the cap completes the query', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  world.server.base('clinic').faults.set({ pageSize: { size: 5, match: '$everything' } });
  const capped = await openStore(world, { sources: ['clinic'], sync: { limits: { maxResources: 12 } } });
  const report = await capped.store.syncPatient(versie.clinicKey, { upload: false });
  expect(report.sources.clinic).toMatchObject({ status: 'error', error: { code: 'limit-exceeded', limit: 'maxResources' } });
  // Pages of 5: the third page passes 12 and is not applied.
  expect(everythingRequests()).toHaveLength(3);
  expect(await capped.local.getCheckpoint('clinic', checkpointKey(versie.clinicId, 'everything'))).toBeUndefined();
  capped.store.close();

  const free = await openStore(world, { sources: ['clinic'] });
  expect((await free.store.syncPatient(versie.clinicKey, { upload: false })).sources.clinic).toMatchObject({ status: 'ok' });
  expect(typeof (await free.local.getCheckpoint('clinic', checkpointKey(versie.clinicId, 'everything')))).toBe('string');
  free.store.close();
});

test('a sync past its deadline stops before the next request and says so', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  world.server.base('clinic').faults.set({ pageSize: { size: 5, match: '$everything' } });
  // The engine's clock moves one minute each time it is read; the sync has three and a half.
  let reads = 0;
  const now = () => 60_000 * reads++;
  const { store, local } = await openStore(world, { sources: ['clinic'], sync: { now, limits: { deadlineMs: 210_000 } } });
  const report = await store.syncPatient(versie.clinicKey, { upload: false });
  expect(report.sources.clinic).toMatchObject({ status: 'error', error: { code: 'limit-exceeded', limit: 'deadlineMs' } });
  expect(report.sources.clinic!.error!.message).toMatch(/^clinic: the sync ran out of time \(limit 210000 ms\); stopped before the next request\./);
  // Start at 0, deadline 210 000; the source starts at 60 000, pages are asked at 120 000 and
  // 180 000; the third (240 000) is not.
  expect(everythingRequests()).toHaveLength(2);
  expect(await store.get('clinic', 'Patient', versie.clinicId)).toMatchObject({ patient: versie.clinicKey });
  expect(await local.getCheckpoint('clinic', checkpointKey(versie.clinicId, 'everything'))).toBeUndefined();
  store.close();
});

test('a resource nested deeper than maxReferenceDepth is refused and reported; the rest of the record is stored', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  let deep: Record<string, unknown> = { text: 'bottom' };
  // 1000 levels of objects and arrays.
  for (let i = 0; i < 500; i++) deep = { extension: [deep] };
  const nested = { resourceType: 'Observation', id: 'nested-1000', status: 'final', code: { text: 'deep' }, subject: { reference: `Patient/${versie.clinicId}` }, ...deep };
  world.server.base('clinic').faults.set({ inject: { resources: [nested], match: '$everything', count: 1 } });
  const { store } = await openStore(world, { sources: ['clinic'] });

  const report = await store.syncPatient(versie.clinicKey, { upload: false });
  expect(report.sources.clinic).toMatchObject({ status: 'ok', refused: 1 });
  expect(report.sources.clinic!.notes.filter((n) => n.code === 'limit-maxReferenceDepth').map((n) => n.message)).toEqual([
    `clinic: Observation/nested-1000 nests deeper than ${DEFAULT_LIMITS.maxReferenceDepth} levels (limit maxReferenceDepth); not stored.`,
  ]);
  expect(await store.get('clinic', 'Observation', 'nested-1000')).toBeUndefined();
  expect(await store.get('clinic', 'Patient', versie.clinicId)).toMatchObject({ patient: versie.clinicKey });
  store.close();
});
