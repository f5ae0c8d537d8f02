/**
 * Queries by main code, for views that must never read a patient's whole history to paint (the
 * lab timeline): a summary per code, and windows of rows newest first with a cursor.
 *
 * Both read the v5 index `[patient+type+deleted+code+date]` (`code` is a row's main code,
 * `system|code`, `''` without one) for every patient key of the linked set, and merge.
 *
 * - **Summary:** from the per-code statistics the store keeps under every write (`code-stats.ts`,
 *   schema v6): one read per linked record, then only the newest row of each code. The work grows
 *   with the number of codes, not with the rows, and takes a few IndexedDB requests, not one per
 *   code.
 * - **Windows:** `limit` rows of one code, or of all codes (then `[patient+type+deleted+date]`),
 *   newest first, before or after a position (date, then `source`/`type`/`id` as the index orders
 *   them); only the rows of the window are read (plus the next one, to know whether there are
 *   more, and any on the same date as the window's edge), in a few requests per linked record
 *   (see `windowOfKey`).
 *
 * Both have live versions, which re-run when a write touches the ranges they read, and pass on
 * only results that differ.
 */
import { Dexie } from 'dexie';
import type { Resource } from 'fhir/r4';
import { parsePatientKey } from './compartment.js';
import { BY_PATIENT, type StoreContext } from './context.js';
import { StoreError } from './errors.js';
import { linkedSets } from './links.js';
import { toStoredRow } from './rows.js';
import type { ResourceKey, ResourceRow } from './schema.js';
import type { PatientKey, StoredRow } from './types.js';
import { RESOURCE_TYPE } from './validation.js';

/** The index the summary and code windows read (schema v5). */
export const BY_CODE = '[patient+type+deleted+code+date]';

/** Most rows one window may ask for. */
export const MAX_WINDOW = 1000;

/** One main code of a patient's rows of a type (see {@link codeSummary}). */
export interface CodeSummaryEntry<T extends Resource = Resource> {
  /** `system|code`; `''` for rows without a code. */
  code: string;
  /** Live rows with this code, over the linked set. */
  count: number;
  /** Clinical date of the newest row (normalized as the store stores it); `''` when all are undated. */
  latestDate: string;
  /** The newest row with this code. */
  latest: StoredRow<T>;
}

/** A place between rows in newest-first order: the row's date, then its key. */
export interface WindowPosition {
  date: string;
  source: string;
  type: string;
  id: string;
}

/** What {@link codeWindow} reads. */
export interface CodeWindowQuery {
  /** `<source>/Patient/<id>`; rows of every linked record are included. */
  patient: PatientKey;
  /** One resource type, e.g. `Observation`. */
  type: string;
  /** Only rows of this main code (`system|code`, `''` for rows without one); every code when absent. */
  code?: string;
  /** Rows per window, 1–1000. */
  limit: number;
  /** The window of rows just older than this position (from a previous window's `older`). */
  before?: WindowPosition;
  /** The window of rows just newer than this position (from a previous window's `newer`). */
  after?: WindowPosition;
}

/** One window of rows, newest first. */
export interface CodeWindow<T extends Resource = Resource> {
  rows: StoredRow<T>[];
  /** Pass as `before` for the next older window; absent when there is nothing older. */
  older?: WindowPosition;
  /** Pass as `after` for the next newer window; absent when there is nothing newer. */
  newer?: WindowPosition;
}

// --- arguments -----------------------------------------------------------------------------------

