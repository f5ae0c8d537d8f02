/**
 * Per-code statistics of the live rows (schema v6, table `codeStats`): for each patient key,
 * resource type and main code, how many live rows there are and which is the newest. The lab
 * timeline's summary reads them in one request per linked record instead of walking the code
 * index one step per code (each step a round trip to IndexedDB: about 1 ms each in Chromium, so
 * 200 codes at two sources cost most of a first paint).
 *
 * The table is derived data, kept right by a Dexie middleware (`codeStatsMiddleware`) rather than
 * by each write path: every read-write transaction on `resources` also covers `codeStats`, and
 * every write to `resources` (add, put, delete, clear) moves the counts of the codes it touched
 * (the rows it replaced or removed, and the rows it wrote) in the same transaction; a code is
 * counted again from the code index only when its newest row was replaced or removed, or when
 * part of the write failed. A write therefore can never
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

function codeIndex(resources: DBCoreTable) {
  const index = resources.schema.getIndexByKeyPath(['patient', 'type', 'deleted', 'code', 'date']);
  if (!index) throw new Error(`codeStats: the index ${BY_CODE} is missing.`);
  return index;
}

/** The live rows of one triple in the code index. */
function codeRange(core: DBCore, [patient, type, code]: Triple): DBCoreKeyRange {
  // 2: DBCoreRangeType.Range (a const enum, not importable as a value).
  return { type: 2, lower: [patient, type, 0, code], lowerOpen: false, upper: [patient, type, 0, code, core.MAX_KEY], upperOpen: false } as DBCoreKeyRange;
}

/** Recounts `triples` from the code index of `resources` and writes their statistics. */
async function recountFromIndex(resources: DBCoreTable, stats: DBCoreTable, trans: DBCoreTransaction, core: DBCore, triples: Map<string, Triple>): Promise<void> {
  const index = codeIndex(resources);
  const puts: CodeStatsRow[] = [];
  const gone: Triple[] = [];
  await Promise.all(
    [...triples.values()].map(async ([patient, type, code]) => {
      const query = { index, range: codeRange(core, [patient, type, code]) };
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

/** What one write does to one triple: rows in and out, and the newest row it brings. */
interface Change {
  triple: Triple;
  delta: number;
  /** Keys of live rows of this triple the write replaced or removed. */
  out: Set<string>;
  /** The newest row the write put in (date, key). */
  newest?: { date: string; key: ResourceKey };
}

const keyId = (k: ResourceKey) => JSON.stringify(k);

/**
 * Applies `changes` to the stored statistics: counts move by each change's delta (no range is
 * counted, so a write costs the same whatever a code already holds); the newest row is the
 * stored one or a newer row written, and is looked up again in the code index only when the
 * write replaced or removed the stored newest row.
 */
async function applyChanges(resources: DBCoreTable, stats: DBCoreTable, trans: DBCoreTransaction, core: DBCore, changes: Change[]): Promise<void> {
  const stored = (await stats.getMany({ trans, keys: changes.map((c) => c.triple) })) as Array<CodeStatsRow | undefined>;
  const puts: CodeStatsRow[] = [];
  const gone: Triple[] = [];
  const recount = new Map<string, Triple>();
  const lookups: Array<Omit<CodeStatsRow, 'date' | 'key'>> = [];
  changes.forEach((c, i) => {
    const old = stored[i];
    const [patient, type, code] = c.triple;
    const count = (old?.count ?? 0) + c.delta;
    if (count <= 0) {
      // Nothing left (or statistics that disagree with the write: counted again from the index).
      if (count < 0 || (!old && c.delta < 0)) recount.set(tripleId(c.triple), c.triple);
      else gone.push(c.triple);
      return;
    }
    let newest = old && !c.out.has(keyId(old.key)) ? { date: old.date, key: old.key } : undefined;
    if (!newest && old) {
      // The stored newest row was replaced or removed: the newest is looked up in the index.
      lookups.push({ patient, type, code, count });
      return;
    }
    newest ??= c.newest;
    if (!newest) {
      recount.set(tripleId(c.triple), c.triple);
      return;
    }
    if (c.newest && isNewer(c.newest, newest)) newest = c.newest;
    puts.push({ patient, type, code, count, date: newest.date, key: newest.key });
  });
  const index = codeIndex(resources);
  await Promise.all(
    lookups.map(async (l) => {
      const found = await resources.openCursor({ trans, query: { index, range: codeRange(core, [l.patient, l.type, l.code]) }, reverse: true, values: false });
      if (!found) recount.set(tripleId([l.patient, l.type, l.code]), [l.patient, l.type, l.code]);
      else puts.push({ ...l, date: (found.key as unknown[])[4] as string, key: found.primaryKey as ResourceKey });
    }),
  );
  if (puts.length) await stats.mutate({ type: 'put', trans, values: puts, keys: puts.map((p) => [p.patient, p.type, p.code]) });
  if (gone.length) await stats.mutate({ type: 'delete', trans, keys: gone });
  if (recount.size) await recountFromIndex(resources, stats, trans, core, recount);
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
            const changes = new Map<string, Change>();
            const changeOf = (t: Triple) => {
              const id = tripleId(t);
              let c = changes.get(id);
              if (!c) changes.set(id, (c = { triple: t, delta: 0, out: new Set() }));
              return c;
            };
            // What the write replaces or removes: the rows there before it.
            let before: unknown[] = [];
            if (req.type === 'deleteRange') {
              before = (await table.query({ trans: req.trans, values: true, query: { index: table.schema.primaryKey, range: req.range } })).result;
            } else if (req.type === 'put' || req.type === 'delete') {
              const keys = req.type === 'delete' ? req.keys : (req.keys ?? req.values.map((v) => table.schema.primaryKey.extractKey!(v)));
              before = await table.getMany({ trans: req.trans, keys });
            }
            const res = await table.mutate(req);
            for (const row of before) {
              const t = tripleOf(row);
              if (!t) continue;
              const c = changeOf(t);
              const r = row as ResourceRow;
              c.delta--;
              c.out.add(keyId([r.source, r.type, r.id]));
            }
            if (req.type === 'add' || req.type === 'put') {
              for (const row of req.values) {
                const t = tripleOf(row);
                if (!t) continue;
                const r = row as ResourceRow;
                const c = changeOf(t);
                c.delta++;
                const key: ResourceKey = [r.source, r.type, r.id];
                if (!c.newest || isNewer({ date: r.date, key }, c.newest)) c.newest = { date: r.date, key };
              }
            }
            if (!changes.size) return res;
            if (res.numFailures) {
              // Some rows of the write failed: what is stored is not what was asked; count again.
              await recountFromIndex(table, down.table(CODE_STATS), req.trans, down, new Map([...changes].map(([id, c]) => [id, c.triple])));
            } else await applyChanges(table, down.table(CODE_STATS), req.trans, down, [...changes.values()]);
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
      if (isNewer({ date: row.date, key }, seen)) Object.assign(seen, { date: row.date, key });
    }
  }
  return [...out.values()];
}

/** Whether `a` comes after `b` in the code index (date, then primary key): the newer row. */
function isNewer(a: { date: string; key: ResourceKey }, b: { date: string; key: ResourceKey }): boolean {
  return a.date !== b.date ? a.date > b.date : compareKeys(a.key, b.key) > 0;
}

function compareKeys(a: ResourceKey, b: ResourceKey): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}
