/**
 * The demo page's own words (the elements translate themselves from the `lang` attribute).
 * English and German, like the elements; the choice is kept in localStorage.
 */
import { registerTranslation, de } from '../../src/elements/base/localize/index.js';

registerTranslation(de);

export type Lang = 'en' | 'de';

const en = {
  tagline: 'One patient’s record from every provider that treated them.',
  options: 'Display options',
  language: 'Language',
  theme: 'Theme',
  light: 'Light',
  dark: 'Dark',
  clearCache: 'Clear cached data',
  clearConfirm: 'Delete every record cached in this browser? Records are downloaded again from the servers on the next visit.',
  cleared: (n: number) => `Cached data cleared (${n} records).`,
  clearFailed: (m: string) => `Could not clear the cached data: ${m}`,
  patients: 'Patients',
  patientsIntro: 'Patients known to each provider, read from the FHIR servers. Open one to see the record gathered from all providers.',
  patientsTable: 'Patients by provider',
  colName: 'Name',
  colBorn: 'Born',
  colProvider: 'Provider',
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
  clearCache: 'Zwischengespeicherte Daten löschen',
  clearConfirm:
    'Alle in diesem Browser zwischengespeicherten Daten löschen? Beim nächsten Aufruf werden sie erneut von den Servern geladen.',
  cleared: (n: number) => `Zwischengespeicherte Daten gelöscht (${n} Einträge).`,
  clearFailed: (m: string) => `Die zwischengespeicherten Daten konnten nicht gelöscht werden: ${m}`,
  patients: 'Patienten',
  patientsIntro:
    'Die Patienten jeder Einrichtung, von den FHIR-Servern gelesen. Öffnen Sie einen, um die Akte aus allen Einrichtungen zu sehen.',
  patientsTable: 'Patienten nach Einrichtung',
  colName: 'Name',
  colBorn: 'Geboren',
  colProvider: 'Einrichtung',
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

/** A time of day in the current language. */
export function time(at: number | Date): string {
  return new Intl.DateTimeFormat(current, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(at);
}
