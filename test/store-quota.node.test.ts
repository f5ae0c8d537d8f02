import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Observation } from 'fhir/r4';
import { StoreError, type LocalRecordStore } from '../src/store/index.js';
import { VERSIE_CLINIC, VERSIE_ID, failWrites, openWithSources, servedAll, versie } from './fixtures/store/helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
async function arrange(): Promise<LocalRecordStore> {
  const store = await openWithSources();
  cleanups.push(() => store.close());
  return store;
}
const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
const labs = () => versie().filter((r): r is Observation => r.resourceType === 'Observation');

describe('storage quota', () => {
  it('rolls back a page whose write runs out of quota midway, keeping earlier data intact', async () => {
    const store = await arrange();
    const first = servedAll(versie()).filter((r) => r.resourceType !== 'Observation');
    await store.applyPage('clinic', { upserts: first, checkpoint: { key: 'all', value: 'T1' } });
    const before = await store.search({ patient: VERSIE_CLINIC, includeDeleted: true });

    // Third lab of the next page hits the quota.
    const page = servedAll(labs(), '1', '2024-03-02T10:00:00Z');
    const failingId = page[2]!.id;
    cleanups.push(failWrites('resources', (v) => (v as { id?: string }).id === failingId, quota));
    const err = await store.applyPage('clinic', { upserts: page, checkpoint: { key: 'all', value: 'T2' } }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'quota-exceeded' });
    expect((err as Error).message).toMatch(/quota/);
    expect((err as Error).message).toMatch(/nothing from this operation was saved/);
    // The two labs written before the failure are gone with the transaction; the rest is as before.
    expect(await store.search({ patient: VERSIE_CLINIC, type: 'Observation' })).toEqual([]);
    expect(await store.search({ patient: VERSIE_CLINIC, includeDeleted: true })).toEqual(before);
    expect(await store.getCheckpoint('clinic', 'all')).toBe('T1');
  });

  it('rolls back an insert-first page (expectNew) whose insert runs out of quota', async () => {
    const store = await arrange();
    await store.applyPage('clinic', { upserts: servedAll(versie()).filter((r) => r.resourceType !== 'Observation'), checkpoint: { key: 'all', value: 'T1' } });
    const before = await store.search({ patient: VERSIE_CLINIC, includeDeleted: true });
    const page = servedAll(labs(), '1', '2024-03-02T10:00:00Z');
    const failingId = page[2]!.id;
    cleanups.push(failWrites('resources', (v) => (v as { id?: string }).id === failingId, quota));
    const err = await store.applyPage('clinic', { upserts: page, checkpoint: { key: 'all', value: 'T2' }, expectNew: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'quota-exceeded' });
    expect(await store.search({ patient: VERSIE_CLINIC, includeDeleted: true })).toEqual(before);
    expect(await store.getCheckpoint('clinic', 'all')).toBe('T1');
  });

  it('saves neither the row nor the outbox entry when the outbox write hits the quota', async () => {
    const store = await arrange();
    cleanups.push(failWrites('outbox', () => true, quota));
    const obs: Observation = { resourceType: 'Observation', status: 'final', code: { text: 'Temperature' }, subject: { reference: `Patient/${VERSIE_ID}` } };
    await expect(store.save(obs, { source: 'clinic' })).rejects.toMatchObject({ code: 'quota-exceeded' });
    expect(await store.search({ patient: VERSIE_CLINIC, includeDeleted: true })).toEqual([]);
    expect(await store.listOutbox()).toEqual([]);
  });

  it('recognises a quota error that arrives as the reason a transaction aborted', async () => {
    // Real engines often report quota at commit: Dexie then rejects with AbortError wrapping it.
    const { toStoreError } = await import('../src/store/errors.js');
    const abort = Object.assign(new Error('Transaction aborted'), { name: 'AbortError', inner: quota() });
    expect(toStoreError(abort, 'applyPage').code).toBe('quota-exceeded');
    const bulk = Object.assign(new Error('2 of 5 operations failed'), { name: 'BulkError', failures: [new Error('x'), quota()] });
    expect(toStoreError(bulk, 'applyPage').code).toBe('quota-exceeded');
    expect(toStoreError(new Error('disk on fire'), 'applyPage').code).toBe('storage-failed');
  });
});
