import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DiagnosticReport, Observation, Patient } from 'fhir/r4';
import type { CodeSummaryInfo, PatientKey, RecordSource, StoredRow, Subscribable, WindowCursor } from '../base/store-types.js';

/** Rows of a test read for its row in view: the latest result and the small trend (20 points). */
export const FIRST_WINDOW = 20;

/** Results of one main code read so far, newest first. */
export interface CodeRows {
  rows: StoredRow<Observation>[];
  /** Where to read the next older window; absent when everything is read. */
  older?: WindowCursor;
  /** How many rows the store holds for this code. */
  count: number;
  loading: boolean;
  error?: unknown;
}

/** What the timeline reads, as it arrives. */
export type LabDataStatus = 'idle' | 'loading' | 'ready' | 'error';

interface Options {
  store: () => RecordSource | undefined;
  patient: () => PatientKey | undefined;
  /** Results per test read in one window. */
  windowSize: () => number;
}

/**
 * The timeline's reads. With a store that has code queries (`liveCodeSummary`, `codeWindow`),
 * the first paint reads only the summary (one row per code) and then, per test, a window of its
 * newest results as the rows need them (`ensure`); `loadOlder` reads the next window of a test.
 * A store without them is read whole through `live` (small or test stores).
 *
 * Live: when the summary changes for a code (count, newest date or newest row), that code's
 * window is read again; other codes keep what they have.
 */
export class LabDataController implements ReactiveController {
  status: LabDataStatus = 'idle';
  error?: unknown;
  summary: readonly CodeSummaryInfo[] = [];
  readonly codes = new Map<string, CodeRows>();
  reports: StoredRow<DiagnosticReport>[] = [];
  patients: StoredRow<Patient>[] = [];
  /** `true` when the store has code queries (else everything is read at once). */
  windowed = false;

