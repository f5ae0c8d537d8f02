/**
 * What the real local FHIR server does to a synced record, end to end through `syncPatient` /
 * `sync`: deletes on the server, an edit here against a delete there, conflicts resolved with the
 * server's version or a merge, and which sources `syncedSources` then names.
 */
import type { AllergyIntolerance } from 'fhir/r4';
import { expect, test } from 'vitest';
import { http, openStore, samplePatient, snapshot, useWorld } from './support/sync-harness.js';

const world = useWorld();

const allergyUrl = (id: string) => `${world.server.baseUrl('clinic')}/AllergyIntolerance/${id}`;

/** Versie synced from both providers, and her first clinic allergy. */
async function versieSynced() {
  const versie = samplePatient(world, 'Versie Botsford');
  const t = await openStore(world);
  const report = await t.store.syncPatient(versie.clinicKey);
  expect(report.errors).toEqual([]);
  const allergies = await t.store.search<AllergyIntolerance>({ patient: versie.clinicKey, type: 'AllergyIntolerance' });
  const allergy = allergies.find((r) => r.source === 'clinic')!;
  return { ...t, versie, allergy };
}

/** Someone else changes the allergy on the server; returns the server's new version. */
async function changeOnServer(id: string, change: Partial<AllergyIntolerance>): Promise<AllergyIntolerance> {
  const { body: current } = await http(allergyUrl(id));
  const theirs = { ...current, ...change };
  delete theirs.meta;
  const { status, body } = await http(allergyUrl(id), { method: 'PUT', body: JSON.stringify(theirs) });
  expect(status).toBe(200);
  return body;
}

test('a resource deleted on the server disappears from the local record on the next sync', async () => {
  const { store, versie, allergy } = await versieSynced();
  const id = allergy.resource.id!;
  expect((await http(allergyUrl(id), { method: 'DELETE' })).status).toBe(200);

  const report = await store.syncPatient(versie.clinicKey);
  expect(report.sources.clinic).toMatchObject({ status: 'ok', deleted: 1 });
  expect(await store.get('clinic', 'AllergyIntolerance', id)).toBeUndefined();
  // Kept as a tombstone, so a later listing cannot bring it back.
  const lines = (await snapshot(store, versie.clinicKey, true)).filter((l) => l.startsWith(`clinic/AllergyIntolerance/${id}@`));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/ \(deleted\)$/);
  store.close();
});

test('a Patient deleted on the server: that source reports 410 and its rows are kept, not silently dropped', async () => {
  const { store, versie } = await versieSynced();
  const before = await snapshot(store, versie.clinicKey);
  expect((await http(`${world.server.baseUrl('clinic')}/Patient/${versie.clinicId}`, { method: 'DELETE' })).status).toBe(200);

  const report = await store.syncPatient(versie.clinicKey);
  expect(report.sources.clinic).toMatchObject({ status: 'error', error: { code: 'http', status: 410 } });
  expect(report.errors.map((e) => [e.source, e.status])).toEqual([['clinic', 410]]);
  expect(await snapshot(store, versie.clinicKey)).toEqual(before);
  store.close();
});

test('edited here, deleted on the server: a conflict with no server version; the edit stays until a person decides', async () => {
  const { store, local, versie, allergy } = await versieSynced();
  const id = allergy.resource.id!;
  await store.save({ ...allergy.resource, criticality: 'high' }, { source: 'clinic' });
  expect((await http(allergyUrl(id), { method: 'DELETE' })).status).toBe(200);

  const report = await store.syncPatient(versie.clinicKey);
  expect(report.conflicts).toBe(1);
  const conflicts = await store.listConflicts();
  expect(conflicts).toHaveLength(1);
  expect(conflicts[0]).toMatchObject({ source: 'clinic', type: 'AllergyIntolerance', resourceId: id, server: null, local: { criticality: 'high' } });
  // The download saw the delete, but the local edit is what the clinician still sees.
  expect(await store.get<AllergyIntolerance>('clinic', 'AllergyIntolerance', id)).toMatchObject({ local: 'conflict', resource: { criticality: 'high' } });
  expect(await local.pendingWrites()).toEqual([]);

  // Keep the edit: it is created again on the server.
  await store.resolveConflict(conflicts[0]!.id, { take: 'local' });
  const resolved = await store.sync();
  expect(resolved).toMatchObject({ uploaded: 1, conflicts: 0, errors: [] });
  const { status, body } = await http(allergyUrl(id));
  expect(status).toBe(200);
  expect(body.criticality).toBe('high');
  expect(await store.get('clinic', 'AllergyIntolerance', id)).toMatchObject({ versionId: body.meta.versionId });
  store.close();
});

