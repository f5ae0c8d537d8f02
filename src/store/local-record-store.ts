/**
 * The data layer of the record store: Dexie on IndexedDB, no network.
 *
 * The public `RecordStore` is this class plus `src/sync/`. Methods under "Sync engine API" are
 * what the sync engine builds on; everything else is for elements and host apps.
 *
 * This class is a facade: each method checks that the store is open, maps errors to `StoreError`
 * and hands the work to one module of `src/store/` with a small context (`context.ts`); the file
 * map is in `src/store/README.md`.
 */
import type { Resource } from 'fhir/r4';
import * as pages from './apply-page.js';
import * as conflicts from './conflicts.js';
import type { StoreContext } from './context.js';
import * as coverage from './coverage.js';
import type { PatientCoverage } from './coverage.js';
import { hashedDatabaseName } from './database-names.js';
import { StoreError, toStoreError } from './errors.js';
import * as lifecycle from './lifecycle.js';
import type { DexieDependencies, OpenOptions } from './lifecycle.js';
import type { LinkRules, PossibleMatch } from './links.js';
import * as writes from './local-writes.js';
import * as matches from './matches.js';
import * as outbox from './outbox.js';
import * as purging from './purge.js';
import type { PurgeOptions, PurgeResult } from './purge.js';
import * as codeQueries from './code-queries.js';
import { liveDistinct } from './live.js';
import type { CodeSummaryEntry, CodeWindow, CodeWindowQuery, CodeWindowsQuery } from './code-queries.js';
import * as reading from './query.js';
import type { RecordDatabase } from './schema.js';
import * as sources from './sources.js';
import type {
  ApplyPageResult,
  CheckpointRecord,
  ConflictChoice,
  ConflictRecord,
  DownloadPage,
  LiveObservable,
  OutboxEntry,
  PatientKey,
  SearchQuery,
  SourceInit,
  SourceRecord,
  StoredRow,
} from './types.js';

export type { OpenOptions } from './lifecycle.js';
export type { PurgeOptions, PurgeResult } from './purge.js';

/**
 * Offline FHIR record store for one partition (user). See `src/store/README.md` for the tables
 * and guarantees.
 */
export class LocalRecordStore {
  /** Partition name given to `open`. */
  readonly name: string;
  /** Identifier systems that make patients comparable across sources. */
  readonly linkIdentifierSystems: readonly string[];
  /** The identifier system trusted to link without corroboration, if the host named one. */
  readonly trustedIdentifierSystem?: string;

  private readonly ctx: StoreContext;
  private closed = false;
  private dependencies: DexieDependencies = {};
  /**
   * Called once when the database is closed from outside this instance: `'signed-out'` when
   * another tab deleted it (`signOut`), `'upgraded-elsewhere'` when a newer version of the kit
   * opened it. Every later call rejects with `StoreError('closed')`.
   */
  onclosed: ((reason: 'signed-out' | 'upgraded-elsewhere') => void) | null = null;

  private constructor(
    db: RecordDatabase,
    name: string,
    linkIdentifierSystems: readonly string[],
    trustedIdentifierSystem: string | undefined,
    keyRange: typeof IDBKeyRange,
  ) {
    this.name = name;
    this.linkIdentifierSystems = [...linkIdentifierSystems];
    if (trustedIdentifierSystem) this.trustedIdentifierSystem = trustedIdentifierSystem;
    const rules: LinkRules = { linkSystems: this.linkIdentifierSystems, ...(trustedIdentifierSystem ? { trustedSystem: trustedIdentifierSystem } : {}) };
    this.ctx = { db, rules, fetches: new Map<string, typeof fetch>(), keyRange };
  }

  /**
   * Database name used for a partition name: `ehr-elements/` and a SHA-256 digest of the name,
   * so the list of databases names no user (see `src/store/database-names.ts`). Lock and
   * BroadcastChannel names derive from it too.
   */
  static databaseName(name: string): string {
    return hashedDatabaseName(name);
  }

