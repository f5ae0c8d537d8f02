/**
 * Sync between the local record store and FHIR servers: capability detection, download
 * strategies, upload with conflict detection, retries, locks and progress. See README.md here.
 */
export { SyncEngine } from './engine.js';
export type { SyncEngineOptions, SyncPatientOptions, SyncReport, SourceReport } from './engine.js';
export { FhirClient, toIso } from './http.js';
export type { FhirResponse, HttpOptions, RequestOptions } from './http.js';
export { SyncError, isAbort, redactUrl, sanitizeMessage, serverText, toSyncError } from './errors.js';
export { DEFAULT_LIMITS, SourceBudget, nestsDeeperThan, resolveLimits } from './limits.js';
export type { SyncLimits } from './limits.js';
export type { SyncErrorCode } from './errors.js';
export { DEFAULT_RETRY_POLICY, backoffDelay, parseRetryAfter, sleep } from './retry.js';
export type { RetryPolicy, Sleep } from './retry.js';
export { parseCapabilities, patientSearchMethod, unknownCapabilities, supportsSearchParam, canSeeDeletes } from './capabilities.js';
export type { ServerCapabilities } from './capabilities.js';
export { readBundlePage, checkResource, parseEtag, parseRef } from './bundle.js';
export type { BundlePage, EntryProblem, HistoryEvent } from './bundle.js';
export { DEFAULT_OVERLAP_MS, checkpointKey, serverTimeOf, sinceValue } from './checkpoint.js';
export {
  CompartmentSearchStrategy,
  DEFAULT_TYPES,
  EverythingStrategy,
  REFERENCED_TYPES,
  chooseStrategy,
  downloadPatient,
  runQuery,
} from './download.js';
export type { DownloadContext, DownloadResult, DownloadStrategy, PatientQuery, SyncProblem } from './download.js';
export { uploadSource, sameContent, squashable } from './upload.js';
export type { UploadContext, UploadResult } from './upload.js';
export { linkingIdentifiers, linkTargets, findPatientsByIdentifier } from './linking.js';
export { ProgressTracker } from './progress.js';
export type { ProgressListener, SyncPhase, SyncProgress } from './progress.js';
export { ProgressChannel, channelName, lockName, withLock, withSourceLock } from './locks.js';
export type { SyncStore } from './store-api.js';
