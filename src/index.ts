/**
 * ehr-elements: web components and an offline FHIR R4 record store that show one patient's record
 * gathered from every provider that treated them.
 *
 * This entry exports classes and functions only; it registers no tags. Register the elements you
 * use through their own entries (`import 'ehr-elements/patient-banner'`), or register the classes
 * under your own tags with `defineElement`.
 */
export { RecordStore } from './record-store.js';
export type { RecordStoreOpenOptions, SyncProgressEvent } from './record-store.js';
export { LocalRecordStore, StoreError } from './store/index.js';
export type {
  CodeSummaryEntry,
  CodeWindow,
  CodeWindowQuery,
  CodeWindowsQuery,
  ConflictChoice,
  ConflictRecord,
  LiveObservable,
  OpenOptions,
  PatientCoverage,
  PatientKey,
  PossibleMatch,
  PurgeOptions,
  PurgeResult,
  SearchQuery,
  SourceInit,
  SourceRecord,
  StoreErrorCode,
  StoredRow,
  WindowPosition,
} from './store/index.js';
export { SyncError } from './sync/index.js';
export type { SourceReport, SyncErrorCode, SyncPatientOptions, SyncProgress, SyncReport } from './sync/index.js';

export { EhrElement, EhrDataElement, defineElement } from './elements/base/index.js';
export { storeContext, patientContext, launchContext, syncStateContext } from './elements/base/index.js';
export { registerTranslation, de, en } from './elements/base/localize/index.js';
export { EhrRecordProvider } from './elements/record-provider/index.js';
export { EhrSourceBadge } from './elements/source-badge/index.js';
export { EhrPatientBanner } from './elements/patient-banner/index.js';
export { EhrAllergyPanel } from './elements/allergy-panel/index.js';
export { EhrMedicationList } from './elements/medication-list/index.js';
