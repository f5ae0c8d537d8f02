import type { PatientKey, SyncReport } from './store-types.js';

/** Detail of `ehr-sync-start`. */
export interface SyncStartDetail {
  patient: PatientKey;
}
/** Detail of `ehr-sync-complete`: the store's report (per-source errors live inside it). */
export interface SyncCompleteDetail {
  patient: PatientKey;
  report: SyncReport;
}
/** Detail of `ehr-sync-error`: the sync call itself failed (not one source: see the report for that). */
export interface SyncErrorDetail {
  patient: PatientKey;
  error: unknown;
  message: string;
}
/** Detail of `ehr-sync-request`: an element asks the nearest provider to sync again (e.g. a Retry). */
export interface SyncRequestDetail {
  patient?: PatientKey;
}

declare global {
  // Element authors add their own `ehr-*` events to this map next to their element;
  // `EhrElement.emit` then accepts them with the right detail type.
  interface GlobalEventHandlersEventMap {
    'ehr-sync-start': CustomEvent<SyncStartDetail>;
    'ehr-sync-complete': CustomEvent<SyncCompleteDetail>;
    'ehr-sync-error': CustomEvent<SyncErrorDetail>;
    'ehr-sync-request': CustomEvent<SyncRequestDetail>;
  }
}

/** Names of every `ehr-*` event known to the global map. */
export type EhrEventName = Extract<keyof GlobalEventHandlersEventMap, `ehr-${string}`>;
/** The detail type of an `ehr-*` event. */
export type EhrEventDetail<K extends EhrEventName> = GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never;
