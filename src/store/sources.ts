/**
 * Sources: registering the servers a record is gathered from, and their sync fields.
 *
 * Each function is the work of the `LocalRecordStore` method of the same name; the facade adds the
 * closed check and the mapping of errors to `StoreError` (its JSDoc is the contract).
 */
import { normalizeBase, type SourceBases } from './compartment.js';
import type { StoreContext } from './context.js';
import { StoreError } from './errors.js';
import type { RecordDatabase } from './schema.js';
import type { SourceInit, SourceRecord } from './types.js';
import { SOURCE_ID } from './validation.js';

/** Registers or updates a source; `fetch` is kept in `ctx.fetches` only. */
export async function addSource(ctx: Pick<StoreContext, 'db' | 'fetches'>, init: SourceInit): Promise<SourceRecord> {
  if (!init || typeof init.id !== 'string' || !SOURCE_ID.test(init.id)) {
    throw new StoreError(
      'invalid-source',
      `Source id must be 1-64 letters, digits, '_', '-' or '.' (got ${JSON.stringify(init?.id)}).`,
    );
  }
  let url: URL;
  try {
    url = new URL(init.baseUrl);
  } catch {
    throw new StoreError('invalid-source', `Source "${init.id}": base URL ${JSON.stringify(init.baseUrl)} is not absolute.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StoreError('invalid-source', `Source "${init.id}": base URL must be http or https.`);
  }
  const baseUrl = normalizeBase(init.baseUrl);
  const record = await ctx.db.transaction('rw', ctx.db.sources, async () => {
    const existing = await ctx.db.sources.get(init.id);
    const next: SourceRecord = {
      ...existing,
      id: init.id,
      baseUrl,
      label: init.label ?? existing?.label ?? init.id,
      addedAt: existing?.addedAt ?? Date.now(),
    };
    await ctx.db.sources.put(next);
    return next;
  });
  if (init.fetch) ctx.fetches.set(init.id, init.fetch);
  else ctx.fetches.delete(init.id);
  return record;
}

/** All sources, in the order they were first added. */
export async function getSources(ctx: Pick<StoreContext, 'db'>): Promise<SourceRecord[]> {
  const all = await ctx.db.sources.toArray();
  return all.sort((a, b) => a.addedAt - b.addedAt || (a.id < b.id ? -1 : 1));
}

/** The `fetch` given to `addSource` in this instance, if any. */
export function getSourceFetch(ctx: Pick<StoreContext, 'fetches'>, id: string): typeof fetch | undefined {
  return ctx.fetches.get(id);
}

/** Patches a source's sync fields (see `LocalRecordStore.setSourceStatus`). */
export async function setSourceStatus(ctx: Pick<StoreContext, 'db'>, source: string, patch: Partial<SourceRecord>): Promise<SourceRecord> {
  return ctx.db.transaction('rw', ctx.db.sources, async () => {
    const existing = await ctx.db.sources.get(source);
    if (!existing) throw new StoreError('not-found', `setSourceStatus: unknown source "${source}".`);
    const next: Record<string, unknown> = { ...existing };
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'id' || k === 'baseUrl' || k === 'addedAt') continue;
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    await ctx.db.sources.put(next as unknown as SourceRecord);
    return next as unknown as SourceRecord;
  });
}

/** Every source (for reference mapping), after checking that `id` is one of them. */
export async function requireSource(db: RecordDatabase, id: string, what: string): Promise<SourceBases> {
  const sources = await db.sources.toArray();
  if (!sources.some((s) => s.id === id)) {
    throw new StoreError('not-found', `${what}: unknown source "${id}"; call addSource first.`);
  }
  return sources;
}
