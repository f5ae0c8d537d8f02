/**
 * Servers keep search results for a limited time; HAPI answers a paging link whose result set
 * has expired with 410 Gone. Against the real local server with its `expireLinks` fault: a
 * listing whose next link expires is started again from its first request (a bounded number of
 * times), what was written stays, and the sync ends with exactly the server's record — with
 * `$everything` and with one search per type. A link that keeps expiring fails the source with
 * a clear error after the bounded restarts, keeping the pages read before.
 */
import { describe, expect, test } from 'vitest';
import { DEFAULT_TYPES, MAX_LISTING_RESTARTS } from '../src/sync/download.js';
import { http, openStore, samplePatient, snapshot, useWorld, type World } from './support/sync-harness.js';

const world = useWorld();

/**
 * `clinic/Type/id@versionId` of every resource the clinic holds for a patient (the types synced),
 * read with the faults cleared.
 */
async function serverRecord(w: World, patientId: string): Promise<string[]> {
  w.server.base('clinic').faults.reset();
  const base = w.server.baseUrl('clinic');
  const lines: string[] = [];
  const patient = (await http(`${base}/Patient/${patientId}`)).body;
  lines.push(`clinic/Patient/${patient.id}@${patient.meta.versionId}`);
  for (const type of DEFAULT_TYPES.filter((t) => t !== 'Patient')) {
    const { body } = await http(`${base}/${type}?patient=Patient/${patientId}&_count=1000`);
    for (const e of body.entry ?? []) lines.push(`clinic/${type}/${e.resource.id}@${e.resource.meta.versionId}`);
  }
  return lines.sort();
}

/** Statuses of the clinic's logged requests whose URL contains `match`. */
function statuses(w: World, match: string): number[] {
  return w.server.base('clinic').requests.filter((r) => decodeURIComponent(r.url).includes(match)).map((r) => r.status);
}

describe('a paging link that expires now and then', () => {
  test('$everything: the listing starts again and the cold sync ends with exactly the server record', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    // 20 per page: about ten pages; the 3rd and 6th paging requests find their result set gone.
    world.server.base('clinic').faults.set({ pageSize: 20, expireLinks: { every: 3, count: 2 } });
    const { store } = await openStore(world, { sources: ['clinic'] });
    const report = await store.syncPatient(versie.clinicKey);

    expect(report.errors).toEqual([]);
    expect(report.sources.clinic).toMatchObject({ status: 'ok', strategy: 'everything' });
    expect(statuses(world, '$everything').filter((s) => s === 410)).toHaveLength(2);
    expect(report.sources.clinic!.notes.filter((n) => n.code === 'paging-restarted')).toHaveLength(2);
    expect(await snapshot(store, versie.clinicKey)).toEqual(await serverRecord(world, versie.clinicId));
    // Pages read twice were not written twice: as many rows written as by a sync without faults.
    world.server.base('clinic').faults.reset();
    const clean = await openStore(world, { sources: ['clinic'] });
    expect(report.downloaded).toBe((await clean.store.syncPatient(versie.clinicKey)).downloaded);
    clean.store.close();
    store.close();
  });

  test('one search per type: each listing that lost its link starts again; the sync ends exact', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    world.server.base('clinic').faults.set({ disable: ['everything'], pageSize: 10, expireLinks: { every: 4, count: 3 } });
    const { store } = await openStore(world, { sources: ['clinic'] });
    const report = await store.syncPatient(versie.clinicKey);

    expect(report.errors).toEqual([]);
    expect(report.sources.clinic).toMatchObject({ status: 'ok', strategy: 'compartment-search' });
    expect(world.server.base('clinic').requests.filter((r) => r.status === 410)).toHaveLength(3);
    expect(await snapshot(store, versie.clinicKey)).toEqual(await serverRecord(world, versie.clinicId));
    store.close();
  });

  test('incremental: a next link answered 404 starts the listing again; the sync ends exact', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    const { store } = await openStore(world, { sources: ['clinic'] });
    await store.syncPatient(versie.clinicKey);

    // Another client changes every Observation of the patient, so the next sync has pages to follow.
    const base = world.server.baseUrl('clinic');
    const { body } = await http(`${base}/Observation?patient=Patient/${versie.clinicId}&_count=1000`);
    for (const e of body.entry) {
      const changed = { ...e.resource, status: 'amended' };
      delete changed.meta;
      expect((await http(`${base}/Observation/${e.resource.id}`, { method: 'PUT', body: JSON.stringify(changed) })).status).toBe(200);
    }
    world.server.base('clinic').faults.set({ pageSize: 20, expireLinks: { every: 2, count: 1, status: 404, match: '$everything' } });
    const report = await store.syncPatient(versie.clinicKey);
    expect(report.errors).toEqual([]);
    expect(statuses(world, '$everything').filter((s) => s === 404)).toHaveLength(1);
    expect(report.sources.clinic!.downloaded).toBe(body.entry.length);
    expect(await snapshot(store, versie.clinicKey)).toEqual(await serverRecord(world, versie.clinicId));
    store.close();
  });
});

