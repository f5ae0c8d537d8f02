/**
 * What changed since a query's checkpoint beyond what its listing shows: the patient's changes in
 * `_history` (deletes, and resources moved to another patient), or, without history, ids the
 * cache holds that the full listing no longer has.
 */
import type { Resource } from 'fhir/r4';
import { fileDownloaded } from '../store/compartment.js';
import { earliest, serverTimeOf } from './checkpoint.js';
import { SyncError } from './errors.js';
import { HistoryFold, type FoldedChange } from './history.js';
import { DEFAULT_LIMITS } from './limits.js';
import { type DownloadContext, params, chunks } from './download-context.js';
import { searchAll, readListing } from './listing.js';
import { note } from './admission.js';

/** The server's history since some instant, folded into one patient's changes (see `readPatientHistory`). */
export interface PatientHistory {
  fold: HistoryFold;
  /** Server time of the history's first answer. */
  serverTime?: string;
}

/** Thrown inside a history listing that outgrew its budget (see `readPatientHistory`). */
export class HistoryTooLong extends Error {
  constructor(readonly entries: number) {
    super(`history longer than ${entries} changes`);
  }
}

/**
 * Reads `_history?_since=` once — system level when offered (one listing whatever the number of
 * types), else per type — and folds it as it goes into the latest change of each resource of
 * `types` that the cache holds for this patient (see `history.ts`); every other change (other
 * patients, resources not cached) is dropped at once, so memory is bounded by this patient's
 * record, not by the server's traffic. Writes are marked with whether their version still
 * belongs to this patient. A server that announced history but refuses it (4xx other than auth)
 * gives `'unavailable'` with a note: the queries then list everything and compare ids.
 */
export async function readPatientHistory(ctx: DownloadContext, types: readonly string[], since: string): Promise<PatientHistory | 'unavailable'> {
  // The ids the cache holds for this patient, read when the history turns out to list anything:
  // a history with no change since the checkpoint (the usual incremental sync) reads none.
  let cached: Map<string, Set<string>> | undefined;
  let entryBudget = 0;
  const loadCached = async (): Promise<Map<string, Set<string>>> => {
    if (cached) return cached;
    const ids = new Map<string, Set<string>>();
    for (const type of types) ids.set(type, new Set(await ctx.store.localIds(ctx.source, type, ctx.patientKey)));
    // A history much longer than this patient's record is not worth reading: on a busy server it
    // is mostly other patients' changes (and would run into maxPages). Past this many entries the
    // queries list the record again and compare ids instead, which costs about the record's size.
    const cachedRows = [...ids.values()].reduce((n, set) => n + set.size, 0);
    entryBudget = Math.max(ctx.budget?.limits.maxHistoryEntries ?? DEFAULT_LIMITS.maxHistoryEntries, 2 * cachedRows);
    return (cached = ids);
  };
  const fold = new HistoryFold();
  let serverTime: string | undefined;
  const belongsHere = belongsHereTest(ctx);
  const urls = types.length > 1 && ctx.caps.systemHistory
    ? [`_history?${params({ _since: since, _count: ctx.pageSize })}`]
    : types.map((t) =>
        ctx.caps.typeHistory.has(t)
          ? `${t}/_history?${params({ _since: since, _count: ctx.pageSize })}`
          : `_history?${params({ _since: since, _count: ctx.pageSize })}`,
      );
  let entries = 0;
  try {
    for (const start of [...new Set(urls)]) {
      let found = new HistoryFold();
      const entriesBefore = entries;
      await readListing(ctx, start, {
        page: async (page, response, first) => {
          if (first) serverTime = earliest(serverTime, serverTimeOf(response, page.lastUpdated));
          if (page.entryCount === 0) return;
          const ids = await loadCached();
          entries += page.entryCount;
          if (entries > entryBudget) throw new HistoryTooLong(entryBudget);
          for (const e of page.history) {
            if (ids.get(e.type)?.has(e.id)) found.add(e, e.resource ? belongsHere(e.resource) : undefined);
          }
        },
        // A listing started again lists everything again.
        restart: () => {
          found = new HistoryFold();
          // Pages read again are not counted twice against the budget.
          entries = entriesBefore;
        },
      });
      fold.absorb(found);
    }
  } catch (error) {
    if (error instanceof HistoryTooLong) {
      ctx.problem({
        source: ctx.source,
        code: 'history-too-long',
        message: `${ctx.source}: the server lists more than ${error.entries} changes since the last sync, far more than this patient's record; listing the record instead.`,
      });
      return 'unavailable';
    }
    if (error instanceof SyncError && error.code === 'http' && error.status !== undefined && error.status < 500) {
      ctx.problem({ source: ctx.source, code: 'history-unavailable', message: `${error.message}; listing everything instead.` });
      return 'unavailable';
    }
    throw error;
  }
  return { fold, serverTime };
}

