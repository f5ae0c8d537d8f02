/**
 * Local writes: `save` and `remove` write the row and append an outbox entry in ONE transaction.
 *
 * Each function is the work of the `LocalRecordStore` method of the same name; the facade adds the
 * closed check and the mapping of errors to `StoreError` (its JSDoc is the contract).
 */
import type { Resource } from 'fhir/r4';
import type { StoreContext } from './context.js';
import { StoreError } from './errors.js';
import { buildRow, keyString, syncLinks, tombstoneRow, toStoredRow } from './rows.js';
import type { OutboxRow, ResourceKey, ResourceRow } from './schema.js';
import { requireSource } from './sources.js';
import type { StoredRow } from './types.js';
import { assertResource } from './validation.js';

/** Saves `resource` locally and queues it for upload (see `LocalRecordStore.save`). */
export async function save<T extends Resource>(ctx: Pick<StoreContext, 'db'>, resource: T, options: { source: string }): Promise<StoredRow<T>> {
  assertResource(resource, false);
  const body = structuredClone(resource) as T;
  if (!body.id) body.id = crypto.randomUUID();
  const { source } = options;
  return ctx.db.transaction('rw', [ctx.db.resources, ctx.db.outbox, ctx.db.links, ctx.db.sources], async () => {
    const sources = await requireSource(ctx.db, source, 'save');
    const key: ResourceKey = [source, body.resourceType, body.id!];
    const existing = await ctx.db.resources.get(key);
    const onServer = !!existing && !existing.deleted && !!existing.versionId;
    const now = Date.now();
    const row = buildRow(source, body, sources, now);
    // The row keeps the server version it is based on; the resource is the local one.
    delete row.versionId;
    delete row.lastUpdated;
    if (existing?.versionId) row.versionId = existing.versionId;
    if (existing?.lastUpdated) row.lastUpdated = existing.lastUpdated;
    if (existing?.server) row.server = existing.server;
    row.local = existing?.local === 'conflict' ? 'conflict' : 'pending';
    await ctx.db.resources.put(row);
    await syncLinks(ctx.db, row);
    const entry: OutboxRow = {
      source,
      type: body.resourceType,
      id: body.id!,
      operation: onServer ? 'update' : 'create',
      body,
      status: 'pending',
      attempts: 0,
      createdAt: now,
    };
    if (onServer) entry.baseVersionId = existing!.versionId!;
    await ctx.db.outbox.add(entry);
    return toStoredRow<T>(row);
  });
}

/** Deletes a resource locally and queues the delete (see `LocalRecordStore.remove`). */
export async function remove(ctx: Pick<StoreContext, 'db'>, source: string, type: string, id: string): Promise<void> {
  await ctx.db.transaction('rw', [ctx.db.resources, ctx.db.outbox, ctx.db.links, ctx.db.sources], async () => {
    await requireSource(ctx.db, source, 'remove');
    const existing = await ctx.db.resources.get([source, type, id]);
    if (!existing || (existing.deleted && !existing.local)) {
      throw new StoreError('not-found', `remove: ${keyString(source, type, id)} is not stored.`);
    }
    const now = Date.now();
    const row: ResourceRow = {
      ...tombstoneRow(source, type, id, existing, now),
      local: existing.local === 'conflict' ? 'conflict' : 'pending',
      // A server version held for a person to compare stays until the conflict is settled.
      ...(existing.server ? { server: existing.server } : {}),
    };
    await ctx.db.resources.put(row);
    await syncLinks(ctx.db, row);
    const entry: OutboxRow = { source, type, id, operation: 'delete', body: null, status: 'pending', attempts: 0, createdAt: now };
    if (existing.versionId) entry.baseVersionId = existing.versionId;
    await ctx.db.outbox.add(entry);
  });
}
