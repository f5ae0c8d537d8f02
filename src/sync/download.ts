/**
 * Downloading one patient's record from one source.
 *
 * A strategy only decides WHICH queries describe the record (one `$everything`, or one search per
 * resource type); `runQuery` does the rest the same way for all of them:
 *
 * 1. Read the query's checkpoint. With a checkpoint and a way to learn deletes (`_history` with
 *    `_since`), ask only for what changed since `checkpoint − overlap`, and read the history for
 *    DELETE entries of this patient's resources. Without either, list everything and compare id
 *    sets with the cache.
 * 2. Follow `next` links exactly as given, applying each page as it arrives (so memory stays flat
 *    and an abort keeps what came). The next page is requested while the current one is written.
 * 3. Apply the LAST page together with the deletes and the new checkpoint in ONE `applyPage`
 *    transaction. The checkpoint (server time of the run's first answer) is therefore never
 *    stored before the data it vouches for, and an interrupted run simply repeats; versionId
 *    de-duplication makes the repeat cheap and harmless.
 *
 * Afterwards, referenced Medication / Practitioner / Organization / Location / PractitionerRole
 * resources not yet cached for the source are read with `_id=` searches.
 */
import type { Resource } from 'fhir/r4';
import type { CheckpointRecord } from '../store/index.js';
import { readBundlePage } from './bundle.js';
import { canSeeDeletes, supportsSearchParam, type ServerCapabilities } from './capabilities.js';
import { DEFAULT_OVERLAP_MS, checkpointKey, earliest, serverTimeOf, sinceValue } from './checkpoint.js';
import { SyncError, redactUrl } from './errors.js';
import type { FhirResponse } from './http.js';
import { HistoryFold } from './history.js';
import { REFERENCED_TYPES, type DownloadContext, type DownloadResult, params } from './download-context.js';
import { MAX_LISTING_RESTARTS, isExpiredLink, listingExpired, get, readAhead, reportProblems } from './listing.js';
import { askedOf, admit, add } from './admission.js';
import { type PatientHistory, readPatientHistory, historyDeletesForPatient, idSetDeletes } from './changes.js';
import { collectRefs, fetchMissingReferences } from './shared-references.js';
export { DEFAULT_TYPES, REFERENCED_TYPES, params } from './download-context.js';
export type { DownloadContext, DownloadResult, SyncProblem } from './download-context.js';
export { MAX_LISTING_RESTARTS } from './listing.js';
export { collectRefs } from './shared-references.js';
export type { PatientHistory } from './changes.js';


/** One query describing (part of) the patient's record. */
export interface PatientQuery {
  /** Checkpoint key (per patient and query). */
  key: string;
  /** Resource types this query returns for the patient (id-set delete detection looks at these). */
  types: readonly string[];
  /** First URL (relative to the base), for a full listing or for changes since `since`. */
  url(since: string | undefined): string;
}

/** Which queries describe a patient's record on a given server. */
export interface DownloadStrategy {
  readonly name: string;
  queries(ctx: DownloadContext): PatientQuery[];
}

/** `Patient/<id>/$everything`, incremental with `_since`. One query for the whole record. */
export class EverythingStrategy implements DownloadStrategy {
  readonly name = 'everything';
  queries(ctx: DownloadContext): PatientQuery[] {
    const types = withPatient(ctx.types);
    const wanted = [...new Set([...types, ...REFERENCED_TYPES])];
    return [
      {
        key: checkpointKey(ctx.patientId, 'everything'),
        types,
        url: (since) =>
          `Patient/${encodeURIComponent(ctx.patientId)}/$everything?` +
          params({ _count: ctx.pageSize, _type: wanted.join(','), _since: since }),
      },
    ];
  }
}

/**
 * One search per type: `Patient?_id=<id>`, and `<Type>?patient=Patient/<id>` for the rest
 * (the reference form, which every server understands; a bare id is not found by some).
 * Incremental with `_lastUpdated=gt…`.
 */
export class CompartmentSearchStrategy implements DownloadStrategy {
  readonly name = 'compartment-search';
  queries(ctx: DownloadContext): PatientQuery[] {
    const out: PatientQuery[] = [];
    for (const type of withPatient(ctx.types)) {
      if (ctx.caps.known && !ctx.caps.search.has(type)) {
        ctx.problem({ source: ctx.source, code: 'unsupported', message: `${ctx.source}: the server cannot search ${type}; skipped.` });
        continue;
      }
      let criterion: Record<string, string>;
      if (type === 'Patient') criterion = { _id: ctx.patientId };
      else {
        const param = ['patient', 'subject', 'beneficiary'].find((p) => supportsSearchParam(ctx.caps, type, p));
        if (!param) {
          ctx.problem({ source: ctx.source, code: 'unsupported', message: `${ctx.source}: no patient search parameter for ${type}; skipped.` });
          continue;
        }
        criterion = { [param]: `Patient/${ctx.patientId}` };
      }
      out.push({
        key: checkpointKey(ctx.patientId, `type:${type}`),
        types: [type],
        url: (since) => `${type}?` + params({ ...criterion, _lastUpdated: since ? `gt${since}` : undefined, _count: ctx.pageSize }),
      });
    }
    return out;
  }
}

