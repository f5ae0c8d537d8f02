/**
 * Reading: `search`, `live`, `get`/`read` and the linked set of a patient. Every by-patient read
 * is the union over the patient's linked set, computed in the same read transaction.
 *
 * Each function is the work of the `LocalRecordStore` method of the same name; the facade adds the
 * closed check and the mapping of errors to `StoreError` (its JSDoc is the contract).
 */
import { Dexie } from 'dexie';
import { liveDistinct } from './live.js';
import type { Resource } from 'fhir/r4';
import { parsePatientKey } from './compartment.js';
import { BY_PATIENT, type StoreContext } from './context.js';
import { StoreError } from './errors.js';
import { linkedSets } from './links.js';
import { keyString, toStoredRow } from './rows.js';
import type { ResourceRow } from './schema.js';
import type { LiveObservable, PatientKey, SearchQuery, StoredRow } from './types.js';

/** Newest clinical date first, undated (`''`) last; then by source, type, id for a stable order. */
function compareRows(a: ResourceRow, b: ResourceRow): number {
  const da = a.date ?? '';
  const db = b.date ?? '';
  if (da !== db) {
    if (!da) return 1;
    if (!db) return -1;
    return da < db ? 1 : -1;
  }
  return keyString(a.source, a.type, a.id) < keyString(b.source, b.type, b.id) ? -1 : 1;
}

/**
 * Tells whether a live result changed. Server rows change version or fetch time whenever they
 * are rewritten; rows with a local change can be saved twice within one millisecond, so their
 * content is compared in full (there are few of them).
 */
function fingerprint(rows: StoredRow[]): string {
  return rows
    .map((r) => {
      const head = `${r.source}/${r.resource.resourceType}/${r.resource.id}@${r.versionId ?? ''}:${r.fetchedAt}:${r.deleted ? 1 : 0}`;
      return r.local ? `${head}:${r.local}:${JSON.stringify(r.resource)}` : head;
    })
    .join('\n');
}

/** Query body shared by `search` and `live`; runs in one read transaction. */
export async function queryRows(ctx: Pick<StoreContext, 'db' | 'rules'>, q: SearchQuery): Promise<StoredRow[]> {
  if (!q || typeof q.patient !== 'string' || !parsePatientKey(q.patient)) {
    throw new StoreError('invalid-argument', `search: patient must be "<source>/Patient/<id>" (got ${JSON.stringify(q?.patient)}).`);
  }
  const types = q.type === undefined ? undefined : Array.isArray(q.type) ? q.type : [q.type];
  const codes = q.code === undefined ? undefined : Array.isArray(q.code) ? q.code : [q.code];
  const { resources } = ctx.db;
  return ctx.db.transaction('r', [ctx.db.resources, ctx.db.links, ctx.db.sources, ctx.db.matches], async () => {
    const keys = (await linkedSets(ctx.db, [q.patient], ctx.rules))[0]!.keys;
    const keySet = new Set(keys);
    let rows: ResourceRow[];
    if (codes) {
      rows = await resources
        .where('codes')
        .anyOf(codes)
        .distinct()
        .filter((r) => keySet.has(r.patient) && (!types || types.includes(r.type)))
        .toArray();
    } else if (types) {
      // `[patient+type+deleted+date]`: live rows (deleted 0) of each patient and type, plus
      // the tombstones (1) when asked for; a date range narrows the date part. Undated rows
      // have date '' and are outside any range that has a bound (the filter below repeats it).
      const deletedStates = q.includeDeleted ? [0, 1] : [0];
      const dated = q.from !== undefined || q.to !== undefined;
      const lower = q.from ?? '';
      const upper = q.to !== undefined ? `${q.to}\uffff` : '\uffff';
      rows = (
        await Promise.all(
          keys.flatMap((k) =>
            types.flatMap((t) =>
              deletedStates.map((d) =>
                (dated
                  ? resources.where(BY_PATIENT).between([k, t, d, lower], [k, t, d, upper], true, true)
                  : resources.where(BY_PATIENT).between([k, t, d, Dexie.minKey], [k, t, d, Dexie.maxKey], true, true)
                ).toArray(),
              ),
            ),
          ),
        )
      ).flat();
    } else {
      rows = (
        await Promise.all(
          keys.map((k) => resources.where(BY_PATIENT).between([k, Dexie.minKey], [k, Dexie.maxKey], true, true).toArray()),
        )
      ).flat();
    }
    const from = q.from;
    const to = q.to !== undefined ? `${q.to}\uffff` : undefined;
    return rows
      .filter((r) => q.includeDeleted || !r.deleted)
      .filter((r) => (from === undefined || (!!r.date && r.date >= from)) && (to === undefined || (!!r.date && r.date <= to)))
      .sort(compareRows)
      .map((r) => toStoredRow(r));
  });
}

/**
 * Wraps a liveQuery over `read` (the facade's `search` body): emits on subscribe and after
 * every committed write that may change the result, passing on only results that differ.
 */
export function liveRows<T extends Resource = Resource>(read: () => Promise<StoredRow[]>): LiveObservable<StoredRow<T>[]> {
  return liveDistinct(read, fingerprint) as LiveObservable<StoredRow<T>[]>;
}

/** One row by source, type and id; tombstones only with `includeDeleted`. */
export async function getRow<T extends Resource = Resource>(
  ctx: Pick<StoreContext, 'db'>,
  source: string,
  type: string,
  id: string,
  options: { includeDeleted?: boolean },
): Promise<StoredRow<T> | undefined> {
  const row = await ctx.db.resources.get([source, type, id]);
  if (!row || (row.deleted && !options.includeDeleted)) return undefined;
  return toStoredRow<T>(row);
}

/** Splits a `"<source>/<Type>/<id>"` reference for `read`; throws `invalid-argument` otherwise. */
export function parseRowRef(ref: string): [source: string, type: string, id: string] {
  const m = typeof ref === 'string' ? /^([^/]+)\/([A-Za-z]+)\/([^/]+)$/.exec(ref) : null;
  if (!m) {
    throw new StoreError('invalid-argument', `read: expected "<source>/<Type>/<id>" (got ${JSON.stringify(ref)}).`);
  }
  return [m[1]!, m[2]!, m[3]!];
}

/** Patient keys linked to `patient`, itself first (see `LocalRecordStore.linkedPatients`). */
export async function linkedPatients(ctx: Pick<StoreContext, 'db' | 'rules'>, patient: PatientKey): Promise<string[]> {
  if (!parsePatientKey(patient)) {
    throw new StoreError('invalid-argument', `linkedPatients: expected "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
  }
  return ctx.db.transaction('r', [ctx.db.links, ctx.db.sources, ctx.db.matches], async () => (await linkedSets(ctx.db, [patient], ctx.rules))[0]!.keys);
}
