import { createContext } from '@lit/context';
import type { LaunchContext, PatientKey, RecordSource, SyncState, UserReference } from './store-types.js';

/**
 * Context keys shared by every element. `<ehr-record-provider>` provides them; elements consume
 * them with `subscribe: true`, so changing the provider's store or patient re-renders everything
 * below it. Symbols (not strings) so two copies of the kit on one page never answer each other.
 */
export const storeContext = createContext<RecordSource | undefined>(Symbol('ehr-store'));
export const patientContext = createContext<PatientKey | undefined>(Symbol('ehr-patient'));
/** SMART launch context (need_patient_banner, granted scopes, ...). Placeholder until SMART lands. */
export const launchContext = createContext<LaunchContext | undefined>(Symbol('ehr-launch'));
/** The provider's latest sync: lets status displays refresh when a sync finishes. */
export const syncStateContext = createContext<SyncState | undefined>(Symbol('ehr-sync-state'));
/** The current user (`<ehr-record-provider .user>`): the author of consents and other writes. */
export const userContext = createContext<UserReference | undefined>(Symbol('ehr-user'));
