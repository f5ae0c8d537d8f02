import type { Resource } from 'fhir/r4';

/**
 * A patient key names one Patient in one source: `"<sourceId>/Patient/<id>"`,
 * e.g. `"clinic/Patient/123"`. Rows that belong to no patient (Medication, Practitioner, ...)
 * carry the empty string.
 */
export type PatientKey = string;

/** Local state of a row that the user changed on this device. */
export type LocalState = 'pending' | 'conflict';

/**
 * What callers get back: the resource exactly as stored (never annotated by the store) plus where
 * it came from and how fresh it is.
 */
export interface StoredRow<T extends Resource = Resource> {
  /** Id of the source (server) the resource belongs to, e.g. `'clinic'`. */
  source: string;
  /** The FHIR resource. For a row with a local change this is the local version. */
  resource: T;
  /** Patient key the resource belongs to (`''` when it belongs to no patient). */
  patient: PatientKey;
  /** `Date.now()` when this row was last written to the cache (download or local save). */
  fetchedAt: number;
  /** `meta.lastUpdated` of the server version this row holds or, with a local change, is based on. */
  lastUpdated?: string;
  /** `meta.versionId` of the server version this row holds or, with a local change, is based on. */
  versionId?: string;
  /** Set when a local write is waiting for upload (`'pending'`) or was rejected (`'conflict'`). */
  local?: LocalState;
  /** Present (true) only on tombstones, which `search` returns only with `includeDeleted`. */
  deleted?: true;
}

/** A FHIR server the record is gathered from. Persisted, except `fetch`. */
export interface SourceInit {
  /** Short stable id used in patient keys and rows; letters, digits, `-`, `_`, `.`; no `/`. */
  id: string;
  /** FHIR base URL, absolute http(s); a trailing slash is removed. */
  baseUrl: string;
  /** Name shown to clinicians ("Riverside Clinic"). Defaults to the id. */
  label?: string;
  /** Fetch to use for this source (e.g. one that adds an access token). Kept in memory only. */
  fetch?: typeof fetch;
}

/** Sync status of a source as last reported by the sync engine. */
export type SourceStatus = 'idle' | 'syncing' | 'ok' | 'error' | 'offline' | 'unauthorized';

/** A source as persisted in the `sources` table. */
export interface SourceRecord {
  id: string;
  baseUrl: string;
  label: string;
  /** `Date.now()` when the source was first added; `getSources()` is ordered by it. */
  addedAt: number;
  /** What the sync engine learned from the server's CapabilityStatement (shape is sync's call). */
  capabilities?: Record<string, unknown>;
  /** Server time (ISO string) of the last complete sync, as reported by the sync engine. */
  lastSyncAt?: string;
  status?: SourceStatus;
  lastError?: string;
}

export type OutboxOperation = 'create' | 'update' | 'delete';

/** One local write waiting for upload. Entries for one resource must be uploaded in `seq` order. */
export interface OutboxEntry {
  /** Auto-incremented; upload order. */
  seq: number;
  source: string;
  type: string;
  id: string;
  operation: OutboxOperation;
  /**
   * `meta.versionId` of the server version this change was made on top of; send it as
   * `If-Match: W/"<baseVersionId>"`. Absent for a create.
   */
  baseVersionId?: string;
  /** The resource to send (`null` for a delete). */
  body: Resource | null;
  /** `'conflict'` entries are held back until the conflict is resolved. */
  status: 'pending' | 'conflict';
  attempts: number;
  lastError?: string;
  lastAttemptAt?: number;
  createdAt: number;
  /** Id of the conflict record when `status` is `'conflict'`. */
  conflictId?: number;
}

/** A rejected write kept, with the server's version, for a person to resolve. */
export interface ConflictRecord {
  id: number;
  source: string;
  type: string;
  /** Resource id. */
  resourceId: string;
  /** Outbox entry that was rejected. */
  seq: number;
  operation: OutboxOperation;
  /** The local change that the server rejected (`null` for a local delete). */
  local: Resource | null;
  /** The version the local change was based on. */
  baseVersionId?: string;
  /** The server's current version (`null` when the server no longer has the resource). */
  server: Resource | null;
  createdAt: number;
  resolved: boolean;
  resolution?: ConflictChoice;
  resolvedAt?: number;
}

export type ConflictChoice = 'local' | 'server' | 'merged';

/** Query for `search` / `live`. */
export interface SearchQuery {
  /** Patient key; the result is the union over every patient linked to it. */
  patient: PatientKey;
  /** One resource type, several, or omitted for every type in the patient's record. */
  type?: string | string[];
  /** Include tombstones (rows deleted on the server or locally). Default false. */
  includeDeleted?: boolean;
  /**
   * Only rows whose main code (Observation.code, Condition.code, medication code, ...) has one of
   * these codings, written `"<system>|<code>"`.
   */
  code?: string | string[];
  /** Only rows whose clinical date (see README) is at or after this (ISO date or dateTime). */
  from?: string;
  /**
   * Only rows whose clinical date is at or before this. Inclusive by prefix: `to: '2020-12'`
   * keeps everything in December 2020.
   */
  to?: string;
}

/** A downloaded page handed to `applyPage`. */
export interface DownloadPage {
  /** Resources as the server returned them (with `meta.versionId` / `meta.lastUpdated`). */
  upserts: Resource[];
  /** Deletions the server reported (e.g. `_history` DELETE entries, or ids gone from a search). */
  deletes?: Array<{ type: string; id: string; versionId?: string; at?: string }>;
  /**
   * Checkpoint stored in the same transaction as the data. `value` is the server's time;
   * `data` is free-form strategy state. Set `patient` when the checkpoint is about one patient's
   * data so that `purge({ patient })` drops it with that data.
   */
  checkpoint?: { key: string; value: string; data?: unknown; patient?: PatientKey };
  /** `Date.now()` of the download; defaults to now. */
  fetchedAt?: number;
  /**
   * Performance hint, never a change in outcome: most upserts are probably not stored yet (a
   * first download). They are then inserted without being read first, and only those already
   * stored are read and judged. Leave it unset when most are expected to be stored (re-listings),
   * where it would cost a refused insert per row.
   */
  expectNew?: boolean;
  /**
   * The patients this download may file rows under (keys of this source). When set, an upsert
   * filed under any other patient (a Patient not in the list, or a resource whose patient
   * reference points elsewhere) is refused: counted in `refused`, not written.
   */
  patients?: readonly PatientKey[];
}

/** Counts returned by `applyPage`. */
export interface ApplyPageResult {
  /** Rows written with a new server version (inserted, updated or revived). */
  written: number;
  /** Upserts and deletes that changed nothing: same versionId, or older than what is stored. */
  skipped: number;
  /** Tombstones written. */
  deleted: number;
  /**
   * Server versions kept aside because the row has a local write pending or in conflict; the
   * local version stays visible (see README).
   */
  held: number;
  /** Upserts that are not storable resources (no resourceType/id); not written. */
  invalid: number;
  /** Upserts filed under a patient not in `DownloadPage.patients`; not written. */
  refused: number;
}

/** A stored checkpoint. */
export interface CheckpointRecord {
  source: string;
  key: string;
  value: string;
  data?: unknown;
  patient?: PatientKey;
  /** `Date.now()` when written (for display only; never used as a sync time). */
  savedAt: number;
}

/** Minimal observable returned by `live()` (a Dexie liveQuery observable). */
export interface LiveObservable<T> {
  subscribe(
    observer: ((value: T) => void) | { next?: (value: T) => void; error?: (error: unknown) => void },
  ): { unsubscribe(): void; readonly closed: boolean };
}
