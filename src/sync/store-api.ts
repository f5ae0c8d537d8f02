/**
 * The part of the local store the sync engine uses. Sync depends on this narrow interface, not on
 * the whole `LocalRecordStore`, so its modules can be tested against a small fake and the store
 * can change everything else freely. `LocalRecordStore` satisfies it (checked where
 * `RecordStore` hands its local store to the engine); hosts never see these methods on
 * `RecordStore`. The contracts are the JSDoc of the `LocalRecordStore` methods of the same names.
 */
import type { Resource } from 'fhir/r4';
import type { PossibleMatch } from '../store/links.js';
import type {
  ApplyPageResult,
  CheckpointRecord,
  DownloadPage,
  OutboxEntry,
  PatientKey,
  SourceRecord,
  StoredRow,
} from '../store/index.js';

export interface SyncStore {
  // Downloads
  /** Writes one downloaded page (upserts, deletes, links, checkpoint) in one transaction. */
  applyPage(source: string, page: DownloadPage): Promise<ApplyPageResult>;
  /** The checkpoint of a query: server time, strategy data, patient tag. */
  getCheckpointRecord(source: string, key: string): Promise<CheckpointRecord | undefined>;
  /** Ids of the live server rows of `type` in `source` filed under `patientKey` (delete detection). */
  localIds(source: string, type: string, patientKey: PatientKey): Promise<string[]>;
  /** Whether any row of `types` is filed under `patientKey`. */
  hasRows(patientKey: PatientKey, types: readonly string[]): Promise<boolean>;

  // Uploads
  /** Outbox entries ready for upload, in order. */
  pendingWrites(source?: string): Promise<OutboxEntry[]>;
  /** A successful upload: the entry goes, the server's version becomes the row. */
  completeWrite(seq: number, serverResource: Resource | null): Promise<void>;
  /** A failed upload attempt. */
  failWrite(seq: number, error: string): Promise<void>;
  /** An upload the server rejected because the resource changed there. */
  recordConflict(seq: number, serverResource: Resource | null): Promise<number>;

  // Sources
  getSources(): Promise<SourceRecord[]>;
  /** The `fetch` given to `addSource` in this instance, if any. */
  getSourceFetch(id: string): typeof fetch | undefined;
  /** Updates a source's sync fields (status, lastSyncAt, lastError, capabilities). */
  setSourceStatus(source: string, patch: Partial<SourceRecord>): Promise<SourceRecord>;

  // Identity and coverage
  get<T extends Resource = Resource>(source: string, type: string, id: string, options?: { includeDeleted?: boolean }): Promise<StoredRow<T> | undefined>;
  linkedPatients(patient: PatientKey): Promise<string[]>;
  listPossibleMatches(patient?: PatientKey): Promise<PossibleMatch[]>;
  /** The source was searched for the person and holds no record of them. */
  recordNoRecord(source: string, patient: PatientKey, finding: { at?: string; searched: readonly string[] }): Promise<void>;
  clearNoRecord(source: string, patient: PatientKey): Promise<void>;
}
