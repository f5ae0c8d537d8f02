/**
 * The words of <ehr-sync-status> (English and German), shipped with the element rather than in the
 * shared `en.ts` (see `base/localize/element-terms.ts`). A host's `registerTranslation` may
 * override any key.
 */
import { elementTerms } from '../base/localize/element-terms.js';

const en = {
  syncStatusHeading: 'Sync status',
  syncNow: 'Sync now',
  syncInProgress: 'Syncing…',
  syncProgress: (done: string, total: string) => `Syncing… ${done} of ${total}`,
  syncProgressEstimated: (done: string, total: string) => `Syncing… ${done} of about ${total} (estimated)`,
  syncProgressLabel: (source: string) => `Sync progress of ${source}`,
  syncSyncedAt: (relative: string, absolute: string) => `Synced ${relative} (${absolute})`,
  syncLastGood: (relative: string, absolute: string) => `· last synced ${relative} (${absolute})`,
  syncFailedBecause: (reason: string) => `Sync failed: ${reason}`,
  syncOffline: 'Offline: showing what is saved on this device',
  syncNoRecord: 'No record of this patient',
  syncNoStore: 'No record store connected',
  syncNoSources: 'No providers configured',
  syncReasonUnauthorized: 'not signed in',
  syncReasonForbidden: 'access refused',
  syncReasonThrottled: 'server busy',
  syncReasonNetwork: 'server unreachable',
  syncReasonTimeout: 'no answer in time',
  syncReasonHttp: 'server error',
  syncReasonRefused: 'answer not usable',
  syncReasonOther: 'unexpected answer',
};

const de: Partial<typeof en> = {
  syncStatusHeading: 'Synchronisierungsstatus',
  syncNow: 'Jetzt synchronisieren',
  syncInProgress: 'Synchronisiere…',
  syncProgress: (done: string, total: string) => `Synchronisiere… ${done} von ${total}`,
  syncProgressEstimated: (done: string, total: string) => `Synchronisiere… ${done} von etwa ${total} (geschätzt)`,
  syncProgressLabel: (source: string) => `Fortschritt der Synchronisierung mit ${source}`,
  syncSyncedAt: (relative: string, absolute: string) => `Synchronisiert ${relative} (${absolute})`,
  syncLastGood: (relative: string, absolute: string) => `· zuletzt synchronisiert ${relative} (${absolute})`,
  syncFailedBecause: (reason: string) => `Synchronisierung fehlgeschlagen: ${reason}`,
  syncOffline: 'Offline: es wird gezeigt, was auf diesem Gerät gespeichert ist',
  syncNoRecord: 'Keine Akte zu diesem Patienten',
  syncNoStore: 'Kein Datenspeicher verbunden',
  syncNoSources: 'Keine Einrichtungen eingerichtet',
  syncReasonUnauthorized: 'nicht angemeldet',
  syncReasonForbidden: 'Zugriff verweigert',
  syncReasonThrottled: 'Server überlastet',
  syncReasonNetwork: 'Server nicht erreichbar',
  syncReasonTimeout: 'keine Antwort in der Zeit',
  syncReasonHttp: 'Serverfehler',
  syncReasonRefused: 'Antwort nicht verwendbar',
  syncReasonOther: 'unerwartete Antwort',
};

/** `term(localize, key, ...args)`: a term of this element in the element's language. */
export const term = elementTerms(en, { de });
export type SyncTermKey = keyof typeof en;
