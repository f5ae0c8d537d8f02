/**
 * When may a list say "nothing recorded"? One rule for every element that shows a negative
 * ("No known allergies", "No medications recorded", …) for a patient gathered from several
 * providers.
 *
 * - A provider has *delivered* for this patient when everything it holds for them is known to be
 *   in the local record (`complete`), or when it was searched for this patient and has no record
 *   of them (`noRecord`: it has nothing to contribute). A provider that is failing now has not
 *   delivered, whatever it said before.
 * - "Nothing recorded" only when the providers are known, there is at least one, and every one
 *   delivered. Otherwise an empty list is "unavailable", naming the providers that did not
 *   deliver (none named when the providers' states could not be read at all).
 * - A non-empty list while some provider did not deliver carries a "may be incomplete" caveat
 *   naming them. Hosts can hide sync notices, never this caveat.
 * - Providers with no record of the patient are named ("No record at St Elsewhere") beside
 *   whatever is shown, so "nothing recorded" says where it was looked for.
 */

/** What the rule needs to know about one provider (an element's `SourceState` has these fields). */
export interface ProviderCompleteness {
  /** Name to show. */
  readonly name: string;
  /** Everything it holds for this patient is in the local record. */
  readonly complete: boolean;
  /** Searched for this patient, no record of them. */
  readonly noRecord: boolean;
  /** Failing right now (last sync error / unauthorized). */
  readonly failed?: boolean;
}

/** The verdict for one list. */
export interface CompletenessVerdict {
  /**
   * `complete`: every provider delivered. `incomplete`: the providers in `missing` did not.
   * `unknown`: the providers' states could not be read (or there are none): nothing is known.
   */
  readonly state: 'complete' | 'incomplete' | 'unknown';
  /** Providers that did not deliver (names, in the given order). Empty unless `incomplete`. */
  readonly missing: readonly string[];
  /** Providers searched with no record of this patient (names, in the given order). */
  readonly noRecord: readonly string[];
  /**
   * What an empty list says: `none-recorded` only when `state` is `complete`; `unavailable`
   * otherwise.
   */
  readonly empty: 'none-recorded' | 'unavailable';
  /** A list with entries must say "may be incomplete" (naming `missing`, or "status unknown"). */
  readonly caveat: boolean;
}

/** True when the provider delivered everything it has (or has no record) for this patient. */
export function delivered(p: ProviderCompleteness): boolean {
  return p.failed !== true && (p.complete === true || p.noRecord === true);
}

/**
 * The completeness verdict for a patient's list. `known` is false when the providers' states
 * could not be read (e.g. the store cannot list its sources); `providers` is then ignored.
 */
export function completenessVerdict(known: boolean, providers: readonly ProviderCompleteness[]): CompletenessVerdict {
  const list = known && Array.isArray(providers) ? providers : [];
  const noRecord = list.filter((p) => delivered(p) && p.noRecord === true).map((p) => p.name);
  if (!list.length) return { state: 'unknown', missing: [], noRecord, empty: 'unavailable', caveat: true };
  const missing = list.filter((p) => !delivered(p)).map((p) => p.name);
  if (missing.length) return { state: 'incomplete', missing, noRecord, empty: 'unavailable', caveat: true };
  return { state: 'complete', missing: [], noRecord, empty: 'none-recorded', caveat: false };
}
