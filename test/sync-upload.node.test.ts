/**
 * Local writes reaching the server: updates guarded by If-Match, creates that cannot duplicate,
 * conflicts kept for a person instead of being decided silently.
 */
import type { AllergyIntolerance, Consent } from 'fhir/r4';
import { expect, test } from 'vitest';
import { http, openStore, samplePatient, serverResources, useWorld } from './support/sync-harness.js';

const world = useWorld();

function consentFor(patientId: string, note: string): Consent {
  return {
    resourceType: 'Consent',
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { reference: `Patient/${patientId}` },
    policyRule: { text: note },
  };
}

test('an edited allergy is uploaded with If-Match; the local row takes the server’s new version', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const { store, local } = await openStore(world);
  await store.syncPatient(versie.clinicKey);
  const row = (await store.search<AllergyIntolerance>({ patient: versie.clinicKey, type: 'AllergyIntolerance' })).find((r) => r.source === 'clinic')!;
  const base = row.versionId!;
  await store.save({ ...row.resource, criticality: 'high', note: [{ text: 'confirmed by patient' }] }, { source: 'clinic' });
  world.server.base('clinic').clearRequests();

  const report = await store.sync();
  expect(report.errors).toEqual([]);
  expect(report.uploaded).toBe(1);
  const put = world.server.base('clinic').requests.find((r) => r.method === 'PUT');
  expect(put?.url).toContain(`/AllergyIntolerance/${row.resource.id}`);
  expect(put?.headers['if-match']).toBe(`W/"${base}"`);

  const { body: onServer } = await http(`${world.server.baseUrl('clinic')}/AllergyIntolerance/${row.resource.id}`);
  expect(onServer).toMatchObject({ criticality: 'high', note: [{ text: 'confirmed by patient' }] });
  const after = await store.get('clinic', 'AllergyIntolerance', row.resource.id!);
  expect(after?.local).toBeUndefined();
  expect(after?.versionId).toBe(onServer.meta.versionId);
  expect(after?.versionId).not.toBe(base);
  expect(await local.pendingWrites()).toEqual([]);
  store.close();
});

test('a new consent is created with PUT to the id chosen on this device', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const { store } = await openStore(world);
  await store.syncPatient(versie.clinicKey);
  const saved = await store.save(consentFor(versie.clinicId, 'share with County Hospital'), { source: 'clinic' });
  const id = saved.resource.id!;
  world.server.base('clinic').clearRequests();

  const report = await store.syncPatient(versie.clinicKey);
  expect(report.sources.clinic).toMatchObject({ status: 'ok', uploaded: 1 });
  const put = world.server.base('clinic').requests.find((r) => r.method === 'PUT');
  expect(put?.url).toContain(`/Consent/${id}`);
  expect(world.server.base('clinic').requests.some((r) => r.method === 'POST')).toBe(false);
  const { status, body } = await http(`${world.server.baseUrl('clinic')}/Consent/${id}`);
  expect(status).toBe(200);
  expect(body.policyRule.text).toBe('share with County Hospital');
  expect((await store.get('clinic', 'Consent', id))?.versionId).toBe(body.meta.versionId);
  store.close();
});

test('a create whose answer was lost is never duplicated: retried at once, or on the next sync', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const consentsBefore = (await serverResources(world, 'clinic', 'Consent', versie.clinicId)).length;

  // The connection drops after the server stored the PUT: the request reached it, the answer did
  // not. The real server does this itself (dropMidBody: headers and half the body, then the socket
  // is cut); the GET the upload makes before a create is not touched.
  const clinic = world.server.base('clinic');
  const dropNextPutAnswer = () => clinic.faults.set({ dropMidBody: { count: 1, method: 'PUT', match: '/Consent/' } });
  const dropped = () => clinic.requests.filter((r) => r.fault === 'dropMidBody').length;

  // 1. Retried by the HTTP client straight away.
  const a = await openStore(world);
  await a.store.syncPatient(versie.clinicKey);
  const first = await a.store.save(consentFor(versie.clinicId, 'retried at once'), { source: 'clinic' });
  dropNextPutAnswer();
  const r1 = await a.store.sync();
  expect(r1.uploaded).toBe(1);
  expect(dropped()).toBe(1);
  a.store.close();

  // 2. No retries: the write fails, stays queued, and the next sync finds it already there.
  clinic.clearRequests();
  const b = await openStore(world, { sync: { http: { retry: { retries: 0 } } } });
  await b.store.syncPatient(versie.clinicKey);
  const second = await b.store.save(consentFor(versie.clinicId, 'finished next time'), { source: 'clinic' });
  dropNextPutAnswer();
  const failed = await b.store.sync();
  expect(dropped()).toBe(1);
  expect(failed.uploaded).toBe(0);
  expect(failed.sources.clinic).toMatchObject({ status: 'error', error: { code: 'network' } });
  expect((await b.local.pendingWrites())[0]).toMatchObject({ id: second.resource.id, attempts: 1 });
  world.server.base('clinic').clearRequests();
  const retried = await b.store.sync();
  expect(retried.uploaded).toBe(1);
  // It read the resource, saw its own write already there, and did not write again.
  expect(world.server.base('clinic').requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  const { body: stored } = await http(`${world.server.baseUrl('clinic')}/Consent/${second.resource.id}`);
  expect((await b.store.get('clinic', 'Consent', second.resource.id!))?.versionId).toBe(stored.meta.versionId);
  b.store.close();

  const consents = await serverResources(world, 'clinic', 'Consent', versie.clinicId);
  expect(consents.length).toBe(consentsBefore + 2);
  expect(consents.filter((c) => c.id === first.resource.id)).toHaveLength(1);
  expect(consents.filter((c) => c.policyRule?.text === 'finished next time')).toHaveLength(1);
});

