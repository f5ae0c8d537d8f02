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
import { parseReference } from '../fhir/references.js';
import { fileDownloaded, type SourceBases } from '../store/compartment.js';
import type { CheckpointRecord } from '../store/index.js';
import { readBundlePage, type BundlePage } from './bundle.js';
import { canSeeDeletes, supportsSearchParam, type ServerCapabilities } from './capabilities.js';
import { DEFAULT_OVERLAP_MS, checkpointKey, earliest, serverTimeOf, sinceValue } from './checkpoint.js';
import { SyncError, redactUrl } from './errors.js';
import type { FhirClient, FhirResponse } from './http.js';
import { HistoryFold, type FoldedChange } from './history.js';
import { DEFAULT_LIMITS, nestsDeeperThan, type SourceBudget } from './limits.js';
import type { ProgressTracker } from './progress.js';
import type { SyncStore } from './store-api.js';

/** Resource types downloaded for a patient unless the caller names others. */
export const DEFAULT_TYPES: readonly string[] = [
  'Patient',
  'AllergyIntolerance',
  'Condition',
  'Observation',
  'DiagnosticReport',
  'MedicationRequest',
  'MedicationStatement',
  'Immunization',
  'Procedure',
  'Encounter',
  'Consent',
];

/** Shared resources a record points at; fetched when referenced and not cached yet. */
export const REFERENCED_TYPES: readonly string[] = ['Medication', 'Practitioner', 'PractitionerRole', 'Organization', 'Location'];

/** Something that went wrong without failing the whole source (e.g. one bad entry). */
export interface SyncProblem {
  source: string;
  code: string;
  message: string;
  url?: string;
}

export interface DownloadContext {
  client: FhirClient;
  store: SyncStore;
  source: string;
  caps: ServerCapabilities;
  /** Patient id in this source. */
  patientId: string;
  /** `<source>/Patient/<id>`. */
  patientKey: string;
  /**
   * Every patient key of this source this sync asked for (default: `[patientKey]`). Rows are
   * filed only under these; anything about another patient is refused (see `fileDownloaded`).
   */
  asked?: readonly string[];
  /** The registered sources (to name the one a refused resource tried to speak about). */
  sources?: SourceBases;
  /**
   * Pages, resources and time this source may still use in this sync (`SyncLimits`), shared by
   * every download of the source in the run. Without one, only the nesting cap applies.
   */
  budget?: SourceBudget;
  /** Resource types wanted (Patient is always included). */
  types: readonly string[];
  overlapMs?: number;
  /** `_count` to ask for. */
  pageSize?: number;
  signal?: AbortSignal;
  progress?: ProgressTracker;
  problem: (p: SyncProblem) => void;
}

export interface DownloadResult {
  /** Rows written with a new server version. */
  downloaded: number;
  /** Tombstones written. */
  deleted: number;
  /** Server versions set aside because the row has a local change. */
  held: number;
  /**
   * Resources refused because they are about a patient this sync did not ask this source for
   * (another source's patient, an unknown server's, or a Patient not asked for); not stored.
   */
  refused: number;
  /** Earliest server time of the run's answers (for "last synced at"). */
  serverTime?: string;
  strategy: string;
}

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

/** The server's history since some instant, folded into one patient's changes (see `readPatientHistory`). */
export interface PatientHistory {
  fold: HistoryFold;
  /** Server time of the history's first answer. */
  serverTime?: string;
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
        if (first) {
          runTime = earliest(runTime, serverTimeOf(response, page.lastUpdated));
          first = false;
        }
        reportProblems(ctx, page, response.url);
        const upserts = admit(ctx, page.resources.filter((r) => wanted.has(r.resourceType)), result);
        for (const r of upserts) {
          let ids = seen.get(r.resourceType);
          if (!ids) seen.set(r.resourceType, (ids = new Set()));
          ids.add(r.id!);
        }
        onResources?.(upserts);
        listed += page.entryCount;
        if (listed > reported || !page.next) {
          reporter?.page(Math.max(0, listed - reported), Boolean(page.next), page.total);
          reported = Math.max(reported, listed);
        }

