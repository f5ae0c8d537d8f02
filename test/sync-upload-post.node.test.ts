/**
 * Creates sent with POST (servers without update-as-create, which the local FHIR server cannot
 * imitate): `uploadSource` against a scripted fetch.
 */
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { Observation } from 'fhir/r4';
import { describe, expect, test } from 'vitest';
import { LocalRecordStore } from '../src/store/index.js';
import { parseCapabilities } from '../src/sync/capabilities.js';
import { FhirClient } from '../src/sync/http.js';
import { POST_UNKNOWN, uploadSource } from '../src/sync/upload.js';

let n = 0;
async function openLocal(): Promise<LocalRecordStore> {
  const s = await LocalRecordStore.open({ name: `sync-post-${process.pid}-${++n}-${Math.random().toString(36).slice(2)}`, indexedDB, IDBKeyRange });
  await s.addSource({ id: 'clinic', baseUrl: 'http://clinic.example/fhir' });
  return s;
}

/** Observation: create and update, but no update-as-create, so creates are POSTed. */
function caps(extra: Record<string, unknown> = {}) {
  return parseCapabilities({
    resourceType: 'CapabilityStatement',
    rest: [{ mode: 'server', resource: [{ type: 'Observation', interaction: [{ code: 'create' }, { code: 'update' }, { code: 'read' }], ...extra }] }],
  });
}

const json = (body: unknown, status: number) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/fhir+json' } });

describe('conditional create (POST with If-None-Exist)', () => {
  const potassium = (value: number): Observation => ({
    resourceType: 'Observation',
    status: 'final',
    identifier: [{ system: 'urn:lab', value: 'A1' }],
    code: { text: 'K+' },
    valueQuantity: { value, unit: 'mmol/L' },
  });

  test('200 with someone else’s resource is a conflict: the local write is kept, nothing is replaced', async () => {
    const s = await openLocal();
    const saved = await s.save(potassium(6.1), { source: 'clinic' });
    const theirs = { ...potassium(4.0), id: 'other', meta: { versionId: '3' } };
    const seen: Array<{ method?: string; ifNoneExist?: string }> = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      seen.push({ method: init.method, ifNoneExist: (init.headers as Record<string, string>)['if-none-exist'] });
      if (init.method === 'POST') return json(theirs, 200);
      return new Response('', { status: 404 });
    }) as unknown as typeof fetch;
    const client = new FhirClient('clinic', 'http://clinic.example/fhir', fetchImpl, { sleep: async () => {} });

    const r = await uploadSource({ client, store: s as never, source: 'clinic', caps: caps({ conditionalCreate: true }) });
    expect(seen[0]).toEqual({ method: 'POST', ifNoneExist: `identifier=${encodeURIComponent('urn:lab|A1')}` });
    expect(r).toMatchObject({ uploaded: 0, conflicts: 1, failed: [] });
    const mine = await s.get<Observation>('clinic', 'Observation', saved.resource.id!);
    expect(mine?.resource.valueQuantity?.value).toBe(6.1);
    expect(mine?.local).toBe('conflict');
    expect(await s.get('clinic', 'Observation', 'other')).toBeUndefined();
    const conflicts = await s.listConflicts();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ resourceId: saved.resource.id, server: { id: 'other', valueQuantity: { value: 4.0 } } });
    expect(await s.pendingWrites('clinic')).toEqual([]);
    s.close();
  });

  test('200 with our own content (an earlier attempt landed) is done; 201 is done', async () => {
    for (const status of [200, 201]) {
      const s = await openLocal();
      const saved = await s.save(potassium(6.1), { source: 'clinic' });
      const fetchImpl = (async (_url: string, init: RequestInit) => {
        if (init.method === 'POST') {
          const sent = JSON.parse(init.body as string);
          return json({ ...sent, id: 'srv-1', meta: { versionId: '1', lastUpdated: '2025-01-01T00:00:00Z' } }, status);
        }
        return new Response('', { status: 404 });
      }) as unknown as typeof fetch;
      const client = new FhirClient('clinic', 'http://clinic.example/fhir', fetchImpl, { sleep: async () => {} });
      const r = await uploadSource({ client, store: s as never, source: 'clinic', caps: caps({ conditionalCreate: true }) });
      expect(r, `status ${status}`).toMatchObject({ uploaded: 1, conflicts: 0, failed: [] });
      expect(await s.listConflicts()).toEqual([]);
      expect(await s.listOutbox('clinic')).toEqual([]);
      expect(saved.resource.id).toBeDefined();
      s.close();
    }
  });
});

