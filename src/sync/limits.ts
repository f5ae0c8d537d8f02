/**
 * Limits on what one sync takes from a server, none of them silent.
 *
 * A server that is broken or hostile can send a body that never ends, pages that never end, a
 * million resources or JSON nested a thousand levels deep. Each of those is cut at a limit, and
 * each cut is reported: a source that hits a byte, page, resource or time limit fails with
 * `SyncError('limit-exceeded')` (its report's `error.limit` names the limit); a resource nested
 * deeper than `maxReferenceDepth` is refused on its own (a `limit-maxReferenceDepth` note) and the
 * source carries on. What was applied before a cut stays; checkpoints travel only with the last
 * page of a complete query, so they never vouch for data that was cut off.
 */
import { SyncError } from './errors.js';

export interface SyncLimits {
  /** Bytes of one response body, counted while reading (the rest is not read). Default 50 MB. */
  maxResponseBytes: number;
  /** Pages (search, `$everything`, `_history`) read from one source in one sync. Default 1000. */
  maxPages: number;
  /** Resources (entries) read from one source in one sync. Default 100 000. */
  maxResources: number;
  /**
   * Time for one `syncPatient`, ms, from its start (engine clock). Checked before every download
   * request; a request in flight ends within the HTTP time limit. Default 10 min.
   */
  deadlineMs: number;
  /**
   * How deep a resource's JSON may nest (objects and arrays; the resource itself is level 1).
   * Deeper resources are refused, not stored, so reference collection and the store never walk
   * them. Default 64 (real resources rarely exceed 15).
   */
  maxReferenceDepth: number;
  /**
   * Changes an incremental sync reads from `_history` before it gives the history up and lists
   * the patient's record again instead (not an error: a `history-too-long` note). The budget is
   * this or twice the patient's cached rows, whichever is more: on a busy server the history is
   * mostly other patients' changes, and past that point listing the record costs less. Default
   * 5,000.
   */
  maxHistoryEntries: number;
}

export const DEFAULT_LIMITS: Readonly<SyncLimits> = Object.freeze({
  maxResponseBytes: 50 * 1024 * 1024,
  maxPages: 1000,
  maxResources: 100_000,
  deadlineMs: 10 * 60_000,
  maxReferenceDepth: 64,
  maxHistoryEntries: 5000,
});

/** The limits with the caller's values merged over the defaults (invalid values are refused). */
export function resolveLimits(partial: Partial<SyncLimits> | undefined): SyncLimits {
  const out: SyncLimits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(partial ?? {}) as Array<[keyof SyncLimits, unknown]>) {
    if (value === undefined) continue;
    if (!Object.hasOwn(DEFAULT_LIMITS, name)) throw new SyncError('invalid-argument', `limits: unknown limit "${String(name)}".`);
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
      throw new SyncError('invalid-argument', `limits.${name} must be a finite number >= 0.`);
    }
    out[name] = value;
  }
  return out;
}

/** The error a source fails with when it hits `limit`. */
export function limitError(source: string, limit: keyof SyncLimits, message: string, url?: string): SyncError {
  return new SyncError('limit-exceeded', message, { source, limit, ...(url ? { url } : {}) });
}

/**
 * Pages, resources and time one source has used in one sync. Created per source per
 * `syncPatient` and shared by every download of that source in the run.
 */
export class SourceBudget {
  private pages = 0;
  private resources = 0;

  constructor(
    readonly source: string,
    readonly limits: SyncLimits,
    /** Engine-clock instant (ms) after which no further request starts. */
    private readonly deadlineAt: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws `limit-exceeded` (deadlineMs) when the sync's time is up. Call before a request. */
  checkDeadline(url?: string): void {
    if (this.now() > this.deadlineAt) {
      throw limitError(
        this.source,
        'deadlineMs',
        `${this.source}: the sync ran out of time (limit ${this.limits.deadlineMs} ms); stopped before the next request. ` +
          'What was read so far is kept; the next sync continues from the last complete query.',
        url,
      );
    }
  }

  /** Counts one page of `entries` resources; throws `limit-exceeded` when a cap is passed. */
  countPage(entries: number, url?: string): void {
    this.pages++;
    this.resources += entries;
    if (this.pages > this.limits.maxPages) {
      throw limitError(
        this.source,
        'maxPages',
        `${this.source}: more than ${this.limits.maxPages} pages in one sync (limit maxPages); stopped. ` +
          'What was read before is kept; the cut query is not marked complete.',
        url,
      );
    }
    if (this.resources > this.limits.maxResources) {
      throw limitError(
        this.source,
        'maxResources',
        `${this.source}: more than ${this.limits.maxResources} resources in one sync (limit maxResources); stopped. ` +
          'What was read before is kept; the cut query is not marked complete.',
        url,
      );
    }
  }
}

/**
 * Whether `node` nests deeper than `max` levels of objects/arrays (the node itself is level 1).
 * Iterative, and stops as soon as the answer is known, so a hostile depth cannot overflow the
 * stack or cost more than the cap.
 */
export function nestsDeeperThan(node: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[node, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    if (depth > max) return true;
    const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
    for (const child of children) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
