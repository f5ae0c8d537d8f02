/**
 * Database names of partitions. A partition is named by the host (a user id, a SMART `iss` and
 * tenant…), and `indexedDB.databases()` lists every database name to any script of the origin:
 * so the name on disk is a SHA-256 digest of the partition name, never the name itself.
 *
 * The digest hides the name from a glance at the database list, not from someone who can guess
 * it (a user id can be tried): hosts that want more pass an opaque partition name.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { DB_PREFIX } from './schema.js';

/** The database name of a partition: `ehr-elements/` and 64 hex digits. */
export function hashedDatabaseName(partition: string): string {
  return DB_PREFIX + bytesToHex(sha256(utf8ToBytes(`ehr-elements partition\u0000${partition}`)));
}

/** The name older versions used (`ehr-elements/<partition>`), migrated and removed on open. */
export function legacyDatabaseName(partition: string): string {
  return DB_PREFIX + partition;
}
