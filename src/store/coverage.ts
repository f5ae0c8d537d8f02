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
import type { RecordDatabase } from './schema.js';
import type { SourceRecord } from './types.js';

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
