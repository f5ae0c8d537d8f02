/**
 * The demo page's own words (the elements translate themselves from the `lang` attribute).
 * English and German, like the elements; the choice is kept in localStorage.
 */
import { registerTranslation, de } from '../../src/elements/base/localize/index.js';
import { formatParsedDate, wallClockOf } from '../../src/fhir/dates.js';

registerTranslation(de);

export type Lang = 'en' | 'de';

const en = {
  tagline: 'One patient’s record from every provider that treated them.',
  options: 'Display options',
  language: 'Language',
  theme: 'Theme',
  light: 'Light',
  dark: 'Dark',
  smartEhr: 'Open as a SMART app in a simulated EHR',
  smartStandalone: 'Sign in with SMART (patient)',
  density: 'Density',
  comfortable: 'Comfortable',
  compact: 'Compact',
  simulate: 'Simulate',
  offline: 'Offline',
  outageAt: (label: string) => `${label} down`,
  clearCache: 'Clear cached data',
  clearConfirm: 'Delete every record cached in this browser? Records are downloaded again from the servers on the next visit.',
  cleared: (n: number) => `Cached data cleared (${n} records).`,
  clearFailed: (m: string) => `Could not clear the cached data: ${m}`,
  patients: 'Patients',
  patientsIntro:
    'Patients known to any provider, read from the FHIR servers: one row per person, their records linked across providers. Open one to see the record gathered from all of them.',
  patientsTable: 'Patients',
  colName: 'Name',
  colBorn: 'Born',
  colGender: 'Gender',
  colIdentifier: 'Identifier',
  colProviders: 'Records at',
  heldBy: 'Providers holding a record',
  deceased: 'Deceased',
  issuedBy: (issuer: string) => `${issuer} ID`,
  searchLabel: 'Search by name or identifier',
  peopleCount: (n: number) => (n === 1 ? '1 patient' : `${n} patients`),
  showingOf: (shown: number, total: number) => `Showing ${shown} of ${total} patients`,
  noMatch: (query: string) => `No patient matches “${query}”.`,
  loadingPatients: 'Loading patients…',
  noPatients: 'No patients on these servers.',
  notKnown: 'Not known',
  listErrorTitle: 'Some records could not be loaded',
  unreachable: (label: string, url: string, why: string) => `${label} (${url}) is unreachable: ${why}`,
  tryAgain: 'Try again',
  backToList: 'All patients',
  pageNav: 'Page',
  recordRegion: 'Patient record',
  openingStore: 'Opening the local record store…',
  storeFailed: (m: string) => `The local record store could not be opened: ${m}`,
  syncing: 'Syncing…',
  syncNow: 'Sync now',
  notSyncedYet: 'Not synced yet in this browser.',
  upToDate: (sources: string) => `Up to date with ${sources}`,
  noRecordAt: (sources: string) => `no record at ${sources}`,
  sourceFailed: (source: string, why: string) => `${source} could not be synced: ${why}`,
  syncFailed: (why: string) => `Sync failed: ${why}`,
  at: (time: string) => `(${time})`,
  /** Short reasons for the sync error codes of src/sync/errors.ts. */
  reasons: {
    unauthorized: 'not signed in',
    forbidden: 'access refused',
    throttled: 'server busy',
    network: 'server unreachable',
    timeout: 'no answer in time',
    http: 'server error',
    other: 'unexpected answer',
  } as Record<string, string>,
};

export type Words = typeof en;

