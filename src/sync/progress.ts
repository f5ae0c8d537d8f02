/**
 * Progress per source. Servers rarely say up front how much there is (`Bundle.total` is optional
 * and `$everything` seldom has it), so a total is an estimate until the last page of the last
 * query has arrived, and says so (`estimated: true`). `done` never exceeds `total`: when the
 * estimate was too low the total is raised to `done` and the event is flagged `clamped`.
 */

export type SyncPhase = 'metadata' | 'upload' | 'download' | 'done' | 'error';

export interface SyncProgress {
  source: string;
  /** The patient key being synced, when the sync is about one patient. */
  patient?: string;
  phase: SyncPhase;
  /** Resources downloaded (or writes uploaded) so far in this phase. */
  done: number;
  /** Expected total for this phase; `done / total` is never above 1. */
  total: number;
  /** True while `total` is a guess (pages or queries still to come). */
  estimated: boolean;
  /** The guess was too low and was raised to `done`. */
  clamped?: boolean;
  /** Short human-readable note, e.g. an error message in the `error` phase. */
  message?: string;
}

export type ProgressListener = (progress: SyncProgress) => void;

interface QueryState {
  done: number;
  expected: number;
  finished: boolean;
  /** The server's count (or our guess) turned out lower than what arrived. */
  underestimated?: boolean;
}

/** Counts one source's phase; each query (search, `$everything`, history) reports its pages. */
export class ProgressTracker {
  private phase: SyncPhase = 'metadata';
  private queries: QueryState[] = [];
  /** Queries we know will run but that have not started (their size is unknown). */
  private pendingQueries = 0;
  private clampedOnce = false;

  constructor(
    readonly source: string,
    private readonly emit: ProgressListener,
    readonly patient?: string,
  ) {}

  /** Starts a phase with `plannedQueries` queries still to come (counted as one page each). */
  start(phase: SyncPhase, plannedQueries = 0): void {
    this.phase = phase;
    this.queries = [];
    this.pendingQueries = Math.max(0, plannedQueries);
    this.clampedOnce = false;
    this.send();
  }

  /** More queries than planned turned up (e.g. reads of referenced resources). */
  plan(moreQueries: number): void {
    this.pendingQueries += Math.max(0, moreQueries);
    this.send();
  }

  /** Registers a query; returns a reporter for its pages. */
  query(): { page(entries: number, hasNext: boolean, total?: number): void; finish(): void } {
    if (this.pendingQueries > 0) this.pendingQueries--;
    const q: QueryState = { done: 0, expected: 0, finished: false };
    this.queries.push(q);
    return {
      page: (entries, hasNext, total) => {
        q.done += entries;
        if ((total !== undefined && total < q.done) || q.done > q.expected + entries) q.underestimated = true;
        if (!hasNext) {
          q.expected = q.done;
          q.finished = true;
        } else if (total !== undefined && total >= q.done) {
          q.expected = total;
        } else {
          // Unknown size: assume one more page like this one.
          q.expected = Math.max(q.expected, q.done + Math.max(entries, 1));
        }
        this.send();
      },
      finish: () => {
        if (q.finished) return;
        q.finished = true;
        q.expected = q.done;
        this.send();
      },
    };
  }

  /** Counts single items (e.g. uploaded writes) against a known or estimated total. */
  items(done: number, total: number, estimated: boolean): void {
    this.queries = [{ done, expected: total, finished: !estimated }];
    this.pendingQueries = 0;
    this.send();
  }

  /** Ends the sync of this source successfully: totals are now exact. */
  finish(): void {
    for (const q of this.queries) {
      q.finished = true;
      q.expected = q.done;
    }
    this.pendingQueries = 0;
    this.phase = 'done';
    this.send();
  }

  fail(message: string): void {
    this.phase = 'error';
    this.send(message);
  }

  /** The event as it would be sent now. */
  snapshot(message?: string): SyncProgress {
    let done = 0;
    let expected = 0;
    let open = this.pendingQueries > 0;
    let under = false;
    for (const q of this.queries) {
      done += q.done;
      if (q.done > q.expected || (q.underestimated && !q.finished)) under = true;
      expected += Math.max(q.expected, q.done);
      if (!q.finished) open = true;
    }
    // A query not yet started is counted as one more page of about the average size seen so far.
    if (this.pendingQueries > 0) {
      const avg = this.queries.length ? Math.ceil(done / this.queries.length) : 1;
      expected += this.pendingQueries * Math.max(1, avg);
    }
    let clamped = under;
    if (done > expected) {
      expected = done;
      clamped = true;
    }
    if (clamped) this.clampedOnce = true;
    const event: SyncProgress = {
      source: this.source,
      phase: this.phase,
      done,
      total: expected,
      estimated: this.phase === 'done' ? false : open,
    };
    if (this.patient) event.patient = this.patient;
    if (clamped || (this.clampedOnce && event.estimated)) event.clamped = true;
    if (message) event.message = message;
    return event;
  }

  private send(message?: string): void {
    try {
      this.emit(this.snapshot(message));
    } catch {
      // A listener's bug must not break the sync.
    }
  }
}
