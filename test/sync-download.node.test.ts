/**
 * Downloading a patient's record from the real local FHIR server (Medplum's router), two
 * providers, sample patients. Each test opens its own record store; the server is shared and
 * its faults are reset after each test.
 */
import { describe, expect, test } from 'vitest';
import { Dexie } from 'dexie';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { LocalRecordStore } from '../src/store/index.js';
import { DEFAULT_TYPES } from '../src/sync/download.js';
import type { SyncProgress } from '../src/sync/progress.js';
import { http, openStore, requestLines, samplePatient, serverCount, serverResources, snapshot, useWorld } from './support/sync-harness.js';

const world = useWorld();

const CLINICAL = DEFAULT_TYPES.filter((t) => t !== 'Patient');

describe('first sync', () => {
  test('downloads the clinic record and the linked hospital record, matching what each server holds', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    const { store } = await openStore(world);
    const report = await store.syncPatient(versie.clinicKey);

    expect(report.errors).toEqual([]);
    expect(report.sources.clinic).toMatchObject({ status: 'ok', patients: [versie.clinicKey] });
    expect(report.sources.hospital).toMatchObject({ status: 'ok', patients: [versie.hospitalKey] });

    // Linked: searching the clinic key gives rows from both providers.
    const rows = await store.search({ patient: versie.clinicKey });
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['clinic', 'hospital']));
    expect(await store.linkedPatients(versie.clinicKey)).toEqual([versie.clinicKey, versie.hospitalKey]);

    // Per type and source, exactly what the server has for that patient.
    for (const [source, id] of [['clinic', versie.clinicId], ['hospital', versie.hospitalId!]] as const) {
      for (const type of ['Patient', ...CLINICAL]) {
        const cached = rows.filter((r) => r.source === source && r.resource.resourceType === type).length;
        expect(`${source} ${type}: ${cached}`).toBe(`${source} ${type}: ${await serverCount(world, source, type, id)}`);
      }
    }
    // Referenced practitioners/organizations came along.
    const enc = rows.find((r) => r.source === 'clinic' && r.resource.resourceType === 'Encounter')!.resource as any;
    const org = enc.serviceProvider?.reference as string;
    expect(org).toMatch(/^Organization\/[^/]+$/);
    expect((await store.read(`clinic/${org}`))?.resource).toMatchObject({ resourceType: 'Organization', id: org.split('/')[1] });
    // The hospital was found by the shared identifier (searched with POST: not in the URL).
    expect(requestLines(world, 'hospital').filter((l) => l.includes('Patient/_search'))).toEqual(['POST /hospital/fhir/Patient/_search']);
    store.close();
  });
});

test('the example at the top of src/sync/README.md works as written (addSource not awaited)', async () => {
  const clientTest = samplePatient(world, 'ClientTests USCore');
  const { store } = await openStore(world, { sources: [] });
  store.addSource({ id: 'clinic', baseUrl: world.server.baseUrl('clinic'), label: 'Riverside Clinic' });
  const report = await store.syncPatient(clientTest.clinicKey);
  expect(report).toMatchObject({ errors: [], sources: { clinic: { status: 'ok' } } });
  expect(report.downloaded).toBeGreaterThan(10);
  expect((await store.search({ patient: clientTest.clinicKey, type: 'Observation' })).length).toBe(
    await serverCount(world, 'clinic', 'Observation', clientTest.clinicId),
  );
  store.close();
});