test('incremental: an expired _history link starts the history again; a delete at its end is still seen', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const { store } = await openStore(world, { sources: ['clinic'] });
  await store.syncPatient(versie.clinicKey);

  const base = world.server.baseUrl('clinic');
  const { body } = await http(`${base}/Observation?patient=Patient/${versie.clinicId}&_count=1000`);
  for (const e of body.entry.slice(0, 45)) {
    const changed = { ...e.resource, status: 'amended' };
    delete changed.meta;
    expect((await http(`${base}/Observation/${e.resource.id}`, { method: 'PUT', body: JSON.stringify(changed) })).status).toBe(200);
  }
  // The last change in the history: a delete, on its last page.
  const allergy = (await http(`${base}/AllergyIntolerance?patient=Patient/${versie.clinicId}`)).body.entry[0].resource;
  expect((await http(`${base}/AllergyIntolerance/${allergy.id}`, { method: 'DELETE' })).status).toBeLessThan(300);

  world.server.base('clinic').clearRequests();
  world.server.base('clinic').faults.set({ pageSize: 20, expireLinks: { every: 2, count: 1, match: '_history' } });
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.errors).toEqual([]);
  expect(statuses(world, '_history').filter((s) => s === 410)).toHaveLength(1);
  // Still incremental: the history was read again, not given up for a full listing.
  expect(report.sources.clinic!.notes.map((n) => n.code)).toEqual(['paging-restarted']);
  const everything = world.server.base('clinic').requests.filter((r) => r.url.includes('$everything'));
  expect(everything.length).toBeGreaterThan(0);
  expect(everything.filter((r) => !r.url.includes('_since='))).toEqual([]);
  expect(report.sources.clinic).toMatchObject({ downloaded: 45, deleted: 1 });
  expect(await store.get('clinic', 'AllergyIntolerance', allergy.id)).toBeUndefined();
  expect(await snapshot(store, versie.clinicKey)).toEqual(await serverRecord(world, versie.clinicId));
  store.close();
});

describe('a paging link that keeps expiring', () => {
  test('fails the source after the bounded restarts with a clear error, keeping the pages read before', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    world.server.base('clinic').faults.set({ pageSize: 20, expireLinks: { every: 1 } });
    const { store, local } = await openStore(world, { sources: ['clinic'] });
    const report = await store.syncPatient(versie.clinicKey);

    expect(report.sources.clinic).toMatchObject({ status: 'error', error: { code: 'paging-expired', status: 410 } });
    expect(report.sources.clinic!.error!.message).toMatch(/paging links .* kept expiring \(410\), also after 3 fresh starts/);
    expect(report.errors).toEqual([expect.objectContaining({ source: 'clinic', code: 'paging-expired', status: 410 })]);
    // The first request and its next link, once and then again for each restart.
    expect(statuses(world, '$everything')).toEqual(Array.from({ length: MAX_LISTING_RESTARTS + 1 }, () => [200, 410]).flat());
    expect((await store.getSources()).find((s) => s.id === 'clinic')).toMatchObject({ status: 'error' });

    // The first page was written, and stays; no checkpoint vouches for the rest.
    const firstUrl = world.server.base('clinic').requests.find((r) => r.url.includes('$everything'))!.url;
    world.server.base('clinic').faults.set({ expireLinks: null });
    const firstPage = (await http(`${world.server.url}${firstUrl}`)).body;
    const kept = (firstPage.entry as Array<{ resource: { resourceType: string; id: string; meta: { versionId: string } } }>)
      .filter((e) => DEFAULT_TYPES.includes(e.resource.resourceType))
      .map((e) => `clinic/${e.resource.resourceType}/${e.resource.id}@${e.resource.meta.versionId}`)
      .sort();
    expect(kept.length).toBeGreaterThan(10);
    expect(await snapshot(store, versie.clinicKey)).toEqual(kept);
    expect(await local.getCheckpoint('clinic', `patient:${versie.clinicId}:everything`)).toBeUndefined();

    // With the server well again, the next sync completes the record.
    world.server.base('clinic').faults.reset();
    const again = await store.syncPatient(versie.clinicKey);
    expect(again.errors).toEqual([]);
    expect(await snapshot(store, versie.clinicKey)).toEqual(await serverRecord(world, versie.clinicId));
    store.close();
  });
});
