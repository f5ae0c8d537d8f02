/**
 * What a download works with: the types it downloads, the context one source's download runs in,
 * its result and problems, and small helpers the download modules share.
 */
import type { SourceBases } from '../store/compartment.js';
import type { ServerCapabilities } from './capabilities.js';
import type { FhirClient } from './http.js';
import type { SourceBudget } from './limits.js';
import type { ProgressTracker } from './progress.js';
import type { SyncStore } from './store-api.js';

/** Resource types downloaded for a patient unless the caller names others. */
export const DEFAULT_TYPES: readonly string[] = [
  'Patient',
  'AllergyIntolerance',
  'Condition',
  'Observation',
  'DiagnosticReport',
  'MedicationRequest',
  'MedicationStatement',
  'Immunization',
  'Procedure',
  'Encounter',
  'Consent',
];

/** Shared resources a record points at; fetched when referenced and not cached yet. */
export const REFERENCED_TYPES: readonly string[] = ['Medication', 'Practitioner', 'PractitionerRole', 'Organization', 'Location'];

/** Something that went wrong without failing the whole source (e.g. one bad entry). */
export interface SyncProblem {
  source: string;
  code: string;
  message: string;
  url?: string;
}

export interface DownloadContext {
  client: FhirClient;
  store: SyncStore;
  source: string;
  caps: ServerCapabilities;
  /** Patient id in this source. */
  patientId: string;
  /** `<source>/Patient/<id>`. */
  patientKey: string;
  /**
   * Every patient key of this source this sync asked for (default: `[patientKey]`). Rows are
   * filed only under these; anything about another patient is refused (see `fileDownloaded`).
   */
  asked?: readonly string[];
  /** The registered sources (to name the one a refused resource tried to speak about). */
  sources?: SourceBases;
  /**
   * Pages, resources and time this source may still use in this sync (`SyncLimits`), shared by
   * every download of the source in the run. Without one, only the nesting cap applies.
   */
  budget?: SourceBudget;
  /** Resource types wanted (Patient is always included). */
  types: readonly string[];
  /** Shared types read when referenced and not cached (default `REFERENCED_TYPES`). */
  referencedTypes?: readonly string[];
  overlapMs?: number;
  /** `_count` to ask for. */
  pageSize?: number;
  signal?: AbortSignal;
  progress?: ProgressTracker;
  problem: (p: SyncProblem) => void;
}

export interface DownloadResult {
  /** Rows written with a new server version. */
  downloaded: number;
  /** Tombstones written. */
  deleted: number;
  /** Server versions set aside because the row has a local change. */
  held: number;
  /**
   * Resources refused because they are about a patient this sync did not ask this source for
   * (another source's patient, an unknown server's, or a Patient not asked for); not stored.
   */
  refused: number;
  /** Earliest server time of the run's answers (for "last synced at"). */
  serverTime?: string;
  strategy: string;
}

export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Query string from defined values, each encoded (`a=b&c=d`). */
export function params(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}
