import type { Translation } from './en.js';
import { plural } from './plural.js';

/**
 * German terms. Not registered by default (the package has no side effects): call
 * `registerTranslation(de)` once, e.g. in the host app's entry point.
 */
const de: Translation = {
  $code: 'de',
  $name: 'Deutsch',
  $dir: 'ltr',

  loading: 'Wird geladen',
  loadingWhat: (what: string) => `${what} werden geladen`,
  retry: 'Erneut versuchen',
  retryWhat: (what: string) => `${what} erneut laden`,
  notKnown: 'Nicht bekannt',
  nothingRecorded: 'Nichts dokumentiert',
  errorLoading: (what: string) => `${what} konnten nicht geladen werden`,
  errorUnknown: 'Ein unerwarteter Fehler ist aufgetreten',
  errorDetails: (message: string) => `Details: ${message}`,
  showDetails: 'Details anzeigen',
  hideDetails: 'Details ausblenden',

  offline: 'Offline',
  offlineNotice: 'Sie sind offline. Angezeigt werden die auf diesem Gerät gespeicherten Daten.',
  asOf: (time: string) => `Stand ${time}`,
  lastSynced: (time: string) => `Zuletzt synchronisiert ${time}`,
  notSyncedYet: 'Noch nicht synchronisiert',
  outOfDate: 'Veraltet',
  staleNotice: (time: string) => `Diese Angaben sind möglicherweise veraltet (Stand ${time}).`,
  syncing: 'Wird synchronisiert',
  syncingWith: (sources: string) => `Synchronisierung mit ${sources}`,
  syncComplete: 'Aktuell',
  syncFailed: 'Synchronisierung fehlgeschlagen',
  sourceSyncFailed: (source: string) => `${source} konnte nicht synchronisiert werden`,
  sourcesSyncFailed: (count: number, sources: string) =>
    plural('de', count, {
      one: `${sources} konnte nicht synchronisiert werden`,
      other: `${count} Quellen konnten nicht synchronisiert werden: ${sources}`,
    }),
  sourcesNotSynced: (count: number, sources: string) =>
    plural('de', count, {
      one: `${sources} wurde noch nicht synchronisiert`,
      other: `${count} Quellen wurden noch nicht synchronisiert: ${sources}`,
    }),
  partialRecord: 'Diese Akte ist möglicherweise unvollständig.',
  accessDenied: 'Zugriff verweigert',

  source: 'Quelle',
  sourceLabel: (label: string) => `Quelle: ${label}`,
  unknownSource: 'Unbekannte Quelle',
  sourceCount: (count: number) => plural('de', count, { one: '1 Quelle', other: `${count} Quellen` }),
  alsoIn: (sources: string) => `Auch dokumentiert von ${sources}`,
  pendingUpload: 'Wartet auf Übertragung',
  conflict: 'Konflikt: Prüfung nötig',

  itemCount: (count: number) => plural('de', count, { one: '1 Eintrag', other: `${count} Einträge` }),

  patient: 'Patient',
  deceased: 'Verstorben',
  born: 'Geboren',
  died: 'Gestorben',
  age: 'Alter',
  ageAtDeath: 'Alter beim Tod',
  ageYears: (n: number) => `${n} J.`,
  ageMonths: (n: number) => `${n} Mon.`,
  ageWeeks: (n: number) => `${n} Wo.`,
  ageDays: (n: number) => `${n} T.`,
  gender: 'Geschlecht',
  genderMale: 'Männlich',
  genderFemale: 'Weiblich',
  genderOther: 'Divers',
  genderUnknown: 'Nicht bekannt',

  allergies: 'Allergien',
  noKnownAllergies: 'Keine bekannten Allergien',
  allergiesNotRecorded: 'Allergien nicht erfasst',
  allergyInfoUnavailable: 'Allergieinformationen nicht verfügbar',
  unconfirmed: 'Unbestätigt',

  medications: 'Medikamente',
  labResults: 'Laborwerte',
  consents: 'Einwilligungen',
  record: 'Akte',

  // <ehr-patient-banner> terms (start)
  // <ehr-patient-banner> terms (end)

  // <ehr-allergy-panel> terms (start)
  // <ehr-allergy-panel> terms (end)

  // <ehr-medication-list> terms (start)
  // <ehr-medication-list> terms (end)
};

export default de;
export { de };
