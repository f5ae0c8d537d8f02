/**
 * The CapabilityStatement is cached with the server's validators and asked again, conditionally,
 * on every sync: an unchanged statement costs a 304, a changed one is believed at once, and a
 * server without validators is read in full each time. Against the real local server.
 */
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, onTestFinished, test } from 'vitest';
import { RecordStore } from '../src/record-store.js';
import { SSN, openStore, samplePatient, useWorld, type World } from './support/sync-harness.js';

const world = useWorld();

/** The clinic's metadata requests since the log was last cleared: their validators and answers. */
function metadataRequests(w: World): Array<{ ifNoneMatch?: string; ifModifiedSince?: string; status: number }> {
  return w.server
    .base('clinic')
    .requests.filter((r) => r.url.endsWith('/metadata'))
    .map((r) => ({
      ...(r.headers['if-none-match'] ? { ifNoneMatch: r.headers['if-none-match'] } : {}),
      ...(r.headers['if-modified-since'] ? { ifModifiedSince: r.headers['if-modified-since'] } : {}),
      status: r.status,
    }));
}

/** The clinic's current metadata ETag, as another client would read it. */
async function currentEtag(w: World): Promise<string> {
  const res = await fetch(`${w.server.baseUrl('clinic')}/metadata`);
  await res.text();
  return res.headers.get('etag')!;
}

describe('capabilities cache', () => {
  test('the next sync sends the ETag and, on 304, syncs with the statement it kept (also after the store is opened again)', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    const { store } = await openStore(world, { sources: ['clinic'] });
    const first = await store.syncPatient(versie.clinicKey);
    expect(first.sources.clinic!.strategy).toBe('everything');
    const etag = await currentEtag(world);

    world.server.base('clinic').clearRequests();
    const second = await store.syncPatient(versie.clinicKey);
    expect(metadataRequests(world)).toEqual([{ ifNoneMatch: etag, status: 304 }]);
    // The 304 had no body: the strategy still comes from the statement kept.
    expect([second.errors, second.sources.clinic!.status, second.sources.clinic!.strategy]).toEqual([[], 'ok', 'everything']);

    // A page load: a new RecordStore on the same database revalidates what the store kept.
    const name = store.name;
    store.close();
    const again = await RecordStore.open({ name, linkIdentifierSystems: [SSN], indexedDB, IDBKeyRange });
    onTestFinished(() => again.close());
    world.server.base('clinic').clearRequests();
    const third = await again.syncPatient(versie.clinicKey);
    expect(metadataRequests(world)).toEqual([{ ifNoneMatch: etag, status: 304 }]);
    expect([third.errors, third.sources.clinic!.strategy]).toEqual([[], 'everything']);
  });

  test('a capability switched off between two syncs is not used by the second', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    const { store } = await openStore(world, { sources: ['clinic'] });
    expect((await store.syncPatient(versie.clinicKey)).sources.clinic!.strategy).toBe('everything');
    const etag = await currentEtag(world);

    world.server.base('clinic').faults.set({ disable: ['everything'] });
    world.server.base('clinic').clearRequests();
    const second = await store.syncPatient(versie.clinicKey);
    expect(metadataRequests(world)).toEqual([{ ifNoneMatch: etag, status: 200 }]);
    expect([second.errors, second.sources.clinic!.strategy]).toEqual([[], 'compartment-search']);
    expect(world.server.base('clinic').requests.filter((r) => r.url.includes('$everything'))).toEqual([]);
  });

  test('a server that sends no validators is read in full on every sync', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    // The same server behind something that drops ETag and Last-Modified from metadata answers.
    const noValidators: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input instanceof Request ? input.url : input).endsWith('/metadata')) return res;
      const headers = new Headers(res.headers);
      headers.delete('etag');
      headers.delete('last-modified');
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    };
    const { store } = await openStore(world, { sources: ['clinic'], fetch: { clinic: noValidators } });
    await store.syncPatient(versie.clinicKey);
    world.server.base('clinic').clearRequests();
    const second = await store.syncPatient(versie.clinicKey);
    expect(metadataRequests(world)).toEqual([{ status: 200 }]);
    expect([second.errors, second.sources.clinic!.strategy]).toEqual([[], 'everything']);
  });

  test('with only Last-Modified, the next sync sends If-Modified-Since', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    let lastModified = '';
    const noEtag: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input instanceof Request ? input.url : input).endsWith('/metadata')) return res;
      const headers = new Headers(res.headers);
      headers.delete('etag');
      lastModified ||= headers.get('last-modified') ?? '';
      return new Response(res.status === 304 ? null : res.body, { status: res.status, statusText: res.statusText, headers });
    };
    const { store } = await openStore(world, { sources: ['clinic'], fetch: { clinic: noEtag } });
    await store.syncPatient(versie.clinicKey);
    world.server.base('clinic').clearRequests();
    const second = await store.syncPatient(versie.clinicKey);
    expect(metadataRequests(world)).toEqual([{ ifModifiedSince: lastModified, status: 304 }]);
    expect([second.errors, second.sources.clinic!.strategy]).toEqual([[], 'everything']);
  });
});