        if (page.next) {
          if (!visited.has(page.next)) ahead = readAhead(ctx, page.next);
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

/** How many times a listing whose paging link expired is started again before the source fails. */
export const MAX_LISTING_RESTARTS = 3;

/** A 410 Gone (or 404) answer: for a next link, the server no longer holds the result set. */
function isExpiredLink(error: unknown): error is SyncError {
  return error instanceof SyncError && error.code === 'http' && (error.status === 410 || error.status === 404);
}

/** The error that fails the source once a listing's paging links kept expiring. */
function listingExpired(ctx: DownloadContext, startUrl: string, error: SyncError, restarts: number): SyncError {
  return new SyncError(
    'paging-expired',
    `${ctx.source}: the server's paging links for ${redactUrl(startUrl)} kept expiring (${error.status}), also after ` +
      `${restarts} fresh starts of the listing; gave up. The pages read before are kept and the next sync asks again.`,
    { status: error.status, source: ctx.source, url: error.url, cause: error },
  );
}

/** One GET of the download, after checking the sync's deadline. */
function get(ctx: DownloadContext, url: string): Promise<FhirResponse> {
  ctx.budget?.checkDeadline(url);
  return ctx.client.get(url, { signal: ctx.signal });
}

/** Starts reading `url` now, for the query loop to pick up later (see `runQuery`). */
function readAhead(ctx: DownloadContext, url: string): { url: string; response: Promise<FhirResponse>; cancel: AbortController } {
  const cancel = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, cancel.signal]) : cancel.signal;
  ctx.budget?.checkDeadline(url);
  const response = ctx.client.get(url, { signal });
  // Not awaited when writing the current page fails; the loop awaits it otherwise.
  response.catch(() => undefined);
  return { url, response, cancel };
}

