/**
 * Conflicts: an upload the server rejected because the resource changed there, kept with both
 * versions until a person resolves it.
 *
 * Each function is the work of the `LocalRecordStore` method of the same name; the facade adds the
 * closed check and the mapping of errors to `StoreError` (its JSDoc is the contract).
 */
import type { Resource } from 'fhir/r4';
import type { StoreContext } from './context.js';
import { StoreError } from './errors.js';
import { buildRow, syncLinks, tombstoneRow, toStoredRow } from './rows.js';
import type { ConflictRow, OutboxRow, ResourceRow } from './schema.js';
import type { ConflictChoice, ConflictRecord, StoredRow } from './types.js';
import { assertResource } from './validation.js';

function toConflictRecord(row: ConflictRow): ConflictRecord {
  const { resolved, ...rest } = row;
  return { ...rest, id: row.id!, resolved: resolved === 1 };
}

/** Conflicts waiting for a person, oldest first (resolved ones too with `includeResolved`). */
export async function listConflicts(ctx: Pick<StoreContext, 'db'>, options: { source?: string; includeResolved?: boolean }): Promise<ConflictRecord[]> {
  const rows = await ctx.db.conflicts.toArray();
  return rows
    .filter((c) => (options.includeResolved || !c.resolved) && (!options.source || c.source === options.source))
    .map(toConflictRecord);
}

/** Resolves a conflict in one transaction (see `LocalRecordStore.resolveConflict`). */
export async function resolveConflict(
  ctx: Pick<StoreContext, 'db'>,
  id: number,
  choice: { take: ConflictChoice; resource?: Resource },
): Promise<StoredRow | undefined> {
  const tables = [ctx.db.conflicts, ctx.db.outbox, ctx.db.resources, ctx.db.links, ctx.db.sources];
  return ctx.db.transaction('rw', tables, async () => {
    const conflict = await ctx.db.conflicts.get(id);
    if (!conflict) throw new StoreError('not-found', `resolveConflict: no conflict ${id}.`);
    if (conflict.resolved) throw new StoreError('invalid-state', `resolveConflict: conflict ${id} is already resolved.`);
    const { source, type, resourceId } = conflict;
    const sources = await ctx.db.sources.toArray();
    const entries = await ctx.db.outbox.where('[source+type+id]').equals([source, type, resourceId]).sortBy('seq');
    const existing = await ctx.db.resources.get([source, type, resourceId]);
    const server = conflict.server;
    const now = Date.now();
    let row: ResourceRow | undefined;

    if (choice.take === 'server') {
      await ctx.db.outbox.bulkDelete(entries.map((e) => e.seq!));
      row = server
        ? buildRow(source, server, sources, now)
        : existing && tombstoneRow(source, type, resourceId, existing, now);
    } else if (choice.take === 'local' || choice.take === 'merged') {
      let final: Resource | null;
      if (choice.take === 'merged') {
        const merged = choice.resource ? structuredClone(choice.resource) : undefined;
        if (!merged) throw new StoreError('invalid-argument', "resolveConflict: take 'merged' needs the merged resource.");
        if (merged.id === undefined) merged.id = resourceId;
        assertResource(merged, true);
        if (merged.resourceType !== type || merged.id !== resourceId) {
          throw new StoreError('invalid-resource', `resolveConflict: merged resource must be ${type}/${resourceId}.`);
        }
        final = merged;
      } else {
        final = existing && !existing.deleted ? existing.resource : existing ? null : conflict.local;
      }
      const baseVersionId = server?.meta?.versionId;
      const [first, ...rest] = entries;
      await ctx.db.outbox.bulkDelete(rest.map((e) => e.seq!));
      if (final === null && server === null) {
        // Deleted on both sides: nothing left to send.
        if (first) await ctx.db.outbox.delete(first.seq!);
        row = existing && tombstoneRow(source, type, resourceId, existing, now);
      } else {
        const entry: OutboxRow = {
          source,
          type,
          id: resourceId,
          operation: final === null ? 'delete' : server ? 'update' : 'create',
          body: final,
          status: 'pending',
          attempts: 0,
          createdAt: first?.createdAt ?? now,
        };
        if (first?.seq !== undefined) entry.seq = first.seq;
        if (baseVersionId && server) entry.baseVersionId = baseVersionId;
        await ctx.db.outbox.put(entry);
        row = final
          ? buildRow(source, final, sources, now)
          : existing
            ? tombstoneRow(source, type, resourceId, existing, now)
            : tombstoneRow(source, type, resourceId, undefined, now);
        delete row.versionId;
        delete row.lastUpdated;
        delete row.server;
        if (server?.meta?.versionId) row.versionId = server.meta.versionId;
        if (server?.meta?.lastUpdated) row.lastUpdated = server.meta.lastUpdated;
        row.local = 'pending';
      }
    } else {
      throw new StoreError('invalid-argument', `resolveConflict: take must be 'local', 'server' or 'merged'.`);
    }
    if (row) {
      if (choice.take === 'server' || !row.local) {
        delete row.local;
        delete row.server;
      }
      await ctx.db.resources.put(row);
      await syncLinks(ctx.db, row);
    }
    await ctx.db.conflicts.update(id, { resolved: 1, resolution: choice.take, resolvedAt: now });
    return row && toStoredRow(row);
  });
}

/** Records a rejected upload as a conflict in ONE transaction (see `LocalRecordStore.recordConflict`). */
export async function recordConflict(ctx: Pick<StoreContext, 'db'>, seq: number, serverResource: Resource | null): Promise<number> {
  if (serverResource) assertResource(serverResource, true);
  return ctx.db.transaction('rw', [ctx.db.outbox, ctx.db.conflicts, ctx.db.resources], async () => {
    const entry = await ctx.db.outbox.get(seq);
    if (!entry) throw new StoreError('not-found', `recordConflict: no outbox entry ${seq}.`);
    const now = Date.now();
    let id = entry.conflictId;
    const current = id !== undefined ? await ctx.db.conflicts.get(id) : undefined;
    if (current && !current.resolved) {
      await ctx.db.conflicts.update(id!, { server: serverResource });
    } else {
      const conflict: ConflictRow = {
        source: entry.source,
        type: entry.type,
        resourceId: entry.id,
        seq,
        operation: entry.operation,
        local: entry.body,
        server: serverResource,
        createdAt: now,
        resolved: 0,
      };
      if (entry.baseVersionId) conflict.baseVersionId = entry.baseVersionId;
      id = await ctx.db.conflicts.add(conflict);
    }
    await ctx.db.outbox.put({ ...entry, status: 'conflict', conflictId: id!, lastAttemptAt: now });
    const row = await ctx.db.resources.get([entry.source, entry.type, entry.id]);
    if (row) {
      const server = {
        resource: serverResource,
        ...(serverResource?.meta?.versionId ? { versionId: serverResource.meta.versionId } : {}),
        ...(serverResource?.meta?.lastUpdated ? { lastUpdated: serverResource.meta.lastUpdated } : {}),
      };
      await ctx.db.resources.put({ ...row, local: 'conflict', server });
    }
    return id!;
  });
}
