/**
 * The part of the local store the sync engine uses. Sync depends on this narrow interface, not on
 * the whole `LocalRecordStore`, so its modules can be tested against a small fake and the store
 * can change everything else freely.
 */
import type { LocalRecordStore } from '../store/index.js';

export type SyncStore = Pick<
  LocalRecordStore,
  | 'applyPage'
  | 'getCheckpointRecord'
  | 'localIds'
  | 'hasRows'
  | 'pendingWrites'
  | 'completeWrite'
  | 'failWrite'
  | 'recordConflict'
  | 'setSourceStatus'
  | 'get'
  | 'getSources'
  | 'getSourceFetch'
  | 'linkedPatients'
  | 'listPossibleMatches'
  | 'recordNoRecord'
  | 'clearNoRecord'
>;