  private key?: { store: RecordSource; patient: PatientKey };
  private subscriptions: { unsubscribe(): void }[] = [];
  private generation = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: Options,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.key = undefined;
    this.host.requestUpdate();
  }

  hostUpdate(): void {
    const store = this.options.store();
    const patient = this.options.patient();
    if (store === this.key?.store && patient === this.key?.patient) return;
    this.stop();
    this.codes.clear();
    this.summary = [];
    this.reports = [];
    this.patients = [];
    this.error = undefined;
    if (!store || !patient) {
      this.key = undefined;
      this.status = 'idle';
      return;
    }
    this.key = { store, patient };
    this.status = 'loading';
    this.start(store, patient);
  }

  hostDisconnected(): void {
    clearTimeout(this.updateTimer);
    this.updateTimer = undefined;
    this.stop();
    this.key = undefined;
  }

  /** Reads everything again (after an error). */
  retry(): void {
    this.key = undefined;
    this.host.requestUpdate();
  }

  private stop(): void {
    this.generation++;
    this.batch = new Map();
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
  }

  private start(store: RecordSource, patient: PatientKey): void {
    const generation = this.generation;
    const live = <T>(source: Subscribable<T>, next: (v: T) => void) => {
      try {
        this.subscriptions.push(
          source.subscribe({
            next: (v) => {
              if (generation === this.generation) next(v);
            },
            error: (e) => {
              if (generation !== this.generation) return;
              this.status = 'error';
              this.error = e;
              this.host.requestUpdate();
            },
          }),
        );
      } catch (e) {
        this.status = 'error';
        this.error = e;
      }
    };
    live<StoredRow[]>(store.live({ patient, type: 'DiagnosticReport' }), (rows) => {
      this.reports = rows as StoredRow<DiagnosticReport>[];
      this.host.requestUpdate();
    });
    live<StoredRow[]>(store.live({ patient, type: 'Patient' }), (rows) => {
      this.patients = rows as StoredRow<Patient>[];
      this.host.requestUpdate();
    });
    this.windowed = typeof store.liveCodeSummary === 'function' && typeof store.codeWindow === 'function';
    if (this.windowed) {
      live<readonly CodeSummaryInfo[]>(store.liveCodeSummary!(patient, 'Observation'), (summary) => this.onSummary(summary));
    } else {
      live<StoredRow[]>(store.live({ patient, type: 'Observation' }), (rows) => this.onAllRows(rows as StoredRow<Observation>[]));
    }
  }

  private onSummary(summary: readonly CodeSummaryInfo[]): void {
    const before = new Map(this.summary.map((s) => [s.code, s]));
    this.summary = summary;
    const now = new Set(summary.map((s) => s.code));
    for (const code of [...this.codes.keys()]) if (!now.has(code)) this.codes.delete(code);
    for (const s of summary) {
      const old = before.get(s.code);
      const entry = this.codes.get(s.code);
      const changed = !old || old.count !== s.count || old.latestDate !== s.latestDate || rowVersion(old.latest) !== rowVersion(s.latest);
      if (entry && changed) {
        // Read this code again from its newest row, as far as it had been read.
        const wanted = Math.max(entry.rows.length, this.options.windowSize());
        this.codes.delete(s.code);
        this.read(s.code, wanted);
      }
    }
    this.status = 'ready';
    this.host.requestUpdate();
  }

  /** A store without code queries: every Observation, as one pseudo-code `*` read in full. */
  private onAllRows(rows: StoredRow<Observation>[]): void {
    this.codes.clear();
    this.summary = rows.length ? [{ code: '*', count: rows.length, latestDate: '', latest: rows[0]! }] : [];
    if (rows.length) this.codes.set('*', { rows, count: rows.length, loading: false });
    this.status = 'ready';
    this.host.requestUpdate();
  }

  /**
   * Starts reading the first window of each code not read yet: `FIRST_WINDOW` rows (the latest
   * result and the row's small trend), or `windowSize` with `full` (an opened trend, a filter).
   */
  ensure(codes: Iterable<string>, full = false): void {
    if (!this.windowed) return;
    for (const code of codes) {
      const entry = this.codes.get(code);
      if (!entry) this.read(code, full ? this.options.windowSize() : Math.min(FIRST_WINDOW, this.options.windowSize()));
      else if (full && entry.older && !entry.loading && entry.rows.length < this.options.windowSize()) this.read(code, this.options.windowSize() - entry.rows.length, entry);
    }
  }

  /** Reads the next older window of `code`. */
  loadOlder(code: string): void {
    const entry = this.codes.get(code);
    if (!this.windowed || !entry?.older || entry.loading) return;
    this.read(code, this.options.windowSize(), entry);
  }

  /** Whether every code's rows are read in full. */
  get complete(): boolean {
    return this.summary.every((s) => {
      const c = this.codes.get(s.code);
      return c !== undefined && !c.loading && c.older === undefined;
    });
  }

  /** Whether some code's first window is still being read. */
  get reading(): boolean {
    for (const c of this.codes.values()) if (c.loading) return true;
    return false;
  }

  private updateTimer?: ReturnType<typeof setTimeout>;

  /** One update for a burst of windows rather than one per window. */
  private scheduleUpdate(): void {
    if (this.updateTimer !== undefined) return;
    this.updateTimer = setTimeout(() => {
      this.updateTimer = undefined;
      this.host.requestUpdate();
    }, UPDATE_EVERY_MS);
  }

  /** First windows asked for in this task, read together (`codeWindows`) when the store can. */
  private batch = new Map<number, Map<string, CodeRows>>();

  private read(code: string, limit: number, from?: CodeRows): void {
    const key = this.key;
    if (!key?.store.codeWindow) return;
    const count = this.summary.find((s) => s.code === code)?.count ?? 0;
    const entry: CodeRows = from ?? { rows: [], count, loading: true };
    entry.loading = true;
    entry.error = undefined;
    this.codes.set(code, entry);
    const size = Math.min(1000, Math.max(1, limit));
    if (!from && key.store.codeWindows) {
      let codes = this.batch.get(size);
      if (!codes) this.batch.set(size, (codes = new Map()));
      if (this.batch.size === 1 && codes.size === 0) queueMicrotask(() => this.flushBatch());
      codes.set(code, entry);
      return;
    }
    const generation = this.generation;
    key.store
      .codeWindow({ patient: key.patient, type: 'Observation', code, limit: size, ...(from?.older ? { before: from.older } : {}) })
      .then(
        (win) => this.arrived(generation, code, entry, win),
        (error: unknown) => this.failed(generation, code, entry, error),
      );
  }

  private flushBatch(): void {
    const key = this.key;
    const batch = this.batch;
    this.batch = new Map();
    if (!key?.store.codeWindows) return;
    const generation = this.generation;
    for (const [size, entries] of batch) {
      const all = [...entries];
      // The store takes at most 500 codes per call.
      for (let i = 0; i < all.length; i += 500) {
        const part = all.slice(i, i + 500);
        key.store.codeWindows({ patient: key.patient, type: 'Observation', codes: part.map(([c]) => c), limit: size }).then(
          (wins) => part.forEach(([code, entry], j) => this.arrived(generation, code, entry, wins[j] ?? { rows: [] })),
          (error: unknown) => part.forEach(([code, entry]) => this.failed(generation, code, entry, error)),
        );
      }
    }
  }

  private arrived(generation: number, code: string, entry: CodeRows, win: { rows: readonly StoredRow[]; older?: WindowCursor }): void {
    if (generation !== this.generation || this.codes.get(code) !== entry) return;
    entry.rows = [...entry.rows, ...(win.rows as StoredRow<Observation>[])];
    if (win.older) entry.older = win.older;
    else delete entry.older;
    entry.loading = false;
    this.scheduleUpdate();
  }

  private failed(generation: number, code: string, entry: CodeRows, error: unknown): void {
    if (generation !== this.generation || this.codes.get(code) !== entry) return;
    entry.loading = false;
    entry.error = error;
    this.scheduleUpdate();
  }
}

/** Windows arrive one by one (each its own IndexedDB task): the element re-renders at most every this many ms while they do. */
const UPDATE_EVERY_MS = 50;

function rowVersion(row: StoredRow | undefined): string {
  return row ? `${row.source}/${row.resource.resourceType}/${row.resource.id}/${row.versionId ?? ''}/${row.lastUpdated ?? ''}` : '';
}