describe('incremental sync', () => {
  test('asks only for changes, downloads nothing when nothing changed, then exactly one update and one delete', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    const { store } = await openStore(world);
    await store.syncPatient(versie.clinicKey);
    world.server.base('clinic').clearRequests();

    const again = await store.syncPatient(versie.clinicKey);
    expect(again.errors).toEqual([]);
    expect(again.downloaded).toBe(0);
    expect(again.deleted).toBe(0);
    const asked = requestLines(world, 'clinic');
    expect(asked.some((l) => l.includes('$everything') && l.includes('_since='))).toBe(true);
    expect(asked.some((l) => l.includes('_history?_since='))).toBe(true);
    expect(asked.filter((l) => l.includes('$everything')).every((l) => l.includes('_since='))).toBe(true);

    // Another client changes one Observation and deletes one AllergyIntolerance on the server.
    const base = world.server.baseUrl('clinic');
    const [obs] = await serverResources(world, 'clinic', 'Observation', versie.clinicId);
    const changed = { ...obs, status: 'amended', note: [{ text: 'corrected by the lab' }] };
    delete changed.meta;
    expect((await http(`${base}/Observation/${obs.id}`, { method: 'PUT', body: JSON.stringify(changed) })).status).toBe(200);
    const allergies = await serverResources(world, 'clinic', 'AllergyIntolerance', versie.clinicId);
    const gone = allergies[0];
    expect((await http(`${base}/AllergyIntolerance/${gone.id}`, { method: 'DELETE' })).status).toBeLessThan(300);

    const third = await store.syncPatient(versie.clinicKey);
    expect(third.errors).toEqual([]);
    expect(third.sources.clinic).toMatchObject({ downloaded: 1, deleted: 1 });
    expect(third.sources.hospital).toMatchObject({ downloaded: 0, deleted: 0 });
    const row = await store.get('clinic', 'Observation', obs.id);
    expect(row?.resource).toMatchObject({ status: 'amended' });
    // Deleted: hidden from searches, tombstone kept.
    expect(await store.get('clinic', 'AllergyIntolerance', gone.id)).toBeUndefined();
    expect(await store.get('clinic', 'AllergyIntolerance', gone.id, { includeDeleted: true })).toMatchObject({ deleted: true });
    const shown = await store.search({ patient: versie.clinicKey, type: 'AllergyIntolerance' });
    expect(shown.filter((r) => r.source === 'clinic')).toHaveLength(allergies.length - 1);
    store.close();
  });

  test('the checkpoint is the server time of the first answer (its Date header), never the local clock', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    // The clinic's clock says 2001; ours does not. The checkpoint must follow the server.
    const serverClock = 'Sat, 03 Feb 2001 04:05:06 GMT';
    const clinicFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await fetch(input, init);
      const headers = new Headers(res.headers);
      headers.set('date', serverClock);
      // A 304 (the conditional metadata read of the second sync) has no body.
      return new Response(res.status === 304 ? null : await res.text(), { status: res.status, headers });
    }) as typeof fetch;
    const { store, local } = await openStore(world, { fetch: { clinic: clinicFetch } });
    await store.syncPatient(versie.clinicKey);
    const checkpoint = await local.getCheckpoint('clinic', `patient:${versie.clinicId}:everything`);
    expect(checkpoint).toBe('2001-02-03T04:05:06.000Z');
    // The hospital has its own (real) clock, so its checkpoint is its own Date header.
    const hospitalCheckpoint = await local.getCheckpoint('hospital', `patient:${versie.hospitalId}:everything`);
    const hospitalAnswer = world.server.base('hospital').requests.find((r) => r.url.includes('$everything'))!;
    expect(Math.abs(Date.parse(hospitalCheckpoint!) - Date.parse(hospitalAnswer.time))).toBeLessThan(1500);

    world.server.base('clinic').clearRequests();
    await store.syncPatient(versie.clinicKey);
    // Next time: changes since the server's time minus the overlap.
    expect(requestLines(world, 'clinic').some((l) => l.includes('$everything') && l.includes('_since=2001-02-03T04:05:04.000Z'))).toBe(true);
    store.close();
  });
});

