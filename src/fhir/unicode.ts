/**
 * Unicode hygiene for record text that is normalized (matching names, comparing identities).
 *
 * Normalizing (`String.prototype.normalize`) reorders each run of combining marks, and in V8/ICU
 * that costs time quadratic in the run's length: 40,000 marks after one letter take seconds,
 * 400,000 take minutes, and the page freezes. No script needs more than a handful; Unicode's
 * stream-safe text format (UAX #15) caps a run at 30 non-starters. We keep the first 30 marks of
 * a run and drop the rest before normalizing. What is shown is the record's own text; only the
 * keys used for comparison are made this way.
 */

/**
 * Characters that are no mark themselves but decompose (NFKD) into one: the halfwidth katakana
 * voiced marks U+FF9E and U+FF9F (to U+3099 and U+309A). Counted as marks, or they would split
 * the runs below and let a run of marks of any length through.
 */
const MARK = '[\\p{M}\\uFF9E\\uFF9F]';
const LONG_RUN = new RegExp(`(${MARK}{30})${MARK}+`, 'gu');

/** Runs of more than 30 combining marks, as their first 30 (the stream-safe limit of UAX #15). */
export function streamSafe(text: string): string {
  return text.replace(LONG_RUN, '$1');
}
