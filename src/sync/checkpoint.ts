/**
 * Checkpoints: "everything this query returned up to server time T is in the cache".
 *
 * - T is the server's clock: the `Date` header of the first answer of the query run (or, lacking
 *   it, the first page's `Bundle.meta.lastUpdated`). The browser's clock never enters: a device
 *   whose clock is minutes off would otherwise skip changes for good.
 * - T is taken from the FIRST answer because later pages may be read seconds later; anything that
 *   changed after the first answer is asked for again next time.
 * - A checkpoint is written only together with the LAST page of its query (same `applyPage`
 *   transaction). An aborted run leaves the old checkpoint in place, so the next run asks for the
 *   same window again and versionId de-duplication skips what already arrived.
 * - The next run asks for `_lastUpdated=gt(T − overlap)`: the `Date` header has whole seconds and
 *   servers commit writes a little out of order, so a small overlap costs a few skipped rows and
 *   saves lost ones.
 */

/** Default overlap subtracted from a checkpoint before asking for changes, ms. */
export const DEFAULT_OVERLAP_MS = 2_000;

/** Checkpoint key of one query for one patient in one source (the source is the store's key part). */
export function checkpointKey(patientId: string, query: string): string {
  return `patient:${patientId}:${query}`;
}

/**
 * The server time of an answer: `Date` header (already ISO) first, else `Bundle.meta.lastUpdated`.
 * Undefined when the server told us neither; then no checkpoint is written and the next run is a
 * full download, which is slower but never wrong.
 */
export function serverTimeOf(response: { serverTime?: string }, bundleLastUpdated?: string): string | undefined {
  if (response.serverTime) return response.serverTime;
  if (bundleLastUpdated && !Number.isNaN(Date.parse(bundleLastUpdated))) return new Date(Date.parse(bundleLastUpdated)).toISOString();
  return undefined;
}

/** `checkpoint − overlap` as an ISO instant for `_lastUpdated=gt…` / `_since=`. */
export function sinceValue(checkpoint: string, overlapMs: number = DEFAULT_OVERLAP_MS): string | undefined {
  const t = Date.parse(checkpoint);
  if (Number.isNaN(t)) return undefined;
  return new Date(t - Math.max(0, overlapMs)).toISOString();
}

/** The earlier of two ISO instants (either may be missing). */
export function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}
