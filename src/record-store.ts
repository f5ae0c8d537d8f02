/**
 * `RecordStore`: the public store of the kit — the local store (`src/store`) with sync attached.
 *
 * ```ts
 * const store = await RecordStore.open({ name: 'user-42', linkIdentifierSystems: ['http://hl7.org/fhir/sid/us-ssn'] });
 * store.addSource({ id: 'clinic', baseUrl: 'http://127.0.0.1:8103/clinic/fhir', label: 'Riverside Clinic' });
 * const report = await store.syncPatient('clinic/Patient/123');
 * ```
 *
 * Every method of `LocalRecordStore` is available on a `RecordStore` unchanged (they are
 * forwarded to the local store it wraps); this class adds `syncPatient`, `sync` and progress
 * events. It wraps rather than extends because the local store is created only through its own
 * `open()`.
 */
import { LocalRecordStore, type OpenOptions, type SourceInit, type SourceRecord } from './store/index.js';
import type { SyncEngine, SyncEngineOptions, SyncPatientOptions, SyncReport } from './sync/engine.js';
import { ProgressChannel } from './sync/locks.js';
import type { ProgressListener, SyncProgress } from './sync/progress.js';

export interface RecordStoreOpenOptions extends OpenOptions {
  /** Sync behaviour (timeouts, retries, page size, types, overlap). */
  sync?: SyncEngineOptions;
}

/** Event dispatched on the store for every progress step of a sync it runs: `detail` is a `SyncProgress`. */
export type SyncProgressEvent = CustomEvent<SyncProgress>;

interface RecordStoreEventMap {
  progress: SyncProgressEvent;
  /**
   * The store was closed from outside: `detail.reason` is `'signed-out'` (another tab called
   * `signOut`: the host should leave the patient's record now) or `'upgraded-elsewhere'`.
   */
  closed: CustomEvent<{ reason: 'signed-out' | 'upgraded-elsewhere' }>;
  /** Progress of a sync another tab is running (BroadcastChannel). */
  'remote-progress': SyncProgressEvent;
}

/** Methods of the local store, all forwarded (typed through this interface). */
export interface RecordStore extends Omit<LocalRecordStore, 'close' | 'addSource' | 'signOut' | 'onclosed'> {}

export class RecordStore extends EventTarget {
  /** The wrapped local store (data layer; for tests and advanced hosts). */
  readonly local: LocalRecordStore;
  /** Called with every progress step, in addition to `progress` events. */
  onprogress: ProgressListener | null = null;
  private readonly options: RecordStoreOpenOptions;
  /** Progress from other tabs, heard from the start (before the sync engine is loaded). */
  private readonly channel: ProgressChannel | undefined;
  private readonly offRemote: () => void;
  private enginePromise?: Promise<SyncEngine>;

  private constructor(local: LocalRecordStore, options: RecordStoreOpenOptions) {
    super();
    this.local = local;
    this.options = options;
    if (options.sync?.broadcast !== false) this.channel = new ProgressChannel(LocalRecordStore.databaseName(options.name));
    this.offRemote =
      this.channel?.listen((p) => this.dispatchEvent(new CustomEvent('remote-progress', { detail: p }))) ?? (() => undefined);
    local.onclosed = (reason) => {
      this.shutDown();
      this.dispatchEvent(new CustomEvent('closed', { detail: { reason } }));
    };
  }

  /**
   * The sync engine (per-source locks, progress, strategies). It is loaded on first use: elements
   * paint from the cache without it, so a host's first bundle does not carry the sync code.
   */
  engine(): Promise<SyncEngine> {
    this.enginePromise ??= import('./sync/engine.js').then(({ SyncEngine }) => {
      const systems = [...this.local.linkIdentifierSystems, ...(this.local.trustedIdentifierSystem ? [this.local.trustedIdentifierSystem] : [])];
      const engine = new SyncEngine(this.local, LocalRecordStore.databaseName(this.options.name), systems, {
        ...this.options.sync,
        channel: this.channel,
      });
      engine.onProgress((p) => {
        this.onprogress?.(p);
        this.dispatchEvent(new CustomEvent('progress', { detail: p }));
      });
      return engine;
    });
    return this.enginePromise;
  }

  /** Opens (or creates) the store of partition `options.name`; see `LocalRecordStore.open`. */
  static async open(options: RecordStoreOpenOptions): Promise<RecordStore> {
    const local = await LocalRecordStore.open(options);
    return new RecordStore(local, options);
  }

  /**
   * Registers a source (persisted, except `fetch`). Returns a promise, but a sync started right
   * after a call that was not awaited still sees the source: `syncPatient` waits for pending
   * `addSource` calls first.
   */
  addSource(init: SourceInit): Promise<SourceRecord> {
    const p = this.local.addSource(init);
    const tracked = p.catch(() => undefined);
    this.pendingSources.add(tracked);
    void tracked.finally(() => this.pendingSources.delete(tracked));
    return p;
  }

  private readonly pendingSources = new Set<Promise<unknown>>();

  /**
   * Downloads `patientKey`'s record from its source and the same person's record from every
   * other source (linked by `linkIdentifierSystems` and `Patient.link`), uploading pending local
   * writes of those sources first. Resolves with a per-source report even when some sources fail;
   * rejects only for a malformed key, an unknown source, or an abort.
   */
  async syncPatient(patientKey: string, options: SyncPatientOptions = {}): Promise<SyncReport> {
    await this.settled();
    return (await this.engine()).syncPatient(patientKey, options);
  }

  /** Uploads pending local writes of every source (no download). */
  async sync(options: { signal?: AbortSignal; onProgress?: ProgressListener; sources?: string[] } = {}): Promise<SyncReport> {
    await this.settled();
    return (await this.engine()).upload(options);
  }

  /** Closes the database and the progress channel. */
  close(): void {
    this.shutDown();
    this.local.close();
  }

  /**
   * Signs the partition out on this device: closes the store and deletes its database in this
   * and every other tab (theirs dispatch `closed` with reason `'signed-out'`). Local changes not
   * yet uploaded are lost: call `sync()` first. Call it when the user logs out of the host.
   */
  async signOut(): Promise<void> {
    this.shutDown();
    await this.local.signOut();
  }

  private shutDown(): void {
    this.offRemote();
    this.channel?.close();
    void this.enginePromise?.then((engine) => engine.close());
  }

  override addEventListener<K extends keyof RecordStoreEventMap>(
    type: K,
    listener: ((event: RecordStoreEventMap[K]) => void) | { handleEvent(event: RecordStoreEventMap[K]): void } | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
  }

  private async settled(): Promise<void> {
    while (this.pendingSources.size) await Promise.all([...this.pendingSources]);
  }
}

// Forward every public method of the local store that RecordStore does not define itself.
for (const name of Object.getOwnPropertyNames(LocalRecordStore.prototype)) {
  if (name === 'constructor' || Object.prototype.hasOwnProperty.call(RecordStore.prototype, name)) continue;
  const descriptor = Object.getOwnPropertyDescriptor(LocalRecordStore.prototype, name);
  if (!descriptor || typeof descriptor.value !== 'function') continue;
  Object.defineProperty(RecordStore.prototype, name, {
    configurable: true,
    writable: true,
    value(this: RecordStore, ...args: unknown[]) {
      return (this.local as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
    },
  });
}
for (const name of ['name', 'linkIdentifierSystems', 'trustedIdentifierSystem'] as const) {
  Object.defineProperty(RecordStore.prototype, name, {
    configurable: true,
    get(this: RecordStore) {
      return this.local[name];
    },
  });
}

export type { SyncReport, SyncPatientOptions, SyncProgress };
