/**
 * The data layer of the record store: Dexie on IndexedDB, no network.
 *
 * The public `RecordStore` is this class plus `src/sync/`. Methods under "Sync engine API" are
 * what the sync engine builds on; everything else is for elements and host apps.
 */
import { Dexie, liveQuery } from 'dexie';
import type { Patient, Resource } from 'fhir/r4';
import { fileDownloaded, isFhirId, normalizeBase, parsePatientKey, patientKeyOf, type SourceBases } from './compartment.js';
import { clinicalDate, codesOf, instantMs } from './derive.js';
import { StoreError, toStoreError } from './errors.js';
import { identityFingerprint, linkedSets, linkRowFor, mergePossible, pairId, parsePairId, type LinkRules, type PossibleMatch } from './links.js';
import { coverageOf, type PatientCoverage } from './coverage.js';
import { hashedDatabaseName, legacyDatabaseName } from './database-names.js';
import {
  RecordDatabase,
  declareSchema,
  type ConflictRow,
  type LinkRow,
  type OutboxRow,
  type ResourceKey,
  type ResourceRow,
} from './schema.js';
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

/** Options for {@link LocalRecordStore.open}. */
export interface OpenOptions {
  /**
   * Partition name: one database per name (named by its SHA-256 digest, never the name itself). Use one per signed-in user
   * and per SMART `iss` + tenant so caches never mix.
   */
  name: string;
  /**
   * Identifier systems whose shared values make two patients comparable across sources (e.g. a
   * national id). They link automatically only when corroborated: see `src/store/README.md`.
   */
  linkIdentifierSystems?: readonly string[];
  /**
   * One identifier system trusted to link on its own value, without the family name, birth
   * date and gender check (e.g. a number issued by a national registry that every source
   * verifies). A risk: any source that records a wrong or copied value in this system merges
   * two people's records. Leave unset unless every source verifies the number.
   */
  trustedIdentifierSystem?: string;
  /** IndexedDB implementation to use instead of the global one (tests: fake-indexeddb). */
  indexedDB?: IDBFactory;
  /** `IDBKeyRange` matching `indexedDB`. */
  IDBKeyRange?: typeof IDBKeyRange;
}

function dexieDependencies(options: Pick<OpenOptions, 'indexedDB' | 'IDBKeyRange'>): { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } {
  return {
    ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
    ...(options.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
  };
}

/**
 * Moves a partition stored by older versions under its plain name (`ehr-elements/<name>`) into
 * the hashed database `db` (just opened, so at the current schema): the old database is opened
 * with the same schema (upgrading it in place), every table copied, then the old one deleted.
 * Nothing to do when there is no old database. Copies are puts, so a migration interrupted
 * half-way is finished by the next open.
 */
async function migrateLegacyDatabase(db: RecordDatabase, legacyName: string, deps: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange }): Promise<void> {
  const probe = new Dexie(legacyName, deps);
  try {
    await probe.open(); // no schema declared: opens an existing database as it is, fails if none
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchDatabaseError') return;
    throw error;
  } finally {
    probe.close();
  }
  const old = new RecordDatabase(legacyName, deps);
  declareSchema(old);
  await old.open();
  try {
    for (const table of ALL_TABLES) {
      const rows = await old.table(table).toArray();
      if (rows.length) await db.table(table).bulkPut(rows);
    }
  } finally {
    old.close();
  }
  await old.delete();
}

/** Options for {@link LocalRecordStore.purge}. */
export interface PurgeOptions {
  /** Purge only this patient and every patient linked to it. Omit to purge everything. */
  patient?: PatientKey;
  /** Drop local writes that were never uploaded instead of refusing. */
  force?: boolean;
}

/** Counts returned by {@link LocalRecordStore.purge}. */
export interface PurgeResult {
  resources: number;
  /** Outbox entries dropped (non-zero only with `force`). */
  writesDropped: number;
}

const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;
const SOURCE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const ALL_TABLES = ['resources', 'sources', 'checkpoints', 'outbox', 'conflicts', 'links', 'matches', 'coverage'] as const;
/** The index every by-patient read uses (schema v3). */
const BY_PATIENT = '[patient+type+deleted+date]';

function describe(r: { resourceType?: unknown; id?: unknown }): string {
  return `${String(r.resourceType ?? '?')}/${String(r.id ?? '(no id)')}`;
}

/** Throws `invalid-resource` unless `value` looks like a storable FHIR resource. */
function assertResource(value: unknown, requireId: boolean): asserts value is Resource {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new StoreError('invalid-resource', 'Expected a FHIR resource object.');
  }
  const r = value as { resourceType?: unknown; id?: unknown; meta?: unknown };
  if (typeof r.resourceType !== 'string' || !RESOURCE_TYPE.test(r.resourceType)) {
    throw new StoreError('invalid-resource', `Not a FHIR resource: resourceType is ${JSON.stringify(r.resourceType)}.`);
  }
  if (r.id !== undefined || requireId) {
    if (!isFhirId(r.id)) {
      throw new StoreError(
        'invalid-resource',
        `${describe(r)}: id must be 1-64 letters, digits, '-' or '.' (got ${JSON.stringify(r.id)}).`,
      );
    }
  }
  if (r.meta !== undefined && (typeof r.meta !== 'object' || r.meta === null)) {
    throw new StoreError('invalid-resource', `${describe(r)}: meta must be an object.`);
  }
}

function keyString(source: string, type: string, id: string): string {
  return `${source}/${type}/${id}`;
}

/** True when `incoming` is known to be older than `stored` (both instants). */
function isOlder(incoming: string | undefined, stored: string | undefined): boolean {
  const a = instantMs(incoming);
  const b = instantMs(stored);
  return a !== undefined && b !== undefined && a < b;
}

function toStoredRow<T extends Resource = Resource>(row: ResourceRow): StoredRow<T> {
  const out: StoredRow<T> = {
    source: row.source,
    resource: row.resource as T,
    patient: row.patient,
    fetchedAt: row.fetchedAt,
  };
  if (row.lastUpdated !== undefined) out.lastUpdated = row.lastUpdated;
  if (row.versionId !== undefined) out.versionId = row.versionId;
  if (row.local) out.local = row.local;
  if (row.deleted) out.deleted = true;
  return out;
}

function toConflictRecord(row: ConflictRow): ConflictRecord {
  const { resolved, ...rest } = row;
  return { ...rest, id: row.id!, resolved: resolved === 1 };
}

