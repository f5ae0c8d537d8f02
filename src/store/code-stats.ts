/**
 * Per-code statistics of the live rows (schema v6, table `codeStats`): for each patient key,
 * resource type and main code, how many live rows there are and which is the newest. The lab
 * timeline's summary reads them in one request per linked record instead of walking the code
 * index one step per code (each step a round trip to IndexedDB: about 1 ms each in Chromium, so
 * 200 codes at two sources cost most of a first paint).
 *
 * The table is derived data, kept right by a Dexie middleware (`codeStatsMiddleware`) rather than
 * by each write path: every read-write transaction on `resources` also covers `codeStats`, and
 * every write to `resources` (add, put, delete, clear) recounts the codes it touched (before and
 * after the write) from the code index, in the same transaction. A write therefore can never
 * leave the statistics behind, whatever code path made it; the v6 upgrade builds them once.
 */
import type { DBCore, DBCoreKeyRange, DBCoreMutateRequest, DBCoreTable, DBCoreTransaction, Middleware } from 'dexie';
import type { ResourceKey, ResourceRow } from './schema.js';

/** The table's name. */
export const CODE_STATS = 'codeStats';

/** The index of `resources` the statistics count (schema v5). */
const BY_CODE = '[patient+type+deleted+code+date]';

/** A row of `codeStats`. */
export interface CodeStatsRow {
  patient: string;
  type: string;
  /** `system|code`, `''` for rows without a code. */
  code: string;
  /** Live rows of this patient key, type and code. */
  count: number;
  /** Clinical date of the newest of them (`''` when undated). */
  date: string;
  /** Primary key of the newest of them (greatest in the code index: date, then key). */
  key: ResourceKey;
}

type Triple = [patient: string, type: string, code: string];

const tripleId = (t: Triple) => JSON.stringify(t);

/** The triple a stored row counts under, or none (outside any patient's record, a tombstone, no code index entry). */
function tripleOf(row: unknown): Triple | undefined {
  const r = row as Partial<ResourceRow> | undefined;
  if (!r || typeof r.patient !== 'string' || !r.patient || typeof r.type !== 'string' || r.deleted !== 0 || typeof r.code !== 'string' || typeof r.date !== 'string') return undefined;
  return [r.patient, r.type, r.code];
}

/** Whether `trans` is an upgrade (the v6 upgrade builds the statistics itself). */
function isUpgrade(trans: DBCoreTransaction): boolean {
  return (trans as unknown as IDBTransaction).mode === 'versionchange';
}

/** Recounts `triples` from the code index of `resources` and writes their statistics. */
async function recount(resources: DBCoreTable, stats: DBCoreTable, trans: DBCoreTransaction, core: DBCore, triples: Map<string, Triple>): Promise<void> {
  const index = resources.schema.getIndexByKeyPath(['patient', 'type', 'deleted', 'code', 'date']);
  if (!index) throw new Error(`codeStats: the index ${BY_CODE} is missing.`);
  const puts: CodeStatsRow[] = [];
  const gone: Triple[] = [];
  await Promise.all(
    [...triples.values()].map(async ([patient, type, code]) => {
      // 2: DBCoreRangeType.Range (a const enum, not importable as a value).
      const range = { type: 2, lower: [patient, type, 0, code], lowerOpen: false, upper: [patient, type, 0, code, core.MAX_KEY], upperOpen: false } as DBCoreKeyRange;
      const query = { index, range };
      const [count, newest] = await Promise.all([
        resources.count({ trans, query }),
        resources.openCursor({ trans, query, reverse: true, values: false }),
      ]);
      if (!count || !newest) gone.push([patient, type, code]);
      else {
        const key = newest.key as [string, string, number, string, string];
        puts.push({ patient, type, code, count, date: key[4], key: newest.primaryKey as ResourceKey });
      }
    }),
  );
  if (puts.length) await stats.mutate({ type: 'put', trans, values: puts, keys: puts.map((p) => [p.patient, p.type, p.code]) });
  if (gone.length) await stats.mutate({ type: 'delete', trans, keys: gone });
}

/**
 * Keeps `codeStats` right under every write to `resources`. Registered on the database before it
 * opens; does nothing in a database without the table (a test opening an old schema).
 */
export const codeStatsMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'CodeStats',
  create(down) {
    const hasStats = () => down.schema.tables.some((t) => t.name === CODE_STATS);
    return {
      transaction(stores, mode, options) {
        const widened = mode === 'readwrite' && stores.includes('resources') && !stores.includes(CODE_STATS) && hasStats() ? [...stores, CODE_STATS] : stores;
        return down.transaction(widened, mode, options);
      },
      table(name) {
        const table = down.table(name);
        if (name !== 'resources') return table;
        return {
          ...table,
          async mutate(req: DBCoreMutateRequest) {
            if (isUpgrade(req.trans) || !hasStats()) return table.mutate(req);
            const triples = new Map<string, Triple>();
            const note = (row: unknown) => {
              const t = tripleOf(row);
              if (t) triples.set(tripleId(t), t);
            };
            // What the write replaces or removes: the rows there before it.
            if (req.type === 'deleteRange') {
              const before = await table.query({ trans: req.trans, values: true, query: { index: table.schema.primaryKey, range: req.range } });
              before.result.forEach(note);
            } else if (req.type === 'put' || req.type === 'delete') {
              const keys = req.type === 'delete' ? req.keys : (req.keys ?? req.values.map((v) => table.schema.primaryKey.extractKey!(v)));
              (await table.getMany({ trans: req.trans, keys })).forEach(note);
            }
            const res = await table.mutate(req);
            if (req.type === 'add' || req.type === 'put') req.values.forEach(note);
            if (triples.size) await recount(table, down.table(CODE_STATS), req.trans, down, triples);
            return res;
          },
        };
      },
    };
  },
};

/**
 * Builds the statistics of every live row from scratch (the v6 upgrade): one pass over the
 * resources, newest per code decided as the code index orders them (date, then key).
 */
export function statsOf(rows: Iterable<ResourceRow>): CodeStatsRow[] {
  const out = new Map<string, CodeStatsRow>();
  for (const row of rows) {
    const t = tripleOf(row);
    if (!t) continue;
    const id = tripleId(t);
    const key: ResourceKey = [row.source, row.type, row.id];
    const seen = out.get(id);
    if (!seen) out.set(id, { patient: t[0], type: t[1], code: t[2], count: 1, date: row.date, key });
    else {
      seen.count++;
      if (row.date > seen.date || (row.date === seen.date && compareKeys(key, seen.key) > 0)) Object.assign(seen, { date: row.date, key });
    }
  }
  return [...out.values()];
}

function compareKeys(a: ResourceKey, b: ResourceKey): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}