/** Thrown inside a history listing that outgrew its budget (see `readPatientHistory`). */
class HistoryTooLong extends Error {
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
async function readPatientHistory(ctx: DownloadContext, types: readonly string[], since: string): Promise<PatientHistory | 'unavailable'> {
  const cached = new Map<string, Set<string>>();
  for (const type of types) cached.set(type, new Set(await ctx.store.localIds(ctx.source, type, ctx.patientKey)));
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
  // A history much longer than this patient's record is not worth reading: on a busy server it
  // is mostly other patients' changes (and would run into maxPages). Past this many entries the
  // queries list the record again and compare ids instead, which costs about the record's size.
  const cachedRows = [...cached.values()].reduce((n, ids) => n + ids.size, 0);
  const entryBudget = Math.max(ctx.budget?.limits.maxHistoryEntries ?? DEFAULT_LIMITS.maxHistoryEntries, 2 * cachedRows);
  let entries = 0;
  try {
    for (const start of [...new Set(urls)]) {
      let found = new HistoryFold();
      await readListing(ctx, start, {
        page: (page, response, first) => {
          entries += page.entryCount;
          if (entries > entryBudget) throw new HistoryTooLong(entryBudget);
          if (first) serverTime = earliest(serverTime, serverTimeOf(response, page.lastUpdated));
          for (const e of page.history) {
            if (cached.get(e.type)?.has(e.id)) found.add(e, e.resource ? belongsHere(e.resource) : undefined);
          }
        },
        // A listing started again lists everything again.
        restart: () => {
          found = new HistoryFold();
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
function belongsHereTest(ctx: DownloadContext): (resource: Resource) => boolean {
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
async function historyDeletesForPatient(
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
function movedAway(ctx: DownloadContext, type: string, id: string): { type: string; id: string } {
  note(ctx, 'moved-to-other-patient', `${ctx.source}: ${type}/${id} now belongs to another patient on the server; removed from ${ctx.patientKey}.`);
  return { type, id };
}

/**
 * Ids the cache holds for this patient but a full listing did not return. Not trusted blindly
 * (a listing can miss a row when data moves under offset paging): each candidate is re-asked
 * with an `_id` search; those still there are returned in `alive` and kept, the rest are deletes
 * (and those still there but about another patient now are removed from this record).
 */
async function idSetDeletes(
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
    for (const chunk of chunks(candidates, 40)) {
      for (const r of await searchAll(ctx, `${type}?${params({ _id: chunk.join(','), _count: Math.max(chunk.length, 1) })}`)) {
        if (r.resourceType === type && r.id) found.set(r.id, r);
      }
    }
    for (const id of candidates) {
      const r = found.get(id);
      if (!r) out.push({ type, id });
      // Still there, but about another patient now: it leaves this record (see `movedAway`).
      else if (!belongsHere(r)) out.push(movedAway(ctx, type, id));
      else alive.push(r);
    }
  }
  return out;
}

/** Reads missing referenced shared resources (Medication, Practitioner, ...) with `_id` searches. */
async function fetchMissingReferences(ctx: DownloadContext, refs: Set<string>): Promise<{ written: number; refused: number }> {
  const byType = new Map<string, string[]>();
  for (const ref of refs) {
    const [type, id] = ref.split('/') as [string, string];
    if (await ctx.store.get(ctx.source, type, id, { includeDeleted: true })) continue;
    let list = byType.get(type);
    if (!list) byType.set(type, (list = []));
    list.push(id);
  }
  let written = 0;
  const counts = { refused: 0 };
  const reporter = ctx.progress?.query();
  for (const [type, ids] of byType) {
    if (ctx.caps.known && !ctx.caps.search.has(type)) continue;
    for (const chunk of chunks(ids, 40)) {
      const resources = await searchAll(ctx, `${type}?${params({ _id: chunk.join(','), _count: chunk.length })}`);
      const upserts = admit(ctx, resources.filter((r) => r.resourceType === type), counts);
      reporter?.page(upserts.length, true);
      const r = await ctx.store.applyPage(ctx.source, { upserts, patients: askedOf(ctx) });
      noteInvalid(ctx, r.invalid);
      written += r.written;
    }
  }
  reporter?.finish();
  return { written, refused: counts.refused };
}

/** All pages of a small search, applying nothing (caller decides). */
async function searchAll(ctx: DownloadContext, start: string): Promise<Resource[]> {
  let out: Resource[] = [];
  await readListing(ctx, start, {
    page: (page, response) => {
      reportProblems(ctx, page, response.url);
      out.push(...page.resources);
    },
    restart: () => {
      out = [];
    },
    stopOnRepeat: true,
  });
  return out;
}

/**
 * Reads every page of a listing that is collected in memory (history, small searches), handing
 * each to `on.page`. A next link answered 410/404 (the server dropped the result set) starts the
 * listing again from `start`, after `on.restart`, at most {@link MAX_LISTING_RESTARTS} times.
 */
async function readListing(
  ctx: DownloadContext,
  start: string,
  on: {
    page(page: BundlePage, response: FhirResponse, first: boolean): void;
    restart(): void;
    /** A next link that repeats a page ends the listing quietly instead of failing it. */
    stopOnRepeat?: boolean;
  },
): Promise<void> {
  for (let restarts = 0; ; restarts++) {
    const visited = new Set<string>();
    let url: string | undefined = start;
    try {
      while (url) {
        if (visited.has(url)) {
          if (on.stopOnRepeat) break;
          throw new SyncError('malformed', `${ctx.source}: paging repeats ${url}`, { source: ctx.source, url });
        }
        visited.add(url);
        const response = await get(ctx, url);
        const page = readBundlePage(response.body, { source: ctx.source, url: response.url });
        ctx.budget?.countPage(page.entryCount, response.url);
        on.page(page, response, url === start);
        url = page.next;
      }
      return;
    } catch (error) {
      if (url === undefined || url === start || !isExpiredLink(error)) throw error;
      if (restarts >= MAX_LISTING_RESTARTS) throw listingExpired(ctx, start, error, restarts);
      ctx.problem({
        source: ctx.source,
        code: 'paging-restarted',
        message: `${ctx.source}: a paging link expired (${error.status}); listing ${redactUrl(start)} again from its first page (restart ${restarts + 1} of ${MAX_LISTING_RESTARTS}).`,
      });
      on.restart();
    }
  }
}

function reportProblems(ctx: DownloadContext, page: BundlePage, url: string): void {
  for (const p of page.problems) {
    ctx.problem({
      source: ctx.source,
      code: 'invalid-entry',
      message: `${ctx.source}: skipped entry ${p.index} of a page (${p.message})${p.fullUrl ? ` ${p.fullUrl}` : ''}: ${url}`,
      url,
    });
  }
}

/** Refusal notes per download and code beyond which only the count grows. */
const MAX_REFUSAL_NOTES = 20;
const refusalNotes = new WeakMap<DownloadContext, Map<string, number>>();

function askedOf(ctx: DownloadContext): string[] {
  return [...new Set([ctx.patientKey, ...(ctx.asked ?? [])])];
}

/**
 * The resources of a page that this source may speak about (see `fileDownloaded`); the others
 * are counted in `into.refused` and reported (the first {@link MAX_REFUSAL_NOTES} per code with
 * their own note), never stored.
 */
function admit(ctx: DownloadContext, resources: Resource[], into: { refused: number }): Resource[] {
  const asked = new Set(askedOf(ctx));
  const own = { id: ctx.source, baseUrl: ctx.client.baseUrl };
  const maxDepth = ctx.budget?.limits.maxReferenceDepth ?? DEFAULT_LIMITS.maxReferenceDepth;
  const out: Resource[] = [];
  for (const r of resources) {
    if (nestsDeeperThan(r, maxDepth)) {
      into.refused++;
      note(ctx, 'limit-maxReferenceDepth', `${ctx.source}: ${r.resourceType}/${r.id} nests deeper than ${maxDepth} levels (limit maxReferenceDepth); not stored.`);
      continue;
    }
    const filing = fileDownloaded(r, own, ctx.sources ?? [], asked);
    if (!('refused' in filing)) {
      out.push(r);
      continue;
    }
    into.refused++;
    note(ctx, filing.refused, `${filing.reason}; not stored.`);
  }
  return out;
}

/** A refusal note; past {@link MAX_REFUSAL_NOTES} per code only one more says that more followed. */
function note(ctx: DownloadContext, code: string, message: string): void {
  let notes = refusalNotes.get(ctx);
  if (!notes) refusalNotes.set(ctx, (notes = new Map()));
  const n = (notes.get(code) ?? 0) + 1;
  notes.set(code, n);
  if (n <= MAX_REFUSAL_NOTES) ctx.problem({ source: ctx.source, code, message });
  else if (n === MAX_REFUSAL_NOTES + 1) {
    ctx.problem({ source: ctx.source, code, message: `${ctx.source}: more resources refused for the same reason; see the count.` });
  }
}

const REF_TYPES = new Set(REFERENCED_TYPES);

/** Adds `Type/id` of every relative reference to a shared type found in `resources`. */
export function collectRefs(resources: Resource[], into: Set<string>): void {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const x of node) visit(x);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === 'reference' && typeof v === 'string') {
        // Relative, unversioned references only: others name another server or an old version.
        const ref = parseReference(v);
        if (ref?.kind === 'relative' && !ref.version && REF_TYPES.has(ref.type)) into.add(`${ref.type}/${ref.id}`);
      } else if (k !== 'contained' && typeof v === 'object') visit(v);
    }
  };
  for (const r of resources) visit(r);
  // Resources we just received need no fetching.
  for (const r of resources) if (REF_TYPES.has(r.resourceType) && r.id) into.delete(`${r.resourceType}/${r.id}`);
}

function deleteOf(e: FoldedChange): { type: string; id: string; versionId?: string; at?: string } {
  const d: { type: string; id: string; versionId?: string; at?: string } = { type: e.type, id: e.id };
  if (e.versionId) d.versionId = e.versionId;
  if (e.at) d.at = e.at;
  return d;
}

function add(
  ctx: DownloadContext,
  into: { downloaded: number; deleted: number; held: number; refused: number },
  r: { written: number; deleted: number; held: number; refused: number; invalid: number },
): void {
  noteInvalid(ctx, r.invalid);
  into.downloaded += r.written;
  into.deleted += r.deleted;
  into.held += r.held;
  // The store applies the same filing rule; anything it refused here slipped past `admit`.
  into.refused += r.refused;
}

/** Resources the store could not index (and did not store), reported as an invalid entry. */
function noteInvalid(ctx: DownloadContext, invalid: number): void {
  if (invalid <= 0) return;
  ctx.problem({
    source: ctx.source,
    code: 'invalid-entry',
    message: `${ctx.source}: ${invalid} ${invalid === 1 ? 'resource' : 'resources'} of a page could not be stored (malformed content); skipped.`,
  });
}

function withPatient(types: readonly string[]): string[] {
  return [...new Set(['Patient', ...types])];
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Query string from defined values, each encoded (`a=b&c=d`). */
export function params(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}


