import type { Resource } from 'fhir/r4';
import type * as Store from '../../store/types.js';

/**
 * What elements need from a record store, and nothing more. The real store
 * (`LocalRecordStore` / `RecordStore` in `src/store`) satisfies these shapes structurally, so
 * elements never import Dexie or the store's code (only its types, below); tests and stories may
 * hand in anything with the same methods.
 */

/** A patient key, `"<sourceId>/Patient/<id>"`: the store's own type. */
export type PatientKey = Store.PatientKey;

/** One cached resource plus where it came from: the store's own row type, so the two cannot drift apart. */
export type StoredRow<T extends Resource = Resource> = Store.StoredRow<T>;

/** What an element asks the store for. Extra keys (code, from, to, ...) pass through untouched. */
export interface RecordQuery {
  patient: PatientKey;
  type?: string | string[];
  [option: string]: unknown;
}

/** The observer shape `live()` accepts (Dexie's liveQuery observable, or any Observable). */
export interface RowObserver<T> {
  next?: (value: T) => void;
  error?: (error: unknown) => void;
}

/** A minimal Observable: what `store.live()` returns. */
export interface Subscribable<T> {
  subscribe(observer: RowObserver<T>): { unsubscribe(): void };
}

/** Sync state of a source: the store's union, plus any value a newer store may add (shown as-is). */
export type SourceSyncStatus = Store.SourceStatus | (string & {});

/** A provider the record is gathered from, as the store reports it. */
export interface SourceInfo {
  id: string;
  baseUrl?: string;
  /** Name shown to clinicians ("Riverside Clinic"); falls back to the id. */
  label?: string;
  /** Server time of the last complete sync: ISO string or epoch milliseconds. */
  lastSyncAt?: string | number;
  status?: SourceSyncStatus;
  lastError?: string;
}

/**
 * What `syncPatient` reports, as far as elements read it. No index signatures: the sync engine's
 * richer `SyncReport` must be assignable to this as it is.
 */
export interface SyncReport {
  readonly errors?: ReadonlyArray<{ readonly source: string; readonly message: string }>;
  readonly sources?: Readonly<
    Record<
      string,
      {
        readonly status?: SourceSyncStatus;
        /** Patient keys of this source downloaded by the sync. */
        readonly patients?: readonly string[];
        /** Searched for the patient, no record of them. */
        readonly noRecord?: boolean;
        /** Records of this source that may be the patient, for a person to review. */
        readonly possibleMatches?: number;
        /** Why the source failed, when it did: the engine's error code and HTTP status. */
        readonly error?: { readonly code?: string; readonly status?: number; readonly message?: string };
      }
    >
  >;
}

/** One source's coverage of a patient, as elements read it (the store's `PatientCoverage`). */
export interface CoverageInfo {
  readonly source: string;
  readonly state: 'delivered' | 'no-record' | 'failed' | 'not-synced';
}

/** A possible match, as elements read it (the store's `PossibleMatch`). */
export interface PossibleMatchInfo {
  readonly id: string;
  readonly patient: string;
  readonly candidate: string;
  readonly source: string;
}

export interface SyncOptions {
  signal?: AbortSignal;
  onProgress?: (progress: unknown) => void;
}

/**
 * The store as elements see it. `search` and `live` are required; the rest is optional so a
 * read-only or partial store still works (elements degrade: no labels, no sync).
 */
