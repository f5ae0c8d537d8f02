/**
 * Purge: removing cached data, all of it or one patient's linked set, never unsent writes
 * unless forced.
 *
 * Each function is the work of the `LocalRecordStore` method of the same name; the facade adds the
 * closed check and the mapping of errors to `StoreError` (its JSDoc is the contract).
 */
import { Dexie } from 'dexie';
import { parsePatientKey } from './compartment.js';
import { ALL_TABLES, BY_PATIENT, type StoreContext } from './context.js';
import { StoreError } from './errors.js';
import { linkedSets } from './links.js';
import { keyString } from './rows.js';
import type { PatientKey } from './types.js';

/** Options for {@link LocalRecordStore.purge}. */
export interface PurgeOptions {
  /** Purge only this patient and every patient linked to it. Omit to purge everything. */
  patient?: PatientKey;
  /** Drop local writes that were never uploaded instead of refusing. */
  force?: boolean;
}

/** Counts returned by {@link LocalRecordStore.purge}. */
export interface PurgeResult {
  resources: number;
  /** Outbox entries dropped (non-zero only with `force`). */
  writesDropped: number;
}

/** Removes cached data (see `LocalRecordStore.purge`). */
export async function purge(ctx: Pick<StoreContext, 'db' | 'rules'>, options: PurgeOptions): Promise<PurgeResult> {
  const tables = ALL_TABLES.map((t) => ctx.db.table(t));
  if (options.patient === undefined) {
    return ctx.db.transaction('rw', tables, async () => {
      const unsent = await ctx.db.outbox.count();
      if (unsent && !options.force) throw unsentError(unsent);
      const resources = await ctx.db.resources.count();
      await Promise.all([
        ctx.db.resources.clear(),
        ctx.db.checkpoints.clear(),
        ctx.db.outbox.clear(),
        ctx.db.conflicts.clear(),
        ctx.db.links.clear(),
        ctx.db.matches.clear(),
        ctx.db.coverage.clear(),
      ]);
      await ctx.db.sources.toCollection().modify((s) => {
        delete s.lastSyncAt;
        delete s.status;
        delete s.lastError;
      });
      return { resources, writesDropped: unsent };
    });
  }
  const patient = options.patient;
  if (!parsePatientKey(patient)) {
    throw new StoreError('invalid-argument', `purge: patient must be "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
  }
  return ctx.db.transaction('rw', tables, async () => {
    // The linked set, and the candidate records fetched to compare with it.
    const [set] = await linkedSets(ctx.db, [patient], ctx.rules);
    const keys = [...new Set([...set!.keys, ...set!.possible.map((m) => m.candidate)])];
    const rowKeys = (
      await Promise.all(
        keys.map((k) => ctx.db.resources.where(BY_PATIENT).between([k, Dexie.minKey], [k, Dexie.maxKey], true, true).primaryKeys()),
      )
    ).flat();
    const targets = new Set(rowKeys.map(([s, t, i]) => keyString(s, t, i)));
    const entries = (await ctx.db.outbox.toArray()).filter((e) => targets.has(keyString(e.source, e.type, e.id)));
    if (entries.length && !options.force) throw unsentError(entries.length);
    const conflictIds = (await ctx.db.conflicts.toArray())
      .filter((c) => targets.has(keyString(c.source, c.type, c.resourceId)))
      .map((c) => c.id!);
    const keySet = new Set(keys);
    const sourceIds = new Set(keys.map((k) => parsePatientKey(k)!.source));
    const checkpointKeys = (await ctx.db.checkpoints.where('source').anyOf([...sourceIds]).toArray())
      .filter((c) => !c.patient || keySet.has(c.patient))
      .map((c): [string, string] => [c.source, c.key]);
    await ctx.db.resources.bulkDelete(rowKeys);
    await ctx.db.outbox.bulkDelete(entries.map((e) => e.seq!));
    await ctx.db.conflicts.bulkDelete(conflictIds);
    await ctx.db.links.bulkDelete(keys);
    await ctx.db.checkpoints.bulkDelete(checkpointKeys);
    await ctx.db.matches.where('a').anyOf(keys).or('b').anyOf(keys).delete();
    await ctx.db.coverage.where('patient').anyOf(keys).delete();
    // A source's last error may name what was just purged (a URL, a server's words about
    // this patient): it goes too, on every source.
    await ctx.db.sources.toCollection().modify((s) => {
      delete s.lastError;
    });
    return { resources: rowKeys.length, writesDropped: entries.length };
  });
}

function unsentError(count: number): StoreError {
  return new StoreError(
    'unsent-writes',
    `purge: ${count} local change${count === 1 ? '' : 's'} not yet uploaded would be lost; ` +
      'sync first, or pass { force: true } to discard them.',
  );
}
