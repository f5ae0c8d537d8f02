// The local FHIR server's fault injection: each fault as a client sees it, driven both through the
// programmatic API and over HTTP (the admin endpoint browser tests use).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CapabilityStatement, FhirResource, OperationOutcome, Patient } from 'fhir/r4';
import { startFhirServer, type FhirBase, type FhirServer } from '../demo/fhir-server/server.mjs';

const patients: FhirResource[] = [];
for (let i = 0; i < 12; i++) {
  patients.push({
    resourceType: 'Patient',
    id: `pat-${i}`,
    identifier: [{ system: 'urn:oid:2.16.840.1.113883.4.3.25', value: `MRN-${i}` }],
    name: [{ family: `Family${i}`, given: ['Alex'] }],
    gender: i % 2 ? 'female' : 'male',
    birthDate: `19${50 + i}-03-0${(i % 9) + 1}`,
  });
}
patients.push({
  resourceType: 'Observation',
  id: 'obs-1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
  subject: { reference: 'Patient/pat-0' },
  effectiveDateTime: '2024-02-03T10:00:00Z',
  valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});

let srv: FhirServer;
let base: FhirBase;
let url: string;

beforeAll(async () => {
  srv = await startFhirServer({ port: 0, bases: [{ id: 'clinic', label: 'Riverside Clinic', resources: patients }], allowedOrigins: ['http://127.0.0.1:5173'] });
  base = srv.base('clinic');
  url = srv.baseUrl('clinic');
});

afterAll(async () => {
  await srv?.close();
});

afterEach(() => {
  base.faults.reset();
  base.clearRequests();
});

const status = async (u: string, init?: RequestInit) => (await fetch(u, init)).status;