export interface RecordSource {
  search(query: RecordQuery): Promise<StoredRow[]>;
  live(query: RecordQuery): Subscribable<StoredRow[]>;
  read?(reference: string): Promise<StoredRow | undefined>;
  get?(source: string, type: string, id: string): Promise<StoredRow | undefined>;
  linkedPatients?(key: PatientKey): Promise<string[]>;
  getSources?(): Promise<SourceInfo[]>;
  /**
   * Ids of the sources from which a download for this patient (or a linked one) has completed:
   * what makes a source "complete for this patient" across reloads (`lastSyncAt` is per source,
   * set by a sync of any patient). Without it only the provider's report for this patient counts.
   */
  syncedSources?(key: PatientKey): Promise<string[]>;
  /**
   * Per source: delivered, searched with no record, failed or not synced, for this patient and
   * the patients linked to it. Preferred over `syncedSources` when present: it also knows "no
   * record of this patient at that source".
   */
  coverage?(key: PatientKey): Promise<readonly CoverageInfo[]>;
  /** Records that may be this patient but are not linked; the banner offers them for review. */
  livePossibleMatches?(key: PatientKey): Subscribable<readonly PossibleMatchInfo[]>;
  /**
   * Each main code of the patient's rows of `type` with its count and newest row, live (the
   * store's `liveCodeSummary`). The lab timeline paints from it without reading every result;
   * without it the timeline reads the patient's Observations through `live`.
   */
  liveCodeSummary?(key: PatientKey, type: string): Subscribable<readonly CodeSummaryInfo[]>;
  /** A window of rows of one code, newest first (the store's `codeWindow`). */
  codeWindow?(query: CodeWindowRequest): Promise<CodeWindowInfo>;
  /** The newest windows of several codes in one read (the store's `codeWindows`); the timeline uses it when present. */
  codeWindows?(query: { patient: PatientKey; type: string; codes: readonly string[]; limit: number }): Promise<readonly CodeWindowInfo[]>;
  /** Saves a resource locally and queues it for upload (the store's `save`); writing elements need it. */
  save?(resource: Resource, options: { source: string }): Promise<StoredRow>;
  /** Conflicts waiting for a person (the store's `listConflicts`). */
  listConflicts?(options?: { source?: string }): Promise<readonly ConflictInfo[]>;
  /** Resolves a conflict: keep the local version or take the server's (the store's `resolveConflict`). */
  resolveConflict?(id: number, choice: { take: 'local' | 'server' }): Promise<unknown>;
  /** Present on a store with sync attached (`RecordStore`); `<ehr-record-provider sync>` calls it. */
  syncPatient?(key: PatientKey, options?: SyncOptions): Promise<SyncReport>;
}

/** One main code of a patient's rows, as the store's `codeSummary` reports it. */
export interface CodeSummaryInfo {
  /** `system|code`; `''` for rows without a code. */
  readonly code: string;
  readonly count: number;
  readonly latestDate: string;
  readonly latest: StoredRow;
}

/** Where a window of rows ends, to ask for the next one (opaque to elements). */
export interface WindowCursor {
  readonly date: string;
  readonly source: string;
  readonly type: string;
  readonly id: string;
}

/** What the lab timeline asks `codeWindow` for. */
export interface CodeWindowRequest {
  patient: PatientKey;
  type: string;
  code?: string;
  limit: number;
  before?: WindowCursor;
}

/** One window of rows, newest first, with the cursor to the next older one. */
export interface CodeWindowInfo {
  readonly rows: readonly StoredRow[];
  readonly older?: WindowCursor;
}

/** A rejected upload kept for a person to resolve, as far as elements read it. */
export interface ConflictInfo {
  readonly id: number;
  readonly source: string;
  readonly type: string;
  readonly resourceId: string;
  readonly resolved: boolean;
  readonly server: Resource | null;
}

/** Who is using the page (the author of what they record): a FHIR Reference, e.g. `{ reference: 'Practitioner/123', display: 'Dr Ana Lopez' }`. */
export interface UserReference {
  reference?: string;
  display?: string;
}

/**
 * SMART launch context, as far as elements care: `smartReady()` (`ehr-elements/smart`) builds it
 * from the token response; a host may also build one by hand.
 */
export interface LaunchContext {
  /** The launch's patient id on the SMART server (the record's source), when there is one. */
  patient?: string;
  encounter?: string;
  /** `fhirContext` of the token response (SMART 2.1): references the EHR put in context. */
  fhirContext?: ReadonlyArray<{ reference?: string; canonical?: string; identifier?: unknown; type?: string; role?: string }>;
  /** `intent` of the token response (e.g. `reconcile-medications`). */
  intent?: string;
  /** `false` means the host EHR already shows a banner: ours goes minimal. */
  needPatientBanner?: boolean;
  /** `smart_style_url` as received. The provider applies `styleTokens`, never fetches it. */
  smartStyleUrl?: string;
  /**
   * `--ehr-*` tokens from the style document, already validated by `styleTokens()`; the provider
   * checks them again before it sets them (see `safeStyleTokens` in `ehr-elements/fhir`).
   */
  styleTokens?: Readonly<Record<string, string>>;
  tenant?: string;
  /**
   * Granted scopes, e.g. `['patient/AllergyIntolerance.rs', ...]`. When present, an element whose
   * resource type they do not cover says "Not shared with this app", and the consent dialog is
   * read-only without write scope on Consent. Absent: no SMART grant applies (everything shown).
   */
  scopes?: readonly string[];
  /** The signed-in user (`fhirUser` of the id token), e.g. `Practitioner/123`: the author of consents. */
  fhirUser?: string;
}

/** What the provider shares about its latest sync. */
export interface SyncState {
  status: 'idle' | 'syncing' | 'complete' | 'error';
  patient?: PatientKey;
  report?: SyncReport;
  error?: unknown;
  /** Last progress value the store reported (shape is the sync engine's). */
  progress?: unknown;
  startedAt?: number;
  finishedAt?: number;
}
