/**
 * The record store's data layer: offline FHIR R4 records in IndexedDB (Dexie), gathered from
 * several sources and linked across them. The sync engine (`src/sync/`) builds on this.
 */
export { LocalRecordStore } from './local-record-store.js';
export type { OpenOptions, PurgeOptions, PurgeResult } from './local-record-store.js';
export { StoreError } from './errors.js';
export type { CodeSummaryEntry, CodeWindow, CodeWindowQuery, CodeWindowsQuery, WindowPosition } from './code-queries.js';
export type { PatientCoverage } from './coverage.js';
export type { PossibleMatch } from './links.js';
export type { StoreErrorCode } from './errors.js';
export type {
  ApplyPageResult,
  CheckpointRecord,
  ConflictChoice,
  ConflictRecord,
  DownloadPage,
  LiveObservable,
  LocalState,
  OutboxEntry,
  OutboxOperation,
  PatientKey,
  SearchQuery,
  SourceInit,
  SourceRecord,
  SourceStatus,
  StoredRow,
} from './types.js';
