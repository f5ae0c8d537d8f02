/**
 * Opening, migrating and deleting a partition's database. The `LocalRecordStore` facade wires
 * the opened database to its instance (closed state, `onclosed`).
 */
import { Dexie } from 'dexie';
import { ALL_TABLES } from './context.js';
import { hashedDatabaseName, legacyDatabaseName } from './database-names.js';
import { StoreError, toStoreError } from './errors.js';
import { RecordDatabase, declareSchema } from './schema.js';
import { codeStatsMiddleware } from './code-stats.js';

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

/** The IndexedDB implementation a store was opened with (none: the global one). */
export type DexieDependencies = Pick<OpenOptions, 'indexedDB' | 'IDBKeyRange'>;

function dexieDependencies(options: DexieDependencies): { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } {
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

/**
 * Opens (creating or upgrading as needed) the database of partition `options.name`, moving a
 * database left under the plain name into it (see {@link migrateLegacyDatabase}). Rejects with
 * `StoreError` `'invalid-argument'` for an empty name or an empty `trustedIdentifierSystem`,
 * `'version-too-new'` when the database was written by newer code.
 */
export async function openDatabase(options: OpenOptions): Promise<{ db: RecordDatabase; deps: DexieDependencies }> {
  if (!options || typeof options.name !== 'string' || !options.name) {
    throw new StoreError('invalid-argument', 'LocalRecordStore.open needs a non-empty name.');
  }
  const deps = dexieDependencies(options);
  const db = new RecordDatabase(hashedDatabaseName(options.name), deps);
  declareSchema(db);
  db.use(codeStatsMiddleware);
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
  return { db, deps };
}

/** Deletes the whole database of a partition (e.g. on sign-out), outbox included. */
export async function deleteDatabase(name: string, options: DexieDependencies = {}): Promise<void> {
  try {
    await new Dexie(hashedDatabaseName(name), dexieDependencies(options)).delete();
  } catch (error) {
    throw toStoreError(error, `Deleting record store "${name}"`);
  }
}

/** Deletes a partition's database (and one left under the old, unhashed name) without opening it. */
export async function deletePartition(name: string, options: DexieDependencies = {}): Promise<void> {
  await deleteDatabase(name, options);
  try {
    await new Dexie(legacyDatabaseName(name), dexieDependencies(options)).delete();
  } catch (error) {
    throw toStoreError(error, `Deleting record store "${name}"`);
  }
}
