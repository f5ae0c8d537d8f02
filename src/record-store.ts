/**
 * `RecordStore`: the public store of the kit — the local store (`src/store`) with sync attached.
 *
 * ```ts
 * const store = await RecordStore.open({ name: 'user-42', linkIdentifierSystems: ['http://hl7.org/fhir/sid/us-ssn'] });
 * store.addSource({ id: 'clinic', baseUrl: 'http://127.0.0.1:8103/clinic/fhir', label: 'Riverside Clinic' });
 * const report = await store.syncPatient('clinic/Patient/123');
 * ```
 *
 * `RecordStore` is the host API, and only that: sources, reading (`search`, `live`, `get`,
 * `read`), local writes, purge, conflicts, coverage, possible matches, sync, sign-out and events.
 * Each reading and writing method hands the call to the `LocalRecordStore` it wraps, unchanged.
 * What only the sync engine needs (`applyPage`, `completeWrite`, `recordConflict`,
 * `setSourceStatus`, ... see `src/sync/store-api.ts`) stays on the local store, which the engine
 * gets as a `SyncStore`; `test/public-surface.node.test.ts` lists this surface. It wraps rather
 * than extends because the local store is created only through its own `open()`.
 */
import type { Resource } from 'fhir/r4';
import type { CodeSummaryEntry, CodeWindow, CodeWindowQuery, CodeWindowsQuery } from './store/code-queries.js';
import type { PatientCoverage } from './store/coverage.js';
import type { PossibleMatch } from './store/links.js';
import {
  LocalRecordStore,
  type ConflictChoice,
  type ConflictRecord,
  type LiveObservable,
  type OpenOptions,
  type OutboxEntry,
  type PatientKey,
  type PurgeOptions,
  type PurgeResult,
  type SearchQuery,
  type SourceInit,
  type SourceRecord,
  type StoredRow,
} from './store/index.js';
import type { SyncEngine, SyncEngineOptions, SyncPatientOptions, SyncReport } from './sync/engine.js';
import { ProgressChannel } from './sync/locks.js';
import type { ProgressListener, SyncProgress } from './sync/progress.js';
import type { SyncStore } from './sync/store-api.js';

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

export class RecordStore extends EventTarget {
  /** Called with every progress step, in addition to `progress` events. */
  onprogress: ProgressListener | null = null;
  /** The wrapped local store (data layer). Private: hosts use the methods below. */
  readonly #local: LocalRecordStore;
  readonly #options: RecordStoreOpenOptions;
  /** Progress from other tabs, heard from the start (before the sync engine is loaded). */
  readonly #channel: ProgressChannel | undefined;
  readonly #offRemote: () => void;
  #enginePromise?: Promise<SyncEngine>;
  readonly #pendingSources = new Set<Promise<unknown>>();

  private constructor(local: LocalRecordStore, options: RecordStoreOpenOptions) {
    super();
    this.#local = local;
    this.#options = options;
    if (options.sync?.broadcast !== false) this.#channel = new ProgressChannel(LocalRecordStore.databaseName(options.name));
    this.#offRemote =
      this.#channel?.listen((p) => this.dispatchEvent(new CustomEvent('remote-progress', { detail: p }))) ?? (() => undefined);
    local.onclosed = (reason) => {
      this.#shutDown();
      this.dispatchEvent(new CustomEvent('closed', { detail: { reason } }));
    };
  }

