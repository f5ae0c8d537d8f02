// The local FHIR server (demo/fhir-server): every interaction a syncing client relies on, checked
// from the client's side with plain fetch against a real server on an ephemeral port.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Bundle,
  BundleEntry,
  CapabilityStatement,
  FhirResource,
  Observation,
  OperationOutcome,
  Patient,
} from 'fhir/r4';
import { startFhirServer, type FhirServer } from '../demo/fhir-server/server.mjs';

const DATA_DIR = join(import.meta.dirname, '..', 'demo', 'data', 'patients');

/**
 * Test-only: turns a Synthea transaction bundle (urn:uuid fullUrls and references) into plain
 * resources with relative Type/id references, ready for seeding.
 */
function plainResources(bundle: Bundle): FhirResource[] {
  const byUrn = new Map<string, string>();
  for (const e of bundle.entry ?? []) {
    if (e.fullUrl && e.resource?.id) byUrn.set(e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`);
  }
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) {
        out[k] = k === 'reference' && typeof v === 'string' ? (byUrn.get(v) ?? v) : rewrite(v);
      }
      return out;
    }
    return node;
  };
  return (bundle.entry ?? []).map((e) => rewrite(e.resource) as FhirResource);
}

const versieFile = readdirSync(DATA_DIR).find((f) => f.startsWith('Versie_Botsford'));
if (!versieFile) throw new Error('demo/data/patients/Versie_Botsford_*.json is missing');
const versie = plainResources(JSON.parse(readFileSync(join(DATA_DIR, versieFile), 'utf8')) as Bundle);
const versiePatient = versie.find((r) => r.resourceType === 'Patient') as Patient;
const PID = versiePatient.id!;
const versieObservations = versie.filter((r) => r.resourceType === 'Observation').length;

let srv: FhirServer;
let clinic: string;

type Json = Record<string, unknown>;
async function get<T = Json>(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: T }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}
function send<T = Json>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  return get<T>(url, {
    method,
    headers: { 'Content-Type': 'application/fhir+json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const nextLink = (b: Bundle) => b.link?.find((l) => l.relation === 'next')?.url;

/** Follows next links verbatim; returns every entry and the number of pages. */
async function allPages(url: string): Promise<{ entries: BundleEntry[]; pages: number; first: Bundle }> {
  const entries: BundleEntry[] = [];
  let pages = 0;
  let first: Bundle | undefined;
  let next: string | undefined = url;
  while (next) {
    const { status, body } = await get<Bundle>(next);
    expect(status).toBe(200);
    first ??= body;
    entries.push(...(body.entry ?? []));
    pages++;
    next = nextLink(body);
    // Every next link (when there is one) stays on this base.
    expect(next === undefined || next.startsWith(`${clinic}/`), next).toBe(true);
    if (pages > 500) throw new Error('runaway paging');
  }
  return { entries, pages, first: first! };
}

beforeAll(async () => {
  srv = await startFhirServer({
    port: 0,
    bases: [
      { id: 'clinic', label: 'Riverside Clinic', resources: versie },
      { id: 'hospital', label: 'St Elsewhere Hospital', resources: [] },
    ],
    defaultPageSize: 50,
    maxPageSize: 100,
    log: false,
    allowedOrigins: ['http://localhost:5173'],
  });
  clinic = srv.baseUrl('clinic');
});

afterAll(async () => {
  await srv?.close();
});

describe('server basics', () => {
  it('serves each base on 127.0.0.1 and lists them at /', async () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(clinic).toBe(`${srv.url}/clinic/fhir`);
    const { status, body } = await get<{ bases: Array<{ id: string; label: string; url: string }> }>(`${srv.url}/`);
    expect(status).toBe(200);
    expect(body.bases).toEqual([
      { id: 'clinic', label: 'Riverside Clinic', url: clinic },
      { id: 'hospital', label: 'St Elsewhere Hospital', url: srv.baseUrl('hospital') },
    ]);
  });

  it('keeps bases apart', async () => {
    const h = await get<Bundle>(`${srv.baseUrl('hospital')}/Patient`);
    expect(h.body.total).toBe(0);
    const c = await get<Bundle>(`${clinic}/Patient`);
    expect(c.body.total).toBe(1);
  });

  it('sends Date and the FHIR content type on every answer, and meta.lastUpdated on bundles', async () => {
    const before = Date.now() - 1000;
    const res = await get<Bundle>(`${clinic}/Patient`);
    expect(res.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(Date.parse(res.headers.get('date')!)).toBeGreaterThan(before - 1000);
    expect(Date.parse(res.body.meta!.lastUpdated!)).toBeGreaterThanOrEqual(before);
    const err = await get(`${clinic}/Patient/nope`);
    expect(err.status).toBe(404);
    expect(err.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(err.headers.get('date')).toBeTruthy();
  });

  it('answers an unknown base with 404 and an OperationOutcome', async () => {
    const { status, body } = await get<OperationOutcome>(`${srv.url}/nowhere/fhir/Patient`);
    expect(status).toBe(404);
    expect(body.resourceType).toBe('OperationOutcome');
  });

  it('answers bad JSON with 400 and keeps running', async () => {
    const { status, body } = await send<OperationOutcome>('POST', `${clinic}/Patient`, '{"resourceType": "Patient",');
    expect(status).toBe(400);
    expect(body.resourceType).toBe('OperationOutcome');
    const bad = await send<OperationOutcome>('PUT', `${clinic}/Patient/x`, 'not json at all');
    expect(bad.status).toBe(400);
    expect((await get(`${clinic}/metadata`)).status).toBe(200);
  });

  it('answers an unknown resource type with 404', async () => {
    const { status, body } = await get<OperationOutcome>(`${clinic}/Nonsense?x=1`);
    expect(status).toBe(404);
    expect(body.resourceType).toBe('OperationOutcome');
  });
});

describe('CapabilityStatement', () => {
  it('describes what the server does', async () => {
    const { status, body } = await get<CapabilityStatement>(`${clinic}/metadata`);
    expect(status).toBe(200);
    expect(body.resourceType).toBe('CapabilityStatement');
    expect(body.fhirVersion).toBe('4.0.1');
    expect(body.implementation?.url).toBe(clinic);
    const rest = body.rest![0]!;
    expect(rest.mode).toBe('server');
    expect(rest.interaction!.map((i) => i.code)).toEqual(
      expect.arrayContaining(['transaction', 'batch', 'history-system'])
    );
    const obs = rest.resource!.find((r) => r.type === 'Observation')!;
    expect(obs.interaction!.map((i) => i.code)).toEqual(
      expect.arrayContaining(['read', 'vread', 'update', 'delete', 'create', 'search-type', 'history-type', 'history-instance'])
    );
    expect(obs.versioning).toBe('versioned-update');
    expect(obs.updateCreate).toBe(true);
    expect(obs.conditionalCreate).toBe(true);
    expect(obs.searchParam!.map((p) => p.name)).toEqual(
      expect.arrayContaining(['_lastUpdated', '_sort', '_count', '_id', 'patient', 'code', 'date'])
    );
    const patient = rest.resource!.find((r) => r.type === 'Patient')!;
    expect(patient.operation?.map((o) => o.name)).toContain('everything');
  });

  it('answers 304 to its validators while unchanged, and a new statement once a capability is switched off', async () => {
    const first = await get<CapabilityStatement>(`${clinic}/metadata`);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(new Date(lastModified).toUTCString()).toBe(lastModified);
    const byTag = await fetch(`${clinic}/metadata`, { headers: { 'If-None-Match': etag } });
    expect([byTag.status, await byTag.text(), byTag.headers.get('etag')]).toEqual([304, '', etag]);
    const byDate = await fetch(`${clinic}/metadata`, { headers: { 'If-Modified-Since': lastModified } });
    expect(byDate.status).toBe(304);
    // A validator of another statement (or a date before this one) gets the statement.
    expect((await fetch(`${clinic}/metadata`, { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
    expect((await fetch(`${clinic}/metadata`, { headers: { 'If-Modified-Since': new Date(Date.parse(lastModified) - 1000).toUTCString() } })).status).toBe(200);

    srv.base('clinic').faults.set({ disable: ['everything'] });
    try {
      const changed = await get<CapabilityStatement>(`${clinic}/metadata`, { headers: { 'If-None-Match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.body.rest![0]!.resource!.find((r) => r.type === 'Patient')!.operation).toBeUndefined();
      expect(changed.headers.get('etag')).not.toBe(etag);
      // Its date is later by at least a second, so the old date does not validate it either.
      expect(Date.parse(changed.headers.get('last-modified')!)).toBeGreaterThan(Date.parse(lastModified));
      expect((await fetch(`${clinic}/metadata`, { headers: { 'If-Modified-Since': lastModified } })).status).toBe(200);
    } finally {
      srv.base('clinic').faults.reset();
    }
  });
});

describe('read and vread', () => {
  it('reads a seeded resource with its given id and repo-assigned meta, with ETag and Last-Modified', async () => {
    const { status, headers, body } = await get<Patient>(`${clinic}/Patient/${PID}`);
    expect(status).toBe(200);
    expect(body.id).toBe(PID);
    expect(body.name?.[0]?.family).toBe(versiePatient.name?.[0]?.family);
    expect(body.meta?.versionId).toBeTruthy();
    expect(body.meta?.lastUpdated).toBeTruthy();
    expect(headers.get('etag')).toBe(`W/"${body.meta!.versionId}"`);
    expect(new Date(headers.get('last-modified')!).getTime()).toBe(
      Math.floor(Date.parse(body.meta!.lastUpdated!) / 1000) * 1000
    );
  });

  it('answers If-None-Match with the current ETag by 304', async () => {
    const first = await get<Patient>(`${clinic}/Patient/${PID}`);
    const res = await fetch(`${clinic}/Patient/${PID}`, { headers: { 'If-None-Match': first.headers.get('etag')! } });
    expect(res.status).toBe(304);
  });

  it('reads an older version by _history/{vid}', async () => {
    const created = await send<Patient>('POST', `${clinic}/Patient`, { resourceType: 'Patient', name: [{ family: 'Vone' }] });
    const v1 = created.body.meta!.versionId!;
    const updated = await send<Patient>('PUT', `${clinic}/Patient/${created.body.id}`, {
      ...created.body,
      name: [{ family: 'Vtwo' }],
    });
    expect(updated.body.meta!.versionId).not.toBe(v1);
    const old = await get<Patient>(`${clinic}/Patient/${created.body.id}/_history/${v1}`);
    expect(old.status).toBe(200);
    expect(old.body.name![0]!.family).toBe('Vone');
    const hist = await get<Bundle>(`${clinic}/Patient/${created.body.id}/_history`);
    expect(hist.body.type).toBe('history');
    expect(hist.body.entry!.map((e) => e.request!.method)).toEqual(['POST', 'PUT']);
  });
});

describe('search', () => {
  it('pages with absolute next links that work verbatim, total matches, no duplicates', async () => {
    const { entries, pages, first } = await allPages(`${clinic}/Observation?patient=Patient/${PID}&_count=10`);
    expect(first.total).toBe(versieObservations);
    expect(entries).toHaveLength(versieObservations);
    expect(new Set(entries.map((e) => e.resource!.id)).size).toBe(versieObservations);
    expect(pages).toBe(Math.ceil(versieObservations / 10));
    expect(first.link!.find((l) => l.relation === 'self')!.url.startsWith(`${clinic}/Observation?`)).toBe(true);
    for (const e of entries) expect(e.fullUrl).toBe(`${clinic}/Observation/${e.resource!.id}`);
  });

  it('uses a default page of 50 and caps _count at maxPageSize', async () => {
    const def = await get<Bundle>(`${clinic}/Observation`);
    expect(def.body.entry).toHaveLength(Math.min(50, versieObservations));
    expect(nextLink(def.body)).toBeTruthy();
    const big = await get<Bundle>(`${clinic}/Observation?_count=5000`);
    expect(big.body.entry).toHaveLength(Math.min(100, versieObservations));
  });

  it('filters on _lastUpdated and sorts by it', async () => {
    const marker = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const a = await send<Observation>('POST', `${clinic}/Observation`, {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'lastUpdated test A' },
      subject: { reference: `Patient/${PID}` },
    });
    const b = await send<Observation>('POST', `${clinic}/Observation`, {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'lastUpdated test B' },
      subject: { reference: `Patient/${PID}` },
    });
    const gt = await get<Bundle>(`${clinic}/Observation?_lastUpdated=gt${encodeURIComponent(marker)}&_sort=-_lastUpdated`);
    expect(gt.body.total).toBe(2);
    expect(gt.body.entry!.map((e) => e.resource!.id)).toEqual([b.body.id, a.body.id]);
    const ge = await get<Bundle>(`${clinic}/Observation?_lastUpdated=ge${encodeURIComponent(marker)}&_sort=_lastUpdated`);
    expect(ge.body.entry!.map((e) => e.resource!.id)).toEqual([a.body.id, b.body.id]);
    const lt = await get<Bundle>(`${clinic}/Observation?_lastUpdated=lt${encodeURIComponent(marker)}&_summary=count`);
    expect(lt.body.total).toBe(versieObservations);
    const le = await get<Bundle>(`${clinic}/Observation?_lastUpdated=le${encodeURIComponent(marker)}&_count=1`);
    expect(le.body.total).toBe(versieObservations);
    await send('DELETE', `${clinic}/Observation/${a.body.id}`);
    await send('DELETE', `${clinic}/Observation/${b.body.id}`);
  });

  it('answers _summary=count with a total and no entries', async () => {
    const { body } = await get<Bundle>(`${clinic}/Observation?patient=Patient/${PID}&_summary=count`);
    expect(body.total).toBe(versieObservations);
    expect(body.entry).toBeUndefined();
  });

  it('searches by POST Type/_search with a form body', async () => {
    const res = await get<Bundle>(`${clinic}/Patient/_search`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `_id=${PID}`,
    });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
  });
});

describe('create, update, delete', () => {
  it('creates with 201, Location, ETag and Last-Modified', async () => {
    const res = await send<Patient>('POST', `${clinic}/Patient`, { resourceType: 'Patient', name: [{ family: 'Newman' }] });
    expect(res.status).toBe(201);
    const { id, meta } = res.body;
    expect(res.headers.get('location')).toBe(`${clinic}/Patient/${id}/_history/${meta!.versionId}`);
    expect(res.headers.get('etag')).toBe(`W/"${meta!.versionId}"`);
    expect(res.headers.get('last-modified')).toBeTruthy();
  });

  it('updates with If-Match, refuses a stale one with 412', async () => {
    const created = await send<Patient>('POST', `${clinic}/Patient`, { resourceType: 'Patient', name: [{ family: 'Matcher' }] });
    const etag = created.headers.get('etag')!;
    const ok = await send<Patient>('PUT', `${clinic}/Patient/${created.body.id}`, { ...created.body, gender: 'female' }, { 'If-Match': etag });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).not.toBe(etag);
    const stale = await send<OperationOutcome>('PUT', `${clinic}/Patient/${created.body.id}`, { ...created.body, gender: 'male' }, { 'If-Match': etag });
    expect(stale.status).toBe(412);
    expect(stale.body.resourceType).toBe('OperationOutcome');
    const now = await get<Patient>(`${clinic}/Patient/${created.body.id}`);
    expect(now.body.gender).toBe('female');
  });

  it('creates on update with a client-chosen id (201)', async () => {
    const res = await send<Patient>('PUT', `${clinic}/Patient/client-chosen-1`, {
      resourceType: 'Patient',
      id: 'client-chosen-1',
      name: [{ family: 'Chosen' }],
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toContain(`${clinic}/Patient/client-chosen-1/_history/`);
    const again = await send<Patient>('PUT', `${clinic}/Patient/client-chosen-1`, { ...res.body, gender: 'other' });
    expect(again.status).toBe(200);
  });

  it('deletes: 410 Gone afterwards, old versions still readable', async () => {
    const created = await send<Patient>('POST', `${clinic}/Patient`, { resourceType: 'Patient', name: [{ family: 'Goner' }] });
    const del = await send('DELETE', `${clinic}/Patient/${created.body.id}`);
    expect(del.status).toBe(200);
    expect(del.headers.get('etag')).toMatch(/^W\/"/);
    const read = await get<OperationOutcome>(`${clinic}/Patient/${created.body.id}`);
    expect(read.status).toBe(410);
    expect(read.body.resourceType).toBe('OperationOutcome');
    const old = await get(`${clinic}/Patient/${created.body.id}/_history/${created.body.meta!.versionId}`);
    expect(old.status).toBe(200);
    const none = await get(`${clinic}/Patient/never-existed`);
    expect(none.status).toBe(404);
    // deleting again is harmless
    expect((await send('DELETE', `${clinic}/Patient/${created.body.id}`)).status).toBe(200);
  });

  it('conditional create (If-None-Exist) does not duplicate', async () => {
    const body = {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:test:mrn', value: 'COND-1' }],
      name: [{ family: 'Once' }],
    };
    const first = await send<Patient>('POST', `${clinic}/Patient`, body, { 'If-None-Exist': 'identifier=urn:test:mrn|COND-1' });
    expect(first.status).toBe(201);
    const second = await send<Patient>('POST', `${clinic}/Patient`, body, { 'If-None-Exist': 'identifier=urn:test:mrn|COND-1' });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const found = await get<Bundle>(`${clinic}/Patient?identifier=${encodeURIComponent('urn:test:mrn|COND-1')}`);
    expect(found.body.total).toBe(1);
  });
});

describe('_history', () => {
  it('type-level _since shows creates, updates and deletes, with meta.lastUpdated', async () => {
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const c = await send<Observation>('POST', `${clinic}/Observation`, {
      resourceType: 'Observation',
      status: 'preliminary',
      code: { text: 'history test' },
      subject: { reference: `Patient/${PID}` },
    });
    await send('PUT', `${clinic}/Observation/${c.body.id}`, { ...c.body, status: 'final' });
    await send('DELETE', `${clinic}/Observation/${c.body.id}`);
    const before = Date.now();
    const h = await get<Bundle>(`${clinic}/Observation/_history?_since=${encodeURIComponent(since)}`);
    expect(h.status).toBe(200);
    expect(h.body.type).toBe('history');
    expect(Date.parse(h.body.meta!.lastUpdated!)).toBeGreaterThanOrEqual(before - 5);
    const mine = h.body.entry!.filter((e) => e.fullUrl === `${clinic}/Observation/${c.body.id}`);
    expect(mine.map((e) => e.request!.method)).toEqual(['POST', 'PUT', 'DELETE']);
    const del = mine[2]!;
    expect(del.request!.url).toBe(`Observation/${c.body.id}`);
    expect(del.resource).toBeUndefined();
    expect(del.response!.status).toBe('410');
    expect(mine[1]!.resource!.meta!.versionId).toBeTruthy();
  });

  it('system-level _history covers all types and pages with next links', async () => {
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await send<Patient>('POST', `${clinic}/Patient`, { resourceType: 'Patient', name: [{ family: `Hist${i}` }] });
      ids.push(`Patient/${r.body.id}`);
    }
    const o = await send<Observation>('POST', `${clinic}/Observation`, {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'sys history' },
    });
    ids.push(`Observation/${o.body.id}`);
    const { entries, pages, first } = await allPages(`${clinic}/_history?_since=${encodeURIComponent(since)}&_count=3`);
    expect(first.total).toBe(8);
    expect(pages).toBe(3);
    expect(entries.map((e) => e.fullUrl!.slice(clinic.length + 1))).toEqual(ids);
  });

  it('without _since, type history starts from the seeded data', async () => {
    const { first } = await allPages(`${clinic}/Encounter/_history?_count=100`);
    expect(first.total).toBe(versie.filter((r) => r.resourceType === 'Encounter').length);
  });

  it('rejects a bad _since', async () => {
    expect((await get(`${clinic}/_history?_since=yesterday`)).status).toBe(400);
  });
});

describe('batch and transaction', () => {
  it('runs a transaction, resolving urn:uuid references', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:0c3f3d0e-9f7e-4b55-8b64-6f2d8c9a1a01',
          resource: { resourceType: 'Patient', name: [{ family: 'Txn' }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { text: 'txn obs' },
            subject: { reference: 'urn:uuid:0c3f3d0e-9f7e-4b55-8b64-6f2d8c9a1a01' },
          },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    };
    const res = await send<Bundle>('POST', clinic, bundle);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('transaction-response');
    const [p, o] = res.body.entry!;
    expect(p!.response!.status).toBe('201');
    expect(p!.response!.etag).toMatch(/^W\/"/);
    const obs = o!.resource as Observation;
    expect(obs.subject!.reference).toBe(`Patient/${p!.resource!.id}`);
  });

  it('rolls a failed transaction back whole', async () => {
    const target = await send<Patient>('POST', `${clinic}/Patient`, { resourceType: 'Patient', name: [{ family: 'Target' }] });
    const staleEtag = target.headers.get('etag')!;
    await send('PUT', `${clinic}/Patient/${target.body.id}`, { ...target.body, gender: 'female' });
    const historyBefore = (await get<Bundle>(`${clinic}/_history?_summary=count`)).body.total;
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: {
            resourceType: 'Patient',
            identifier: [{ system: 'urn:test:txn', value: 'ROLLBACK-1' }],
            name: [{ family: 'ShouldVanish' }],
          },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: { ...target.body, gender: 'male' },
          request: { method: 'PUT', url: `Patient/${target.body.id}`, ifMatch: staleEtag },
        },
      ],
    };
    const res = await send<OperationOutcome>('POST', clinic, bundle);
    expect(res.status).toBe(412);
    expect(res.body.resourceType).toBe('OperationOutcome');
    const found = await get<Bundle>(`${clinic}/Patient?identifier=${encodeURIComponent('urn:test:txn|ROLLBACK-1')}`);
    expect(found.body.total).toBe(0);
    const still = await get<Patient>(`${clinic}/Patient/${target.body.id}`);
    expect(still.body.gender).toBe('female');
    expect((await get<Bundle>(`${clinic}/_history?_summary=count`)).body.total).toBe(historyBefore);
  });

  it('rolls back deletes and updates made before the failing entry', async () => {
    const a = await send<Patient>('POST', `${clinic}/Patient`, { resourceType: 'Patient', name: [{ family: 'KeepMe' }] });
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'DELETE', url: `Patient/${a.body.id}` } },
        { resource: { resourceType: 'Patient', id: 'missing-id-xyz' }, request: { method: 'PATCH', url: 'Patient/missing-id-xyz' } },
      ],
    };
    const res = await send('POST', clinic, bundle);
    expect(res.status).toBe(400);
    expect((await get(`${clinic}/Patient/${a.body.id}`)).status).toBe(200);
  });

  it('runs a batch entry by entry', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: { resourceType: 'Patient', name: [{ family: 'BatchOk' }] }, request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: 'Patient/does-not-exist' } },
        { request: { method: 'GET', url: `Patient/${PID}` } },
      ],
    };
    const res = await send<Bundle>('POST', clinic, bundle);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('batch-response');
    expect(res.body.entry!.map((e) => e.response!.status)).toEqual(['201', '404', '200']);
  });
});

describe('Patient/$everything', () => {
  it("returns the patient's compartment plus referenced practitioners and organisations, paged", async () => {
    const { entries, first, pages } = await allPages(`${clinic}/Patient/${PID}/$everything?_count=40`);
    expect(pages).toBeGreaterThan(1);
    expect(entries).toHaveLength(first.total!);
    const keys = entries.map((e) => `${e.resource!.resourceType}/${e.resource!.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[0]).toBe(`Patient/${PID}`);
    const types = new Set(entries.map((e) => e.resource!.resourceType));
    for (const t of ['Encounter', 'Observation', 'Condition', 'Immunization', 'Practitioner', 'Organization']) {
      expect(types).toContain(t);
    }
    // every seeded resource of Versie's file is reachable from her record
    for (const r of versie) expect(keys).toContain(`${r.resourceType}/${r.id}`);
  });

  it('honours _since', async () => {
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const o = await send<Observation>('POST', `${clinic}/Observation`, {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'everything since' },
      subject: { reference: `Patient/${PID}` },
    });
    const res = await get<Bundle>(`${clinic}/Patient/${PID}/$everything?_since=${encodeURIComponent(since)}`);
    expect(res.body.entry!.map((e) => e.resource!.id)).toEqual([o.body.id]);
  });

  it('answers each request from the data as it is then: after a move, a delete and a rolled-back transaction', async () => {
    const ids = async () =>
      (await allPages(`${clinic}/Patient/${PID}/$everything?_count=100`)).entries.map((e) => `${e.resource!.resourceType}/${e.resource!.id}`).sort();
    const before = await ids();
    // The same request again, nothing changed in between: the same answer.
    expect(await ids()).toEqual(before);
    const other = await send<Patient>('POST', `${clinic}/Patient`, { resourceType: 'Patient', name: [{ family: 'Other' }] });
    const moved = await send<Observation>('POST', `${clinic}/Observation`, {
      resourceType: 'Observation', status: 'final', code: { text: 'to move' }, subject: { reference: `Patient/${PID}` },
    });
    const gone = await send<Observation>('POST', `${clinic}/Observation`, {
      resourceType: 'Observation', status: 'final', code: { text: 'to delete' }, subject: { reference: `Patient/${PID}` },
    });
    expect(await ids()).toEqual([...before, `Observation/${moved.body.id}`, `Observation/${gone.body.id}`].sort());
    await send('PUT', `${clinic}/Observation/${moved.body.id}`, { ...moved.body, subject: { reference: `Patient/${other.body.id}` } });
    expect(await ids()).toEqual([...before, `Observation/${gone.body.id}`].sort());
    await send('DELETE', `${clinic}/Observation/${gone.body.id}`);
    expect(await ids()).toEqual(before);
    // A transaction that fails after writing one of this patient's resources leaves no trace.
    const failed = await send('POST', clinic, {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'rolled back' }, subject: { reference: `Patient/${PID}` } }, request: { method: 'POST', url: 'Observation' } },
        { resource: { resourceType: 'Patient', id: 'missing-id-xyz' }, request: { method: 'PATCH', url: 'Patient/missing-id-xyz' } },
      ],
    });
    expect(failed.status).toBe(400);
    expect(await ids()).toEqual(before);
  });

  it('answers 404 for an unknown patient', async () => {
    expect((await get(`${clinic}/Patient/nobody/$everything`)).status).toBe(404);
  });
});

