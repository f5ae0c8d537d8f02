import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AllergyIntolerance } from 'fhir/r4';
import type { LocalRecordStore } from '../src/store/index.js';
import { openWithSources, served, servedAll, versie } from './fixtures/store/helpers.js';

const open: LocalRecordStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

/**
 * A nurse marks the latex allergy high-criticality offline; meanwhile the clinic's server got an
 * edit from someone else (a note added). The upload is rejected with 412.
 */
async function arrangeConflict() {
  const store = await openWithSources();
  open.push(store);
  await store.applyPage('clinic', { upserts: servedAll(versie()) });
  const allergy = versie().find((r): r is AllergyIntolerance => r.resourceType === 'AllergyIntolerance')!;
  const local = { ...allergy, criticality: 'high' as const };
  await store.save(local, { source: 'clinic' });
  const server = served({ ...allergy, note: [{ text: 'Confirmed by allergist' }] }, '2', '2024-03-02T15:00:00Z');
  const [entry] = await store.pendingWrites();
  const conflictId = await store.recordConflict(entry!.seq, server);
  return { store, allergy, local, server, entry: entry!, conflictId };
}

describe('conflicts', () => {
  it('keeps both versions and holds the write back until resolved', async () => {
    const { store, local, server, entry, conflictId } = await arrangeConflict();
    const [conflict] = await store.listConflicts();
    expect(conflict).toMatchObject({ id: conflictId, source: 'clinic', type: 'AllergyIntolerance', operation: 'update', baseVersionId: '1', resolved: false });
    expect(conflict!.local).toEqual(local);
    expect(conflict!.server).toEqual(server);
    expect(await store.pendingWrites()).toEqual([]);
    expect((await store.listOutbox())[0]).toMatchObject({ seq: entry.seq, status: 'conflict', conflictId });
    const row = await store.get<AllergyIntolerance>('clinic', 'AllergyIntolerance', local.id!);
    expect(row).toMatchObject({ local: 'conflict' });
    expect(row!.resource.criticality).toBe('high');

    // A later local edit to the same resource waits behind the conflict too.
    await store.save({ ...local, criticality: 'low' }, { source: 'clinic' });
    expect(await store.pendingWrites()).toEqual([]);
    expect(await store.get('clinic', 'AllergyIntolerance', local.id!)).toMatchObject({ local: 'conflict' });
    // Cannot complete an entry in conflict.
    await expect(store.completeWrite(entry.seq, server)).rejects.toMatchObject({ code: 'invalid-state' });
  });

  it("take 'server': the server version becomes local and the outbox entries go", async () => {
    const { store, server, conflictId } = await arrangeConflict();
    const row = await store.resolveConflict(conflictId, { take: 'server' });
    expect(row).toMatchObject({ versionId: '2', resource: server });
    expect(row!.local).toBeUndefined();
    expect(await store.listOutbox()).toEqual([]);
    expect(await store.listConflicts()).toEqual([]);
    expect((await store.listConflicts({ includeResolved: true }))[0]).toMatchObject({ resolved: true, resolution: 'server' });
    await expect(store.resolveConflict(conflictId, { take: 'local' })).rejects.toMatchObject({ code: 'invalid-state' });
  });

  it("take 'local': the write is re-based on the server's versionId", async () => {
    const { store, local, conflictId, entry } = await arrangeConflict();
    const row = await store.resolveConflict(conflictId, { take: 'local' });
    expect(row).toMatchObject({ local: 'pending', versionId: '2', resource: local });
    const [pending] = await store.pendingWrites();
    expect(pending).toMatchObject({ seq: entry.seq, operation: 'update', baseVersionId: '2', status: 'pending', body: local, attempts: 0 });
  });

  it("take 'merged': the given resource is saved and queued on the server's version", async () => {
    const { store, local, server, conflictId } = await arrangeConflict();
    const merged = { ...server, criticality: local.criticality };
    const row = await store.resolveConflict(conflictId, { take: 'merged', resource: merged });
    expect(row).toMatchObject({ local: 'pending', versionId: '2' });
    expect(row!.resource).toEqual(merged);
    expect(await store.pendingWrites()).toMatchObject([{ operation: 'update', baseVersionId: '2', body: merged }]);
  });

  it('squashes later local edits into the resolved write', async () => {
    const { store, local, conflictId } = await arrangeConflict();
    await store.save({ ...local, criticality: 'low' }, { source: 'clinic' });
    await store.resolveConflict(conflictId, { take: 'local' });
    const pending = await store.pendingWrites();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ baseVersionId: '2', body: { criticality: 'low' } });
  });

  it('handles a resource the server deleted meanwhile', async () => {
    const { store, local, entry } = await arrangeConflict();
    // Re-record: the server now says the resource is gone.
    const id = await store.recordConflict(entry.seq, null);
    expect((await store.listConflicts()).map((c) => [c.id, c.server])).toEqual([[id, null]]);
    await store.resolveConflict(id, { take: 'local' });
    expect(await store.pendingWrites()).toMatchObject([{ operation: 'create', body: local }]);
    expect((await store.pendingWrites())[0]!.baseVersionId).toBeUndefined();
  });

  it('rejects a merged resource for another resource', async () => {
    const { store, server, conflictId } = await arrangeConflict();
    await expect(store.resolveConflict(conflictId, { take: 'merged', resource: { ...server, id: 'other' } })).rejects.toMatchObject({ code: 'invalid-resource' });
    await expect(store.resolveConflict(conflictId, { take: 'merged' })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(store.resolveConflict(9999, { take: 'server' })).rejects.toMatchObject({ code: 'not-found' });
    expect(await store.listConflicts()).toHaveLength(1);
  });
});
