import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { EhrDataElement } from './ehr-element.js';
import type { PatientKey, RecordSource, SourceInfo, SyncState } from './store-types.js';

/**
 * Tracks `navigator.onLine` and re-renders the host on `online` / `offline` events.
 * `navigator.onLine === false` is reliable ("certainly offline"); `true` only means a network
 * interface is up, so elements still rely on sync errors for "could not reach the server".
 */
export class OnlineController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  online = typeof navigator === 'undefined' ? true : navigator.onLine;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  private readonly update = () => {
    const now = navigator.onLine;
    if (now !== this.online) {
      this.online = now;
      this.host.requestUpdate();
    }
  };

  hostConnected(): void {
    this.online = navigator.onLine;
    window.addEventListener('online', this.update);
    window.addEventListener('offline', this.update);
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.update);
    window.removeEventListener('offline', this.update);
  }
}

/** One source with what an element needs to say about it. */
export interface SourceState extends SourceInfo {
  /** Label to show: the source's label, else its id. */
  name: string;
  /** Last sync as epoch ms, if ever synced. */
  syncedAt?: number;
  /** Synced, but longer ago than `staleAfter`. */
  stale: boolean;
  /** Never synced (nothing from it may be in the cache). */
  notSynced: boolean;
  /** Its last sync failed (status `error`/`unauthorized`, or an error in the provider's report). */
  failed: boolean;
  /** Error message, when failed. */
  message?: string;
  /**
   * Positively known to hold everything this source has for the current patient (the `patient`
   * option): the provider's finished sync of this very patient reports the source `ok`, or the
   * store has a completed download from it for this patient or a linked one (`syncedSources`).
   * Never while the source's status is `syncing`, `offline`, `error` or `unauthorized`, or when
   * it failed or never synced. Always false without a `patient` option. `lastSyncAt` alone does
   * not count: it is per source, set by a sync of ANY patient.
   */
  complete: boolean;
  /**
   * The sync engine searched this source for the current patient (by the linking identifiers)
   * and it has no record of them: complete, with nothing to contribute. Elements say "No record
   * at <name>" next to a negative. From this patient's sync report (`noRecord`) or the store's
   * `coverage()` (`no-record`); never while the source is failing or syncing.
   */
  noRecord: boolean;
}

/** Statuses under which a source is never complete for anyone. */
const NOT_COMPLETE_STATUSES: ReadonlySet<string> = new Set(['syncing', 'offline', 'error', 'unauthorized']);

export interface SourceStatusOptions {
  store: () => RecordSource | undefined;
  /** Provider's sync state; when it changes (a sync ends), sources are read again. */
  syncState?: () => SyncState | undefined;
  /** Age in ms after which a source counts as stale. Default 24 h. */
  staleAfter?: () => number;
  /** Re-evaluate staleness this often (ms). Default 60 s; 0 turns the timer off. */
  tickInterval?: number;
  /** The patient whose completeness `complete` / `incomplete` describe (the element's active patient). */
  patient?: () => PatientKey | undefined;
}

export const DEFAULT_STALE_AFTER = 24 * 60 * 60 * 1000;

