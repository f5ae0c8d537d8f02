/**
 * `ehr-elements/smart`: SMART App Launch for the kit, over the official `fhirclient` library.
 * A separate entry: hosts that do not launch through SMART never load it (nor fhirclient).
 *
 * ```ts
 * // launch.html (the EHR opens it with ?iss=…&launch=…)
 * await smartLaunch({ clientId: 'my-app', redirectUri: './index.html' });
 * // index.html
 * const session = await smartReady();
 * provider.store = session.store;
 * provider.launch = session.context;
 * provider.patient = session.patientKey;
 * ```
 */
export { smartLaunch, smartReady, smartPartition, SmartSession, KIT_READ_TYPES, KIT_WRITE_TYPES } from './launch.js';
export type { SmartClient, SmartLaunchOptions, SmartReadyOptions, SmartLaunchContext, SignInRequiredEvent } from './launch.js';
export { SmartError } from './errors.js';
export type { SmartErrorCode } from './errors.js';
export type { TokenStorage } from './storage.js';
export { authorizedFetch } from './authorized-fetch.js';
export type { AuthorizedFetch, AuthorizedFetchOptions, TokenClient } from './authorized-fetch.js';