describe('CORS', () => {
  it('answers a preflight with 204 and the headers a FHIR client sends', async () => {
    const res = await fetch(`${clinic}/Patient/${PID}`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'authorization, content-type, if-match',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const h of ['authorization', 'content-type', 'if-match', 'if-none-exist', 'if-none-match', 'prefer', 'cache-control']) {
      expect(allowed).toContain(h);
    }
  });

  it('answers the allowed origin and exposes ETag, Location, Last-Modified, Retry-After, Date', async () => {
    const res = await fetch(`${clinic}/Patient/${PID}`, { headers: { Origin: 'http://localhost:5173' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('vary')).toBe('Origin');
    const exposed = res.headers.get('access-control-expose-headers')!.toLowerCase();
    for (const h of ['etag', 'location', 'last-modified', 'retry-after', 'date']) expect(exposed).toContain(h);
    // A request without Origin (not a browser's cross-origin call) gets no CORS grant at all.
    const plain = await fetch(`${clinic}/Patient/${PID}`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses any other origin (see fhir-server-safety.node.test.ts)', async () => {
    const res = await fetch(`${clinic}/Patient/${PID}`, { headers: { Origin: 'http://example.test' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('programmatic seed and reset', () => {
  it('seeds many resources quickly and resets to the initial data', async () => {
    const hospital = srv.base('hospital');
    const many: FhirResource[] = [{ resourceType: 'Patient', id: 'bulk' }];
    for (let i = 0; i < 5000; i++) {
      many.push({
        resourceType: 'Observation',
        id: `bulk-${i}`,
        status: 'final',
        code: { text: `bulk ${i}` },
        subject: { reference: 'Patient/bulk' },
      });
    }
    const t0 = performance.now();
    expect(hospital.seed(many)).toBe(5001);
    expect(performance.now() - t0).toBeLessThan(5000);
    const h = srv.baseUrl('hospital');
    const count = await get<Bundle>(`${h}/Observation?patient=Patient/bulk&_summary=count`);
    expect(count.body.total).toBe(5000);
    const one = await get<Observation>(`${h}/Observation/bulk-42`);
    expect(one.body.meta?.versionId).toBeTruthy();
    hospital.reset();
    expect((await get<Bundle>(`${h}/Observation?_summary=count`)).body.total).toBe(0);
    expect((await get<Bundle>(`${h}/_history`)).body.total).toBe(0);
  });
});