/** `$everything` when the server offers it, per-type searches otherwise. */
export function chooseStrategy(caps: ServerCapabilities): DownloadStrategy {
  return caps.everything ? new EverythingStrategy() : new CompartmentSearchStrategy();
}

/** Runs every query of `strategy` for the patient, then fetches missing referenced resources. */
export async function downloadPatient(ctx: DownloadContext, strategy: DownloadStrategy): Promise<DownloadResult> {
  const result: DownloadResult = { downloaded: 0, deleted: 0, held: 0, refused: 0, strategy: strategy.name };
  const queries = strategy.queries(ctx);
  ctx.progress?.plan(queries.length + 1);
  // The server's history is read once for all queries (not once per type), from the earliest
  // point any incremental query needs, and folded into this patient's changes only.
  const plans = await Promise.all(queries.map((q) => planQuery(ctx, q)));
  const incremental = plans.filter((p) => p.since !== undefined);
  let history: PatientHistory | 'unavailable' | undefined;
  if (incremental.length) {
    const types = [...new Set(queries.filter((_, i) => plans[i]!.since !== undefined).flatMap((q) => q.types))];
    const since = incremental.map((p) => p.since!).reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
    history = await readPatientHistory(ctx, types, since);
  }
  const seenRefs = new Set<string>();
  for (const [i, query] of queries.entries()) {
    const r = await runQuery(ctx, query, (resources) => collectRefs(resources, seenRefs), { ...plans[i]!, history });
    result.downloaded += r.downloaded;
    result.deleted += r.deleted;
    result.held += r.held;
    result.refused += r.refused;
    result.serverTime = earliest(result.serverTime, r.serverTime);
  }
  const refs = await fetchMissingReferences(ctx, seenRefs);
  result.downloaded += refs.written;
  result.refused += refs.refused;
  return result;
}

/** What a query starts from: its checkpoint, and the `since` of an incremental run. */
export interface QueryPlan {
  checkpoint?: CheckpointRecord;
  /** `checkpoint − overlap`, when the query can run incrementally (deletes are visible). */
  since?: string;
}

/** Reads a query's checkpoint and decides whether it can run incrementally. */
async function planQuery(ctx: DownloadContext, query: PatientQuery): Promise<QueryPlan> {
  const checkpoint = await ctx.store.getCheckpointRecord(ctx.source, query.key);
  const deletesVisible = query.types.every((t) => canSeeDeletes(ctx.caps, t));
  const since = checkpoint && deletesVisible ? sinceValue(checkpoint.value, ctx.overlapMs ?? DEFAULT_OVERLAP_MS) : undefined;
  return { ...(checkpoint ? { checkpoint } : {}), ...(since ? { since } : {}) };
}

/**
 * Runs one query as described in the module comment. `prepared` (from `downloadPatient`) carries
 * its checkpoint and the history read once for all queries; without it the query reads both.
 */