/** Newest clinical date first, undated (`''`) last; then by source, type, id for a stable order. */
function compareRows(a: ResourceRow, b: ResourceRow): number {
  const da = a.date ?? '';
  const db = b.date ?? '';
  if (da !== db) {
    if (!da) return 1;
    if (!db) return -1;
    return da < db ? 1 : -1;
  }
  return keyString(a.source, a.type, a.id) < keyString(b.source, b.type, b.id) ? -1 : 1;
}

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

  private readonly db: RecordDatabase;
  private readonly fetches = new Map<string, typeof fetch>();
  private readonly rules: LinkRules;
  private closed = false;
  private dependencies: Pick<OpenOptions, 'indexedDB' | 'IDBKeyRange'> = {};
  /**
   * Called once when the database is closed from outside this instance: `'signed-out'` when
   * another tab deleted it (`signOut`), `'upgraded-elsewhere'` when a newer version of the kit
   * opened it. Every later call rejects with `StoreError('closed')`.
   */
  onclosed: ((reason: 'signed-out' | 'upgraded-elsewhere') => void) | null = null;

  private constructor(db: RecordDatabase, name: string, linkIdentifierSystems: readonly string[], trustedIdentifierSystem?: string) {
    this.db = db;
    this.name = name;
    this.linkIdentifierSystems = [...linkIdentifierSystems];
    if (trustedIdentifierSystem) this.trustedIdentifierSystem = trustedIdentifierSystem;
    this.rules = { linkSystems: this.linkIdentifierSystems, ...(trustedIdentifierSystem ? { trustedSystem: trustedIdentifierSystem } : {}) };
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
    await LocalRecordStore.deleteDatabase(name, options);
    try {
      await new Dexie(legacyDatabaseName(name), dexieDependencies(options)).delete();
    } catch (error) {
      throw toStoreError(error, `Deleting record store "${name}"`);
    }
  }

  /**
   * Opens (creating or upgrading as needed) the database of partition `options.name`.
   * Rejects with `StoreError` `'invalid-argument'` for an empty name, `'version-too-new'` when the
   * database was written by newer code.
   */
  static async open(options: OpenOptions): Promise<LocalRecordStore> {
    if (!options || typeof options.name !== 'string' || !options.name) {
      throw new StoreError('invalid-argument', 'LocalRecordStore.open needs a non-empty name.');
    }
    const deps = dexieDependencies(options);
    const db = new RecordDatabase(LocalRecordStore.databaseName(options.name), deps);
    declareSchema(db);
    try {
      await db.open();
      await migrateLegacyDatabase(db, legacyDatabaseName(options.name), deps);
    } catch (error) {
      db.close();
      throw toStoreError(error, `Opening record store "${options.name}"`);
    }
    if (options.trustedIdentifierSystem !== undefined && (typeof options.trustedIdentifierSystem !== 'string' || !options.trustedIdentifierSystem)) {
      db.close();
      throw new StoreError('invalid-argument', 'trustedIdentifierSystem must be a non-empty identifier system URI.');
    }
    const store = new LocalRecordStore(db, options.name, options.linkIdentifierSystems ?? [], options.trustedIdentifierSystem);
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
    try {
      await new Dexie(LocalRecordStore.databaseName(name), dexieDependencies(options)).delete();
    } catch (error) {
      throw toStoreError(error, `Deleting record store "${name}"`);
    }
  }

  /** Closes the database; every later call rejects with `StoreError('closed')`. */
  close(): void {
    this.closed = true;
    this.db.close();
  }

  /** Runs `fn` with the closed check and error mapping every public method shares. */
  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError('closed', `${what}: the record store is closed.`);
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error, what);
    }
  }

  private async requireSource(id: string, what: string): Promise<SourceBases> {
    const sources = await this.db.sources.toArray();
    if (!sources.some((s) => s.id === id)) {
      throw new StoreError('not-found', `${what}: unknown source "${id}"; call addSource first.`);
    }
    return sources;
  }

  /** Builds a clean row holding a server (or local) version of `resource`. */
  private buildRow(source: string, resource: Resource, sources: SourceBases, fetchedAt: number): ResourceRow {
    const row: ResourceRow = {
      source,
      type: resource.resourceType,
      id: resource.id!,
      patient: patientKeyOf(resource, source, sources),
      resource,
      fetchedAt,
      deleted: 0,
      // '' when undated: the row must still have a key in `[patient+type+deleted+date]`.
      date: clinicalDate(resource) ?? '',
    };
    if (resource.meta?.versionId) row.versionId = resource.meta.versionId;
    if (resource.meta?.lastUpdated) row.lastUpdated = resource.meta.lastUpdated;
    const codes = codesOf(resource);
    if (codes.length) row.codes = codes;
    return row;
  }

  /** Keeps `links` in step with a Patient row just written (or removed when a tombstone). */
  private async syncLinks(row: ResourceRow): Promise<void> {
    if (row.type !== 'Patient') return;
    const key = `${row.source}/Patient/${row.id}`;
    if (row.deleted) await this.db.links.delete(key);
    else await this.db.links.put(linkRowFor(row.resource as Patient, row.source));
  }

  // ---------------------------------------------------------------------------------------------
  // Sources

  /**
   * Registers a source, or updates its base URL and label. Persisted except `fetch`, which is
   * kept in this instance's memory (see {@link getSourceFetch}). Resolves when stored; await it
   * before saving to or syncing the source.
   */
  async addSource(init: SourceInit): Promise<SourceRecord> {
    return this.run('addSource', async () => {
      if (!init || typeof init.id !== 'string' || !SOURCE_ID.test(init.id)) {
        throw new StoreError(
          'invalid-source',
          `Source id must be 1-64 letters, digits, '_', '-' or '.' (got ${JSON.stringify(init?.id)}).`,
        );
      }
      let url: URL;
      try {
        url = new URL(init.baseUrl);
      } catch {
        throw new StoreError('invalid-source', `Source "${init.id}": base URL ${JSON.stringify(init.baseUrl)} is not absolute.`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new StoreError('invalid-source', `Source "${init.id}": base URL must be http or https.`);
      }
      const baseUrl = normalizeBase(init.baseUrl);
      const record = await this.db.transaction('rw', this.db.sources, async () => {
        const existing = await this.db.sources.get(init.id);
        const next: SourceRecord = {
          ...existing,
          id: init.id,
          baseUrl,
          label: init.label ?? existing?.label ?? init.id,
          addedAt: existing?.addedAt ?? Date.now(),
        };
        await this.db.sources.put(next);
        return next;
      });
      if (init.fetch) this.fetches.set(init.id, init.fetch);
      else this.fetches.delete(init.id);
      return record;
    });
  }

  /** All sources, in the order they were first added. */
  async getSources(): Promise<SourceRecord[]> {
    return this.run('getSources', async () => {
      const all = await this.db.sources.toArray();
      return all.sort((a, b) => a.addedAt - b.addedAt || (a.id < b.id ? -1 : 1));
    });
  }

  /** The `fetch` given to `addSource` in this instance, if any (for the sync engine). */
  getSourceFetch(id: string): typeof fetch | undefined {
    return this.fetches.get(id);
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** Query body shared by `search` and `live`; runs in one read transaction. */
  private async query(q: SearchQuery): Promise<StoredRow[]> {
    if (!q || typeof q.patient !== 'string' || !parsePatientKey(q.patient)) {
      throw new StoreError('invalid-argument', `search: patient must be "<source>/Patient/<id>" (got ${JSON.stringify(q?.patient)}).`);
    }
    const types = q.type === undefined ? undefined : Array.isArray(q.type) ? q.type : [q.type];
    const codes = q.code === undefined ? undefined : Array.isArray(q.code) ? q.code : [q.code];
    const { resources } = this.db;
    return this.db.transaction('r', [this.db.resources, this.db.links, this.db.sources, this.db.matches], async () => {
      const keys = (await linkedSets(this.db, [q.patient], this.rules))[0]!.keys;
      const keySet = new Set(keys);
      let rows: ResourceRow[];
      if (codes) {
        rows = await resources
          .where('codes')
          .anyOf(codes)
          .distinct()
          .filter((r) => keySet.has(r.patient) && (!types || types.includes(r.type)))
          .toArray();
      } else if (types) {
        // `[patient+type+deleted+date]`: live rows (deleted 0) of each patient and type, plus
        // the tombstones (1) when asked for; a date range narrows the date part. Undated rows
        // have date '' and are outside any range that has a bound (the filter below repeats it).
        const deletedStates = q.includeDeleted ? [0, 1] : [0];
        const dated = q.from !== undefined || q.to !== undefined;
        const lower = q.from ?? '';
        const upper = q.to !== undefined ? `${q.to}\uffff` : '\uffff';
        rows = (
          await Promise.all(
            keys.flatMap((k) =>
              types.flatMap((t) =>
                deletedStates.map((d) =>
                  (dated
                    ? resources.where(BY_PATIENT).between([k, t, d, lower], [k, t, d, upper], true, true)
                    : resources.where(BY_PATIENT).between([k, t, d, Dexie.minKey], [k, t, d, Dexie.maxKey], true, true)
                  ).toArray(),
                ),
              ),
            ),
          )
        ).flat();
      } else {
        rows = (
          await Promise.all(
            keys.map((k) => resources.where(BY_PATIENT).between([k, Dexie.minKey], [k, Dexie.maxKey], true, true).toArray()),
          )
        ).flat();
      }
      const from = q.from;
      const to = q.to !== undefined ? `${q.to}\uffff` : undefined;
      return rows
        .filter((r) => q.includeDeleted || !r.deleted)
        .filter((r) => (from === undefined || (!!r.date && r.date >= from)) && (to === undefined || (!!r.date && r.date <= to)))
        .sort(compareRows)
        .map((r) => toStoredRow(r));
    });
  }

  /**
   * Rows of a patient's record: the union over every patient linked to `query.patient`, each
   * row with its source. Newest clinical date first, undated rows last. Tombstones are left out
   * unless `includeDeleted`.
   */
  async search<T extends Resource = Resource>(query: SearchQuery): Promise<StoredRow<T>[]> {
    return this.run('search', () => this.query(query)) as Promise<StoredRow<T>[]>;
  }

  /**
   * Live version of {@link search} (a Dexie liveQuery): emits the current rows on subscribe and
   * again after any committed write that may change them — local saves, downloaded pages, link
   * changes — in this tab or, through Dexie's BroadcastChannel, in other tabs and workers of the
   * same origin. Errors arrive as `StoreError` on the observer's `error`.
   */
  live<T extends Resource = Resource>(query: SearchQuery): LiveObservable<StoredRow<T>[]> {
    const rows = liveQuery(() => this.run('live', () => this.query(query)));
    return {
      subscribe(observer) {
        const o = typeof observer === 'function' ? { next: observer } : observer;
        // The query also reads `sources` and `links`, so e.g. a sync status update re-runs it;
        // pass on only results that differ, so elements do not re-render for nothing.
        let last: string | undefined;
        return rows.subscribe({
          next: (value) => {
            const print = fingerprint(value);
            if (print === last) return;
            last = print;
            o.next?.(value as StoredRow<T>[]);
          },
          error: (error) => o.error?.(error),
        });
      },
    };
  }

  /** One row by source, type and id; tombstones only with `includeDeleted`. */
  async get<T extends Resource = Resource>(
    source: string,
    type: string,
    id: string,
    options: { includeDeleted?: boolean } = {},
  ): Promise<StoredRow<T> | undefined> {
    return this.run('get', async () => {
      const row = await this.db.resources.get([source, type, id]);
      if (!row || (row.deleted && !options.includeDeleted)) return undefined;
      return toStoredRow<T>(row);
    });
  }

  /** `get` by a `"<source>/<Type>/<id>"` string, e.g. `read('clinic/Medication/abc')`. */
  async read<T extends Resource = Resource>(ref: string, options: { includeDeleted?: boolean } = {}): Promise<StoredRow<T> | undefined> {
    const m = typeof ref === 'string' ? /^([^/]+)\/([A-Za-z]+)\/([^/]+)$/.exec(ref) : null;
    if (!m) {
      throw new StoreError('invalid-argument', `read: expected "<source>/<Type>/<id>" (got ${JSON.stringify(ref)}).`);
    }
    return this.get<T>(m[1]!, m[2]!, m[3]!, options);
  }

  /**
   * Patient keys linked to `patient`, itself first, then the others sorted. Includes keys named
   * by `Patient.link` whose Patient is not stored yet, so sync can fetch them.
   */
  async linkedPatients(patient: PatientKey): Promise<string[]> {
    return this.run('linkedPatients', async () => {
      if (!parsePatientKey(patient)) {
        throw new StoreError('invalid-argument', `linkedPatients: expected "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
      }
      return this.db.transaction('r', [this.db.links, this.db.sources, this.db.matches], async () => (await linkedSets(this.db, [patient], this.rules))[0]!.keys);
    });
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
    return this.run('save', async () => {
      assertResource(resource, false);
      const body = structuredClone(resource) as T;
      if (!body.id) body.id = crypto.randomUUID();
      const { source } = options;
      return this.db.transaction('rw', [this.db.resources, this.db.outbox, this.db.links, this.db.sources], async () => {
        const sources = await this.requireSource(source, 'save');
        const key: ResourceKey = [source, body.resourceType, body.id!];
        const existing = await this.db.resources.get(key);
        const onServer = !!existing && !existing.deleted && !!existing.versionId;
        const now = Date.now();
        const row = this.buildRow(source, body, sources, now);
        // The row keeps the server version it is based on; the resource is the local one.
        delete row.versionId;
        delete row.lastUpdated;
        if (existing?.versionId) row.versionId = existing.versionId;
        if (existing?.lastUpdated) row.lastUpdated = existing.lastUpdated;
        if (existing?.server) row.server = existing.server;
        row.local = existing?.local === 'conflict' ? 'conflict' : 'pending';
        await this.db.resources.put(row);
        await this.syncLinks(row);
        const entry: OutboxRow = {
          source,
          type: body.resourceType,
          id: body.id!,
          operation: onServer ? 'update' : 'create',
          body,
          status: 'pending',
          attempts: 0,
          createdAt: now,
        };
        if (onServer) entry.baseVersionId = existing!.versionId!;
        await this.db.outbox.add(entry);
        return toStoredRow<T>(row);
      });
    });
  }

  /**
   * Deletes a resource locally (the row becomes a tombstone with `local: 'pending'`) and queues
   * a `delete` for upload, in one transaction. Rejects with `not-found` when no such row exists.
   */
  async remove(source: string, type: string, id: string): Promise<void> {
    return this.run('remove', async () => {
      await this.db.transaction('rw', [this.db.resources, this.db.outbox, this.db.links, this.db.sources], async () => {
        await this.requireSource(source, 'remove');
        const existing = await this.db.resources.get([source, type, id]);
        if (!existing || (existing.deleted && !existing.local)) {
          throw new StoreError('not-found', `remove: ${keyString(source, type, id)} is not stored.`);
        }
        const now = Date.now();
        const row: ResourceRow = {
          ...tombstoneRow(source, type, id, existing, now),
          local: existing.local === 'conflict' ? 'conflict' : 'pending',
          // A server version held for a person to compare stays until the conflict is settled.
          ...(existing.server ? { server: existing.server } : {}),
        };
        await this.db.resources.put(row);
        await this.syncLinks(row);
        const entry: OutboxRow = { source, type, id, operation: 'delete', body: null, status: 'pending', attempts: 0, createdAt: now };
        if (existing.versionId) entry.baseVersionId = existing.versionId;
        await this.db.outbox.add(entry);
      });
    });
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
    return this.run('purge', async () => {
      const tables = ALL_TABLES.map((t) => this.db.table(t));
      if (options.patient === undefined) {
        return this.db.transaction('rw', tables, async () => {
          const unsent = await this.db.outbox.count();
          if (unsent && !options.force) throw unsentError(unsent);
          const resources = await this.db.resources.count();
          await Promise.all([
            this.db.resources.clear(),
            this.db.checkpoints.clear(),
            this.db.outbox.clear(),
            this.db.conflicts.clear(),
            this.db.links.clear(),
            this.db.matches.clear(),
            this.db.coverage.clear(),
          ]);
          await this.db.sources.toCollection().modify((s) => {
            delete s.lastSyncAt;
            delete s.status;
            delete s.lastError;
          });
          return { resources, writesDropped: unsent };
        });
      }
      const patient = options.patient;
      if (!parsePatientKey(patient)) {
        throw new StoreError('invalid-argument', `purge: patient must be "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
      }
      return this.db.transaction('rw', tables, async () => {
        // The linked set, and the candidate records fetched to compare with it.
        const [set] = await linkedSets(this.db, [patient], this.rules);
        const keys = [...new Set([...set!.keys, ...set!.possible.map((m) => m.candidate)])];
        const rowKeys = (
          await Promise.all(
            keys.map((k) => this.db.resources.where(BY_PATIENT).between([k, Dexie.minKey], [k, Dexie.maxKey], true, true).primaryKeys()),
          )
        ).flat();
        const targets = new Set(rowKeys.map(([s, t, i]) => keyString(s, t, i)));
        const entries = (await this.db.outbox.toArray()).filter((e) => targets.has(keyString(e.source, e.type, e.id)));
        if (entries.length && !options.force) throw unsentError(entries.length);
        const conflictIds = (await this.db.conflicts.toArray())
          .filter((c) => targets.has(keyString(c.source, c.type, c.resourceId)))
          .map((c) => c.id!);
        const keySet = new Set(keys);
        const sourceIds = new Set(keys.map((k) => parsePatientKey(k)!.source));
        const checkpointKeys = (await this.db.checkpoints.where('source').anyOf([...sourceIds]).toArray())
          .filter((c) => !c.patient || keySet.has(c.patient))
          .map((c): [string, string] => [c.source, c.key]);
        await this.db.resources.bulkDelete(rowKeys);
        await this.db.outbox.bulkDelete(entries.map((e) => e.seq!));
        await this.db.conflicts.bulkDelete(conflictIds);
        await this.db.links.bulkDelete(keys);
        await this.db.checkpoints.bulkDelete(checkpointKeys);
        await this.db.matches.where('a').anyOf(keys).or('b').anyOf(keys).delete();
        await this.db.coverage.where('patient').anyOf(keys).delete();
        // A source's last error may name what was just purged (a URL, a server's words about
        // this patient): it goes too, on every source.
        await this.db.sources.toCollection().modify((s) => {
          delete s.lastError;
        });
        return { resources: rowKeys.length, writesDropped: entries.length };
      });
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Conflicts

  /** Conflicts waiting for a person, oldest first (resolved ones too with `includeResolved`). */
  async listConflicts(options: { source?: string; includeResolved?: boolean } = {}): Promise<ConflictRecord[]> {
    return this.run('listConflicts', async () => {
      const rows = await this.db.conflicts.toArray();
      return rows
        .filter((c) => (options.includeResolved || !c.resolved) && (!options.source || c.source === options.source))
        .map(toConflictRecord);
    });
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
    return this.run('resolveConflict', async () => {
      const tables = [this.db.conflicts, this.db.outbox, this.db.resources, this.db.links, this.db.sources];
      return this.db.transaction('rw', tables, async () => {
        const conflict = await this.db.conflicts.get(id);
        if (!conflict) throw new StoreError('not-found', `resolveConflict: no conflict ${id}.`);
        if (conflict.resolved) throw new StoreError('invalid-state', `resolveConflict: conflict ${id} is already resolved.`);
        const { source, type, resourceId } = conflict;
        const sources = await this.db.sources.toArray();
        const entries = await this.db.outbox.where('[source+type+id]').equals([source, type, resourceId]).sortBy('seq');
        const existing = await this.db.resources.get([source, type, resourceId]);
        const server = conflict.server;
        const now = Date.now();
        let row: ResourceRow | undefined;

        if (choice.take === 'server') {
          await this.db.outbox.bulkDelete(entries.map((e) => e.seq!));
          row = server
            ? this.buildRow(source, server, sources, now)
            : existing && tombstoneRow(source, type, resourceId, existing, now);
        } else if (choice.take === 'local' || choice.take === 'merged') {
          let final: Resource | null;
          if (choice.take === 'merged') {
            const merged = choice.resource ? structuredClone(choice.resource) : undefined;
            if (!merged) throw new StoreError('invalid-argument', "resolveConflict: take 'merged' needs the merged resource.");
            if (merged.id === undefined) merged.id = resourceId;
            assertResource(merged, true);
            if (merged.resourceType !== type || merged.id !== resourceId) {
              throw new StoreError('invalid-resource', `resolveConflict: merged resource must be ${type}/${resourceId}.`);
            }
            final = merged;
          } else {
            final = existing && !existing.deleted ? existing.resource : existing ? null : conflict.local;
          }
          const baseVersionId = server?.meta?.versionId;
          const [first, ...rest] = entries;
          await this.db.outbox.bulkDelete(rest.map((e) => e.seq!));
          if (final === null && server === null) {
            // Deleted on both sides: nothing left to send.
            if (first) await this.db.outbox.delete(first.seq!);
            row = existing && tombstoneRow(source, type, resourceId, existing, now);
          } else {
            const entry: OutboxRow = {
              source,
              type,
              id: resourceId,
              operation: final === null ? 'delete' : server ? 'update' : 'create',
              body: final,
              status: 'pending',
              attempts: 0,
              createdAt: first?.createdAt ?? now,
            };
            if (first?.seq !== undefined) entry.seq = first.seq;
            if (baseVersionId && server) entry.baseVersionId = baseVersionId;
            await this.db.outbox.put(entry);
            row = final
              ? this.buildRow(source, final, sources, now)
              : existing
                ? tombstoneRow(source, type, resourceId, existing, now)
                : tombstoneRow(source, type, resourceId, undefined, now);
            delete row.versionId;
            delete row.lastUpdated;
            delete row.server;
            if (server?.meta?.versionId) row.versionId = server.meta.versionId;
            if (server?.meta?.lastUpdated) row.lastUpdated = server.meta.lastUpdated;
            row.local = 'pending';
          }
        } else {
          throw new StoreError('invalid-argument', `resolveConflict: take must be 'local', 'server' or 'merged'.`);
        }
        if (row) {
          if (choice.take === 'server' || !row.local) {
            delete row.local;
            delete row.server;
          }
          await this.db.resources.put(row);
          await this.syncLinks(row);
        }
        await this.db.conflicts.update(id, { resolved: 1, resolution: choice.take, resolvedAt: now });
        return row && toStoredRow(row);
      });
    });
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
    return this.run('applyPage', async () => {
      const result: ApplyPageResult = { written: 0, skipped: 0, deleted: 0, held: 0, invalid: 0, refused: 0 };
      const fetchedAt = page.fetchedAt ?? Date.now();
      const tables = [this.db.resources, this.db.links, this.db.checkpoints, this.db.sources];
      await this.db.transaction('rw', tables, async () => {
        const sources = await this.requireSource(source, 'applyPage');
        const own = sources.find((s) => s.id === source)!;
        const asked = page.patients ? new Set(page.patients) : undefined;
        // One read of every row the page touches and one write of everything that changes,
        // instead of a get and a put per resource: in Chromium each awaited IndexedDB request
        // is a round trip to the browser process, and those round trips, not the writes, were
        // most of a download's time. `current` stands in for the table while the page is
        // worked out, so a resource listed twice in one page (several history versions) is
        // judged against its own earlier entry exactly as row-by-row writes would be.
        const upserts: Resource[] = [];
        for (const resource of page.upserts ?? []) {
          try {
            assertResource(resource, true);
          } catch {
            result.invalid++;
            continue;
          }
          if (asked && 'refused' in fileDownloaded(resource, own, sources, asked)) result.refused++;
          else upserts.push(resource);
        }
        const deletes: NonNullable<DownloadPage['deletes']> = [];
        for (const del of page.deletes ?? []) {
          if (!del || typeof del.type !== 'string' || !RESOURCE_TYPE.test(del.type) || !isFhirId(del.id)) result.invalid++;
          else deletes.push(del);
        }
        const keyOf = (type: string, id: string) => keyString(source, type, id);

        // Insert-first (`page.expectNew`, a first download): a resource listed once in the page
        // (and not among its deletes) is written with `add`, which IndexedDB refuses with a
        // ConstraintError, writing nothing, when the key is already stored. Only those refused
        // are then read and judged like any other, so for new rows the read round trips are
        // saved and the outcome is exactly that of reading first.
        const added = new Map<string, ResourceRow>();
        if (page.expectNew) {
          const listed = new Map<string, number>();
          for (const k of [...upserts.map((r) => keyOf(r.resourceType, r.id!)), ...deletes.map((d) => keyOf(d.type, d.id))]) {
            listed.set(k, (listed.get(k) ?? 0) + 1);
          }
          const rows = upserts
            .filter((r) => listed.get(keyOf(r.resourceType, r.id!)) === 1)
            .map((r) => this.buildRow(source, r, sources, fetchedAt));
          let refused: Record<number, unknown> = {};
          if (rows.length) {
            try {
              await this.db.resources.bulkAdd(rows);
            } catch (error) {
              // Caught, the refused adds do not abort the transaction; anything else than
              // "key exists" (quota, ...) is rethrown and rolls the page back. (On localhost,
              // Dexie's debug mode console.trace()s the BulkError anyway; it is handled.)
              const byPos = (error as { name?: string; failuresByPos?: Record<number, unknown> }).failuresByPos;
              const onlyExisting =
                (error as { name?: string }).name === 'BulkError' &&
                !!byPos &&
                Object.values(byPos).every((e) => (e as { name?: string } | undefined)?.name === 'ConstraintError');
              if (!onlyExisting) throw error;
              refused = byPos!;
            }
          }
          rows.forEach((row, i) => {
            if (i in refused) return;
            added.set(keyOf(row.type, row.id), row);
            result.written++;
          });
        }

        const keys: Array<[string, string, string]> = [
          ...upserts.filter((r) => !added.has(keyOf(r.resourceType, r.id!))).map((r) => [source, r.resourceType, r.id!] as [string, string, string]),
          ...deletes.map((d) => [source, d.type, d.id] as [string, string, string]),
        ];
        const found = keys.length ? await this.db.resources.bulkGet(keys) : [];
        const current = new Map<string, ResourceRow | undefined>();
        keys.forEach(([, type, id], i) => {
          const k = keyString(source, type, id);
          if (!current.has(k)) current.set(k, found[i]);
        });
        const changed = new Map<string, ResourceRow>();
        const write = (row: ResourceRow) => {
          const k = keyString(source, row.type, row.id);
          current.set(k, row);
          changed.set(k, row);
        };

        for (const resource of upserts) {
          if (added.has(keyOf(resource.resourceType, resource.id!))) continue;
          const versionId = resource.meta?.versionId;
          const lastUpdated = resource.meta?.lastUpdated;
          const existing = current.get(keyString(source, resource.resourceType, resource.id!));
          if (existing?.local) {
            const known = existing.server ?? { versionId: existing.versionId, lastUpdated: existing.lastUpdated };
            if ((versionId && known.versionId === versionId) || isOlder(lastUpdated, known.lastUpdated)) {
              result.skipped++;
              continue;
            }
            const server = { resource, ...(versionId ? { versionId } : {}), ...(lastUpdated ? { lastUpdated } : {}) };
            write({ ...existing, server });
            result.held++;
            continue;
          }
          if (existing && ((versionId && existing.versionId === versionId) || isOlder(lastUpdated, existing.lastUpdated))) {
            result.skipped++;
            continue;
          }
          write(this.buildRow(source, resource, sources, fetchedAt));
          result.written++;
        }
        for (const del of deletes) {
          const existing = current.get(keyString(source, del.type, del.id));
          if (existing?.local) {
            const known = existing.server ?? { versionId: existing.versionId, lastUpdated: existing.lastUpdated };
            if ((del.versionId && known.versionId === del.versionId) || isOlder(del.at, known.lastUpdated)) {
              result.skipped++;
              continue;
            }
            const server = { resource: null, ...(del.versionId ? { versionId: del.versionId } : {}), ...(del.at ? { lastUpdated: del.at } : {}) };
            write({ ...existing, server });
            result.held++;
            continue;
          }
          if (
            existing &&
            ((existing.deleted && (!del.versionId || existing.versionId === del.versionId)) ||
              (del.versionId && existing.versionId === del.versionId) ||
              isOlder(del.at, existing.lastUpdated))
          ) {
            result.skipped++;
            continue;
          }
          const row = tombstoneRow(source, del.type, del.id, existing, fetchedAt);
          if (del.versionId) row.versionId = del.versionId;
          if (del.at) row.lastUpdated = del.at;
          write(row);
          result.deleted++;
        }

        if (changed.size) await this.db.resources.bulkPut([...changed.values()]);
        // Links follow the final state of each Patient row written (held server versions do
        // not change the row's resource, so they leave links alone, as before).
        const linkPuts: LinkRow[] = [];
        const linkDeletes: string[] = [];
        for (const row of [...added.values(), ...changed.values()]) {
          if (row.type !== 'Patient' || row.local) continue;
          if (row.deleted) linkDeletes.push(`${row.source}/Patient/${row.id}`);
          else linkPuts.push(linkRowFor(row.resource as Patient, row.source));
        }
        if (linkDeletes.length) await this.db.links.bulkDelete(linkDeletes);
        if (linkPuts.length) await this.db.links.bulkPut(linkPuts);
        if (page.checkpoint) {
          const { key, value, data, patient } = page.checkpoint;
          const record: CheckpointRecord = { source, key, value, savedAt: Date.now() };
          if (data !== undefined) record.data = data;
          if (patient) record.patient = patient;
          await this.db.checkpoints.put(record);
        }
      });
      return result;
    });
  }

  /** The stored checkpoint value (server time) for `source` + `key`, if any. */
  async getCheckpoint(source: string, key: string): Promise<string | undefined> {
    return (await this.getCheckpointRecord(source, key))?.value;
  }

  /** The whole checkpoint record (value, strategy data, patient tag). */
  async getCheckpointRecord(source: string, key: string): Promise<CheckpointRecord | undefined> {
    return this.run('getCheckpoint', () => this.db.checkpoints.get([source, key]));
  }

  /**
   * Ids of the rows of `type` in `source` belonging to `patientKey` that hold a server version:
   * not tombstones, no local write pending or in conflict. Compare with the server's id set to
   * detect deletes (`applyPage` with `deletes` for the ids the server no longer has).
   */
  async localIds(source: string, type: string, patientKey: PatientKey): Promise<string[]> {
    return this.run('localIds', async () =>
      this.db.transaction('r', [this.db.resources, this.db.outbox], async () => {
        // Keys only (no row is read or deserialized): the index range of live rows (deleted 0)
        // gives source, type and id. Rows with a local write pending or in conflict are the ones
        // with outbox entries (save/remove add one, completeWrite/resolveConflict clear `local`
        // with the last one), so they are left out by the outbox, which is small.
        const keys = await this.db.resources
          .where(BY_PATIENT)
          .between([patientKey, type, 0, Dexie.minKey], [patientKey, type, 0, Dexie.maxKey], true, true)
          .primaryKeys();
        const entries = await this.db.outbox.where('source').equals(source).toArray();
        const held = new Set(entries.filter((e) => e.type === type).map((e) => e.id));
        return keys
          .filter(([s, , id]) => s === source && !held.has(id))
          .map(([, , id]) => id)
          .sort();
      }),
    );
  }

  /**
   * Whether any row of `types` (tombstones and rows with local changes included) is filed under
   * `patientKey`. Keys only, at most one per type. The sync engine asks this before a first full
   * listing: when nothing was stored, there is nothing to compare with the server's id set.
   */
  async hasRows(patientKey: PatientKey, types: readonly string[]): Promise<boolean> {
    return this.run('hasRows', async () =>
      this.db.transaction('r', this.db.resources, async () => {
        const found = await Promise.all(
          types.map((t) =>
            this.db.resources.where(BY_PATIENT).between([patientKey, t, Dexie.minKey], [patientKey, t, Dexie.maxKey], true, true).limit(1).primaryKeys(),
          ),
        );
        return found.some((keys) => keys.length > 0);
      }),
    );
  }

  /**
   * Outbox entries ready for upload, in `seq` order (upload them in this order, one resource's
   * entries strictly one after another). Entries in conflict, and every later entry of a resource
   * that has one, are left out until the conflict is resolved. Use {@link listOutbox} for all.
   */
  async pendingWrites(source?: string): Promise<OutboxEntry[]> {
    return this.run('pendingWrites', async () => {
      const all = await this.listOutboxRows(source);
      const blocked = new Set(all.filter((e) => e.status === 'conflict').map((e) => keyString(e.source, e.type, e.id)));
      return all.filter((e) => e.status === 'pending' && !blocked.has(keyString(e.source, e.type, e.id)));
    });
  }

  /** Every outbox entry (pending and in conflict), in `seq` order, e.g. for a status display. */
  async listOutbox(source?: string): Promise<OutboxEntry[]> {
    return this.run('listOutbox', () => this.listOutboxRows(source));
  }

  private async listOutboxRows(source?: string): Promise<OutboxEntry[]> {
    const rows = source === undefined ? await this.db.outbox.toArray() : await this.db.outbox.where('source').equals(source).sortBy('seq');
    return rows as OutboxEntry[];
  }

  /**
   * Records a successful upload, in ONE transaction: the outbox entry is removed and the
   * server's version (new versionId/lastUpdated) becomes the row. If later entries of the same
   * resource are still queued, the row keeps showing the local version and those entries are
   * re-based on the new versionId (a queued `create` becomes an `update`). `serverResource` is
   * what the server returned; pass `null` for a delete, or when the server returned no body (the
   * sent body is then stored without version until the next download). If the server assigned a
   * different id, the row moves to that id.
   */
  async completeWrite(seq: number, serverResource: Resource | null): Promise<void> {
    return this.run('completeWrite', async () => {
      const tables = [this.db.outbox, this.db.resources, this.db.links, this.db.sources];
      await this.db.transaction('rw', tables, async () => {
        const entry = await this.db.outbox.get(seq);
        if (!entry) throw new StoreError('not-found', `completeWrite: no outbox entry ${seq}.`);
        if (entry.status === 'conflict') {
          throw new StoreError('invalid-state', `completeWrite: outbox entry ${seq} is in conflict; resolve it first.`);
        }
        if (serverResource) {
          assertResource(serverResource, true);
          if (serverResource.resourceType !== entry.type) {
            throw new StoreError('invalid-resource', `completeWrite: server returned ${describe(serverResource)} for ${entry.type}/${entry.id}.`);
          }
        }
        const sources = await this.db.sources.toArray();
        await this.db.outbox.delete(seq);
        const { source, type } = entry;
        const oldKey: ResourceKey = [source, type, entry.id];
        const newId = serverResource?.id ?? entry.id;
        const existing = await this.db.resources.get(oldKey);
        let later = await this.db.outbox.where('[source+type+id]').equals(oldKey).sortBy('seq');
        if (newId !== entry.id) {
          // Server-assigned id: move the row and the queued entries to it.
          await this.db.resources.delete(oldKey);
          if (type === 'Patient') await this.db.links.delete(`${source}/Patient/${entry.id}`);
          later = later.map((e) => ({ ...e, id: newId, body: e.body ? { ...e.body, id: newId } : null }));
        }
        const versionId = serverResource?.meta?.versionId;
        const lastUpdated = serverResource?.meta?.lastUpdated;
        const now = Date.now();
        let row: ResourceRow | undefined;
        if (later.length) {
          for (const e of later) {
            if (entry.operation === 'delete') {
              if (e.operation === 'update') e.operation = 'create';
              delete e.baseVersionId;
            } else {
              if (e.operation === 'create') e.operation = 'update';
              if (versionId) e.baseVersionId = versionId;
              else delete e.baseVersionId;
            }
          }
          await this.db.outbox.bulkPut(later);
          if (existing) {
            row = { ...existing, id: newId };
            if (newId !== entry.id) row.resource = { ...existing.resource, id: newId };
            delete row.versionId;
            delete row.lastUpdated;
            delete row.server;
            if (versionId) row.versionId = versionId;
            if (lastUpdated) row.lastUpdated = lastUpdated;
          }
        } else if (entry.operation === 'delete') {
          if (existing) row = tombstoneRow(source, entry.type, entry.id, existing, now);
        } else {
          const stored = serverResource ?? (entry.body ? { ...entry.body, id: newId } : null);
          if (stored) {
            row = this.buildRow(source, stored, sources, now);
            if (!serverResource) {
              delete row.versionId;
              delete row.lastUpdated;
            }
          }
        }
        if (row) {
          await this.db.resources.put(row);
          await this.syncLinks(row);
        }
      });
    });
  }

  /** Records a failed upload attempt (network error, 5xx, ...): `attempts + 1`, `lastError`. */
  async failWrite(seq: number, error: string): Promise<void> {
    return this.run('failWrite', async () => {
      await this.db.transaction('rw', this.db.outbox, async () => {
        const entry = await this.db.outbox.get(seq);
        if (!entry) throw new StoreError('not-found', `failWrite: no outbox entry ${seq}.`);
        await this.db.outbox.put({ ...entry, attempts: entry.attempts + 1, lastError: error, lastAttemptAt: Date.now() });
      });
    });
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
    return this.run('recordConflict', async () => {
      if (serverResource) assertResource(serverResource, true);
      return this.db.transaction('rw', [this.db.outbox, this.db.conflicts, this.db.resources], async () => {
        const entry = await this.db.outbox.get(seq);
        if (!entry) throw new StoreError('not-found', `recordConflict: no outbox entry ${seq}.`);
        const now = Date.now();
        let id = entry.conflictId;
        const current = id !== undefined ? await this.db.conflicts.get(id) : undefined;
        if (current && !current.resolved) {
          await this.db.conflicts.update(id!, { server: serverResource });
        } else {
          const conflict: ConflictRow = {
            source: entry.source,
            type: entry.type,
            resourceId: entry.id,
            seq,
            operation: entry.operation,
            local: entry.body,
            server: serverResource,
            createdAt: now,
            resolved: 0,
          };
          if (entry.baseVersionId) conflict.baseVersionId = entry.baseVersionId;
          id = await this.db.conflicts.add(conflict);
        }
        await this.db.outbox.put({ ...entry, status: 'conflict', conflictId: id!, lastAttemptAt: now });
        const row = await this.db.resources.get([entry.source, entry.type, entry.id]);
        if (row) {
          const server = {
            resource: serverResource,
            ...(serverResource?.meta?.versionId ? { versionId: serverResource.meta.versionId } : {}),
            ...(serverResource?.meta?.lastUpdated ? { lastUpdated: serverResource.meta.lastUpdated } : {}),
          };
          await this.db.resources.put({ ...row, local: 'conflict', server });
        }
        return id!;
      });
    });
  }

  /**
   * Updates a source's sync fields (status, lastSyncAt, lastError, capabilities, label). A key
   * given as `undefined` is cleared. `id`, `baseUrl` and `addedAt` cannot be patched here.
   */
  async setSourceStatus(source: string, patch: Partial<SourceRecord>): Promise<SourceRecord> {
    return this.run('setSourceStatus', async () =>
      this.db.transaction('rw', this.db.sources, async () => {
        const existing = await this.db.sources.get(source);
        if (!existing) throw new StoreError('not-found', `setSourceStatus: unknown source "${source}".`);
        const next: Record<string, unknown> = { ...existing };
        for (const [k, v] of Object.entries(patch)) {
          if (k === 'id' || k === 'baseUrl' || k === 'addedAt') continue;
          if (v === undefined) delete next[k];
          else next[k] = v;
        }
        await this.db.sources.put(next as unknown as SourceRecord);
        return next as unknown as SourceRecord;
      }),
    );
  }

  /**
   * Ids of the sources from which a download for `patient` (or any patient linked to it) has
   * completed at least once: sources holding a checkpoint tagged with one of those patient keys
   * (checkpoints are written only with the last page of a query, see `src/sync/checkpoint.ts`).
   * Read-only; sorted. Says nothing about whether the LAST sync of the source succeeded.
   */
  async syncedSources(patient: PatientKey): Promise<string[]> {
    return this.run('syncedSources', async () => {
      if (!parsePatientKey(patient)) {
        throw new StoreError('invalid-argument', `syncedSources: expected "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
      }
      return this.db.transaction('r', [this.db.links, this.db.sources, this.db.matches, this.db.checkpoints], async () => {
        const keys = new Set<string>((await linkedSets(this.db, [patient], this.rules))[0]!.keys);
        const rows = await this.db.checkpoints.where('patient').anyOf([...keys]).toArray();
        return [...new Set(rows.map((r) => r.source))].sort();
      });
    });
  }

  /**
   * Records that `source` was searched for the person of `patient` (by `searched`
   * identifiers, at server time `at`) and holds no record of them. The next completed download
   * of a linked patient from the source supersedes it (`coverage` says `delivered`).
   */
  async recordNoRecord(source: string, patient: PatientKey, finding: { at?: string; searched: readonly string[] }): Promise<void> {
    return this.run('recordNoRecord', async () => {
      if (!parsePatientKey(patient)) {
        throw new StoreError('invalid-argument', `recordNoRecord: expected "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
      }
      await this.db.transaction('rw', [this.db.coverage, this.db.sources], async () => {
        await this.requireSource(source, 'recordNoRecord');
        await this.db.coverage.put({
          source,
          patient,
          state: 'no-record',
          searched: [...new Set(finding.searched)].sort(),
          ...(typeof finding.at === 'string' ? { at: finding.at } : {}),
        });
      });
    });
  }

  /** Forgets a "no record" finding (the source now holds, or may hold, a record of the person). */
  async clearNoRecord(source: string, patient: PatientKey): Promise<void> {
    return this.run('clearNoRecord', async () => {
      await this.db.coverage.delete([source, patient]);
    });
  }

  /**
   * Per source, what the store knows about `patient` and every patient linked to it: delivered,
   * searched with no record, failed or not synced (see `src/store/coverage.ts`). In the order of
   * {@link getSources}. Elements build "nothing recorded" on this.
   */
  async coverage(patient: PatientKey): Promise<PatientCoverage[]> {
    return this.run('coverage', async () => {
      if (!parsePatientKey(patient)) {
        throw new StoreError('invalid-argument', `coverage: expected "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
      }
      return this.db.transaction('r', [this.db.links, this.db.sources, this.db.matches, this.db.checkpoints, this.db.coverage], async () => {
        const keys = (await linkedSets(this.db, [patient], this.rules))[0]!.keys;
        const sources = (await this.db.sources.toArray()).sort((a, b) => a.addedAt - b.addedAt || (a.id < b.id ? -1 : 1));
        return coverageOf(this.db, keys, sources);
      });
    });
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
    return this.run('listPossibleMatches', async () => {
      if (patient !== undefined && !parsePatientKey(patient)) {
        throw new StoreError('invalid-argument', `listPossibleMatches: expected "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
      }
      return this.db.transaction('r', [this.db.links, this.db.sources, this.db.matches], async () => {
        const starts = patient !== undefined ? [patient] : (await this.db.links.toCollection().primaryKeys()).sort();
        return mergePossible(await linkedSets(this.db, starts, this.rules));
      });
    });
  }

  /** Live version of {@link listPossibleMatches} for one patient (re-runs after any link change). */
  livePossibleMatches(patient: PatientKey): LiveObservable<PossibleMatch[]> {
    const matches = liveQuery(() => this.run('livePossibleMatches', () => this.listPossibleMatches(patient)));
    return {
      subscribe(observer) {
        const o = typeof observer === 'function' ? { next: observer } : observer;
        let last: string | undefined;
        return matches.subscribe({
          next: (value) => {
            const print = JSON.stringify(value);
            if (print === last) return;
            last = print;
            o.next?.(value);
          },
          error: (error) => o.error?.(error),
        });
      },
    };
  }

  /**
   * A person confirms that the two records of a possible match (its `id`) are the same person.
   * Remembered: they stay linked, whatever the records say later, until `rejectLink`. Both
   * records must be stored. The next sync of the patient downloads the confirmed record in full.
   */
  async confirmLink(id: string): Promise<void> {
    return this.decide(id, 'confirmed');
  }

  /**
   * A person rejects a possible match (its `id`): the two records are never linked and the pair
   * is not offered again until either record's identifiers, links, name, birth date or gender
   * change. Also undoes a confirmation.
   */
  async rejectLink(id: string): Promise<void> {
    return this.decide(id, 'rejected');
  }

  private async decide(id: string, decision: 'confirmed' | 'rejected'): Promise<void> {
    const what = decision === 'confirmed' ? 'confirmLink' : 'rejectLink';
    return this.run(what, async () => {
      const pair = parsePairId(id);
      if (!pair) throw new StoreError('invalid-argument', `${what}: expected a possible match id "<patient key>~<patient key>" (got ${JSON.stringify(id)}).`);
      await this.db.transaction('rw', [this.db.links, this.db.matches], async () => {
        const [a, b] = await this.db.links.bulkGet(pair);
        if (!a || !b) throw new StoreError('not-found', `${what}: ${!a ? pair[0] : pair[1]} is not a stored patient.`);
        await this.db.matches.put({ id: pairId(pair[0], pair[1]), a: pair[0], b: pair[1], decision, fingerprint: identityFingerprint(a, b), at: Date.now() });
      });
    });
  }
}

/**
 * Tells whether a live result changed. Server rows change version or fetch time whenever they
 * are rewritten; rows with a local change can be saved twice within one millisecond, so their
 * content is compared in full (there are few of them).
 */
function fingerprint(rows: StoredRow[]): string {
  return rows
    .map((r) => {
      const head = `${r.source}/${r.resource.resourceType}/${r.resource.id}@${r.versionId ?? ''}:${r.fetchedAt}:${r.deleted ? 1 : 0}`;
      return r.local ? `${head}:${r.local}:${JSON.stringify(r.resource)}` : head;
    })
    .join('\n');
}

/**
 * The row a delete leaves: type, id, the delete's (or last known) versionId and time, and the
 * patient key the row was filed under (so `purge({ patient })` removes it and delete detection
 * sees it). Nothing of the resource's content is kept: a deleted record is not a copy of it.
 */
function tombstoneRow(source: string, type: string, id: string, existing: ResourceRow | undefined, fetchedAt: number): ResourceRow {
  const row: ResourceRow = {
    source,
    type,
    id,
    patient: existing?.patient ?? '',
    resource: { resourceType: type, id } as Resource,
    fetchedAt,
    deleted: 1,
    date: '',
  };
  if (existing?.versionId) row.versionId = existing.versionId;
  if (existing?.lastUpdated) row.lastUpdated = existing.lastUpdated;
  return row;
}

function unsentError(count: number): StoreError {
  return new StoreError(
    'unsent-writes',
    `purge: ${count} local change${count === 1 ? '' : 's'} not yet uploaded would be lost; ` +
      'sync first, or pass { force: true } to discard them.',
  );
}