test('edited here, deleted on the server, and the delete accepted: the row goes, nothing is uploaded', async () => {
  const { store, versie, allergy } = await versieSynced();
  const id = allergy.resource.id!;
  await store.save({ ...allergy.resource, criticality: 'high' }, { source: 'clinic' });
  await http(allergyUrl(id), { method: 'DELETE' });
  await store.syncPatient(versie.clinicKey);
  const [conflict] = await store.listConflicts();

  await store.resolveConflict(conflict!.id, { take: 'server' });
  expect(await store.get('clinic', 'AllergyIntolerance', id)).toBeUndefined();
  world.server.base('clinic').clearRequests();
  const after = await store.sync();
  expect(after).toMatchObject({ uploaded: 0, conflicts: 0, errors: [] });
  expect(world.server.base('clinic').requests.filter((r) => r.method !== 'GET')).toEqual([]);
  expect((await http(allergyUrl(id))).status).toBe(410);
  store.close();
});

test('resolveConflict with the server’s version: the local edit is dropped, the server is not written', async () => {
  const { store, versie, allergy } = await versieSynced();
  const id = allergy.resource.id!;
  await store.save({ ...allergy.resource, criticality: 'high' }, { source: 'clinic' });
  const theirs = await changeOnServer(id, { criticality: 'low' });
  await store.syncPatient(versie.clinicKey);
  const [conflict] = await store.listConflicts();
  expect(conflict).toMatchObject({ resourceId: id, server: { meta: { versionId: theirs.meta!.versionId } } });

  await store.resolveConflict(conflict!.id, { take: 'server' });
  world.server.base('clinic').clearRequests();
  const after = await store.syncPatient(versie.clinicKey);
  expect(after).toMatchObject({ uploaded: 0, conflicts: 0, errors: [] });
  expect(world.server.base('clinic').requests.filter((r) => r.method !== 'GET')).toEqual([]);
  const row = await store.get<AllergyIntolerance>('clinic', 'AllergyIntolerance', id);
  expect(row).toMatchObject({ versionId: theirs.meta!.versionId, resource: { criticality: 'low' } });
  expect(row?.local).toBeUndefined();
  expect((await http(allergyUrl(id))).body.meta.versionId).toBe(theirs.meta!.versionId);
  store.close();
});

test('resolveConflict with a merge: the merged resource is uploaded over the server’s version, with If-Match', async () => {
  const { store, versie, allergy } = await versieSynced();
  const id = allergy.resource.id!;
  await store.save({ ...allergy.resource, criticality: 'high' }, { source: 'clinic' });
  const theirs = await changeOnServer(id, { note: [{ text: 'seen at the front desk' }] });
  await store.syncPatient(versie.clinicKey);
  const [conflict] = await store.listConflicts();

  const merged: AllergyIntolerance = { ...(conflict!.server as AllergyIntolerance), criticality: 'high' };
  delete merged.meta;
  await store.resolveConflict(conflict!.id, { take: 'merged', resource: merged });
  world.server.base('clinic').clearRequests();
  const after = await store.sync();
  expect(after).toMatchObject({ uploaded: 1, conflicts: 0, errors: [] });
  const puts = world.server.base('clinic').requests.filter((r) => r.method === 'PUT');
  expect(puts.map((r) => [r.url, r.headers['if-match'], r.status])).toEqual([[`/clinic/fhir/AllergyIntolerance/${id}`, `W/"${theirs.meta!.versionId}"`, 200]]);
  const { body } = await http(allergyUrl(id));
  expect(body).toMatchObject({ criticality: 'high', note: [{ text: 'seen at the front desk' }] });
  expect(await store.get('clinic', 'AllergyIntolerance', id)).toMatchObject({ versionId: body.meta.versionId, resource: { criticality: 'high' } });
  store.close();
});

test('syncedSources after a real sync: every source that delivered, for either linked key; not one that failed', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const patricia = samplePatient(world, 'Patricia JORDANA');
  const { store } = await openStore(world);
  expect(await store.syncedSources(versie.clinicKey)).toEqual([]);

  await store.syncPatient(versie.clinicKey);
  expect(await store.syncedSources(versie.clinicKey)).toEqual(['clinic', 'hospital']);
  expect(await store.syncedSources(versie.hospitalKey!)).toEqual(['clinic', 'hospital']);

  // A clinic-only patient: the hospital had no record of her.
  await store.syncPatient(patricia.clinicKey);
  expect(await store.syncedSources(patricia.clinicKey)).toEqual(['clinic']);

  // The hospital is down for Margery: only the clinic delivered.
  const margery = samplePatient(world, 'Margery Gibson');
  world.server.base('hospital').faults.set({ errors: { status: 500 } });
  const report = await store.syncPatient(margery.clinicKey);
  expect(report.sources.hospital).toMatchObject({ status: 'error' });
  expect(await store.syncedSources(margery.clinicKey)).toEqual(['clinic']);
  store.close();
});