function toMillis(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Per-source status for "partial", "stale" and "offline" displays: reads `store.getSources()`
 * (again whenever the store or the provider's sync state changes), merges the provider's last
 * sync report, and works out which sources are stale, failed or never synced. Also tracks
 * online/offline.
 */
export class SourceStatusController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly options: SourceStatusOptions;
  private readonly onlineController: OnlineController;
  private lastStore?: RecordSource;
  private lastSync?: SyncState;
  private lastPatient?: PatientKey;
  private timer?: ReturnType<typeof setInterval>;
  private generation = 0;
  private raw: SourceInfo[] = [];
  /** Sources with a completed download for `syncedFor` (`store.coverage` or `store.syncedSources`). */
  private synced: ReadonlySet<string> = new Set();
  /** Sources searched with no record of `syncedFor` (`store.coverage`). */
  private noRecords: ReadonlySet<string> = new Set();
  private syncedFor?: PatientKey;

  /** False until the first `getSources()` answer (or failure, or when the store has no `getSources`). */
  loaded = false;
  /**
   * True when the sources are known: `getSources()` answered. False when the store has no
   * `getSources` or it threw: completeness is then unknown, and `complete` is false.
   */
  known = false;

  constructor(host: ReactiveControllerHost, options: SourceStatusOptions) {
    this.host = host;
    this.options = options;
    this.onlineController = new OnlineController(host);
    host.addController(this);
  }

  get online(): boolean {
    return this.onlineController.online;
  }

  hostConnected(): void {
    this.lastStore = undefined;
    this.check();
    const every = this.options.tickInterval ?? 60_000;
    if (every > 0) this.timer = setInterval(() => this.host.requestUpdate(), every);
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  hostUpdate(): void {
    this.check();
  }

  /** Reads the sources again now. */
  async refresh(): Promise<void> {
    const store = this.options.store();
    const patient = this.options.patient?.();
    const generation = ++this.generation;
    if (!store?.getSources) {
      this.raw = [];
      this.known = false;
      this.synced = new Set();
      this.noRecords = new Set();
      this.syncedFor = patient;
      this.loaded = !!store;
      this.host.requestUpdate();
      return;
    }
    // Both reads at once. The sources (labels) are shown as soon as they answer; `loaded` waits
    // for both. Meanwhile `sources` uses the per-patient answer only if it is for this patient.
    const none = { delivered: [] as string[], noRecord: [] as string[] };
    // No per-patient record (or it failed): only the provider's report for this patient can make
    // a source complete.
    const syncedRead =
      patient && store.coverage
        ? Promise.resolve()
            .then(() => store.coverage!(patient))
            .then(
              (rows) => ({
                delivered: (Array.isArray(rows) ? rows : []).filter((r) => r?.state === 'delivered').map((r) => r.source),
                noRecord: (Array.isArray(rows) ? rows : []).filter((r) => r?.state === 'no-record').map((r) => r.source),
              }),
              () => none,
            )
        : patient && store.syncedSources
          ? Promise.resolve()
              .then(() => store.syncedSources!(patient))
              .then(
                (ids) => ({ delivered: Array.isArray(ids) ? ids : [], noRecord: [] as string[] }),
                () => none,
              )
          : Promise.resolve(none);
    const sources = await Promise.resolve()
      .then(() => store.getSources!())
      .then(
      (r) => (Array.isArray(r) ? r : undefined),
      // Unknown sources: completeness unknown (not "nothing missing").
      () => undefined,
    );
    if (generation !== this.generation) return;
    const known = sources !== undefined;
    const raw = sources ?? [];
    this.raw = raw;
    this.known = known;
    this.host.requestUpdate();
    const read = await syncedRead;
    if (generation !== this.generation) return;
    this.raw = raw;
    this.known = known;
    this.synced = new Set(read.delivered);
    this.noRecords = new Set(read.noRecord);
    this.syncedFor = patient;
    this.loaded = true;
    this.host.requestUpdate();
  }

  private check() {
    const store = this.options.store();
    const sync = this.options.syncState?.();
    const patient = this.options.patient?.();
    if (store !== this.lastStore || sync !== this.lastSync || patient !== this.lastPatient) {
      if (patient !== this.lastPatient) this.loaded = false;
      this.lastStore = store;
      this.lastSync = sync;
      this.lastPatient = patient;
      void this.refresh();
    }
  }

  /** Every source with its state, in the store's order. */
  get sources(): SourceState[] {
    const staleAfter = this.options.staleAfter?.() ?? DEFAULT_STALE_AFTER;
    const now = Date.now();
    const sync = this.options.syncState?.();
    const report = sync?.report;
    const patient = this.options.patient?.();
    // The provider's report speaks for this patient only when its finished sync was of this patient.
    const reportForPatient = !!patient && sync?.patient === patient && sync.status !== 'syncing' ? report : undefined;
    const forPatient = !!patient && this.syncedFor === patient;
    const synced = forPatient ? this.synced : new Set<string>();
    const noRecords = forPatient ? this.noRecords : new Set<string>();
    return this.raw.map((s) => {
      const syncedAt = toMillis(s.lastSyncAt);
      const reported = report?.errors?.find((e) => e.source === s.id);
      const reportedStatus = report?.sources?.[s.id]?.status;
      const status = reportedStatus ?? s.status;
      const failed = !!reported || status === 'error' || status === 'unauthorized';
      // (i) this patient's finished sync reports the source `ok`; otherwise (ii) a completed
      // download for this patient is stored and the source is not syncing / failing right now.
      const entry = reportForPatient?.sources?.[s.id];
      const patientReported = entry?.status;
      // (i) this patient's finished sync reports the source `ok` with a record downloaded or
      // none there; otherwise (ii) the store holds a completed download, or a no-record
      // finding, for this patient and the source is not syncing / failing right now.
      const settled = !NOT_COMPLETE_STATUSES.has(String(s.status ?? ''));
      const noRecord =
        !failed &&
        (patientReported !== undefined ? patientReported === 'ok' && entry?.noRecord === true : settled && noRecords.has(s.id) && !synced.has(s.id));
      const complete =
        !failed &&
        (patientReported !== undefined
          ? patientReported === 'ok' && ((entry?.patients?.length ?? 1) > 0 || noRecord)
          : settled && (synced.has(s.id) || noRecord));
      return {
        // The store's fields first: what this controller works out is never overridden by them.
        ...s,
        complete,
        noRecord,
        status,
        name: s.label || s.id,
        syncedAt,
        notSynced: syncedAt === undefined,
        stale: syncedAt !== undefined && now - syncedAt > staleAfter,
        failed,
        message: reported?.message ?? (failed ? s.lastError : undefined),
      };
    });
  }

  /** The state of one source, if the store knows it. */
  source(id: string): SourceState | undefined {
    return this.sources.find((s) => s.id === id);
  }

  /** Label for a source id (the id itself when unknown). */
  label(id: string): string {
    return this.source(id)?.name ?? id;
  }

  get failed(): SourceState[] {
    return this.sources.filter((s) => s.failed);
  }
  get notSynced(): SourceState[] {
    return this.sources.filter((s) => s.notSynced && !s.failed);
  }
  get stale(): SourceState[] {
    return this.sources.filter((s) => s.stale);
  }
  /**
   * Every source is complete for the current patient (see `SourceState.complete`). False when
   * the sources are unknown (no `getSources`, or it threw) or there are none, or no `patient`.
   */
  get complete(): boolean {
    if (!this.known) return false;
    const sources = this.sources;
    return sources.length > 0 && sources.every((s) => s.complete);
  }
  /** Sources not complete for the current patient: syncing, offline, failed, never synced, or synced for other patients only. */
  get incomplete(): SourceState[] {
    return this.sources.filter((s) => !s.complete);
  }
  /** Some source failed or has never synced: what is shown may be incomplete. */
  get partial(): boolean {
    return this.sources.some((s) => s.failed || s.notSynced);
  }
  /** Oldest successful sync among sources (what "as of" means for a merged view). */
  get oldestSync(): number | undefined {
    const times = this.sources.map((s) => s.syncedAt).filter((t): t is number => t !== undefined);
    return times.length ? Math.min(...times) : undefined;
  }
}

/**
 * The status of the sources of the element's active store, read again whenever the provider's
 * sync state changes. `options` adds the rest (e.g. `staleAfter: () => this.staleAfter`).
 */
export function sourceStatus(
  host: EhrDataElement,
  options: Omit<SourceStatusOptions, 'store' | 'syncState'> = {},
): SourceStatusController {
  return new SourceStatusController(host, {
    store: () => host.activeStore,
    syncState: () => host.syncState,
    ...options,
  });
}
