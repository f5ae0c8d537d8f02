/**
 * Patient identity across sources.
 *
 * Each stored Patient has a `links` row listing its identifiers and its `Patient.link` targets.
 * Linked sets are computed when asked (a breadth-first walk), not stored: a Patient that changes
 * or disappears can split a set, and recomputing on read keeps that trivially correct. Reads
 * inside a live query also make the query re-run when any link row changes.
 */
import type { Patient } from 'fhir/r4';
import { normalizeBase, parsePatientKey, parsePatientReference, type SourceBases } from './compartment.js';
import type { LinkRow, RecordDatabase } from './schema.js';

/** Builds the `links` row for a Patient stored in `source`. */
export function linkRowFor(patient: Patient, source: string): LinkRow {
  const idents = new Set<string>();
  for (const identifier of patient.identifier ?? []) {
    if (identifier.system && identifier.value) idents.add(`${identifier.system}|${identifier.value}`);
  }
  const refs = new Set<string>();
  for (const link of patient.link ?? []) {
    const parsed = parsePatientReference(link.other?.reference);
    if (!parsed) continue; // RelatedPerson or unresolvable: not a patient identity
    refs.add(parsed.base ? `${parsed.base}/Patient/${parsed.id}` : `${source}/Patient/${parsed.id}`);
  }
  return { key: `${source}/Patient/${patient.id}`, source, idents: [...idents], refs: [...refs] };
}

/**
 * Maps a stored link target to a patient key: a key (from a relative reference, already in the
 * row's own source) as is; an absolute URL only when its base is exactly a registered source's
 * base, else no link. Unlike compartment references (`patientKeyFromRef`), an unknown base is
 * never taken to be the row's own server: that would merge the chart with whoever has the same
 * id there (mirrors `linkTargets` in `src/sync/linking.ts`). Resolved on read, so a source added
 * after the Patient was stored makes its link count from then on.
 */
function refToKey(ref: string, sources: SourceBases): string | undefined {
  if (!/^https?:\/\//.test(ref)) return ref;
  const parsed = parsePatientReference(ref);
  const match = parsed?.base !== undefined ? sources.find((s) => normalizeBase(s.baseUrl) === parsed.base) : undefined;
  return match && parsed ? `${match.id}/Patient/${parsed.id}` : undefined;
}

/** The absolute URL a patient key would have in another source's `Patient.link`. */
function urlOfKey(key: string, sources: SourceBases): string | undefined {
  const parsed = parsePatientKey(key);
  const src = parsed && sources.find((s) => s.id === parsed.source);
  return src && parsed ? `${normalizeBase(src.baseUrl)}/Patient/${parsed.id}` : undefined;
}

/**
 * Every patient key linked to `start`, transitively, `start` first and the rest sorted.
 * Two patients are linked when they share an identifier (`system|value`) whose system is one of
 * `linkSystems`, or when either one's `Patient.link` (any type) references the other.
 * Must run inside a transaction (or live query) that can read `links` and `sources`.
 */
export async function linkedKeys(
  db: RecordDatabase,
  start: string,
  linkSystems: readonly string[],
): Promise<string[]> {
  const sources = await db.sources.toArray();
  const seen = new Set<string>([start]);
  let frontier = [start];
  while (frontier.length) {
    const next: string[] = [];
    const add = (key: string | undefined) => {
      if (key && !seen.has(key) && parsePatientKey(key)) {
        seen.add(key);
        next.push(key);
      }
    };
    const rows = (await db.links.bulkGet(frontier)).filter((r): r is LinkRow => !!r);
    const idents = rows.flatMap((r) =>
      r.idents.filter((i) => linkSystems.some((s) => i.startsWith(`${s}|`))),
    );
    if (idents.length) {
      for (const key of await db.links.where('idents').anyOf(idents).primaryKeys()) add(key);
    }
    for (const r of rows) for (const ref of r.refs) add(refToKey(ref, sources));
    // Patients whose Patient.link points at one of the frontier keys.
    const targets = frontier.flatMap((k) => [k, urlOfKey(k, sources)]).filter((t): t is string => !!t);
    for (const key of await db.links.where('refs').anyOf(targets).primaryKeys()) add(key);
    frontier = next;
  }
  const [, ...rest] = [...seen];
  return [start, ...rest.sort()];
}
