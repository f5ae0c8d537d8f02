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
 *
 * The list agrees with the allergy panel's current list (`src/fhir/allergy-rows.ts`): the same
 * substances in the same order (by substance name without a leading "Allergy to" — the panel's
 * `allergyRowOrder`), with the same merged, most cautious criticality. Whether a substance is listed at all stays the "in force" rule: at least
 * one non-refuted, non-entered-in-error record of it is active or unconfirmed.
 */
import type { AllergyIntolerance } from 'fhir/r4';
import type { SourcedItem } from './medications.js';
import { buildAllergyPanel, type DisplayCriticality } from './allergy-rows.js';
import { allergySummary, allergyState, type AllergySummary, type NoKnownAllergyKind } from './status.js';

/** One allergy in force, once per substance. */
export interface AllergyOverviewItem {
  /** Substance as recorded; `null` when the record names none (show "Not known"). */
  readonly substance: string | null;
  /** No source confirms it: every in-force record of it is unconfirmed/presumed. */
  readonly unconfirmed: boolean;
  /**
   * The most cautious criticality among all of the substance's non-refuted, non-entered-in-error
   * records, in force or not (the panel's `mergedCriticality`): low at the clinic and high at
   * the hospital is `high`, even if the hospital has since resolved it. `unable-to-assess` reads
   * `not-known`.
   */
  readonly criticality: DisplayCriticality;
  /** Sources that recorded it (in force), first appearance first. */
  readonly sources: readonly string[];
}

/** Why the summary is `unavailable`. */
export type AllergyUnavailableReason = 'query-failed' | 'sources-missing';

/** What the banner shows for allergies. */
export interface AllergyOverview extends AllergySummary {
  /**
   * Allergies in force, one per substance, in the allergy panel's order: by substance name
   * without a leading "Allergy to" (locale-aware, see `AllergyOverviewOptions.locale`).
   */
  readonly items: readonly AllergyOverviewItem[];
  /** For `unavailable`: why. */
  readonly reason?: AllergyUnavailableReason;
  /** Known allergies are shown, but some provider's data is missing: the list may be incomplete. */
  readonly incomplete: boolean;
  /**
   * The "no known …" kinds (of `noKnownKinds`) that no source confirms: every record stating it
   * is `unconfirmed` / `presumed`. The banner labels them "Unconfirmed".
   */
  readonly noKnownUnconfirmed: readonly NoKnownAllergyKind[];
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
  /** Language tag for the name order (the page's language, as the panel uses); default English. */
  readonly locale?: string;
}

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
  // The panel's own merge: same grouping, same cautious criticality, same order. Its `current`
  // rows already leave out refuted and entered-in-error copies and coded "no known …" statements.
  const panel = buildAllergyPanel(list, options.locale ? { locale: options.locale } : {});
  const items: AllergyOverviewItem[] = [];
  for (const row of panel.current) {
    const inForce = row.items.filter((i) => {
      const s = allergyState(i.resource);
      return s === 'active' || s === 'unconfirmed';
    });
    if (!inForce.length) continue;
    items.push({
      substance: row.substance,
      unconfirmed: inForce.every((i) => allergyState(i.resource) === 'unconfirmed'),
      criticality: row.criticality,
      sources: [...new Set(inForce.map((i) => i.source))],
    });
  }
  const activeCount = items.filter((i) => !i.unconfirmed).length;
  const unconfirmedCount = items.length - activeCount;
  const missing = options.missingSources ?? [];
  const noKnownUnconfirmed = panel.noKnown.filter((s) => s.unconfirmed).map((s) => s.kind);
  const base = { ...summary, activeCount, unconfirmedCount, items, incomplete: false, noKnownUnconfirmed };

  if (!options.queryOk) return { ...base, items: [], state: 'unavailable', reason: 'query-failed' };
  if (items.length) return { ...base, state: 'known-allergies', incomplete: missing.length > 0 };
  if (missing.length) return { ...base, state: 'unavailable', reason: 'sources-missing' };
  return { ...base, state: summary.state === 'known-allergies' ? 'not-recorded' : summary.state };
}
