/**
 * The allergy summary a patient banner shows, over rows gathered from several providers:
 * one of the four states of {@link allergySummary}, plus the allergies in force listed once per
 * substance (the same allergy recorded by two providers, or copied twenty times, counts once).
 *
 * "Is the information complete enough to make a negative statement?" is decided here too:
 * "No known allergies" and "Allergies not recorded" are only said when the allergy query
 * answered and every provider the record is gathered from has synced successfully. If a provider
 * failed (or has never synced), what it holds is unknown, so the state is `unavailable` — unless
 * allergies are already known, which are always shown (with `incomplete` set).
 */
import type { AllergyIntolerance } from 'fhir/r4';
import { groupDuplicateAllergies, type SourcedItem } from './medications.js';
import { allergySummary, allergyState, criticalityKey, type AllergySummary, type CriticalityKey } from './status.js';

/** One allergy in force, once per substance. */
export interface AllergyOverviewItem {
  /** Substance as recorded; `null` when the record names none (show "Not known"). */
  readonly substance: string | null;
  /** No source confirms it: every in-force record of it is unconfirmed/presumed. */
  readonly unconfirmed: boolean;
  /** Highest recorded criticality among its in-force records. */
  readonly criticality: CriticalityKey;
  /** Sources that recorded it (in force), first appearance first. */
  readonly sources: readonly string[];
}

/** Why the summary is `unavailable`. */
export type AllergyUnavailableReason = 'query-failed' | 'sources-missing';

/** What the banner shows for allergies. */
export interface AllergyOverview extends AllergySummary {
  /** Allergies in force, one per substance; confirmed ones first, then record order. */
  readonly items: readonly AllergyOverviewItem[];
  /** For `unavailable`: why. */
  readonly reason?: AllergyUnavailableReason;
  /** Known allergies are shown, but some provider's data is missing: the list may be incomplete. */
  readonly incomplete: boolean;
}

/** Inputs beyond the rows themselves. */
export interface AllergyOverviewOptions {
  /** The allergy query answered (false: it failed). */
  readonly queryOk: boolean;
  /**
   * Providers whose data may be missing from the rows (last sync failed, or never synced).
   * Empty when every provider synced, or when the store does not report providers at all.
   */
  readonly missingSources?: readonly string[];
}

const CRITICALITY_RANK: Readonly<Record<CriticalityKey, number>> = { high: 3, 'unable-to-assess': 2, low: 1, 'not-known': 0 };

/**
 * Summarises allergy rows from several sources for a banner (see the module comment for the
 * completeness rule). Counts in the result (`activeCount`, `unconfirmedCount`) are per substance,
 * not per row.
 */
export function allergyOverview(
  rows: ReadonlyArray<SourcedItem<AllergyIntolerance>>,
  options: AllergyOverviewOptions,
): AllergyOverview {
  const list = (Array.isArray(rows) ? rows : []).filter((r) => r && r.resource && typeof r.resource === 'object');
  const summary = allergySummary(
    list.map((r) => r.resource),
    { fetched: true },
  );
  const items: AllergyOverviewItem[] = [];
  for (const group of groupDuplicateAllergies(list)) {
    const inForce = group.items.filter((i) => {
      const s = allergyState(i.resource);
      return s === 'active' || s === 'unconfirmed';
    });
    // Coded "no known allergy" statements are grouped too; they are not allergies.
    const real = inForce.filter((i) => summaryIsAllergy(i.resource));
    if (!real.length) continue;
    const criticality = real
      .map((i) => criticalityKey(i.resource))
      .reduce<CriticalityKey>((best, c) => (CRITICALITY_RANK[c] > CRITICALITY_RANK[best] ? c : best), 'not-known');
    items.push({
      substance: group.substance,
      unconfirmed: real.every((i) => allergyState(i.resource) === 'unconfirmed'),
      criticality,
      sources: [...new Set(real.map((i) => i.source))],
    });
  }
  items.sort((a, b) => Number(a.unconfirmed) - Number(b.unconfirmed));
  const activeCount = items.filter((i) => !i.unconfirmed).length;
  const unconfirmedCount = items.length - activeCount;
  const missing = options.missingSources ?? [];
  const base = { ...summary, activeCount, unconfirmedCount, items, incomplete: false };

  if (!options.queryOk) return { ...base, items: [], state: 'unavailable', reason: 'query-failed' };
  if (items.length) return { ...base, state: 'known-allergies', incomplete: missing.length > 0 };
  if (missing.length) return { ...base, state: 'unavailable', reason: 'sources-missing' };
  return { ...base, state: summary.state === 'known-allergies' ? 'not-recorded' : summary.state };
}

/** An in-force row that is a real allergy, not a coded "no known …" statement. */
function summaryIsAllergy(a: AllergyIntolerance): boolean {
  return allergySummary([a], { fetched: true }).state === 'known-allergies';
}
