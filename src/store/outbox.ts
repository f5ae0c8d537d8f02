/**
 * The outbox: local writes waiting for upload, and what a finished or failed upload does to
 * them and to the row.
 *
 * Each function is the work of the `LocalRecordStore` method of the same name; the facade adds the
 * closed check and the mapping of errors to `StoreError` (its JSDoc is the contract).
 */
import type { Resource } from 'fhir/r4';
import { retargetReferences, type Retarget } from '../fhir/retarget-references.js';
import type { SourceBases } from './compartment.js';
import type { StoreContext } from './context.js';
import { StoreError } from './errors.js';
import { buildRow, keyString, syncLinks, tombstoneRow } from './rows.js';
import type { OutboxRow, ResourceKey, ResourceRow } from './schema.js';
import type { OutboxEntry } from './types.js';
import { assertResource, describe } from './validation.js';

/** Outbox entries ready for upload, in `seq` order (see `LocalRecordStore.pendingWrites`). */
export async function pendingWrites(ctx: Pick<StoreContext, 'db'>, source?: string): Promise<OutboxEntry[]> {
  const all = await listOutboxRows(ctx, source);
  const blocked = new Set(all.filter((e) => e.status === 'conflict').map((e) => keyString(e.source, e.type, e.id)));
  return all.filter((e) => e.status === 'pending' && !blocked.has(keyString(e.source, e.type, e.id)));
}

/** Every outbox entry (pending and in conflict), in `seq` order. */
export async function listOutboxRows(ctx: Pick<StoreContext, 'db'>, source?: string): Promise<OutboxEntry[]> {
  const rows = source === undefined ? await ctx.db.outbox.toArray() : await ctx.db.outbox.where('source').equals(source).sortBy('seq');
  return rows as OutboxEntry[];
}

/** Records a successful upload in ONE transaction (see `LocalRecordStore.completeWrite`). */
export async function completeWrite(ctx: Pick<StoreContext, 'db'>, seq: number, serverResource: Resource | null): Promise<void> {
  const tables = [ctx.db.outbox, ctx.db.resources, ctx.db.links, ctx.db.sources, ctx.db.conflicts];
  await ctx.db.transaction('rw', tables, async () => {
    const entry = await ctx.db.outbox.get(seq);
    if (!entry) throw new StoreError('not-found', `completeWrite: no outbox entry ${seq}.`);
    if (entry.status === 'conflict') {
      throw new StoreError('invalid-state', `completeWrite: outbox entry ${seq} is in conflict; resolve it first.`);
    }
    if (serverResource) {
      assertResource(serverResource, true);
      if (serverResource.resourceType !== entry.type) {
        throw new StoreError('invalid-resource', `completeWrite: server returned ${describe(serverResource)} for ${entry.type}/${entry.id}.`);
      }
    }
    const sources = await ctx.db.sources.toArray();
    await ctx.db.outbox.delete(seq);
    const { source, type } = entry;
    const oldKey: ResourceKey = [source, type, entry.id];
    const newId = serverResource?.id ?? entry.id;
    const existing = await ctx.db.resources.get(oldKey);
    let later = await ctx.db.outbox.where('[source+type+id]').equals(oldKey).sortBy('seq');
    if (newId !== entry.id) {
      // Server-assigned id: move the row and the queued entries to it.
      await ctx.db.resources.delete(oldKey);
      if (type === 'Patient') await ctx.db.links.delete(`${source}/Patient/${entry.id}`);
      later = later.map((e) => ({ ...e, id: newId, body: e.body ? { ...e.body, id: newId } : null }));
    }
    const versionId = serverResource?.meta?.versionId;
    const lastUpdated = serverResource?.meta?.lastUpdated;
    const now = Date.now();
    let row: ResourceRow | undefined;
    if (later.length) {
      for (const e of later) {
        if (entry.operation === 'delete') {
          if (e.operation === 'update') e.operation = 'create';
          delete e.baseVersionId;
        } else {
          if (e.operation === 'create') e.operation = 'update';
          if (versionId) e.baseVersionId = versionId;
          else delete e.baseVersionId;
        }
      }
      await ctx.db.outbox.bulkPut(later);
      if (existing) {
        row = { ...existing, id: newId };
        if (newId !== entry.id) row.resource = { ...existing.resource, id: newId };
        delete row.versionId;
        delete row.lastUpdated;
        delete row.server;
        if (versionId) row.versionId = versionId;
        if (lastUpdated) row.lastUpdated = lastUpdated;
      }
    } else if (entry.operation === 'delete') {
      if (existing) row = tombstoneRow(source, entry.type, entry.id, existing, now);
    } else {
      const stored = serverResource ?? (entry.body ? { ...entry.body, id: newId } : null);
      if (stored) {
        row = buildRow(source, stored, sources, now);
        if (!serverResource) {
          delete row.versionId;
          delete row.lastUpdated;
        }
      }
    }
    if (row) {
      await ctx.db.resources.put(row);
      await syncLinks(ctx.db, row);
    }
    if (newId !== entry.id) {
      const base = sources.find((s) => s.id === source)?.baseUrl;
      await retargetLocalWrites(ctx, source, sources, { type, from: entry.id, to: newId, bases: base ? [base] : [] });
    }
  });
}