describe('counted faults', () => {
  it('errors: 500 with an OperationOutcome for the next N requests, then recovers', async () => {
    base.faults.set({ errors: { status: 500, count: 2 } });
    const first = await fetch(`${url}/Patient/pat-1`);
    expect(first.status).toBe(500);
    const oo = (await first.json()) as OperationOutcome;
    expect(oo.resourceType).toBe('OperationOutcome');
    expect(await status(`${url}/Patient/pat-1`)).toBe(500);
    expect(await status(`${url}/Patient/pat-1`)).toBe(200);
    expect(base.requests.map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('throttle: 429 with Retry-After, then recovers', async () => {
    base.faults.set({ throttle: { status: 429, retryAfter: 7, count: 1 } });
    const res = await fetch(`${url}/Patient?_count=2`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(((await res.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');
    expect(await status(`${url}/Patient?_count=2`)).toBe(200);
  });

  it('throttle: 503 with Retry-After', async () => {
    base.faults.set({ throttle: { status: 503, retryAfter: 2, count: 1 } });
    const res = await fetch(`${url}/metadata`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
  });

  it('unauthorized: 401', async () => {
    base.faults.set({ unauthorized: { count: 1 } });
    const res = await fetch(`${url}/Patient/pat-1`, { headers: { Authorization: 'Bearer expired' } });
    expect(res.status).toBe(401);
    expect(await status(`${url}/Patient/pat-1`)).toBe(200);
  });

  it('malformed: 200 with a body that is not JSON', async () => {
    base.faults.set({ malformed: { count: 1 } });
    const res = await fetch(`${url}/Patient?_count=3`);
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
    const ok = await fetch(`${url}/Patient?_count=3`);
    expect(((await ok.json()) as Bundle).resourceType).toBe('Bundle');
  });

  it('dropMidBody: headers arrive, then reading the body fails', async () => {
    base.faults.set({ dropMidBody: { count: 1 } });
    const res = await fetch(`${url}/Patient?_count=10`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(await status(`${url}/Patient?_count=10`)).toBe(200);
  });

  it('without count a fault lasts until reset', async () => {
    base.faults.set({ errors: {} });
    for (let i = 0; i < 3; i++) expect(await status(`${url}/Patient/pat-2`)).toBe(500);
    base.faults.reset();
    expect(await status(`${url}/Patient/pat-2`)).toBe(200);
  });

  it('match: only requests whose path contains the substring are hit', async () => {
    base.faults.set({ errors: { count: 1 }, match: '_history' });
    expect(await status(`${url}/Patient/pat-1`)).toBe(200);
    expect(await status(`${url}/Patient?_count=1`)).toBe(200);
    expect(await status(`${url}/_history`)).toBe(500);
    expect(await status(`${url}/_history`)).toBe(200);
  });
});

describe('latency and page size', () => {
  it('latencyMs: delays answers by at least N ms', async () => {
    base.faults.set({ latencyMs: 150 });
    const t0 = performance.now();
    expect(await status(`${url}/Patient/pat-1`)).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('pageSize: forced tiny pages override _count; paging still yields every match once', async () => {
    const normal = (await (await fetch(`${url}/Patient?_count=100`)).json()) as Bundle;
    expect(normal.entry).toHaveLength(12);
    base.faults.set({ pageSize: 5 });
    const ids: string[] = [];
    let pages = 0;
    let next: string | undefined = `${url}/Patient?_count=100`;
    while (next) {
      const b = (await (await fetch(next)).json()) as Bundle<Patient>;
      expect(b.total).toBe(12);
      ids.push(...(b.entry ?? []).map((e) => e.resource!.id!));
      next = b.link?.find((l) => l.relation === 'next')?.url;
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(12);
    const hist = (await (await fetch(`${url}/_history`)).json()) as Bundle;
    expect(hist.entry).toHaveLength(5);
  });
});

describe('expiring paging links', () => {
  /** Follows a listing from `start`, returning each request's status (stops at the first failure). */
  const walk = async (start: string): Promise<{ statuses: number[]; ids: string[]; body?: OperationOutcome }> => {
    const statuses: number[] = [];
    const ids: string[] = [];
    let next: string | undefined = start;
    while (next) {
      const res = await fetch(next);
      statuses.push(res.status);
      const body = (await res.json()) as Bundle | OperationOutcome;
      if (res.status !== 200) return { statuses, ids, body: body as OperationOutcome };
      const bundle = body as Bundle;
      ids.push(...(bundle.entry ?? []).map((e) => `${e.resource!.resourceType}/${e.resource!.id}`));
      next = bundle.link?.find((l) => l.relation === 'next')?.url;
    }
    return { statuses, ids };
  };

  it('every: the Nth request for a later page answers 410 with an OperationOutcome; first pages always work', async () => {
    base.faults.set({ expireLinks: { every: 2 } });
    const first = await walk(`${url}/Patient?_count=3`);
    // Page 1 (a first request), page 2 (paging request 1), page 3 (paging request 2: expired).
    expect(first.statuses).toEqual([200, 200, 410]);
    expect(first.body?.resourceType).toBe('OperationOutcome');
    expect(first.body?.issue[0]?.code).toBe('not-found');
    expect(base.requests.map((r) => r.fault ?? '-')).toEqual(['-', '-', 'expiredLink']);
    // Starting again works; the count goes on (paging requests 3 and 4).
    expect((await walk(`${url}/Patient?_count=3`)).statuses).toEqual([200, 200, 410]);
  });

  it('every with count: expires that many links, then paging works to the end', async () => {
    base.faults.set({ expireLinks: { every: 1, count: 1 } });
    expect((await walk(`${url}/Patient?_count=5`)).statuses).toEqual([200, 410]);
    const again = await walk(`${url}/Patient?_count=5`);
    expect(again.statuses).toEqual([200, 200, 200]);
    expect(new Set(again.ids).size).toBe(12);
    expect(base.faults.get()).toEqual({});
  });

  it('applies to $everything and _history pages, and status 404 when asked', async () => {
    base.faults.set({ expireLinks: { every: 1, status: 404 } });
    expect((await walk(`${url}/Patient/pat-0/$everything?_count=1`)).statuses).toEqual([200, 404]);
    expect((await walk(`${url}/_history?_count=4`)).statuses).toEqual([200, 404]);
    // Requests that are not paging links are never expired.
    expect(await status(`${url}/Patient/pat-1`)).toBe(200);
    expect(await status(`${url}/Patient?_count=3&_offset=0`)).toBe(200);
  });

  it('afterMs: a link whose listing began that long ago expires; a young one works', async () => {
    base.faults.set({ expireLinks: { afterMs: 60_000 } });
    expect((await walk(`${url}/Patient?_count=5`)).statuses).toEqual([200, 200, 200]);
    base.faults.set({ expireLinks: { afterMs: 0 } });
    const old = await walk(`${url}/_history?_count=5`);
    expect(old.statuses).toEqual([200, 410]);
    expect(old.body?.issue[0]?.details?.text).toMatch(/expired/);
  });

  it('rejects a spec without every or afterMs, and bad values', () => {
    expect(() => base.faults.set({ expireLinks: {} })).toThrow(/every or afterMs/);
    expect(() => base.faults.set({ expireLinks: { every: 0 } })).toThrow(/every/);
    expect(() => base.faults.set({ expireLinks: { every: 1, status: 500 as 410 } })).toThrow(/410 or 404/);
  });
});

describe('capability switches', () => {
  const meta = async () => (await (await fetch(`${url}/metadata`)).json()) as CapabilityStatement;

  it('history: _history answers 404 OperationOutcome and metadata drops history interactions', async () => {
    base.faults.set({ disable: ['history'] });
    const res = await fetch(`${url}/Patient/_history`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as OperationOutcome).issue[0]!.code).toBe('not-supported');
    expect(await status(`${url}/_history`)).toBe(404);
    const m = await meta();
    expect(m.rest![0]!.interaction!.map((i) => i.code)).not.toContain('history-system');
    const p = m.rest![0]!.resource!.find((r) => r.type === 'Patient')!;
    expect(p.interaction!.map((i) => i.code)).not.toContain('history-type');
    base.faults.reset();
    expect(await status(`${url}/_history`)).toBe(200);
    expect((await meta()).rest![0]!.interaction!.map((i) => i.code)).toContain('history-system');
  });

  it('everything: $everything unsupported and gone from metadata', async () => {
    expect(await status(`${url}/Patient/pat-0/$everything`)).toBe(200);
    base.faults.set({ disable: ['everything'] });
    expect(await status(`${url}/Patient/pat-0/$everything`)).toBe(404);
    const p = (await meta()).rest![0]!.resource!.find((r) => r.type === 'Patient')!;
    expect(p.operation ?? []).toEqual([]);
  });

  it('ifMatch: If-Match is ignored and metadata says no-version', async () => {
    const read = await fetch(`${url}/Patient/pat-3`);
    const patient = (await read.json()) as Patient;
    base.faults.set({ disable: ['ifMatch'] });
    const res = await fetch(`${url}/Patient/pat-3`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/fhir+json', 'If-Match': 'W/"stale"' },
      body: JSON.stringify({ ...patient, gender: 'unknown' }),
    });
    expect(res.status).toBe(200);
    const p = (await meta()).rest![0]!.resource!.find((r) => r.type === 'Patient')!;
    expect(p.versioning).toBe('no-version');
    base.faults.reset();
    const stale = await fetch(`${url}/Patient/pat-3`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/fhir+json', 'If-Match': 'W/"stale"' },
      body: JSON.stringify({ ...patient, gender: 'male' }),
    });
    expect(stale.status).toBe(412);
  });
});

describe('request log', () => {
  it('records method, path+query, lowercased request headers and status', async () => {
    await fetch(`${url}/Patient?name=Family1&_count=2`, { headers: { 'X-Trace': 'abc', Authorization: 'Bearer t' } });
    await fetch(`${url}/Patient/nope`);
    await fetch(`${url}/Patient`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Logged' }] }),
    });
    const log = base.requests;
    expect(log.map((r) => [r.method, r.url, r.status])).toEqual([
      ['GET', '/clinic/fhir/Patient?name=Family1&_count=2', 200],
      ['GET', '/clinic/fhir/Patient/nope', 404],
      ['POST', '/clinic/fhir/Patient', 201],
    ]);
    expect(log[0]!.headers['x-trace']).toBe('abc');
    // Credentials are never logged (fhir-server-safety.node.test.ts covers cookies too).
    expect(log[0]!.headers).not.toHaveProperty('authorization');
    expect(Date.parse(log[0]!.time)).not.toBeNaN();
    base.clearRequests();
    expect(base.requests).toEqual([]);
  });

  it('does not log CORS preflights', async () => {
    await fetch(`${url}/Patient`, { method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:5173', 'Access-Control-Request-Method': 'POST' } });
    expect(base.requests).toEqual([]);
  });
});

describe('admin endpoint over HTTP', () => {
  const admin = () => `${srv.url}/__admin/clinic`;
  /** fetch with the server's admin token (fhir-server-safety.node.test.ts: without it, 401). */
  const withToken = (u: string, init: RequestInit = {}) =>
    fetch(u, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-admin-token': srv.adminToken } });

  it('sets, reads and clears faults; admin calls are neither faulted nor logged', async () => {
    const set = await withToken(`${admin()}/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ errors: { status: 503, count: 1 }, latencyMs: 1 }),
    });
    expect(set.status).toBe(200);
    const current = (await (await withToken(`${admin()}/faults`)).json()) as Record<string, { count: number }>;
    expect(current.errors!.count).toBe(1);
    expect(await status(`${url}/Patient/pat-1`)).toBe(503);
    expect(await status(`${url}/Patient/pat-1`)).toBe(200);

    await withToken(`${admin()}/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ errors: { count: 5 } }),
    });
    const del = await withToken(`${admin()}/faults`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await status(`${url}/Patient/pat-1`)).toBe(200);

    const log = (await (await withToken(`${admin()}/requests`)).json()) as Array<{ url: string; status: number }>;
    expect(log.map((r) => r.status)).toEqual([503, 200, 200]);
    expect(log.every((r) => r.url.startsWith('/clinic/fhir/'))).toBe(true);
    await withToken(`${admin()}/requests`, { method: 'DELETE' });
    expect(base.requests).toEqual([]);
  });

  it('rejects unknown faults with 400 and unknown bases with 404', async () => {
    const bad = await withToken(`${admin()}/faults`, { method: 'POST', body: JSON.stringify({ explode: true }) });
    expect(bad.status).toBe(400);
    expect((await withToken(`${srv.url}/__admin/nowhere/faults`)).status).toBe(404);
  });

  it('reset restores the initial data; seed adds resources', async () => {
    const created = await fetch(`${url}/Patient`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Temp' }] }),
    });
    const id = ((await created.json()) as Patient).id;
    const seed = await withToken(`${admin()}/seed`, {
      method: 'POST',
      body: JSON.stringify([{ resourceType: 'Patient', id: 'seeded-over-http' }]),
    });
    expect(await seed.json()).toEqual({ count: 1 });
    expect(await status(`${url}/Patient/seeded-over-http`)).toBe(200);
    const reset = await withToken(`${admin()}/reset`, { method: 'POST' });
    expect(await reset.json()).toEqual({ count: patients.length });
    expect(await status(`${url}/Patient/${id}`)).toBe(404);
    expect(await status(`${url}/Patient/seeded-over-http`)).toBe(404);
    expect(await status(`${url}/Patient/pat-0`)).toBe(200);
  });
});

describe('faults limited to one method', () => {
  it('dropMidBody with method PUT spares the GET before it and loses the PUT answer after storing it', async () => {
    base.faults.set({ dropMidBody: { count: 1, method: 'put' } });
    expect(await status(`${url}/Patient/pat-5`)).toBe(200);
    const body = JSON.stringify({ resourceType: 'Patient', id: 'pat-5', gender: 'other' });
    await expect(
      fetch(`${url}/Patient/pat-5`, { method: 'PUT', headers: { 'Content-Type': 'application/fhir+json' }, body }).then((r) => r.text()),
    ).rejects.toThrow();
    expect(((await (await fetch(`${url}/Patient/pat-5`)).json()) as Patient).gender).toBe('other');
    expect(base.faults.get()).toEqual({});
    expect(() => base.faults.set({ errors: { method: 'P UT' } })).toThrow(/method/);
  });
});