describe('plain POST (no identifier)', () => {
  test('a POST whose answer was lost is not re-sent on the next sync; it waits in listConflicts()', async () => {
    const s = await openLocal();
    const saved = await s.save({ resourceType: 'Observation', status: 'final', code: { text: 'BP' } } as Observation, { source: 'clinic' });
    let posts = 0;
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      if (init.method === 'POST') {
        posts++;
        // The server stored it, but the answer never arrived.
        if (posts === 1) throw new TypeError('fetch failed');
        return json({ ...JSON.parse(init.body as string), id: `srv-${posts}`, meta: { versionId: '1' } }, 201);
      }
      return new Response('', { status: 404 });
    }) as unknown as typeof fetch;
    const client = new FhirClient('clinic', 'http://clinic.example/fhir', fetchImpl, { sleep: async () => {} });

    const r1 = await uploadSource({ client, store: s as never, source: 'clinic', caps: caps() });
    expect(r1).toMatchObject({ uploaded: 0, conflicts: 1, stopped: { code: 'network' } });
    expect(await s.pendingWrites('clinic')).toEqual([]);
    const outbox = await s.listOutbox('clinic');
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ status: 'conflict', attempts: 1 });
    expect(outbox[0]!.lastError).toContain(POST_UNKNOWN);
    const conflicts = await s.listConflicts();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ resourceId: saved.resource.id, operation: 'create', server: null });

    const r2 = await uploadSource({ client, store: s as never, source: 'clinic', caps: caps() });
    expect(r2).toMatchObject({ uploaded: 0, conflicts: 0, failed: [] });
    expect(posts).toBe(1);
    s.close();
  });

  test('a 500 to a plain POST is handled the same way (the server may have stored it)', async () => {
    const s = await openLocal();
    await s.save({ resourceType: 'Observation', status: 'final', code: { text: 'BP' } } as Observation, { source: 'clinic' });
    let posts = 0;
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      if (init.method === 'POST') posts++;
      return json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] }, 500);
    }) as unknown as typeof fetch;
    const client = new FhirClient('clinic', 'http://clinic.example/fhir', fetchImpl, { sleep: async () => {} });
    const r = await uploadSource({ client, store: s as never, source: 'clinic', caps: caps() });
    expect(r).toMatchObject({ conflicts: 1, stopped: { status: 500 } });
    expect(posts).toBe(1);
    expect(await s.pendingWrites('clinic')).toEqual([]);
    expect(await s.listConflicts()).toHaveLength(1);
    s.close();
  });

  test('a 4xx to a plain POST (rejected, nothing created) stays pending as before', async () => {
    const s = await openLocal();
    await s.save({ resourceType: 'Observation', status: 'final', code: { text: 'BP' } } as Observation, { source: 'clinic' });
    const fetchImpl = (async () => json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid' }] }, 422)) as unknown as typeof fetch;
    const client = new FhirClient('clinic', 'http://clinic.example/fhir', fetchImpl, { sleep: async () => {} });
    const r = await uploadSource({ client, store: s as never, source: 'clinic', caps: caps() });
    expect(r).toMatchObject({ conflicts: 0, failed: [{ error: { status: 422 } }] });
    expect(await s.pendingWrites('clinic')).toHaveLength(1);
    expect(await s.listConflicts()).toEqual([]);
    s.close();
  });

  test('a create sent as PUT to the client’s id stays retryable after a lost answer (idempotent)', async () => {
    const s = await openLocal();
    await s.save({ resourceType: 'Observation', status: 'final', code: { text: 'BP' } } as Observation, { source: 'clinic' });
    let puts = 0;
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      if (init.method === 'PUT') {
        puts++;
        throw new TypeError('fetch failed');
      }
      return new Response('', { status: 404 });
    }) as unknown as typeof fetch;
    const client = new FhirClient('clinic', 'http://clinic.example/fhir', fetchImpl, { sleep: async () => {}, retry: { retries: 0 } });
    const r = await uploadSource({ client, store: s as never, source: 'clinic', caps: caps({ updateCreate: true }) });
    expect(r).toMatchObject({ conflicts: 0, stopped: { code: 'network' } });
    expect(puts).toBe(1);
    expect(await s.pendingWrites('clinic')).toHaveLength(1);
    expect(await s.listConflicts()).toEqual([]);
    s.close();
  });
});