  /**
   * The sync engine (per-source locks, progress, strategies). It is loaded on first use: elements
   * paint from the cache without it, so a host's first bundle does not carry the sync code.
   */
  #engine(): Promise<SyncEngine> {
    this.#enginePromise ??= import('./sync/engine.js').then(({ SyncEngine }) => {
      const local = this.#local;
      const systems = [...local.linkIdentifierSystems, ...(local.trustedIdentifierSystem ? [local.trustedIdentifierSystem] : [])];
      // The engine sees the local store only as a `SyncStore` (the compiler checks it fits).
      const store: SyncStore = local;
      const engine = new SyncEngine(store, LocalRecordStore.databaseName(this.#options.name), systems, {
        ...this.#options.sync,
        channel: this.#channel,
      });
      engine.onProgress((p) => {
        this.onprogress?.(p);
        this.dispatchEvent(new CustomEvent('progress', { detail: p }));
      });
      return engine;
    });
    return this.#enginePromise;
  }

  /** Opens (or creates) the store of partition `options.name`; see `LocalRecordStore.open`. */
  static async open(options: RecordStoreOpenOptions): Promise<RecordStore> {
    const local = await LocalRecordStore.open(options);
    return new RecordStore(local, options);
  }

  /** Partition name given to `open`. */
  get name(): string {
    return this.#local.name;
  }

  /** Identifier systems that make patients comparable across sources. */
  get linkIdentifierSystems(): readonly string[] {
    return this.#local.linkIdentifierSystems;
  }

  /** The identifier system trusted to link without corroboration, if the host named one. */
  get trustedIdentifierSystem(): string | undefined {
    return this.#local.trustedIdentifierSystem;
  }

  // ---------------------------------------------------------------------------------------------
  // Sources

  /**
   * Registers a source (persisted, except `fetch`). Returns a promise, but a sync started right
   * after a call that was not awaited still sees the source: `syncPatient` waits for pending
   * `addSource` calls first.
   */
  addSource(init: SourceInit): Promise<SourceRecord> {
    const p = this.#local.addSource(init);
    const tracked = p.catch(() => undefined);
    this.#pendingSources.add(tracked);
    void tracked.finally(() => this.#pendingSources.delete(tracked));
    return p;
  }

  /** All sources, in the order they were first added, with their sync status and last error. */
  getSources(): Promise<SourceRecord[]> {
    return this.#local.getSources();
  }

  // ---------------------------------------------------------------------------------------------
  // Reading (see `LocalRecordStore` for each)

  /** A patient's rows: the union over every linked patient, newest clinical date first. */
  search<T extends Resource = Resource>(query: SearchQuery): Promise<StoredRow<T>[]> {
    return this.#local.search<T>(query);
  }

  /** Live version of {@link search}: emits again after every committed write that changes it, in any tab. */
  live<T extends Resource = Resource>(query: SearchQuery): LiveObservable<StoredRow<T>[]> {
    return this.#local.live<T>(query);
  }

  /** Each main code of the patient's rows of `type`, with count, newest date and newest row; one row read per code. */
  codeSummary<T extends Resource = Resource>(patient: PatientKey, type: string): Promise<CodeSummaryEntry<T>[]> {
    return this.#local.codeSummary<T>(patient, type);
  }

  /** Live version of {@link codeSummary}. */
  liveCodeSummary<T extends Resource = Resource>(patient: PatientKey, type: string): LiveObservable<CodeSummaryEntry<T>[]> {
    return this.#local.liveCodeSummary<T>(patient, type);
  }

  /** A window of the patient's rows of `type` (one code or all), newest first, with positions to page on. */
  codeWindow<T extends Resource = Resource>(query: CodeWindowQuery): Promise<CodeWindow<T>> {
    return this.#local.codeWindow<T>(query);
  }

  /** The newest `limit` rows of each of several codes, in one read (see `LocalRecordStore.codeWindows`). */
  codeWindows<T extends Resource = Resource>(query: CodeWindowsQuery): Promise<CodeWindow<T>[]> {
    return this.#local.codeWindows<T>(query);
  }

  /** Live version of {@link codeWindow}: emits again when the window's rows change. */
  liveCodeWindow<T extends Resource = Resource>(query: CodeWindowQuery): LiveObservable<CodeWindow<T>> {
    return this.#local.liveCodeWindow<T>(query);
  }

  /** One row by source, type and id; tombstones only with `includeDeleted`. */
  get<T extends Resource = Resource>(source: string, type: string, id: string, options: { includeDeleted?: boolean } = {}): Promise<StoredRow<T> | undefined> {
    return this.#local.get<T>(source, type, id, options);
  }

  /** `get` by a `"<source>/<Type>/<id>"` string, e.g. `read('clinic/Medication/abc')`. */
  read<T extends Resource = Resource>(ref: string, options: { includeDeleted?: boolean } = {}): Promise<StoredRow<T> | undefined> {
    return this.#local.read<T>(ref, options);
  }

  /** Patient keys linked to `patient`, itself first, then the others sorted. */
  linkedPatients(patient: PatientKey): Promise<string[]> {
    return this.#local.linkedPatients(patient);
  }

  // ---------------------------------------------------------------------------------------------
  // Local writes, purge, conflicts

  /** Saves a resource locally now and queues it for upload (If-Match on the stored version). */
  save<T extends Resource>(resource: T, options: { source: string }): Promise<StoredRow<T>> {
    return this.#local.save(resource, options);
  }

  /** Deletes a resource locally and queues the delete for upload. */
  remove(source: string, type: string, id: string): Promise<void> {
    return this.#local.remove(source, type, id);
  }

  /** Every local write not yet uploaded (pending and in conflict), in order, e.g. for a status display. */
  listOutbox(source?: string): Promise<OutboxEntry[]> {
    return this.#local.listOutbox(source);
  }

  /**
   * Removes cached data: everything, or `patient` and every patient linked to it. Rejects with
   * `StoreError('unsent-writes')`, removing nothing, when unsent local writes would be dropped,
   * unless `force: true`.
   */
  purge(options: PurgeOptions = {}): Promise<PurgeResult> {
    return this.#local.purge(options);
  }

  /** Conflicts waiting for a person, oldest first (resolved ones too with `includeResolved`). */
  listConflicts(options: { source?: string; includeResolved?: boolean } = {}): Promise<ConflictRecord[]> {
    return this.#local.listConflicts(options);
  }

  /** Resolves a conflict: take the `server` version, keep the `local` one, or a `merged` resource. */
  resolveConflict(id: number, choice: { take: ConflictChoice; resource?: Resource }): Promise<StoredRow | undefined> {
    return this.#local.resolveConflict(id, choice);
  }

  // ---------------------------------------------------------------------------------------------
  // Completeness and identity

  /** Per source: delivered, searched with no record, failed or not synced, for `patient` and its linked set. */
  coverage(patient: PatientKey): Promise<PatientCoverage[]> {
    return this.#local.coverage(patient);
  }

  /** Ids of the sources from which a download for `patient` (or a linked one) has completed. */
  syncedSources(patient: PatientKey): Promise<string[]> {
    return this.#local.syncedSources(patient);
  }

  /** Records that may be the same person but are not linked, with the evidence; sorted by id. */
  listPossibleMatches(patient?: PatientKey): Promise<PossibleMatch[]> {
    return this.#local.listPossibleMatches(patient);
  }

  /** Live version of {@link listPossibleMatches} for one patient. */
  livePossibleMatches(patient: PatientKey): LiveObservable<PossibleMatch[]> {
    return this.#local.livePossibleMatches(patient);
  }

  /** A person confirms that the two records of a possible match (its `id`) are the same person. */
  confirmLink(id: string): Promise<void> {
    return this.#local.confirmLink(id);
  }

  /** A person rejects a possible match (its `id`); also undoes a confirmation. */
  rejectLink(id: string): Promise<void> {
    return this.#local.rejectLink(id);
  }

  // ---------------------------------------------------------------------------------------------
  // Sync and lifecycle

  /**
   * Downloads `patientKey`'s record from its source and the same person's record from every
   * other source (linked by `linkIdentifierSystems` and `Patient.link`), uploading pending local
   * writes of those sources first. Resolves with a per-source report even when some sources fail;
   * rejects only for a malformed key, an unknown source, or an abort.
   */
  async syncPatient(patientKey: string, options: SyncPatientOptions = {}): Promise<SyncReport> {
    await this.#settled();
    return (await this.#engine()).syncPatient(patientKey, options);
  }

  /** Uploads pending local writes of every source (no download). */
  async sync(options: { signal?: AbortSignal; onProgress?: ProgressListener; sources?: string[] } = {}): Promise<SyncReport> {
    await this.#settled();
    return (await this.#engine()).upload(options);
  }

  /** Closes the database and the progress channel. */
  close(): void {
    this.#shutDown();
    this.#local.close();
  }

  /**
   * Signs the partition out on this device: closes the store and deletes its database in this
   * and every other tab (theirs dispatch `closed` with reason `'signed-out'`). Local changes not
   * yet uploaded are lost: call `sync()` first. Call it when the user logs out of the host.
   */
  async signOut(): Promise<void> {
    this.#shutDown();
    await this.#local.signOut();
  }

  #shutDown(): void {
    this.#offRemote();
    this.#channel?.close();
    void this.#enginePromise?.then((engine) => engine.close());
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

  async #settled(): Promise<void> {
    while (this.#pendingSources.size) await Promise.all([...this.#pendingSources]);
  }
}

export type { SyncReport, SyncPatientOptions, SyncProgress };
