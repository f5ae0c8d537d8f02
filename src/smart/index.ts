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
 *
 * A host that gathers several servers in one store of its own uses `smartConnect()` instead:
 * a connection per server, each added as a source with `connection.fetch`.
 */
export { smartLaunch, smartReady, smartConnect, smartPartition, SmartConnection, SmartSession, KIT_READ_TYPES, KIT_WRITE_TYPES } from './launch.js';
export type { SmartClient, SmartLaunchOptions, SmartConnectOptions, SmartReadyOptions, SmartLaunchContext, SignInRequiredEvent } from './launch.js';
export { SmartError } from './errors.js';
export type { SmartErrorCode } from './errors.js';
export type { TokenStorage } from './storage.js';
export { authorizedFetch } from './authorized-fetch.js';
export type { AuthorizedFetch, AuthorizedFetchOptions, TokenClient } from './authorized-fetch.js';