function checkPatientAndType(what: string, patient: unknown, type: unknown): void {
  if (typeof patient !== 'string' || !parsePatientKey(patient)) {
    throw new StoreError('invalid-argument', `${what}: patient must be "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
  }
  if (typeof type !== 'string' || !RESOURCE_TYPE.test(type)) {
    throw new StoreError('invalid-argument', `${what}: type must be one resource type (got ${JSON.stringify(type)}).`);
  }
}

function checkPosition(what: string, p: unknown): p is WindowPosition {
  if (p === undefined) return false;
  const pos = p as Partial<WindowPosition> | null;
  if (!pos || typeof pos !== 'object' || ![pos.date, pos.source, pos.type, pos.id].every((v) => typeof v === 'string')) {
    throw new StoreError('invalid-argument', `codeWindow: ${what} must be a position { date, source, type, id } from an earlier window.`);
  }
  return true;
}

function checkWindowQuery(q: CodeWindowQuery): void {
  checkPatientAndType('codeWindow', q?.patient, q?.type);
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_WINDOW) {
    throw new StoreError('invalid-argument', `codeWindow: limit must be a whole number from 1 to ${MAX_WINDOW} (got ${JSON.stringify(q.limit)}).`);
  }
  if (q.code !== undefined && typeof q.code !== 'string') {
    throw new StoreError('invalid-argument', `codeWindow: code must be "system|code" (got ${JSON.stringify(q.code)}).`);
  }
  if (checkPosition('before', q.before) && checkPosition('after', q.after)) {
    throw new StoreError('invalid-argument', 'codeWindow: give before or after, not both.');
  }
}

// --- order ---------------------------------------------------------------------------------------

/** Newest-first order of positions: date descending, then key descending (the index's own order, reversed). */
function compareNewestFirst(a: WindowPosition, b: WindowPosition): number {
  if (a.date !== b.date) return a.date < b.date ? 1 : -1;
  for (const k of ['source', 'type', 'id'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? 1 : -1;
  }
  return 0;
}

const positionOf = (row: ResourceRow): WindowPosition => ({ date: row.date, source: row.source, type: row.type, id: row.id });

// --- summary -------------------------------------------------------------------------------------

/**
 * Each distinct main code of the patient's live rows of `type` (union over the linked set), with
 * its count, newest date and newest row; ordered by code. Read from the per-code statistics
 * (`code-stats.ts`): one request per patient key of the linked set, then the newest rows. All
 * reads go through Dexie, so a live query over this re-runs when a write changes them.
 */
export async function codeSummary<T extends Resource = Resource>(
  ctx: Pick<StoreContext, 'db' | 'rules'>,
  patient: PatientKey,
  type: string,
): Promise<CodeSummaryEntry<T>[]> {
  checkPatientAndType('codeSummary', patient, type);
  const { db } = ctx;
  return db.transaction('r', [db.resources, db.links, db.sources, db.matches, db.codeStats], async () => {
    const keys = (await linkedSets(db, [patient], ctx.rules))[0]!.keys;
    const byCode = new Map<string, { count: number; newest: WindowPosition; key: ResourceKey }>();
    const perKey = await Promise.all(keys.map((k) => db.codeStats.where('[patient+type+code]').between([k, type, Dexie.minKey], [k, type, Dexie.maxKey], true, true).toArray()));
    for (const { code, date, key, count } of perKey.flat()) {
      const pos: WindowPosition = { date, source: key[0], type: key[1], id: key[2] };
      const seen = byCode.get(code);
      if (!seen) byCode.set(code, { count, newest: pos, key });
      else {
        seen.count += count;
        if (compareNewestFirst(pos, seen.newest) < 0) Object.assign(seen, { newest: pos, key });
      }
    }
    const codes = [...byCode.keys()].sort();
    const rows = await db.resources.bulkGet(codes.map((c) => byCode.get(c)!.key));
    const out: CodeSummaryEntry<T>[] = [];
    codes.forEach((code, i) => {
      const row = rows[i];
      // Statistics and rows are written in one transaction; a missing row would be a broken
      // database, and is left out rather than shown as a test without a result.
      if (!row) return;
      out.push({ code, count: byCode.get(code)!.count, latestDate: byCode.get(code)!.newest.date, latest: toStoredRow<T>(row) });
    });
    return out;
  });
}

// --- windows -------------------------------------------------------------------------------------

/**
 * `limit` live rows of the patient's `type` (union over the linked set), of one code or all,
 * newest first, before or after a position; with the positions to page on.
 */
export async function codeWindow<T extends Resource = Resource>(
  ctx: Pick<StoreContext, 'db' | 'rules'>,
  q: CodeWindowQuery,
): Promise<CodeWindow<T>> {
  checkWindowQuery(q);
  const { db } = ctx;
  return db.transaction('r', [db.resources, db.links, db.sources, db.matches], async () => {
    const keys = (await linkedSets(db, [q.patient], ctx.rules))[0]!.keys;
    return windowOver<T>(db, keys, q);
  });
}

/** Most codes one {@link codeWindows} call may ask for. */
export const MAX_CODES = 500;

/** What {@link codeWindows} reads: the newest window of each of several codes. */
export interface CodeWindowsQuery {
  /** `<source>/Patient/<id>`; rows of every linked record are included. */
  patient: PatientKey;
  /** One resource type, e.g. `Observation`. */
  type: string;
  /** Main codes (`system|code`, `''` for rows without one), 1–500. */
  codes: readonly string[];
  /** Rows per code, 1–1000. */
  limit: number;
}

/**
 * The newest `limit` rows of each of `codes`, in the order of `codes`: what a view needs for the
 * tests in view at once. One transaction and one walk of the linked set for all of them (each
 * `codeWindow` call walks it again).
 */
export async function codeWindows<T extends Resource = Resource>(
  ctx: Pick<StoreContext, 'db' | 'rules'>,
  q: CodeWindowsQuery,
): Promise<CodeWindow<T>[]> {
  checkPatientAndType('codeWindows', q?.patient, q?.type);
  if (!Array.isArray(q.codes) || q.codes.length < 1 || q.codes.length > MAX_CODES || !q.codes.every((c) => typeof c === 'string')) {
    throw new StoreError('invalid-argument', `codeWindows: codes must be 1 to ${MAX_CODES} "system|code" strings.`);
  }
  for (const code of q.codes) checkWindowQuery({ patient: q.patient, type: q.type, code, limit: q.limit });
  const { db } = ctx;
  return db.transaction('r', [db.resources, db.links, db.sources, db.matches], async () => {
    const keys = (await linkedSets(db, [q.patient], ctx.rules))[0]!.keys;
    return Promise.all(q.codes.map((code) => windowOver<T>(db, keys, { patient: q.patient, type: q.type, code, limit: q.limit })));
  });
}

/** One window over the patient keys `keys` (a linked set), inside the caller's transaction. */
async function windowOver<T extends Resource>(db: StoreContext['db'], keys: readonly string[], q: CodeWindowQuery): Promise<CodeWindow<T>> {
  const { type, code, limit, before, after } = q;
  const prefix = (k: string) => (code === undefined ? [k, type, 0] : [k, type, 0, code]);
  const index = code === undefined ? BY_PATIENT : BY_CODE;
  // One more row than asked for tells whether there are more beyond the window.
  const want = limit + 1;
  const perKey = await Promise.all(keys.map((k) => windowOfKey(db, index, prefix(k), want, before, after)));
  const all = perKey.flat().sort((a, b) => compareNewestFirst(positionOf(a), positionOf(b)));
  const more = all.length > limit;
  // After a position: the `limit` rows just newer than it, i.e. the oldest of the newer ones.
  const rows: ResourceRow[] = after ? all.slice(Math.max(0, all.length - limit)) : all.slice(0, limit);
  const out: CodeWindow<T> = { rows: rows.map((r) => toStoredRow<T>(r)) };
  const first = rows[0];
  const last = rows.at(-1);
  if (after) {
    if (last) out.older = positionOf(last);
    else out.older = after;
    if (more && first) out.newer = positionOf(first);
  } else {
    if (more && last) out.older = positionOf(last);
    if (before) out.newer = first ? positionOf(first) : before;
  }
  return out;
}

/**
 * At least `want` rows of one patient key nearest to the position (all there are when fewer), in
 * a handful of requests rather than one cursor step per row: IndexedDB reads a forward range in
 * one request (`getAll`), but not a backward one. So for rows older than a position, a key
 * cursor skips `want` entries back from it in one step (`advance`) to find where the window
 * starts, and the rows from there to the position are read forward at once. Entries on the
 * position's own date are counted first, so skipping past the ones on the wrong side of the
 * position cannot leave the window short.
 */
async function windowOfKey(
  db: StoreContext['db'],
  index: string,
  prefix: unknown[],
  want: number,
  before: WindowPosition | undefined,
  after: WindowPosition | undefined,
): Promise<ResourceRow[]> {
  const range = (lower: unknown[], upper: unknown[]) => db.resources.where(index).between(lower, upper, true, true);
  const bottom = [...prefix, Dexie.minKey];
  const top = [...prefix, Dexie.maxKey];
  if (after) {
    const ties = await range([...prefix, after.date], [...prefix, after.date]).count();
    const rows = await range([...prefix, after.date], top).limit(want + ties).toArray();
    return rows.filter((r) => compareNewestFirst(positionOf(r), after) < 0);
  }
  const upper = before ? [...prefix, before.date] : top;
  const ties = before ? await range(upper, upper).count() : 0;
  const start = await range(bottom, upper).reverse().offset(want + ties - 1).limit(1).keys();
  const rows = await range(start.length ? (start[0] as unknown[]) : bottom, upper).toArray();
  return before ? rows.filter((r) => compareNewestFirst(positionOf(r), before) > 0) : rows;
}

// --- live ----------------------------------------------------------------------------------------


const rowPrint = (r: StoredRow) => `${r.source}/${r.resource.resourceType}/${r.resource.id}@${r.versionId ?? ''}:${r.fetchedAt}:${r.local ? JSON.stringify(r.resource) : ''}`;

/** What makes two summaries the same for a subscriber. */
export function summaryPrint(entries: CodeSummaryEntry[]): string {
  return entries.map((e) => `${e.code}:${e.count}:${rowPrint(e.latest)}`).join('\n');
}

/** What makes two windows the same for a subscriber. */
export function windowPrint(w: CodeWindow): string {
  return `${w.rows.map(rowPrint).join('\n')}|${JSON.stringify(w.older ?? null)}|${JSON.stringify(w.newer ?? null)}`;
}
