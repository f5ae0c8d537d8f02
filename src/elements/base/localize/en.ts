import { plural } from './plural.js';

/**
 * English terms: the reference language. Every other language file must have exactly these keys
 * with the same argument lists (`Translation` is derived from this object, so TypeScript checks
 * both the keys callers use and the files translators write).
 *
 * Arguments are already formatted (dates, numbers and lists through `Intl` in the caller); a term
 * only places them in a sentence and picks plural forms.
 */
const en = {
  $code: 'en',
  $name: 'English',
  $dir: 'ltr' as 'ltr' | 'rtl',

  // General states
  loading: 'Loading',
  loadingWhat: (what: string) => `Loading ${what}`,
  retry: 'Retry',
  retryWhat: (what: string) => `Retry loading ${what}`,
  notKnown: 'Not known',
  nothingRecorded: 'Nothing recorded',
  errorLoading: (what: string) => `${what} could not be loaded`,
  errorUnknown: 'An unexpected error occurred',
  errorDetails: (message: string) => `Details: ${message}`,
  showDetails: 'Show details',
  hideDetails: 'Hide details',

  // Freshness, sync, connectivity
  offline: 'Offline',
  offlineNotice: 'You are offline. Showing information saved on this device.',
  asOf: (time: string) => `as of ${time}`,
  lastSynced: (time: string) => `Last synced ${time}`,
  notSyncedYet: 'Not synced yet',
  outOfDate: 'Out of date',
  staleNotice: (time: string) => `This information may be out of date (as of ${time}).`,
  syncing: 'Syncing',
  syncingWith: (sources: string) => `Syncing with ${sources}`,
  syncComplete: 'Up to date',
  syncFailed: 'Sync failed',
  sourceSyncFailed: (source: string) => `${source} could not be synced`,
  sourcesSyncFailed: (count: number, sources: string) =>
    plural('en', count, { one: `${sources} could not be synced`, other: `${count} providers could not be synced: ${sources}` }),
  sourcesNotSynced: (count: number, sources: string) =>
    plural('en', count, { one: `${sources} has not been synced yet`, other: `${count} providers have not been synced yet: ${sources}` }),
  partialRecord: 'This record may be incomplete.',
  accessDenied: 'Access denied',

  // Sources (where a row came from)
  source: 'Source',
  sourceLabel: (label: string) => `Source: ${label}`,
  unknownSource: 'Unknown source',
  sourceCount: (count: number) => plural('en', count, { one: '1 provider', other: `${count} providers` }),
  alsoIn: (sources: string) => `Also recorded by ${sources}`,
  pendingUpload: 'Waiting to upload',
  conflict: 'Conflict: needs review',

  // Counts
  itemCount: (count: number) => plural('en', count, { one: '1 item', other: `${count} items` }),

  // Patient
  patient: 'Patient',
  deceased: 'Deceased',
  born: 'Born',
  died: 'Died',
  age: 'Age',
  ageAtDeath: 'Age at death',
  ageYears: (n: number) => `${n}y`,
  ageMonths: (n: number) => `${n}m`,
  ageWeeks: (n: number) => `${n}w`,
  ageDays: (n: number) => `${n}d`,
  gender: 'Gender',
  genderMale: 'Male',
  genderFemale: 'Female',
  genderOther: 'Other',
  genderUnknown: 'Not known',

  // Allergies: four different states, never merged
  allergies: 'Allergies',
  noKnownAllergies: 'No known allergies',
  allergiesNotRecorded: 'Allergies not recorded',
  allergyInfoUnavailable: 'Allergy information unavailable',
  unconfirmed: 'Unconfirmed',

  // Section names other elements use as `what` in loading/error messages
  medications: 'Medications',
  labResults: 'Lab results',
  consents: 'Consents',
  record: 'Record',

  // <ehr-patient-banner> terms (start)
  // <ehr-patient-banner> terms (end)

  // <ehr-allergy-panel> terms (start)
  // <ehr-allergy-panel> terms (end)

  // <ehr-medication-list> terms (start)
  // <ehr-medication-list> terms (end)
};

export type Translation = typeof en;
export default en;
export { en };