/** Whether a version of a resource is filed under the patient being synced (the filing rule). */
export function belongsHereTest(ctx: DownloadContext): (resource: Resource) => boolean {
  const own = { id: ctx.source, baseUrl: ctx.client.baseUrl };
  const here = new Set([ctx.patientKey]);
  return (resource) => {
    const filing = fileDownloaded(resource, own, ctx.sources ?? [], here);
    return 'patient' in filing && filing.patient === ctx.patientKey;
  };
}

/**
 * History deletes restricted to resources this patient has in the cache and not seen alive now,
 * and removals of those whose latest version the history shows under another patient (a
 * wrong-chart correction: they leave this record; the other patient's sync files them there).
 */
export async function historyDeletesForPatient(
  ctx: DownloadContext,
  types: readonly string[],
  history: HistoryFold,
  seen: Map<string, Set<string>>,
): Promise<Array<{ type: string; id: string; versionId?: string; at?: string }>> {
  if (history.size === 0) return [];
  const out: Array<{ type: string; id: string; versionId?: string; at?: string }> = [];
  for (const type of types) {
    const local = await ctx.store.localIds(ctx.source, type, ctx.patientKey);
    for (const id of local) {
      const change = history.get(type, id);
      // Listed alive by the search that ran after the history read: it came back.
      if (!change || seen.get(type)?.has(id)) continue;
      if (change.method === 'DELETE') out.push(deleteOf(change));
      else if (change.belongsHere === false) out.push(movedAway(ctx, type, id));
    }
  }
  return out;
}

/**
 * A resource that now belongs to another patient on the server: removed from this patient's
 * record. The removal keeps the cached version's id, so the moved version, when the other
 * patient's record is synced, is newer and files it there.
 */
export function movedAway(ctx: DownloadContext, type: string, id: string): { type: string; id: string } {
  note(ctx, 'moved-to-other-patient', `${ctx.source}: ${type}/${id} now belongs to another patient on the server; removed from ${ctx.patientKey}.`);
  return { type, id };
}

/**
 * Ids the cache holds for this patient but a full listing did not return. Not trusted blindly
 * (a listing can miss a row when data moves under offset paging): each candidate is re-asked
 * with an `_id` search; those still there are returned in `alive` and kept, the rest are deletes
 * (and those still there but about another patient now are removed from this record).
 */
export async function idSetDeletes(
  ctx: DownloadContext,
  types: readonly string[],
  seen: Map<string, Set<string>>,
  alive: Resource[],
): Promise<Array<{ type: string; id: string }>> {
  const out: Array<{ type: string; id: string }> = [];
  const belongsHere = belongsHereTest(ctx);
  for (const type of types) {
    const local = await ctx.store.localIds(ctx.source, type, ctx.patientKey);
    const candidates = local.filter((id) => !seen.get(type)?.has(id));
    if (candidates.length === 0) continue;
    const found = new Map<string, Resource>();
    const unreadable = new Set<string>();
    for (const chunk of chunks(candidates, 40)) {
      for (const r of await searchAll(ctx, `${type}?${params({ _id: chunk.join(','), _count: Math.max(chunk.length, 1) })}`, unreadable)) {
        if (r.resourceType === type && r.id) found.set(r.id, r);
      }
    }
    for (const id of candidates) {
      const r = found.get(id);
      // The server lists it, unreadably: not deleted; the cached version stays.
      if (!r && unreadable.has(`${type}/${id}`)) continue;
      if (!r) out.push({ type, id });
      // Still there, but about another patient now: it leaves this record (see `movedAway`).
      else if (!belongsHere(r)) out.push(movedAway(ctx, type, id));
      else alive.push(r);
    }
  }
  return out;
}

export function deleteOf(e: FoldedChange): { type: string; id: string; versionId?: string; at?: string } {
  const d: { type: string; id: string; versionId?: string; at?: string } = { type: e.type, id: e.id };
  if (e.versionId) d.versionId = e.versionId;
  if (e.at) d.at = e.at;
  return d;
}