describe('deletes reach the cache whatever the server supports', () => {
  test('without _history: full listing and id-set comparison', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    world.server.base('clinic').faults.set({ disable: ['history'] });
    const { store } = await openStore(world);
    await store.syncPatient(versie.clinicKey);
    const before = await store.search({ patient: versie.clinicKey, type: 'Immunization' });
    const victim = before.find((r) => r.source === 'clinic')!;
    await http(`${world.server.baseUrl('clinic')}/Immunization/${victim.resource.id}`, { method: 'DELETE' });
    world.server.base('clinic').clearRequests();

    const report = await store.syncPatient(versie.clinicKey);
    expect(report.errors).toEqual([]);
    expect(report.sources.clinic).toMatchObject({ deleted: 1, downloaded: 0 });
    expect(await store.get('clinic', 'Immunization', victim.resource.id!)).toBeUndefined();
    const asked = requestLines(world, 'clinic');
    expect(asked.some((l) => l.includes('_history'))).toBe(false);
    expect(asked.some((l) => l.includes('$everything') && !l.includes('_since'))).toBe(true);
    store.close();
  });

  test('rows stored but no checkpoint (e.g. lost): the full listing is still compared with them', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    const { store } = await openStore(world);
    await store.syncPatient(versie.clinicKey);
    const victim = (await store.search({ patient: versie.clinicKey, type: 'Immunization' })).find((r) => r.source === 'clinic')!;
    await http(`${world.server.baseUrl('clinic')}/Immunization/${victim.resource.id}`, { method: 'DELETE' });
    // Drop every checkpoint behind the store's back, keeping the rows.
    const raw = new Dexie(LocalRecordStore.databaseName(store.name), { indexedDB, IDBKeyRange });
    await raw.open();
    await raw.table('checkpoints').clear();
    raw.close();
    world.server.base('clinic').clearRequests();

    const report = await store.syncPatient(versie.clinicKey);
    expect(report.errors).toEqual([]);
    expect(report.sources.clinic).toMatchObject({ status: 'ok', deleted: 1 });
    expect(await store.get('clinic', 'Immunization', victim.resource.id!)).toBeUndefined();
    expect(requestLines(world, 'clinic').some((l) => l.includes('$everything') && !l.includes('_since'))).toBe(true);
    store.close();
  });

  test('without $everything: per-type searches, incremental with _lastUpdated, deletes from the history', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    world.server.base('clinic').faults.set({ disable: ['everything'] });
    const { store } = await openStore(world);
    const first = await store.syncPatient(versie.clinicKey);
    expect(first.sources.clinic).toMatchObject({ status: 'ok', strategy: 'compartment-search' });
    expect(requestLines(world, 'clinic').some((l) => l.includes(`Observation?patient=Patient/${versie.clinicId}`))).toBe(true);
    expect(requestLines(world, 'clinic').some((l) => l.includes(`Patient?_id=${versie.clinicId}`))).toBe(true);
    for (const type of ['Patient', ...CLINICAL]) {
      const cached = (await store.search({ patient: versie.clinicKey, type })).filter((r) => r.source === 'clinic').length;
      expect(`${type}: ${cached}`).toBe(`${type}: ${await serverCount(world, 'clinic', type, versie.clinicId)}`);
    }

    const victim = (await store.search({ patient: versie.clinicKey, type: 'Procedure' })).find((r) => r.source === 'clinic')!;
    await http(`${world.server.baseUrl('clinic')}/Procedure/${victim.resource.id}`, { method: 'DELETE' });
    world.server.base('clinic').clearRequests();

    const report = await store.syncPatient(versie.clinicKey);
    expect(report.errors).toEqual([]);
    expect(report.sources.clinic).toMatchObject({ deleted: 1, downloaded: 0 });
    expect(await store.get('clinic', 'Procedure', victim.resource.id!)).toBeUndefined();
    const asked = requestLines(world, 'clinic');
    expect(asked.some((l) => l.includes('Observation?') && l.includes('_lastUpdated=gt'))).toBe(true);
    // The deletes came from the server's history, read once for all types (system level).
    expect(asked.filter((l) => l.includes('_history') && !l.includes('_cursor='))).toEqual([expect.stringMatching(/^GET \/clinic\/fhir\/_history\?_since=/)]);
    store.close();
  });

  test('with neither: per-type full listings and id-set comparison', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    world.server.base('clinic').faults.set({ disable: ['everything', 'history'] });
    const { store } = await openStore(world);
    await store.syncPatient(versie.clinicKey);
    const victim = (await store.search({ patient: versie.clinicKey, type: 'Condition' })).find((r) => r.source === 'clinic')!;
    await http(`${world.server.baseUrl('clinic')}/Condition/${victim.resource.id}`, { method: 'DELETE' });
    const report = await store.syncPatient(versie.clinicKey);
    expect(report.sources.clinic).toMatchObject({ status: 'ok', deleted: 1, downloaded: 0 });
    expect(await store.get('clinic', 'Condition', victim.resource.id!)).toBeUndefined();
    store.close();
  });
});

describe('interrupted sync', () => {
  test('aborting half-way loses nothing and a second run ends exactly like a clean sync', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    world.server.base('clinic').faults.set({ pageSize: 5 });
    world.server.base('hospital').faults.set({ pageSize: 5 });

    const clean = await openStore(world);
    await clean.store.syncPatient(versie.clinicKey);
    const expected = await snapshot(clean.store, versie.clinicKey);
    clean.store.close();

    const { store, local } = await openStore(world);
    const ac = new AbortController();
    let pages = 0;
    const aborted = store.syncPatient(versie.clinicKey, {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.source === 'clinic' && p.phase === 'download' && p.done > 0 && ++pages === 8) ac.abort();
      },
    });
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    const partial = await snapshot(store, versie.clinicKey);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(expected.length);
    // No checkpoint was written for a query that did not finish.
    expect(await local.getCheckpoint('clinic', `patient:${versie.clinicId}:everything`)).toBeUndefined();

    const report = await store.syncPatient(versie.clinicKey);
    expect(report.errors).toEqual([]);
    const final = await snapshot(store, versie.clinicKey);
    expect(final).toEqual(expected);
    expect(new Set(final).size).toBe(final.length);
    store.close();
  });
});

describe('progress', () => {
  test('done/total never above 1; estimated until the last page; exact at the end', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    world.server.base('clinic').faults.set({ pageSize: 20 });
    const { store } = await openStore(world);
    const events: SyncProgress[] = [];
    const fromEvents: SyncProgress[] = [];
    store.addEventListener('progress', (e) => fromEvents.push(e.detail));
    await store.syncPatient(versie.clinicKey, { onProgress: (p) => events.push(p) });
    expect(events.length).toBeGreaterThan(5);
    expect(fromEvents).toEqual(events);
    for (const e of events) {
      expect(e.done).toBeLessThanOrEqual(e.total);
    }
    for (const source of ['clinic', 'hospital']) {
      const mine = events.filter((e) => e.source === source);
      const downloads = mine.filter((e) => e.phase === 'download');
      expect(downloads.some((e) => e.estimated)).toBe(true);
      const last = mine.at(-1)!;
      expect(last).toMatchObject({ phase: 'done', estimated: false });
      expect(last.done).toBe(last.total);
    }
    store.close();
  });
});