export async function runQuery(
  ctx: DownloadContext,
  query: PatientQuery,
  onResources?: (resources: Resource[]) => void,
  prepared?: QueryPlan & { history?: PatientHistory | 'unavailable' },
): Promise<DownloadResult & { incremental: boolean }> {
  const { store, source } = ctx;
  const result = { downloaded: 0, deleted: 0, held: 0, refused: 0, strategy: '', incremental: false, serverTime: undefined as string | undefined };
  const patients = askedOf(ctx);
  const plan = prepared ?? (await planQuery(ctx, query));
  const checkpoint = plan.checkpoint;
  let since = plan.since;
  let runTime: string | undefined;

  // Deletes (and moves) since the checkpoint, from the server's history.
  let history: HistoryFold | undefined;
  if (since) {
    const h = prepared ? prepared.history : await readPatientHistory(ctx, query.types, since);
    if (h && h !== 'unavailable') {
      history = h.fold;
      runTime = h.serverTime;
    } else since = undefined;
  }
  result.incremental = since !== undefined;
  // A full listing compares the server's ids with the cache's to find deletes. On a first
  // listing (no checkpoint) of a record of which nothing is stored yet, every row the comparison
  // could look at is one this run wrote itself: skip it (and its read of every stored id).
  const compareIds = !!checkpoint || (await store.hasRows(ctx.patientKey, query.types));
  // A first listing writes mostly new rows: let the store insert first instead of reading every
  // key (`expectNew`). Dropped as soon as a page turns out to be mostly stored already.
  let expectNew = !checkpoint;

  const wanted = new Set([...query.types, ...REFERENCED_TYPES]);
  const seen = new Map<string, Set<string>>(); // type -> ids seen in this run
  const reporter = ctx.progress?.query();
  const startUrl = query.url(since);
  // Entries already counted in progress: a listing started again reports only what goes past them.
  let reported = 0;
  for (let restarts = 0; ; restarts++) {
    const visited = new Set<string>();
    let url: string | undefined = startUrl;
    let first = true;
    let listed = 0;
    // The request being awaited, while it is one: an expired next link restarts the listing.
    let requesting: string | undefined;
    // The next page is asked for as soon as its link is known, and arrives while the current page
    // is being written: the server's time and the IndexedDB write overlap instead of adding up.
    // At most one request runs ahead; it is cancelled if writing the current page fails.
    let ahead: { url: string; response: Promise<FhirResponse>; cancel: AbortController } | undefined;
    try {
      while (url) {
        if (visited.has(url)) {
          throw new SyncError('malformed', `${source}: the server's next link repeats a page already read (${url}); stopping.`, { source, url });
        }
        visited.add(url);
        requesting = url;
        const response: FhirResponse = ahead?.url === url ? await ahead.response : await get(ctx, url);
        requesting = undefined;
        ahead = undefined;
        const page = readBundlePage(response.body, { source, url: response.url });
        // Counted before anything of the page is applied: a page past a cap is not stored.
        ctx.budget?.countPage(page.entryCount, response.url);
        // The next page is asked for now, so the server works while this one is checked and written.
        if (page.next && !visited.has(page.next)) ahead = readAhead(ctx, page.next);
        if (first) {
          runTime = earliest(runTime, serverTimeOf(response, page.lastUpdated));
          first = false;
        }
        reportProblems(ctx, page, response.url);
        const upserts = admit(ctx, page.resources.filter((r) => wanted.has(r.resourceType)), result);
        const markSeen = (type: string, id: string) => {
          let ids = seen.get(type);
          if (!ids) seen.set(type, (ids = new Set()));
          ids.add(id);
        };
        for (const r of upserts) markSeen(r.resourceType, r.id!);
        // Listed but unreadable: still on the server, so never taken for deleted (the cached
        // version stays, and the invalid-entry note says why it was not updated).
        for (const p of page.problems) if (p.named && wanted.has(p.named.type)) markSeen(p.named.type, p.named.id);
        onResources?.(upserts);
        listed += page.entryCount;
        if (listed > reported || !page.next) {
          reporter?.page(Math.max(0, listed - reported), Boolean(page.next), page.total);
          reported = Math.max(reported, listed);
        }

        if (page.next) {
          const applied = await store.applyPage(source, { upserts, patients, ...(expectNew ? { expectNew } : {}) });
          add(ctx, result, applied);
          if (applied.written * 2 < upserts.length) expectNew = false;
          url = page.next;
          continue;
        }

        // Last page: deletes + checkpoint go in with it.
        let deletes: Array<{ type: string; id: string; versionId?: string; at?: string }>;
        const extra: Resource[] = [];
        if (history) {
          deletes = await historyDeletesForPatient(ctx, query.types, history, seen);
        } else if (compareIds) {
          deletes = await idSetDeletes(ctx, query.types, seen, extra);
          extra.splice(0, extra.length, ...admit(ctx, extra, result));
        } else {
          deletes = [];
        }
        const checkpointValue = runTime;
        add(
          ctx,
          result,
          await store.applyPage(source, {
            upserts: [...upserts, ...extra],
            deletes,
            patients,
            ...(expectNew ? { expectNew } : {}),
            ...(checkpointValue
              ? { checkpoint: { key: query.key, value: checkpointValue, patient: ctx.patientKey, data: { incremental: result.incremental } } }
              : {}),
          }),
        );
        url = undefined;
      }
      break;
    } catch (error) {
      if (requesting === undefined || requesting === startUrl || !isExpiredLink(error)) throw error;
      if (restarts >= MAX_LISTING_RESTARTS) throw listingExpired(ctx, startUrl, error, restarts);
      // The server dropped the result set under our feet (HAPI: 410 Gone). Everything written so
      // far stays; the listing starts again from its first request and the store skips the
      // versions it already holds. The ids seen before stay seen (they were alive then), and the
      // checkpoint stays the earliest first answer, so nothing changed meanwhile is skipped.
      ctx.problem({
        source,
        code: 'paging-restarted',
        message: `${source}: a paging link expired (${error.status}); listing ${redactUrl(startUrl)} again from its first page (restart ${restarts + 1} of ${MAX_LISTING_RESTARTS}).`,
      });
      expectNew = false;
    } finally {
      ahead?.cancel.abort();
    }
  }
  reporter?.finish();
  if (!runTime) {
    ctx.problem({
      source,
      code: 'no-server-time',
      message: `${source}: the server sent neither a Date header nor Bundle.meta.lastUpdated; the next sync of this query will be a full download.`,
    });
  }
  result.serverTime = runTime;
  return result;
}

function withPatient(types: readonly string[]): string[] {
  return [...new Set(['Patient', ...types])];
}