  /**
   * Signs the partition out on this device: closes this store and deletes its database (outbox
   * included: unsent local changes are lost — upload first). Other tabs with the partition open
   * are closed by the deletion (IndexedDB asks them to let go; their later calls reject with
   * `StoreError('closed')` and `onclosed` is called with `'signed-out'`).
   */
  async signOut(): Promise<void> {
    this.close();
    await LocalRecordStore.signOut(this.name, this.dependencies);
  }

  /** Deletes a partition's database (and one left under the old, unhashed name) without opening it. */
  static async signOut(name: string, options: Pick<OpenOptions, 'indexedDB' | 'IDBKeyRange'> = {}): Promise<void> {
    await lifecycle.deletePartition(name, options);
  }

  /**
   * Opens (creating or upgrading as needed) the database of partition `options.name`.
   * Rejects with `StoreError` `'invalid-argument'` for an empty name, `'version-too-new'` when the
   * database was written by newer code.
   */
  static async open(options: OpenOptions): Promise<LocalRecordStore> {
    const { db, deps } = await lifecycle.openDatabase(options);
    const store = new LocalRecordStore(db, options.name, options.linkIdentifierSystems ?? [], options.trustedIdentifierSystem, deps.IDBKeyRange ?? globalThis.IDBKeyRange);
    store.dependencies = deps;
    // Another tab signed the partition out (deleted the database): let go at once so the
    // deletion can proceed, and tell the host. A newer schema in another tab (newVersion set)
    // closes too, as Dexie does by default.
    db.on('versionchange', (event: IDBVersionChangeEvent) => {
      store.closed = true;
      db.close();
      store.onclosed?.(event.newVersion === null ? 'signed-out' : 'upgraded-elsewhere');
      return false;
    });
    return store;
  }

  /** Deletes the whole database of a partition (e.g. on sign-out), outbox included. */
  static async deleteDatabase(
    name: string,
    options: Pick<OpenOptions, 'indexedDB' | 'IDBKeyRange'> = {},
  ): Promise<void> {
    await lifecycle.deleteDatabase(name, options);
  }

  /** Closes the database; every later call rejects with `StoreError('closed')`. */
  close(): void {
    this.closed = true;
    this.ctx.db.close();
  }

  /** The `getSources` read in flight, if any (see {@link getSources}). */
  private sourcesRead?: Promise<SourceRecord[]>;