test('412: the conflict is kept with both versions, the local change survives downloads, and "take local" uploads it', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const { store } = await openStore(world);
  await store.syncPatient(versie.clinicKey);
  const row = (await store.search<AllergyIntolerance>({ patient: versie.clinicKey, type: 'AllergyIntolerance' })).filter((r) => r.source === 'clinic')[0]!;
  const id = row.resource.id!;
  await store.save({ ...row.resource, criticality: 'high' }, { source: 'clinic' });

  // Someone else changes it on the server meanwhile.
  const url = `${world.server.baseUrl('clinic')}/AllergyIntolerance/${id}`;
  const { body: current } = await http(url);
  const theirs = { ...current, criticality: 'low', note: [{ text: 'changed at the front desk' }] };
  delete theirs.meta;
  const { body: serverVersion } = await http(url, { method: 'PUT', body: JSON.stringify(theirs) });

  const report = await store.syncPatient(versie.clinicKey);
  expect(report.conflicts).toBe(1);
  expect(world.server.base('clinic').requests.some((r) => r.method === 'PUT' && r.status === 412)).toBe(true);
  const [conflict] = await store.listConflicts();
  expect(conflict).toMatchObject({ source: 'clinic', type: 'AllergyIntolerance', resourceId: id });
  expect(conflict!.local).toMatchObject({ criticality: 'high' });
  expect(conflict!.server).toMatchObject({ criticality: 'low', meta: { versionId: serverVersion.meta.versionId } });
  // The server was not overwritten, the local change is still what the clinician sees.
  expect((await http(url)).body.criticality).toBe('low');
  const local = await store.get<AllergyIntolerance>('clinic', 'AllergyIntolerance', id);
  expect(local).toMatchObject({ local: 'conflict', resource: { criticality: 'high' } });

  // Further syncs neither overwrite the local change nor retry the rejected write.
  const again = await store.syncPatient(versie.clinicKey);
  expect(again.uploaded).toBe(0);
  expect((await store.get<AllergyIntolerance>('clinic', 'AllergyIntolerance', id))?.resource.criticality).toBe('high');

  // A person decides: keep the local version.
  await store.resolveConflict(conflict!.id, { take: 'local' });
  const resolved = await store.sync();
  expect(resolved.uploaded).toBe(1);
  expect(resolved.conflicts).toBe(0);
  const { body: final } = await http(url);
  expect(final.criticality).toBe('high');
  expect((await store.get('clinic', 'AllergyIntolerance', id))).toMatchObject({ versionId: final.meta.versionId });
  expect((await store.get('clinic', 'AllergyIntolerance', id))?.local).toBeUndefined();
  store.close();
});

test('a server that ignores If-Match: the version is compared before writing, so a stale edit still becomes a conflict', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  world.server.base('clinic').faults.set({ disable: ['ifMatch'] });
  const { store } = await openStore(world);
  await store.syncPatient(versie.clinicKey);
  const row = (await store.search<AllergyIntolerance>({ patient: versie.clinicKey, type: 'AllergyIntolerance' })).filter((r) => r.source === 'clinic')[0]!;
  const id = row.resource.id!;
  await store.save({ ...row.resource, criticality: 'high' }, { source: 'clinic' });
  const url = `${world.server.baseUrl('clinic')}/AllergyIntolerance/${id}`;
  const { body: current } = await http(url);
  const theirs = { ...current, criticality: 'unable-to-assess' };
  delete theirs.meta;
  await http(url, { method: 'PUT', body: JSON.stringify(theirs) });
  world.server.base('clinic').clearRequests();

  const report = await store.sync();
  expect(report.conflicts).toBe(1);
  expect(world.server.base('clinic').requests.some((r) => r.method === 'PUT')).toBe(false);
  expect((await http(url)).body.criticality).toBe('unable-to-assess');
  store.close();
});

test('a local delete is uploaded with If-Match and the row stays a tombstone', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const { store } = await openStore(world);
  await store.syncPatient(versie.clinicKey);
  const row = (await store.search({ patient: versie.clinicKey, type: 'Immunization' })).filter((r) => r.source === 'clinic')[0]!;
  await store.remove('clinic', 'Immunization', row.resource.id!);
  const report = await store.sync();
  expect(report.uploaded).toBe(1);
  const del = world.server.base('clinic').requests.find((r) => r.method === 'DELETE')!;
  expect(del.headers['if-match']).toBe(`W/"${row.versionId}"`);
  expect((await http(`${world.server.baseUrl('clinic')}/Immunization/${row.resource.id}`)).status).toBe(410);
  expect(await store.get('clinic', 'Immunization', row.resource.id!)).toBeUndefined();
  store.close();
});
