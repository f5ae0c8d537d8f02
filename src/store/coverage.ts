/**
 * What each source has told us about one patient: the basis of every "nothing recorded".
 *
 * A clinician reading "No known allergies" must be able to trust that every provider was
 * asked. Per source, one of:
 * - `delivered`: a download of this patient (or a linked one) from the source completed at least
 *   once (a checkpoint tagged with one of the linked keys; checkpoints are written only with the
 *   last page of a query);
 * - `no-record`: the source was searched for this person's identifiers and holds no record of
 *   them (a `coverage` row the sync engine wrote, with the server's time and what it searched);
 * - `failed`: neither, and the source's last sync failed (`error`, `unauthorized`, `offline`);
 * - `not-synced`: neither, and nothing is known.
 *
 * `delivered` wins over `no-record` (a later sync found the person); a source's current
 * `syncing` status does not change the answer, which is about stored data. Elements combine it
 * with the live status (a failing source is never called complete).
 */
import { parsePatientKey } from './compartment.js';
import type { StoreContext } from './context.js';
import { StoreError } from './errors.js';
import { linkedSets } from './links.js';
import type { RecordDatabase } from './schema.js';
import { requireSource } from './sources.js';
import type { PatientKey, SourceRecord } from './types.js';

/** One source's coverage of a patient. */
export interface PatientCoverage {
  source: string;
  state: 'delivered' | 'no-record' | 'failed' | 'not-synced';
  /**
   * `delivered`: the server time of the newest completed download; `no-record`: the server time
   * of the search.
   */
  at?: string;
  /** `no-record`: the `system|value` identifiers searched for. */
  searched?: string[];
  /** `delivered`: the patient keys of this source in the linked set that were downloaded. */
  patients: string[];
  /** `failed`: the source's last error message (already sanitized by the sync engine). */
  error?: string;
}

const FAILED = new Set(['error', 'unauthorized', 'offline']);

/**
 * Coverage of the linked set `keys` (the patient first) by every source, in `sources` order.
 * Must run in a transaction that can read `checkpoints` and `coverage`.
 */
export async function coverageOf(db: RecordDatabase, keys: readonly string[], sources: readonly SourceRecord[]): Promise<PatientCoverage[]> {
  const checkpoints = await db.checkpoints.where('patient').anyOf([...keys]).toArray();
  const findings = await db.coverage.where('patient').anyOf([...keys]).toArray();
  return sources.map((s): PatientCoverage => {
    const mine = checkpoints.filter((c) => c.source === s.id);
    if (mine.length) {
      const patients = [...new Set(mine.map((c) => c.patient!))].sort();
      const at = mine.map((c) => c.value).sort().pop();
      return { source: s.id, state: 'delivered', patients, ...(at ? { at } : {}) };
    }
    const found = findings.filter((f) => f.source === s.id).sort((a, b) => ((a.at ?? '') < (b.at ?? '') ? 1 : -1))[0];
    if (found) return { source: s.id, state: 'no-record', patients: [], searched: [...found.searched], ...(found.at ? { at: found.at } : {}) };
    if (FAILED.has(String(s.status ?? ''))) return { source: s.id, state: 'failed', patients: [], ...(s.lastError ? { error: s.lastError } : {}) };
    return { source: s.id, state: 'not-synced', patients: [] };
  });
}

// The store's side (each function is the work of the `LocalRecordStore` method of the same name;
// the facade adds the closed check and the mapping of errors to `StoreError`).

/** Ids of the sources holding a completed download of `patient`'s linked set; sorted. */
export async function syncedSources(ctx: Pick<StoreContext, 'db' | 'rules'>, patient: PatientKey): Promise<string[]> {
  if (!parsePatientKey(patient)) {
    throw new StoreError('invalid-argument', `syncedSources: expected "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
  }
  return ctx.db.transaction('r', [ctx.db.links, ctx.db.sources, ctx.db.matches, ctx.db.checkpoints], async () => {
    const keys = new Set<string>((await linkedSets(ctx.db, [patient], ctx.rules))[0]!.keys);
    const rows = await ctx.db.checkpoints.where('patient').anyOf([...keys]).toArray();
    return [...new Set(rows.map((r) => r.source))].sort();
  });
}

/** Records that `source` was searched for the person of `patient` and holds no record of them. */
export async function recordNoRecord(
  ctx: Pick<StoreContext, 'db'>,
  source: string,
  patient: PatientKey,
  finding: { at?: string; searched: readonly string[] },
): Promise<void> {
  if (!parsePatientKey(patient)) {
    throw new StoreError('invalid-argument', `recordNoRecord: expected "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
  }
  await ctx.db.transaction('rw', [ctx.db.coverage, ctx.db.sources], async () => {
    await requireSource(ctx.db, source, 'recordNoRecord');
    await ctx.db.coverage.put({
      source,
      patient,
      state: 'no-record',
      searched: [...new Set(finding.searched)].sort(),
      ...(typeof finding.at === 'string' ? { at: finding.at } : {}),
    });
  });
}

/** Forgets a "no record" finding. */
export async function clearNoRecord(ctx: Pick<StoreContext, 'db'>, source: string, patient: PatientKey): Promise<void> {
  await ctx.db.coverage.delete([source, patient]);
}

/** Per source, what the store knows about `patient` and every patient linked to it. */
export async function patientCoverage(ctx: Pick<StoreContext, 'db' | 'rules'>, patient: PatientKey): Promise<PatientCoverage[]> {
  if (!parsePatientKey(patient)) {
    throw new StoreError('invalid-argument', `coverage: expected "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
  }
  return ctx.db.transaction('r', [ctx.db.links, ctx.db.sources, ctx.db.matches, ctx.db.checkpoints, ctx.db.coverage], async () => {
    const keys = (await linkedSets(ctx.db, [patient], ctx.rules))[0]!.keys;
    const sources = (await ctx.db.sources.toArray()).sort((a, b) => a.addedAt - b.addedAt || (a.id < b.id ? -1 : 1));
    return coverageOf(ctx.db, keys, sources);
  });
}