  /** Runs `fn` with the closed check and error mapping every public method shares. */
  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError('closed', `${what}: the record store is closed.`);
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error, what);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sources

  /**
   * Registers a source, or updates its base URL and label. Persisted except `fetch`, which is
   * kept in this instance's memory (see {@link getSourceFetch}). Resolves when stored; await it
   * before saving to or syncing the source.
   */
  async addSource(init: SourceInit): Promise<SourceRecord> {
    return this.run('addSource', () => sources.addSource(this.ctx, init));
  }

  /**
   * All sources, in the order they were first added. Calls made while a read is in flight share
   * it (a list of rows has a source badge per row, each asking at once); every caller gets its own
   * copy. The shared read is dropped as soon as it answers, and IndexedDB runs a write only after
   * the reads begun before it, so a call made after a write has finished always sees it.
   */
  async getSources(): Promise<SourceRecord[]> {
    return this.run('getSources', async () => {
      let read = this.sourcesRead;
      if (!read) {
        const started = sources.getSources(this.ctx);
        read = started;
        this.sourcesRead = started;
        const drop = () => {
          if (this.sourcesRead === started) this.sourcesRead = undefined;
        };
        started.then(drop, drop);
      }
      return structuredClone(await read);
    });
  }

  /** The `fetch` given to `addSource` in this instance, if any (for the sync engine). */
  getSourceFetch(id: string): typeof fetch | undefined {
    return sources.getSourceFetch(this.ctx, id);
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /**
   * Rows of a patient's record: the union over every patient linked to `query.patient`, each
   * row with its source. Newest clinical date first, undated rows last. Tombstones are left out
   * unless `includeDeleted`.
   */
  async search<T extends Resource = Resource>(query: SearchQuery): Promise<StoredRow<T>[]> {
    return this.run('search', () => reading.queryRows(this.ctx, query)) as Promise<StoredRow<T>[]>;
  }

  /**
   * Live version of {@link search} (a Dexie liveQuery): emits the current rows on subscribe and
   * again after any committed write that may change them — local saves, downloaded pages, link
   * changes — in this tab or, through Dexie's BroadcastChannel, in other tabs and workers of the
   * same origin. Errors arrive as `StoreError` on the observer's `error`.
   */
  live<T extends Resource = Resource>(query: SearchQuery): LiveObservable<StoredRow<T>[]> {
    return reading.liveRows<T>(() => this.run('live', () => reading.queryRows(this.ctx, query)));
  }

  /**
   * Each distinct main code (`system|code`, `''` for none) of the patient's live rows of `type`,
   * over the linked set, with its count, newest date and newest row, ordered by code. Reads one
   * row per code, never the whole history (see `code-queries.ts`); for the lab timeline's rows of
   * tests. Rejects with `StoreError('invalid-argument')` for a malformed key or type.
   */
  async codeSummary<T extends Resource = Resource>(patient: PatientKey, type: string): Promise<CodeSummaryEntry<T>[]> {
    return this.run('codeSummary', () => codeQueries.codeSummary<T>(this.ctx, patient, type));
  }

  /** Live version of {@link codeSummary}: emits on subscribe and whenever the summary changes. */
  liveCodeSummary<T extends Resource = Resource>(patient: PatientKey, type: string): LiveObservable<CodeSummaryEntry<T>[]> {
    return liveDistinct(() => this.run('liveCodeSummary', () => codeQueries.codeSummary<T>(this.ctx, patient, type)), codeQueries.summaryPrint);
  }

  /**
   * `limit` (1–1000) live rows of the patient's `type` over the linked set, of one main code or
   * all, newest first (undated last), starting just `before` or `after` a position a previous
   * window returned (`older` / `newer`). Reads only the window's rows. Rejects with
   * `StoreError('invalid-argument')` for a malformed query.
   */
  async codeWindow<T extends Resource = Resource>(query: CodeWindowQuery): Promise<CodeWindow<T>> {
    return this.run('codeWindow', () => codeQueries.codeWindow<T>(this.ctx, query));
  }

  /**
   * The newest `limit` rows of each of `codes` (1–500), in the order of `codes`: one call for the
   * tests a view shows at once, in one transaction. Rejects with `StoreError('invalid-argument')`
   * for a malformed query.
   */
  async codeWindows<T extends Resource = Resource>(query: CodeWindowsQuery): Promise<CodeWindow<T>[]> {
    return this.run('codeWindows', () => codeQueries.codeWindows<T>(this.ctx, query));
  }

  /** Live version of {@link codeWindow}: emits on subscribe and whenever the window's rows change. */
  liveCodeWindow<T extends Resource = Resource>(query: CodeWindowQuery): LiveObservable<CodeWindow<T>> {
    return liveDistinct(() => this.run('liveCodeWindow', () => codeQueries.codeWindow<T>(this.ctx, query)), codeQueries.windowPrint);
  }

  /** One row by source, type and id; tombstones only with `includeDeleted`. */
  async get<T extends Resource = Resource>(
    source: string,
    type: string,
    id: string,
    options: { includeDeleted?: boolean } = {},
  ): Promise<StoredRow<T> | undefined> {
    return this.run('get', () => reading.getRow<T>(this.ctx, source, type, id, options));
  }

  /** `get` by a `"<source>/<Type>/<id>"` string, e.g. `read('clinic/Medication/abc')`. */
  async read<T extends Resource = Resource>(ref: string, options: { includeDeleted?: boolean } = {}): Promise<StoredRow<T> | undefined> {
    const [source, type, id] = reading.parseRowRef(ref);
    return this.get<T>(source, type, id, options);
  }

  /**
   * Patient keys linked to `patient`, itself first, then the others sorted. Includes keys named
   * by `Patient.link` whose Patient is not stored yet, so sync can fetch them.
   */
  async linkedPatients(patient: PatientKey): Promise<string[]> {
    return this.run('linkedPatients', () => reading.linkedPatients(this.ctx, patient));
  }

  // ---------------------------------------------------------------------------------------------
  // Local writes

  /**
   * Saves a resource locally now and queues it for upload, in one transaction: the row shows the
   * new version at once (with `local: 'pending'`) and an outbox entry records the write. A
   * resource without an id gets a client-chosen UUID so the upload can PUT idempotently. The
   * caller's object is not modified. The source must have been added.
   *
   * The outbox entry is an `update` (If-Match on the stored server version) when the row holds a
   * server version, otherwise a `create`. Each save appends an entry; `completeWrite` re-bases
   * later entries of the same resource on the version the server returns.
   */
  async save<T extends Resource>(resource: T, options: { source: string }): Promise<StoredRow<T>> {
    return this.run('save', () => writes.save(this.ctx, resource, options));
  }

  /**
   * Deletes a resource locally (the row becomes a tombstone with `local: 'pending'`) and queues
   * a `delete` for upload, in one transaction. Rejects with `not-found` when no such row exists.
   */
  async remove(source: string, type: string, id: string): Promise<void> {
    return this.run('remove', () => writes.remove(this.ctx, source, type, id));
  }

  /**
   * Removes cached data. Without `patient`: every resource, checkpoint, link, outbox entry and
   * conflict (sources stay registered, their sync status is reset). With `patient`: that patient
   * and every patient linked to it — the whole record a clinician sees as one person — with
   * their outbox entries and conflicts, and the checkpoints of their sources that are either
   * tagged with one of those patients or untagged (so the next sync re-downloads rather than
   * trusting a checkpoint for data that is gone). Shared resources (Medication, Practitioner, ...)
   * are kept. Either way every source's `lastError` is cleared (it may name purged data).
   *
   * Rejects with `StoreError('unsent-writes')` — and removes nothing — when local writes not yet
   * uploaded (or in conflict) would be dropped, unless `force: true`.
   */
  async purge(options: PurgeOptions = {}): Promise<PurgeResult> {
    return this.run('purge', () => purging.purge(this.ctx, options));
  }

  // ---------------------------------------------------------------------------------------------
  // Conflicts

  /** Conflicts waiting for a person, oldest first (resolved ones too with `includeResolved`). */
  async listConflicts(options: { source?: string; includeResolved?: boolean } = {}): Promise<ConflictRecord[]> {
    return this.run('listConflicts', () => conflicts.listConflicts(this.ctx, options));
  }

  /**
   * Resolves a conflict, in one transaction:
   * - `'server'`: the server's version becomes the row; every outbox entry of the resource is
   *   dropped (the local change is discarded).
   * - `'local'`: the row keeps its latest local version; the outbox entries of the resource are
   *   squashed into one, re-based on the server's versionId so its If-Match passes (a create when
   *   the server no longer has the resource; nothing to send when both sides deleted it).
   * - `'merged'`: `resource` (same type and id) becomes the local version, queued like `'local'`.
   * The conflict record is kept, marked resolved. Returns the row as it is now.
   */
  async resolveConflict(
    id: number,
    choice: { take: ConflictChoice; resource?: Resource },
  ): Promise<StoredRow | undefined> {
    return this.run('resolveConflict', () => conflicts.resolveConflict(this.ctx, id, choice));
  }

  // ---------------------------------------------------------------------------------------------
  // Sync engine API

  /**
   * Applies one downloaded page atomically: upserts, tombstones and the checkpoint are written
   * in ONE transaction, so after a crash either the whole page and its checkpoint are stored or
   * neither is. Per resource:
   * - an upsert whose `meta.versionId` equals the stored one, or whose `meta.lastUpdated` is older
   *   than the stored one, is skipped (overlap de-duplication; `_history` pages that list older
   *   versions after newer ones never regress a row);
   * - a row with a local write pending or in conflict is never overwritten: the server version is
   *   kept aside on the row (`held`) and the local version stays visible until upload or
   *   resolution;
   * - a delete writes a tombstone (`deleted`) that keeps only what a delete needs — type, id,
   *   versionId, time, and the patient key so `purge({ patient })` and delete detection still
   *   find it — not the resource: `search` hides it and an older copy cannot revive it;
   * - Patient upserts/deletes update `links`.
   * - with `page.patients`, an upsert the download filing rule (`fileDownloaded` in
   *   `compartment.ts`) does not place under one of those patients (or under none, for shared
   *   types) is counted as `refused` and not written: a source speaks only about the patients
   *   it was asked for.
   * Upserts that are not storable resources are counted as `invalid` and not written; every
   * other failure (quota included) rolls the whole page back. Rejects with `not-found` for an
   * unknown source.
   */
  async applyPage(source: string, page: DownloadPage): Promise<ApplyPageResult> {
    return this.run('applyPage', () => pages.applyPage(this.ctx, source, page));
  }

  /** The stored checkpoint value (server time) for `source` + `key`, if any. */
  async getCheckpoint(source: string, key: string): Promise<string | undefined> {
    return (await this.getCheckpointRecord(source, key))?.value;
  }

  /** The whole checkpoint record (value, strategy data, patient tag). */
  async getCheckpointRecord(source: string, key: string): Promise<CheckpointRecord | undefined> {
    return this.run('getCheckpoint', () => pages.getCheckpointRecord(this.ctx, source, key));
  }

  /**
   * Ids of the rows of `type` in `source` belonging to `patientKey` that hold a server version:
   * not tombstones, no local write pending or in conflict. Compare with the server's id set to
   * detect deletes (`applyPage` with `deletes` for the ids the server no longer has).
   */
  async localIds(source: string, type: string, patientKey: PatientKey): Promise<string[]> {
    return this.run('localIds', () => pages.localIds(this.ctx, source, type, patientKey));
  }

  /**
   * Whether any row of `types` (tombstones and rows with local changes included) is filed under
   * `patientKey`. Keys only, at most one per type. The sync engine asks this before a first full
   * listing: when nothing was stored, there is nothing to compare with the server's id set.
   */
  async hasRows(patientKey: PatientKey, types: readonly string[]): Promise<boolean> {
    return this.run('hasRows', () => pages.hasRows(this.ctx, patientKey, types));
  }

  /**
   * Outbox entries ready for upload, in `seq` order (upload them in this order, one resource's
   * entries strictly one after another). Entries in conflict, and every later entry of a resource
   * that has one, are left out until the conflict is resolved. Use {@link listOutbox} for all.
   */
  async pendingWrites(source?: string): Promise<OutboxEntry[]> {
    return this.run('pendingWrites', () => outbox.pendingWrites(this.ctx, source));
  }

  /** Every outbox entry (pending and in conflict), in `seq` order, e.g. for a status display. */
  async listOutbox(source?: string): Promise<OutboxEntry[]> {
    return this.run('listOutbox', () => outbox.listOutboxRows(this.ctx, source));
  }

  /**
   * Records a successful upload, in ONE transaction: the outbox entry is removed and the
   * server's version (new versionId/lastUpdated) becomes the row. If later entries of the same
   * resource are still queued, the row keeps showing the local version and those entries are
   * re-based on the new versionId (a queued `create` becomes an `update`). `serverResource` is
   * what the server returned; pass `null` for a delete, or when the server returned no body (the
   * sent body is then stored without version until the next download). If the server assigned a
   * different id, the row moves to that id, and every local write of the source still waiting
   * (outbox bodies, rows' local versions, unresolved conflicts) that references the old id —
   * relative, or absolute under the source's base — references the new one.
   */
  async completeWrite(seq: number, serverResource: Resource | null): Promise<void> {
    return this.run('completeWrite', () => outbox.completeWrite(this.ctx, seq, serverResource));
  }

  /** Records a failed upload attempt (network error, 5xx, ...): `attempts + 1`, `lastError`. */
  async failWrite(seq: number, error: string): Promise<void> {
    return this.run('failWrite', () => outbox.failWrite(this.ctx, seq, error));
  }

  /**
   * Records that the server rejected an upload because the resource changed there (412/409),
   * in ONE transaction: a conflict record keeps the local change and `serverResource` (the
   * server's current version, `null` when the server no longer has it); the outbox entry stays
   * but is marked `'conflict'`, so `pendingWrites` holds it (and later writes to the same
   * resource) back until `resolveConflict`; the row shows `local: 'conflict'`. Calling it again
   * for the same entry updates the server version of the existing conflict. Returns the
   * conflict id.
   */
  async recordConflict(seq: number, serverResource: Resource | null): Promise<number> {
    return this.run('recordConflict', () => conflicts.recordConflict(this.ctx, seq, serverResource));
  }

  /**
   * Updates a source's sync fields (status, lastSyncAt, lastError, capabilities, label). A key
   * given as `undefined` is cleared. `id`, `baseUrl` and `addedAt` cannot be patched here.
   */
  async setSourceStatus(source: string, patch: Partial<SourceRecord>): Promise<SourceRecord> {
    return this.run('setSourceStatus', () => sources.setSourceStatus(this.ctx, source, patch));
  }

  /**
   * Ids of the sources from which a download for `patient` (or any patient linked to it) has
   * completed at least once: sources holding a checkpoint tagged with one of those patient keys
   * (checkpoints are written only with the last page of a query, see `src/sync/checkpoint.ts`).
   * Read-only; sorted. Says nothing about whether the LAST sync of the source succeeded.
   */
  async syncedSources(patient: PatientKey): Promise<string[]> {
    return this.run('syncedSources', () => coverage.syncedSources(this.ctx, patient));
  }

  /**
   * Records that `source` was searched for the person of `patient` (by `searched`
   * identifiers, at server time `at`) and holds no record of them. The next completed download
   * of a linked patient from the source supersedes it (`coverage` says `delivered`).
   */
  async recordNoRecord(source: string, patient: PatientKey, finding: { at?: string; searched: readonly string[] }): Promise<void> {
    return this.run('recordNoRecord', () => coverage.recordNoRecord(this.ctx, source, patient, finding));
  }

  /** Forgets a "no record" finding (the source now holds, or may hold, a record of the person). */
  async clearNoRecord(source: string, patient: PatientKey): Promise<void> {
    return this.run('clearNoRecord', () => coverage.clearNoRecord(this.ctx, source, patient));
  }

  /**
   * Per source, what the store knows about `patient` and every patient linked to it: delivered,
   * searched with no record, failed or not synced (see `src/store/coverage.ts`). In the order of
   * {@link getSources}. Elements build "nothing recorded" on this.
   */
  async coverage(patient: PatientKey): Promise<PatientCoverage[]> {
    return this.run('coverage', () => coverage.patientCoverage(this.ctx, patient));
  }

  // ---------------------------------------------------------------------------------------------
  // Identity decisions

  /**
   * Records compared with `patient`'s linked set (or with any stored patient) that the linking
   * rule would not merge: several records of one source with the identifier, facts that differ
   * or are missing, or a `Patient.link` the other side does not corroborate. Each comes with
   * the evidence; a person confirms or rejects it. Sorted by id.
   */
  async listPossibleMatches(patient?: PatientKey): Promise<PossibleMatch[]> {
    return this.run('listPossibleMatches', () => matches.listPossibleMatches(this.ctx, patient));
  }

  /** Live version of {@link listPossibleMatches} for one patient (re-runs after any link change). */
  livePossibleMatches(patient: PatientKey): LiveObservable<PossibleMatch[]> {
    return matches.liveMatches(() => this.run('livePossibleMatches', () => this.listPossibleMatches(patient)));
  }

  /**
   * A person confirms that the two records of a possible match (its `id`) are the same person.
   * Remembered: they stay linked, whatever the records say later, until `rejectLink`. Both
   * records must be stored. The next sync of the patient downloads the confirmed record in full.
   */
  async confirmLink(id: string): Promise<void> {
    return this.run('confirmLink', () => matches.decide(this.ctx, id, 'confirmed'));
  }

  /**
   * A person rejects a possible match (its `id`): the two records are never linked and the pair
   * is not offered again until either record's identifiers, links, name, birth date or gender
   * change. Also undoes a confirmation.
   */
  async rejectLink(id: string): Promise<void> {
    return this.run('rejectLink', () => matches.decide(this.ctx, id, 'rejected'));
  }
}
