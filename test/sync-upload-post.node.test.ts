/**
 * Creates sent with POST: the real local FHIR server with update-as-create switched off
 * (`disable: ['updateCreate']`, so its CapabilityStatement says `updateCreate: false` and a PUT to
 * a new id answers 405). Lost answers and failures come from the server's own faults.
 */
import type { Encounter, Observation } from 'fhir/r4';
import { beforeEach, describe, expect, test } from 'vitest';
import { POST_UNKNOWN } from '../src/sync/upload.js';
import { http, openStore, samplePatient, useWorld, type World } from './support/sync-harness.js';

const world = useWorld();
const LAB = 'urn:lab';

beforeEach(() => {
  world.server.base('clinic').faults.set({ disable: ['updateCreate'] });
});

function observation(patientId: string, text: string, extra: Partial<Observation> = {}): Observation {
  return { resourceType: 'Observation', status: 'final', code: { text }, subject: { reference: `Patient/${patientId}` }, ...extra };
}

/** The server's Observations of a patient with this code text. */
async function onServer(w: World, patientId: string, text: string): Promise<Observation[]> {
  const { body } = await http(`${w.server.baseUrl('clinic')}/Observation?subject=Patient/${patientId}&_count=1000`);
  return (body.entry ?? []).map((e: { resource: Observation }) => e.resource).filter((o: Observation) => o.code.text === text);
}

