import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RecordSource, SourceInfo, SyncState } from './store-types.js';

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
}

export interface SourceStatusOptions {
  store: () => RecordSource | undefined;
  /** Provider's sync state; when it changes (a sync ends), sources are read again. */
  syncState?: () => SyncState | undefined;
  /** Age in ms after which a source counts as stale. Default 24 h. */
  staleAfter?: () => number;
  /** Re-evaluate staleness this often (ms). Default 60 s; 0 turns the timer off. */
  tickInterval?: number;
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
  private timer?: ReturnType<typeof setInterval>;
  private generation = 0;
  private raw: SourceInfo[] = [];

  /** False until the first `getSources()` answer (or when the store has no `getSources`). */
  loaded = false;

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
    const generation = ++this.generation;
    if (!store?.getSources) {
      this.raw = [];
      this.loaded = !!store;
      this.host.requestUpdate();
      return;
    }
    try {
      const sources = await store.getSources();
      if (generation !== this.generation) return;
      this.raw = sources;
    } catch {
      if (generation !== this.generation) return;
      this.raw = [];
    }
    this.loaded = true;
    this.host.requestUpdate();
  }

  private check() {
    const store = this.options.store();
    const sync = this.options.syncState?.();
    if (store !== this.lastStore || sync !== this.lastSync) {
      this.lastStore = store;
      this.lastSync = sync;
      void this.refresh();
    }
  }

  /** Every source with its state, in the store's order. */
  get sources(): SourceState[] {
    const staleAfter = this.options.staleAfter?.() ?? DEFAULT_STALE_AFTER;
    const now = Date.now();
    const report = this.options.syncState?.()?.report;
    return this.raw.map((s) => {
      const syncedAt = toMillis(s.lastSyncAt);
      const reported = report?.errors?.find((e) => e.source === s.id);
      const reportedStatus = report?.sources?.[s.id]?.status;
      const status = reportedStatus ?? s.status;
      const failed = !!reported || status === 'error' || status === 'unauthorized';
      return {
        ...s,
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
