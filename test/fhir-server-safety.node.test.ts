// The local FHIR server is safe to run on a developer's machine: a web page of another origin can
// neither read from it nor change it (CORS, Origin check), `/__admin` needs the token the server
// printed, the request log keeps no credentials, and a DNS-rebinding Host is refused.
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CapabilityStatement, OperationOutcome, Patient } from 'fhir/r4';
import { ADMIN_TOKEN_HEADER, startFhirServer, type FhirServer } from '../demo/fhir-server/server.mjs';

const DEMO_ORIGIN = 'http://127.0.0.1:5173';
const FOREIGN_ORIGIN = 'http://evil.example';
const seed: Patient[] = [{ resourceType: 'Patient', id: 'pat-1', name: [{ family: 'Safe' }] }];

let srv: FhirServer;
let url: string;

beforeAll(async () => {
  srv = await startFhirServer({
    port: 0,
    bases: [{ id: 'clinic', label: 'Riverside Clinic', resources: seed }],
    allowedOrigins: [DEMO_ORIGIN],
    allowedHosts: ['fhir.dev.test'],
  });
  url = srv.baseUrl('clinic');
});
afterAll(async () => {
  await srv.close();
});
beforeEach(() => {
  const base = srv.base('clinic');
  base.reset();
  base.faults.reset();
  base.clearRequests();
});

/** A raw HTTP request (Node's fetch cannot set `Host`). */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An admin call; `token: null` sends none. */
const admin = (path: string, init: RequestInit = {}, token: string | null = srv.adminToken) =>
  fetch(`${srv.url}/__admin/${path}`, { ...init, headers: { ...(token === null ? {} : { [ADMIN_TOKEN_HEADER]: token }), ...(init.headers as Record<string, string>) } });