const writes = (w: World) =>
  w.server.base('clinic').requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url} ${r.status}${r.fault ? ` ${r.fault}` : ''}`);

async function syncedStore(extra: Parameters<typeof openStore>[1] = {}) {
  const versie = samplePatient(world, 'Versie Botsford');
  const { store, local } = await openStore(world, { sources: ['clinic'], ...extra });
  await store.syncPatient(versie.clinicKey);
  world.server.base('clinic').clearRequests();
  return { store, local, versie };
}

describe('plain POST (no identifier)', () => {
  test('a new Observation is created with one POST (without our id), never a PUT; the local row moves to the server’s id and version', async () => {
    const { store, local, versie } = await syncedStore();
    const saved = await store.save(observation(versie.clinicId, 'BP posted'), { source: 'clinic' });

    const report = await store.sync();
    expect(report.errors).toEqual([]);
    expect(report.uploaded).toBe(1);
    expect(writes(world)).toEqual(['POST /clinic/fhir/Observation 201']);
    const created = await onServer(world, versie.clinicId, 'BP posted');
    expect(created).toHaveLength(1);
    expect(await local.pendingWrites()).toEqual([]);
    expect(await store.listConflicts()).toEqual([]);
    const rows = (await store.search<Observation>({ patient: versie.clinicKey, type: 'Observation' })).filter((r) => r.resource.code.text === 'BP posted');
    expect(rows.map((r) => [r.resource.id, r.versionId, r.local])).toEqual([[created[0]!.id, created[0]!.meta!.versionId, undefined]]);
    expect(created[0]!.id).not.toBe(saved.resource.id);
    expect(await store.get('clinic', 'Observation', saved.resource.id!)).toBeUndefined();
    store.close();
  });

  test('a POST whose answer was lost (the server stored it) is not re-sent; it waits in listConflicts()', async () => {
    const { store, local, versie } = await syncedStore();
    const saved = await store.save(observation(versie.clinicId, 'BP lost answer'), { source: 'clinic' });
    world.server.base('clinic').faults.set({ dropMidBody: { count: 1, method: 'POST' } });

    const r1 = await store.sync();
    expect(r1).toMatchObject({ uploaded: 0, conflicts: 1 });
    expect(r1.sources.clinic).toMatchObject({ error: { code: 'network' } });
    expect(writes(world)).toEqual(['POST /clinic/fhir/Observation 200 dropMidBody']);
    expect(await onServer(world, versie.clinicId, 'BP lost answer')).toHaveLength(1);
    expect(await local.pendingWrites('clinic')).toEqual([]);
    const outbox = await store.listOutbox('clinic');
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ status: 'conflict', attempts: 1 });
    expect(outbox[0]!.lastError).toContain(POST_UNKNOWN);
    const conflicts = await store.listConflicts();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ resourceId: saved.resource.id, operation: 'create', server: null });

    world.server.base('clinic').clearRequests();
    const r2 = await store.sync();
    expect(r2).toMatchObject({ uploaded: 0, conflicts: 0, errors: [] });
    expect(writes(world)).toEqual([]);
    expect(await onServer(world, versie.clinicId, 'BP lost answer')).toHaveLength(1);
    store.close();
  });

  test('a 500 to a plain POST is held the same way (the server may have stored it), and sent once', async () => {
    const { store, local, versie } = await syncedStore();
    await store.save(observation(versie.clinicId, 'BP 500'), { source: 'clinic' });
    world.server.base('clinic').faults.set({ errors: { status: 500, method: 'POST' } });

    const r = await store.sync();
    expect(r).toMatchObject({ uploaded: 0, conflicts: 1 });
    expect(r.sources.clinic).toMatchObject({ error: { status: 500 } });
    expect(writes(world)).toEqual(['POST /clinic/fhir/Observation 500 errors']);
    expect(await local.pendingWrites('clinic')).toEqual([]);
    expect(await store.listConflicts()).toHaveLength(1);
    store.close();
  });

  test('a POST the server rejects (4xx: nothing created) stays pending, no conflict', async () => {
    const { store, local, versie } = await syncedStore();
    await store.save(observation(versie.clinicId, 'BP invalid'), { source: 'clinic' });
    // The in-memory server validates nothing; its injected 422 answers before storing anything.
    world.server.base('clinic').faults.set({ errors: { status: 422, count: 1, method: 'POST' } });

    const r = await store.sync();
    expect(r.uploaded).toBe(0);
    expect(r.sources.clinic).toMatchObject({ conflicts: 0 });
    expect(writes(world)).toEqual(['POST /clinic/fhir/Observation 422 errors']);
    expect(await local.pendingWrites('clinic')).toHaveLength(1);
    expect(await store.listConflicts()).toEqual([]);
    expect(await onServer(world, versie.clinicId, 'BP invalid')).toEqual([]);
    store.close();
  });
});

describe('conditional create (POST with If-None-Exist)', () => {
  const potassium = (patientId: string, value: number, lab: string): Observation =>
    observation(patientId, 'K+', { identifier: [{ system: LAB, value: lab }], valueQuantity: { value, unit: 'mmol/L' } });

  test('the server already holds someone else’s resource with this identifier: a conflict; the local write is kept, nothing replaced', async () => {
    const { store, local, versie } = await syncedStore();
    world.server.base('clinic').seed([{ ...potassium(versie.clinicId, 4.0, 'A1'), id: 'their-k' }]);
    const saved = await store.save(potassium(versie.clinicId, 6.1, 'A1'), { source: 'clinic' });

    const r = await store.sync();
    expect(r).toMatchObject({ uploaded: 0, conflicts: 1 });
    const post = world.server.base('clinic').requests.find((x) => x.method === 'POST')!;
    expect(post.headers['if-none-exist']).toBe(`identifier=${encodeURIComponent(`${LAB}|A1`)}`);
    expect(post.status).toBe(200);
    const mine = await store.get<Observation>('clinic', 'Observation', saved.resource.id!);
    expect(mine).toMatchObject({ local: 'conflict', resource: { valueQuantity: { value: 6.1 } } });
    const conflicts = await store.listConflicts();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ resourceId: saved.resource.id, server: { id: 'their-k', valueQuantity: { value: 4.0 } } });
    const { body } = await http(`${world.server.baseUrl('clinic')}/Observation?identifier=${encodeURIComponent(`${LAB}|A1`)}`);
    expect(body.entry.map((e: { resource: Observation }) => [e.resource.id, e.resource.valueQuantity?.value])).toEqual([['their-k', 4.0]]);
    expect(await local.pendingWrites('clinic')).toEqual([]);
    store.close();
  });

  test('its answer lost after the server stored it: the retry finds our own resource, done, one copy', async () => {
    const { store, local, versie } = await syncedStore();
    await store.save(potassium(versie.clinicId, 5.2, 'B7'), { source: 'clinic' });
    world.server.base('clinic').faults.set({ dropMidBody: { count: 1, method: 'POST' } });

    const r = await store.sync();
    expect(r).toMatchObject({ uploaded: 1, conflicts: 0, errors: [] });
    expect(writes(world)).toEqual(['POST /clinic/fhir/Observation 200 dropMidBody', 'POST /clinic/fhir/Observation 200']);
    const { body } = await http(`${world.server.baseUrl('clinic')}/Observation?identifier=${encodeURIComponent(`${LAB}|B7`)}`);
    expect(body.total).toBe(1);
    expect(await store.listConflicts()).toEqual([]);
    expect(await local.pendingWrites()).toEqual([]);
    store.close();
  });
});

describe('references to a resource the server gave another id', () => {
  test('queued writes that point at the new Encounter point at the server’s id when they are sent, and so do the local rows', async () => {
    const { store, versie } = await syncedStore();
    const base = world.server.baseUrl('clinic');
    // Made offline, in this order: an encounter, an observation in it, a condition naming it by
    // its absolute URL on this server.
    const visit: Encounter = { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${versie.clinicId}` } };
    const encounter = await store.save(visit, { source: 'clinic' });
    const localId = encounter.resource.id!;
    await store.save(observation(versie.clinicId, 'BP in new visit', { encounter: { reference: `Encounter/${localId}` } }), { source: 'clinic' });
    await store.save(
      {
        resourceType: 'Condition',
        subject: { reference: `Patient/${versie.clinicId}` },
        code: { text: 'Found in new visit' },
        encounter: { reference: `${base}/Encounter/${localId}` },
      },
      { source: 'clinic' },
    );

    const report = await store.sync();
    expect(report.errors).toEqual([]);
    expect(report.uploaded).toBe(3);
    const posted = world.server.base('clinic').requests.filter((r) => r.method === 'POST');
    expect(posted.map((r) => `${r.url} ${r.status}`)).toEqual([
      '/clinic/fhir/Encounter 201',
      '/clinic/fhir/Observation 201',
      '/clinic/fhir/Condition 201',
    ]);
    // On the server: both point at the encounter as the server knows it, under its own id.
    const [obs] = await onServer(world, versie.clinicId, 'BP in new visit');
    const serverId = /^Encounter\/([^/]+)$/.exec(obs!.encounter!.reference!)?.[1];
    expect(serverId).not.toBe(localId);
    expect((await http(`${base}/Encounter/${serverId}`)).body).toMatchObject({
      status: 'finished',
      class: { code: 'AMB' },
      subject: { reference: `Patient/${versie.clinicId}` },
    });
    const conditions = (await http(`${base}/Condition?patient=Patient/${versie.clinicId}&_count=1000`)).body.entry.map((e: any) => e.resource);
    expect(conditions.find((c: any) => c.code?.text === 'Found in new visit').encounter).toEqual({ reference: `${base}/Encounter/${serverId}` });
    // Nothing references the device's id any more, here or there.
    expect((await http(`${base}/Encounter/${localId}`)).status).toBe(404);
    const localRows = await store.search({ patient: versie.clinicKey });
    expect(localRows.filter((r) => JSON.stringify(r.resource).includes(localId))).toEqual([]);
    store.close();
  });
});