/**
 * After the server gave a created resource another id: every local write of the source not yet
 * uploaded (outbox bodies, the local versions in the rows, with their patient and index fields
 * worked out again, and unresolved conflicts' local versions) that references the device's id
 * references the server's id instead, so nothing is uploaded pointing at an id the server never
 * had. Runs inside `completeWrite`'s transaction.
 */
async function retargetLocalWrites(ctx: Pick<StoreContext, 'db'>, source: string, sources: SourceBases, target: Retarget): Promise<void> {
  const entries = await ctx.db.outbox.where('source').equals(source).toArray();
  const changedEntries: OutboxRow[] = [];
  const keys = new Map<string, ResourceKey>();
  for (const e of entries) {
    keys.set(keyString(e.source, e.type, e.id), [e.source, e.type, e.id]);
    if (!e.body) continue;
    const body = retargetReferences(e.body, target);
    if (body !== e.body) changedEntries.push({ ...e, body });
  }
  if (changedEntries.length) await ctx.db.outbox.bulkPut(changedEntries);

  const rows = keys.size ? await ctx.db.resources.bulkGet([...keys.values()]) : [];
  for (const row of rows) {
    if (!row?.local || row.deleted) continue;
    const resource = retargetReferences(row.resource, target);
    if (resource === row.resource) continue;
    // The local version's patient, date and codes follow its new content; the server version
    // it is based on and the local state stay.
    const rebuilt = buildRow(source, resource, sources, row.fetchedAt);
    delete rebuilt.versionId;
    delete rebuilt.lastUpdated;
    const next: ResourceRow = { ...rebuilt, local: row.local };
    if (row.versionId) next.versionId = row.versionId;
    if (row.lastUpdated) next.lastUpdated = row.lastUpdated;
    if (row.server) next.server = row.server;
    await ctx.db.resources.put(next);
    await syncLinks(ctx.db, next);
  }

  const conflicts = await ctx.db.conflicts.where('source').equals(source).toArray();
  for (const c of conflicts) {
    if (c.resolved || !c.local) continue;
    const local = retargetReferences(c.local, target);
    if (local !== c.local) await ctx.db.conflicts.put({ ...c, local });
  }
}

/** Records a failed upload attempt: `attempts + 1`, `lastError`. */
export async function failWrite(ctx: Pick<StoreContext, 'db'>, seq: number, error: string): Promise<void> {
  await ctx.db.transaction('rw', ctx.db.outbox, async () => {
    const entry = await ctx.db.outbox.get(seq);
    if (!entry) throw new StoreError('not-found', `failWrite: no outbox entry ${seq}.`);
    await ctx.db.outbox.put({ ...entry, attempts: entry.attempts + 1, lastError: error, lastAttemptAt: Date.now() });
  });
}