describe('CORS answers only the configured origins', () => {
  it('a page of the demo origin may read, and its preflight passes', async () => {
    const res = await fetch(`${url}/Patient/pat-1`, { headers: { Origin: DEMO_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(DEMO_ORIGIN);
    const pre = await fetch(`${url}/Patient/pat-1`, {
      method: 'OPTIONS',
      headers: { Origin: DEMO_ORIGIN, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization, if-match' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(DEMO_ORIGIN);
  });

  it('a foreign origin gets no Access-Control-Allow-Origin, a failing preflight, and its request is not carried out', async () => {
    const read = await fetch(`${url}/Patient/pat-1`, { headers: { Origin: FOREIGN_ORIGIN } });
    expect(read.status).toBe(403);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await read.json()) as OperationOutcome).issue[0]!.code).toBe('forbidden');

    const pre = await fetch(`${url}/Patient/pat-1`, {
      method: 'OPTIONS',
      headers: { Origin: FOREIGN_ORIGIN, 'Access-Control-Request-Method': 'DELETE' },
    });
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBeNull();

    // A "simple" cross-site POST (text/plain needs no preflight) must not create anything.
    const post = await fetch(`${url}/Patient`, {
      method: 'POST',
      headers: { Origin: FOREIGN_ORIGIN, 'Content-Type': 'text/plain' },
      body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Planted' }] }),
    });
    expect(post.status).toBe(403);
    const search = await (await fetch(`${url}/Patient?name=Planted`)).json();
    expect(search.total).toBe(0);
  });

  it('an origin that only resembles an allowed one is foreign (port, scheme, "null")', async () => {
    for (const origin of ['http://127.0.0.1:5174', 'https://127.0.0.1:5173', 'null', 'http://127.0.0.1:5173.evil.example']) {
      const res = await fetch(`${url}/metadata`, { headers: { Origin: origin } });
      expect(res.status, origin).toBe(403);
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('an origin added while running (the demo page once its port is known) is allowed from then on', async () => {
    const later = 'http://127.0.0.1:6001';
    expect((await fetch(`${url}/metadata`, { headers: { Origin: later } })).status).toBe(403);
    srv.allowOrigin(later);
    const res = await fetch(`${url}/metadata`, { headers: { Origin: later } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(later);
  });

  it('refuses to allow something that is not an origin', () => {
    expect(() => srv.allowOrigin('http://127.0.0.1:5173/app')).toThrow(/not an origin/);
    expect(() => srv.allowOrigin('*')).toThrow();
  });

  it('loopback origins are allowed only when the server was started with allowLoopbackOrigins', async () => {
    const loose = await startFhirServer({ port: 0, bases: [{ id: 'b' }], allowLoopbackOrigins: true });
    try {
      for (const origin of ['http://127.0.0.1:63315', 'http://localhost:4000', 'http://[::1]:8080']) {
        const res = await fetch(`${loose.baseUrl('b')}/metadata`, { headers: { Origin: origin } });
        expect(res.headers.get('access-control-allow-origin'), origin).toBe(origin);
      }
      expect((await fetch(`${loose.baseUrl('b')}/metadata`, { headers: { Origin: FOREIGN_ORIGIN } })).status).toBe(403);
    } finally {
      await loose.close();
    }
    expect((await fetch(`${url}/metadata`, { headers: { Origin: 'http://localhost:4000' } })).status).toBe(403);
  });
});

describe('/__admin needs the token', () => {
  it('each server has its own random token of 64 hex digits', async () => {
    expect(srv.adminToken).toMatch(/^[0-9a-f]{64}$/);
    const other = await startFhirServer({ port: 0 });
    try {
      expect(other.adminToken).not.toBe(srv.adminToken);
    } finally {
      await other.close();
    }
  });

  it('without the token, or with a wrong one, nothing is read or changed (401)', async () => {
    const wrong = srv.adminToken.slice(0, -1) + (srv.adminToken.endsWith('0') ? '1' : '0');
    for (const token of [null, '', wrong, `${srv.adminToken}x`]) {
      const set = await admin('clinic/faults', { method: 'POST', body: JSON.stringify({ errors: { count: 5 } }) }, token);
      expect(set.status, String(token)).toBe(401);
      expect((await admin('clinic/requests', {}, token)).status).toBe(401);
      expect((await admin('clinic/reset', { method: 'POST', body: '[]' }, token)).status).toBe(401);
    }
    expect(srv.base('clinic').faults.get()).toEqual({});
    expect((await fetch(`${url}/Patient/pat-1`)).status).toBe(200);
  });

  it('a bearer token in Authorization is not the admin token', async () => {
    const res = await admin('clinic/faults', { headers: { Authorization: `Bearer ${srv.adminToken}` } }, null);
    expect(res.status).toBe(401);
  });

  it('with the token, faults are set and read', async () => {
    const set = await admin('clinic/faults', { method: 'POST', body: JSON.stringify({ errors: { count: 1 } }) });
    expect(set.status).toBe(200);
    expect(srv.base('clinic').faults.get()).toEqual({ errors: { status: 500, count: 1 } });
  });

  it('a token given at start is used instead of a random one; a short one is refused', async () => {
    const fixed = await startFhirServer({ port: 0, bases: [{ id: 'b' }], adminToken: 'a-token-of-twenty-chars' });
    try {
      expect(fixed.adminToken).toBe('a-token-of-twenty-chars');
      const res = await fetch(`${fixed.url}/__admin/b/faults`, { headers: { [ADMIN_TOKEN_HEADER]: 'a-token-of-twenty-chars' } });
      expect(res.status).toBe(200);
    } finally {
      await fixed.close();
    }
    await expect(startFhirServer({ port: 0, adminToken: 'short' })).rejects.toThrow(/at least 16/);
  });

  it('PUT /__admin/<id> creates a base with its own data, which reset brings back', async () => {
    const made = await admin('scratch', { method: 'PUT', body: JSON.stringify({ label: 'Scratch', resources: [{ resourceType: 'Patient', id: 's-1' }] }) });
    expect(made.status).toBe(201);
    expect(await made.json()).toEqual({ id: 'scratch', url: `${srv.url}/scratch/fhir`, count: 1 });
    await fetch(`${srv.url}/scratch/fhir/Patient/s-1`, { method: 'DELETE' });
    expect((await fetch(`${srv.url}/scratch/fhir/Patient/s-1`)).status).toBe(410);
    expect(await (await admin('scratch/reset', { method: 'POST' })).json()).toEqual({ count: 1 });
    expect((await fetch(`${srv.url}/scratch/fhir/Patient/s-1`)).status).toBe(200);
    const again = await admin('scratch', { method: 'PUT', body: JSON.stringify([]) });
    expect(again.status).toBe(200);
    expect((await fetch(`${srv.url}/scratch/fhir/Patient/s-1`)).status).toBe(404);
  });
});

describe('the request log keeps no credentials', () => {
  it('drops Authorization, Proxy-Authorization and Cookie, keeps the other headers', async () => {
    await fetch(`${url}/Patient/pat-1`, {
      headers: { Authorization: 'Bearer secret-token', 'Proxy-Authorization': 'Basic abc', Cookie: 'session=s3cr3t', 'X-Trace': 'abc' },
    });
    const [entry] = srv.base('clinic').requests;
    expect(entry!.headers['x-trace']).toBe('abc');
    expect(entry!.headers).not.toHaveProperty('authorization');
    expect(entry!.headers).not.toHaveProperty('proxy-authorization');
    expect(entry!.headers).not.toHaveProperty('cookie');
    const overHttp = await (await admin('clinic/requests')).text();
    expect(overHttp).toContain('x-trace');
    expect(overHttp).not.toContain('secret-token');
    expect(overHttp).not.toContain('s3cr3t');
  });
});

describe('Host header check (DNS rebinding)', () => {
  it('answers 127.0.0.1, localhost and [::1] on its own port, and configured names', async () => {
    for (const host of [`127.0.0.1:${srv.port}`, `localhost:${srv.port}`, `[::1]:${srv.port}`, `fhir.dev.test:${srv.port}`, 'fhir.dev.test']) {
      expect((await raw('/clinic/fhir/Patient/pat-1', { host })).status, host).toBe(200);
    }
  });

  it('refuses any other Host (a rebinding name, another port, none) with 403, FHIR and admin alike', async () => {
    for (const host of [`evil.example:${srv.port}`, 'evil.example', `127.0.0.1:${srv.port + 1}`, '127.0.0.1', `localhost.evil.example:${srv.port}`]) {
      const res = await raw('/clinic/fhir/Patient/pat-1', { host });
      expect(res.status, host).toBe(403);
      expect(res.body).not.toContain('Safe');
      const adm = await raw('/__admin/clinic/requests', { host, [ADMIN_TOKEN_HEADER]: srv.adminToken });
      expect(adm.status, host).toBe(403);
    }
    const del = await raw('/clinic/fhir/Patient/pat-1', { host: `evil.example:${srv.port}` }, 'DELETE');
    expect(del.status).toBe(403);
    expect((await fetch(`${url}/Patient/pat-1`)).status).toBe(200);
  });
});

describe('update-as-create can be switched off', () => {
  it('disable: ["updateCreate"] makes PUT to a new id answer 405 and the CapabilityStatement say updateCreate: false', async () => {
    const before = (await (await fetch(`${url}/metadata`)).json()) as CapabilityStatement;
    expect(before.rest![0]!.resource!.find((r) => r.type === 'Observation')!.updateCreate).toBe(true);
    srv.base('clinic').faults.set({ disable: ['updateCreate'] });
    const meta = (await (await fetch(`${url}/metadata`)).json()) as CapabilityStatement;
    expect(meta.rest![0]!.resource!.every((r) => r.updateCreate === false)).toBe(true);

    const put = await fetch(`${url}/Patient/client-chosen`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Patient', id: 'client-chosen' }),
    });
    expect(put.status).toBe(405);
    expect(((await put.json()) as OperationOutcome).issue[0]!.code).toBe('not-supported');
    expect((await fetch(`${url}/Patient/client-chosen`)).status).toBe(404);

    // Updating what exists and creating with POST still work.
    const update = await fetch(`${url}/Patient/pat-1`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify({ ...seed[0], gender: 'female' }),
    });
    expect(update.status).toBe(200);
    const post = await fetch(`${url}/Patient`, { method: 'POST', headers: { 'Content-Type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Patient' }) });
    expect(post.status).toBe(201);
  });
});