const deWords: Words = {
  tagline: 'Die Akte eines Patienten von allen Einrichtungen, die ihn behandelt haben.',
  options: 'Anzeigeoptionen',
  language: 'Sprache',
  theme: 'Darstellung',
  light: 'Hell',
  dark: 'Dunkel',
  smartEhr: 'Als SMART-App in einem simulierten EHR öffnen',
  smartStandalone: 'Mit SMART anmelden (Patient)',
  density: 'Dichte',
  comfortable: 'Großzügig',
  compact: 'Kompakt',
  simulate: 'Simulieren',
  offline: 'Offline',
  outageAt: (label: string) => `${label} ausgefallen`,
  clearCache: 'Zwischengespeicherte Daten löschen',
  clearConfirm:
    'Alle in diesem Browser zwischengespeicherten Daten löschen? Beim nächsten Aufruf werden sie erneut von den Servern geladen.',
  cleared: (n: number) => `Zwischengespeicherte Daten gelöscht (${n} Einträge).`,
  clearFailed: (m: string) => `Die zwischengespeicherten Daten konnten nicht gelöscht werden: ${m}`,
  patients: 'Patienten',
  patientsIntro:
    'Die Patienten aller Einrichtungen, von den FHIR-Servern gelesen: eine Zeile je Person, ihre Akten über die Einrichtungen verknüpft. Öffnen Sie einen, um die Akte aus allen Einrichtungen zu sehen.',
  patientsTable: 'Patienten',
  colName: 'Name',
  colBorn: 'Geboren',
  colGender: 'Geschlecht',
  colIdentifier: 'Kennung',
  colProviders: 'Akten bei',
  heldBy: 'Einrichtungen mit einer Akte',
  deceased: 'Verstorben',
  issuedBy: (issuer: string) => `ID ${issuer}`,
  searchLabel: 'Nach Name oder Kennung suchen',
  peopleCount: (n: number) => (n === 1 ? '1 Patient' : `${n} Patienten`),
  showingOf: (shown: number, total: number) => `${shown} von ${total} Patienten angezeigt`,
  noMatch: (query: string) => `Kein Patient passt zu „${query}“.`,
  loadingPatients: 'Patienten werden geladen…',
  noPatients: 'Keine Patienten auf diesen Servern.',
  notKnown: 'Nicht bekannt',
  listErrorTitle: 'Einige Daten konnten nicht geladen werden',
  unreachable: (label: string, url: string, why: string) => `${label} (${url}) ist nicht erreichbar: ${why}`,
  tryAgain: 'Erneut versuchen',
  backToList: 'Alle Patienten',
  pageNav: 'Seite',
  recordRegion: 'Patientenakte',
  openingStore: 'Lokaler Datenspeicher wird geöffnet…',
  storeFailed: (m: string) => `Der lokale Datenspeicher konnte nicht geöffnet werden: ${m}`,
  syncing: 'Synchronisiere…',
  syncNow: 'Jetzt synchronisieren',
  notSyncedYet: 'In diesem Browser noch nicht synchronisiert.',
  upToDate: (sources: string) => `Aktuell mit ${sources}`,
  noRecordAt: (sources: string) => `keine Akte bei ${sources}`,
  sourceFailed: (source: string, why: string) => `${source} konnte nicht synchronisiert werden: ${why}`,
  syncFailed: (why: string) => `Synchronisierung fehlgeschlagen: ${why}`,
  at: (time: string) => `(${time})`,
  reasons: {
    unauthorized: 'nicht angemeldet',
    forbidden: 'Zugriff verweigert',
    throttled: 'Server überlastet',
    network: 'Server nicht erreichbar',
    timeout: 'keine Antwort in der Zeit',
    http: 'Serverfehler',
    other: 'unerwartete Antwort',
  },
};

const KEY = 'ehr-demo-lang';

function stored(): Lang {
  try {
    return localStorage.getItem(KEY) === 'de' ? 'de' : 'en';
  } catch {
    return 'en';
  }
}

let current: Lang = stored();

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

export function words(): Words {
  return current === 'de' ? deWords : en;
}

/** "A, B and C" in the current language. */
export function list(items: string[]): string {
  return new Intl.ListFormat(current, { type: 'conjunction' }).format(items);
}

/**
 * A moment as the kit shows one: the date with a 24-hour time, in the current language
 * (`03-Dec-2026 17:19`, de `03.12.2026, 17:19`), so the page and the elements never show two
 * clocks.
 */
export function time(at: number | Date): string {
  const d = typeof at === 'number' ? new Date(at) : at;
  return formatParsedDate({ original: '', precision: 'time', ...wallClockOf(d) }, current, { time: true });
}
