/**
 * What the store's modules share: the open database and the linking rules, handed to each module
 * function as a small context object (each takes only the parts it uses) instead of the whole
 * `LocalRecordStore`.
 */
import type { LinkRules } from './links.js';
import type { RecordDatabase } from './schema.js';

/** The state of one open store that its modules work on. */
export interface StoreContext {
  readonly db: RecordDatabase;
  /** Identifier systems and the trusted system the linking rule uses. */
  readonly rules: LinkRules;
  /** `fetch` functions given to `addSource`, kept in this instance's memory only. */
  readonly fetches: Map<string, typeof fetch>;
  /** The `IDBKeyRange` of the IndexedDB in use (for the few reads done on raw IndexedDB). */
  readonly keyRange: typeof IDBKeyRange;
}

export const ALL_TABLES = ['resources', 'sources', 'checkpoints', 'outbox', 'conflicts', 'links', 'matches', 'coverage'] as const;
/** The index every by-patient read uses (schema v3). */
export const BY_PATIENT = '[patient+type+deleted+date]';
