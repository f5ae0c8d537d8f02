/**
 * SMART App Launch over the official `fhirclient` library: `smartLaunch()` on the launch page,
 * `smartReady()` on the redirect page. What this module adds to fhirclient's defaults:
 *
 * - PKCE with S256 always (`pkceMode: 'required'`); a server that does not advertise S256 is
 *   refused before the user is sent anywhere.
 * - fhirclient's storage keyed per instance (`KeyedStorage`), so several clients on one page
 *   keep apart; tokens in `sessionStorage` or memory only.
 * - Scopes in SMART 2 syntax, SMART 1 when the server's configuration asks for it.
 * - Tokens refreshed before expiry and on a 401, one refresh at a time (`authorizedFetch`).
 * - A `RecordStore` partitioned by `iss` + `tenant` + `fhirUser`, with the SMART server as a source.
 */
import BrowserAdapterImport from 'fhirclient/lib/adapters/BrowserAdapter.js';
import type Client from 'fhirclient/lib/Client.js';
import { RecordStore, type RecordStoreOpenOptions } from '../record-store.js';
import type { LaunchContext } from '../elements/base/store-types.js';
import { isFhirId, typeAndIdOf } from '../fhir/references.js';
import { canReadType, resourceScopes, scopeVersionFor, splitScopes } from '../fhir/smart-scopes.js';
import { DEFAULT_TYPES, REFERENCED_TYPES } from '../sync/download-context.js';
import { styleTokens } from '../fhir/smart-style.js';
import type { PatientKey } from '../store/index.js';
import { authorizedFetch, type AuthorizedFetch } from './authorized-fetch.js';
import { SmartError } from './errors.js';
import { KeyedStorage, checkInstance, instanceForState, type TokenStorage } from './storage.js';

/** The key under which fhirclient keeps the current state's key (its `settings.SMART_KEY`). */
const SMART_KEY = 'SMART_KEY';

/**
 * The resource types the kit syncs (the sync engine's defaults, the shared types rows reference,
 * and Provenance of consents), and the ones it writes (a consent and its Provenance).
 */
export const KIT_READ_TYPES: readonly string[] = [...new Set([...DEFAULT_TYPES, ...REFERENCED_TYPES, 'Provenance'])].sort();
export const KIT_WRITE_TYPES: readonly string[] = ['Consent', 'Provenance'];

export interface SmartLaunchOptions {
  /** The app's client id at the authorization server. */
  clientId: string;
  /** Where the server sends the user back (the page that calls `smartReady`). Default: this page. */
  redirectUri?: string;
  /** Names this SMART client on the page (default `'default'`); give each client its own. */
  instance?: string;
  /**
   * Standalone launch: the FHIR base to sign in to. Ignored in an EHR launch, where the URL's
   * `iss` and `launch` are used.
   */
  iss?: string;
  /**
   * Which FHIR servers this app accepts as `iss` (an EHR launch names its server in the URL, and
   * anyone can craft that URL). Default: any. Production hosts should list their servers.
   */
  allowedIss?: readonly string[] | ((iss: string) => boolean);
  /** Standalone launch kind: `'provider'` (default: the user picks the patient in the app) or `'patient'` (`launch/patient`). */
  standalone?: 'provider' | 'patient';
  /** Resource types to read (default `KIT_READ_TYPES`). */
  read?: readonly string[];
  /** Resource types to write (default `KIT_WRITE_TYPES`; `[]` for a read-only app). */
  write?: readonly string[];
  /** More scopes (e.g. `'online_access'`). */
  extraScopes?: readonly string[];
  /** `fetch` for the SMART configuration (default the global one). */
  fetch?: typeof fetch;
  /** Page URL to read `iss`/`launch` from (default `location.href`). */
  url?: string;
}

/** Options of `smartConnect`: which signed-in client, and how it talks to the server. */
export interface SmartConnectOptions {
  /** The client instance (default: the one whose launch produced the URL's `state`, else `'default'`). */
  instance?: string;
  /** `'session'` (default) or `'memory'`: where tokens are kept. */
  tokenStorage?: TokenStorage;
  /** `fetch` for FHIR requests and the style document (default the global one). */
  fetch?: typeof fetch;
}

/** Options of `smartReady`: `smartConnect`'s, and the store it opens. */
export interface SmartReadyOptions extends SmartConnectOptions {
  /** Id of the SMART server as a source of the store (default `'ehr'`). */
  sourceId?: string;
  /** Label of that source (default: the server's host name). */
  label?: string;
  /** Options for the store (identifier systems, sync, ...); its name comes from the launch. */
  store?: Omit<RecordStoreOpenOptions, 'name'>;
}

/** What the launch established, for the host and (as `LaunchContext`) for the elements. */
export interface SmartLaunchContext extends LaunchContext {
  /** The FHIR base (`iss`) the session talks to. */
  serverUrl: string;
  /** Granted scopes, as the server returned them. */
  scopes: readonly string[];
}

/**
 * fhirclient ships CommonJS (`exports.default = BrowserAdapter`); bundlers differ in whether a
 * default import yields the class or the exports object, so take whichever holds the class.
 */
type AdapterClass = typeof BrowserAdapterImport;
const BrowserAdapter: AdapterClass = (BrowserAdapterImport as unknown as { default?: AdapterClass }).default ?? BrowserAdapterImport;

/** The resource types SMART allows as `fhirUser`. */
const USER_TYPES = new Set(['Practitioner', 'PractitionerRole', 'Patient', 'RelatedPerson', 'Person']);
const isUser = (ref: string) => {
  const parsed = typeAndIdOf(ref);
  return !!parsed && USER_TYPES.has(parsed.type) && ref === `${parsed.type}/${parsed.id}`;
};

/** fhirclient's browser adapter with the instance's own storage. */
class KeyedAdapter extends BrowserAdapter {
  readonly #keyed: KeyedStorage;
  constructor(storage: KeyedStorage) {
    // A public client must name itself when it refreshes (RFC 6749 §6): fhirclient does not by default.
    super({ replaceBrowserHistory: true, fullSessionStorageSupport: true, refreshTokenWithCredentials: 'omit', refreshTokenWithClientId: true });
    this.#keyed = storage;
  }
  override getStorage(): ReturnType<InstanceType<AdapterClass>['getStorage']> {
    return this.#keyed as unknown as ReturnType<InstanceType<AdapterClass>['getStorage']>;
  }
}

function issAccepted(iss: string, allowed: SmartLaunchOptions['allowedIss']): boolean {
  if (!allowed) return true;
  if (typeof allowed === 'function') return allowed(iss);
  const normal = (u: string) => u.replace(/\/+$/, '');
  return allowed.map(normal).includes(normal(iss));
}

/** Reads the server's `.well-known/smart-configuration`. */
async function smartConfiguration(iss: string, f: typeof fetch): Promise<Record<string, unknown>> {
  const url = `${iss.replace(/\/+$/, '')}/.well-known/smart-configuration`;
  let response: Response;
  try {
    response = await f(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    throw new SmartError('configuration', `Could not reach the FHIR server's SMART configuration (${url}).`, { cause: error });
  }
  if (!response.ok) throw new SmartError('configuration', `The FHIR server has no SMART configuration (${url} answered ${response.status}).`);
  const body: unknown = await response.json().catch(() => undefined);
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new SmartError('configuration', `The FHIR server's SMART configuration is not a JSON object (${url}).`);
  }
  return body as Record<string, unknown>;
}

/**
 * Starts a SMART launch: checks the server, then sends the browser to its authorization page
 * (the promise settles only on failure). EHR launch when the page URL has `iss` and `launch`;
 * standalone otherwise, with `options.iss`.
 *
 * @throws {SmartError} `'configuration'` (no server, not allowed, no configuration),
 *   `'pkce-unsupported'` (no S256), `'launch-failed'`.
 */
export async function smartLaunch(options: SmartLaunchOptions): Promise<void> {
  const instance = checkInstance(options.instance ?? 'default');
  const page = new URL(options.url ?? globalThis.location.href);
  const launch = page.searchParams.get('launch') ?? undefined;
  const iss = (launch ? page.searchParams.get('iss') : null) ?? options.iss;
  if (!iss) {
    throw new SmartError(
      'configuration',
      launch ? 'The EHR launch has no "iss": the EHR must name its FHIR server.' : 'No FHIR server to sign in to: open this app from the EHR, or choose a server.',
    );
  }
  if (!/^https?:\/\//i.test(iss)) throw new SmartError('configuration', 'The FHIR server address must start with http:// or https://.');
  if (!issAccepted(iss, options.allowedIss)) {
    throw new SmartError('configuration', `This app is not set up to connect to ${new URL(iss).host}.`);
  }
  const configuration = await smartConfiguration(iss, options.fetch ?? ((i, init) => globalThis.fetch(i, init)));
  const methods = Array.isArray(configuration.code_challenge_methods_supported) ? configuration.code_challenge_methods_supported : [];
  if (!methods.includes('S256')) {
    throw new SmartError(
      'pkce-unsupported',
      `${new URL(iss).host} does not support PKCE with S256, which this app requires to sign in safely. Ask the server's administrator to enable it.`,
    );
  }
  const version = scopeVersionFor(configuration);
  const patientContext = Boolean(launch) || options.standalone === 'patient';
  const scopes = [
    'openid',
    'fhirUser',
    'offline_access',
    ...(launch ? ['launch'] : options.standalone === 'patient' ? ['launch/patient'] : []),
    ...resourceScopes({ context: patientContext ? 'patient' : 'user', read: options.read ?? KIT_READ_TYPES, write: options.write ?? KIT_WRITE_TYPES }, version),
    ...(options.extraScopes ?? []),
  ];
  const storage = new KeyedStorage(instance, 'session');
  const adapter = new KeyedAdapter(storage);
  try {
    await adapter.getSmartApi().authorize({
      clientId: options.clientId,
      scope: [...new Set(scopes)].join(' '),
      redirectUri: options.redirectUri ?? page.pathname,
      ...(launch ? { iss, launch } : { iss }),
      pkceMode: 'required',
      completeInTarget: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/PKCE|S256/i.test(message)) throw new SmartError('pkce-unsupported', 'The server does not support PKCE with S256, which this app requires.', { cause: error });
    throw new SmartError('launch-failed', `The sign-in could not start: ${message}`, { cause: error });
  }
}

/** Reads one field of the token response as a string, or undefined. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 2048 ? value : undefined;
}

/** Fetches and validates `smart_style_url`; any failure leaves the kit's own look. */
async function fetchStyle(url: string | undefined, f: typeof fetch): Promise<Record<string, string> | undefined> {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  try {
    const response = await f(url, { headers: { accept: 'application/json' }, credentials: 'omit', signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return undefined;
    const supports = typeof CSS !== 'undefined' && typeof CSS.supports === 'function' ? CSS.supports.bind(CSS) : undefined;
    return styleTokens(await response.json(), supports).tokens;
  } catch {
    return undefined;
  }
}

/** The launch context from fhirclient's state. */
function contextOf(client: Client): SmartLaunchContext {
  const state = client.state as { serverUrl: string; tokenResponse?: Record<string, unknown> };
  const tr = state.tokenResponse ?? {};
  const patient = text(tr.patient);
  if (patient !== undefined && !isFhirId(patient)) throw new SmartError('launch-failed', 'The server named the patient with an id that is not a FHIR id.');
  const encounter = text(tr.encounter);
  const fhirUser = text(client.getFhirUser() ?? undefined);
  const fhirContext = Array.isArray(tr.fhirContext)
    ? (tr.fhirContext as unknown[]).filter((c): c is NonNullable<LaunchContext['fhirContext']>[number] => !!c && typeof c === 'object' && !Array.isArray(c))
    : undefined;
  return {
    serverUrl: state.serverUrl.replace(/\/+$/, ''),
    scopes: splitScopes(text(tr.scope)),
    ...(patient ? { patient } : {}),
    ...(encounter && isFhirId(encounter) ? { encounter } : {}),
    ...(fhirContext ? { fhirContext } : {}),
    ...(text(tr.intent) ? { intent: text(tr.intent) } : {}),
    ...(text(tr.tenant) ? { tenant: text(tr.tenant) } : {}),
    ...(typeof tr.need_patient_banner === 'boolean' ? { needPatientBanner: tr.need_patient_banner } : {}),
    ...(text(tr.smart_style_url) ? { smartStyleUrl: text(tr.smart_style_url) } : {}),
    ...(fhirUser && isUser(fhirUser) ? { fhirUser } : {}),
  };
}

/**
 * The partition of the store for one SMART session: the server, its tenant and the user, so two
 * users (or two tenants of one server) never share a cache.
 */
export function smartPartition(context: Pick<SmartLaunchContext, 'serverUrl' | 'tenant' | 'fhirUser'>): string {
  return ['smart', context.serverUrl, context.tenant ?? '', context.fhirUser ?? ''].join('\u0000');
}

/**
 * What a session exposes of fhirclient's `Client`: its requests carry the token and refresh it
 * too. (fhirclient's own declarations need Node's typings, so the kit names only this part.)
 */
export interface SmartClient {
  readonly state: {
    readonly serverUrl: string;
    readonly tokenResponse?: { readonly access_token?: string; readonly scope?: string; readonly [field: string]: unknown };
    readonly expiresAt?: number;
  };
  /** A FHIR request relative to the server (`'Patient/123'`), parsed JSON back. */
  request<T = unknown>(request: string | (RequestInit & { url: string })): Promise<T>;
  /** Trades the refresh token for a new access token. */
  refresh(): Promise<unknown>;
}

/** Event a `SmartConnection` dispatches when it can no longer get tokens: `detail.reason` says why. */
export type SignInRequiredEvent = CustomEvent<{ reason: string }>;

/** What `SmartConnection`'s constructor is given (built by `smartConnect` / `smartReady`). */
interface ConnectionInit {
  context: SmartLaunchContext;
  instance: string;
  client: SmartClient;
  storage: KeyedStorage;
  /** Makes the authorized fetch, whose events go to the connection being built. */
  auth: (target: EventTarget) => AuthorizedFetch;
}

/**
 * A signed-in SMART client without a store of its own: the launch context and a `fetch` whose
 * requests carry the token (refreshed as needed). For a host that gathers several servers in one
 * `RecordStore`: `store.addSource({ id, baseUrl: connection.context.serverUrl, fetch: connection.fetch })`.
 * The host then owns the store, and with it the choice of partition (see `smartPartition`).
 *
 * @fires sign-in-required - The refresh token is gone or refused: show "sign in again".
 * @fires token-refreshed - A new access token was obtained.
 */
export class SmartConnection extends EventTarget {
  readonly context: SmartLaunchContext;
  readonly instance: string;
  /** fhirclient's client, for requests the kit does not make (its `request` refreshes too). */
  readonly client: SmartClient;
  readonly #storage: KeyedStorage;
  readonly #auth: AuthorizedFetch;

  /** @internal Built by `smartConnect` and `smartReady`. */
  constructor(init: ConnectionInit) {
    super();
    this.context = init.context;
    this.instance = init.instance;
    this.client = init.client;
    this.#storage = init.storage;
    this.#auth = init.auth(this);
  }

  /** A `fetch` for this server: adds the access token, refreshes it before expiry and once on a 401. */
  get fetch(): typeof fetch {
    return this.#auth.fetch;
  }

  /** True once the session needs a new sign-in (see the `sign-in-required` event). */
  get signInRequired(): boolean {
    return this.#auth.signInRequired;
  }

  /** Forgets the tokens: this instance's storage is cleared, later requests fail as unauthorized. */
  async signOut(): Promise<void> {
    this.#auth.revoke('Signed out.');
    this.#storage.clear();
  }
}

/**
 * A signed-in SMART session: a `SmartConnection` with its own store (the SMART server as source
 * `sourceId`, partitioned by `smartPartition`).
 */
export class SmartSession extends SmartConnection {
  readonly store: RecordStore;
  readonly sourceId: string;

  /** @internal Built by `smartReady`. */
  constructor(init: ConnectionInit & { store: RecordStore; sourceId: string }) {
    super(init);
    this.store = init.store;
    this.sourceId = init.sourceId;
  }

  /** The launch patient as a store key (`"<sourceId>/Patient/<id>"`), when the launch has one. */
  get patientKey(): PatientKey | undefined {
    return this.context.patient ? `${this.sourceId}/Patient/${this.context.patient}` : undefined;
  }

  /**
   * Signs out: forgets the tokens and closes the store; with `clearCache`, deletes this user's
   * cached record too (`RecordStore.signOut`: every tab of the partition is closed).
   */
  override async signOut(options: { clearCache?: boolean } = {}): Promise<void> {
    await super.signOut();
    if (options.clearCache) await this.store.signOut();
    else this.store.close();
  }
}

/** The completed authorization: what a connection is built from. */
interface Completed {
  context: SmartLaunchContext;
  instance: string;
  client: SmartClient;
  storage: KeyedStorage;
  auth: (target: EventTarget) => AuthorizedFetch;
}

async function complete(options: SmartConnectOptions): Promise<Completed> {
  const page = new URL(globalThis.location.href);
  const state = page.searchParams.get('state');
  const instance = checkInstance(options.instance ?? (state ? instanceForState(state) : undefined) ?? 'default');
  const storage = new KeyedStorage(instance, options.tokenStorage ?? 'session');
  const error = page.searchParams.get('error');
  if (error) {
    if (state) await storage.unset(state);
    const description = (page.searchParams.get('error_description') ?? '').slice(0, 300);
    throw new SmartError(
      error === 'access_denied' ? 'access-denied' : 'launch-failed',
      error === 'access_denied'
        ? `Access was not granted${description ? `: ${description}` : ''}. Nothing was shared with this app.`
        : `The sign-in failed (${error.slice(0, 60)})${description ? `: ${description}` : ''}.`,
    );
  }
  if (state && (await storage.get(state)) === null) {
    throw new SmartError('state-mismatch', 'This sign-in did not start in this app (its state does not match a launch made here), so it was refused. Start the launch again.');
  }
  if (!state && !(await storage.get(SMART_KEY))) {
    throw new SmartError('not-signed-in', 'This app is not signed in to this server (no sign-in in this tab). Sign in first.');
  }
  const adapter = new KeyedAdapter(storage);
  let client: Client;
  try {
    client = await adapter.getSmartApi().ready();
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/No state found|No 'state' parameter/i.test(message)) {
      throw new SmartError('state-mismatch', 'No sign-in is in progress for this app. Start the launch again.', { cause });
    }
    throw new SmartError('launch-failed', `The sign-in could not be completed: ${message}`, { cause });
  }
  const context = contextOf(client);
  const net = options.fetch ?? ((i: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(i, init));
  const tokens = await fetchStyle(context.smartStyleUrl, net);
  if (tokens && Object.keys(tokens).length) context.styleTokens = tokens;
  const auth = (target: EventTarget) =>
    authorizedFetch(client as unknown as Parameters<typeof authorizedFetch>[0], {
      fetch: net,
      onSignInRequired: (reason) => target.dispatchEvent(new CustomEvent('sign-in-required', { detail: { reason } })),
      onRefreshed: () => target.dispatchEvent(new Event('token-refreshed')),
    });
  return { context, instance, client: client as unknown as SmartClient, storage, auth };
}

/**
 * Completes a SMART launch on the redirect page (or restores it after a reload) and returns the
 * connection, for a host that adds the server to a store of its own. `smartReady` is this plus
 * a store.
 *
 * @throws {SmartError} `'not-signed-in'` (nothing to restore: show a sign-in), `'access-denied'`,
 *   `'state-mismatch'`, `'launch-failed'`.
 */
export async function smartConnect(options: SmartConnectOptions = {}): Promise<SmartConnection> {
  return new SmartConnection(await complete(options));
}

/**
 * Completes a SMART launch on the redirect page (or restores it after a reload) and returns the
 * session: a ready `RecordStore` whose source carries the token, and the launch context.
 *
 * @throws {SmartError} `'not-signed-in'`, `'access-denied'`, `'state-mismatch'`, `'launch-failed'`.
 */
export async function smartReady(options: SmartReadyOptions = {}): Promise<SmartSession> {
  const done = await complete(options);
  const { context } = done;
  // Sync asks only for what was granted: a type left out is "not shared", not a failed sync.
  const granted = (types: readonly string[]) => types.filter((t) => canReadType(context.scopes, t));
  const sync = options.store?.sync;
  const store = await RecordStore.open({
    ...options.store,
    name: smartPartition(context),
    sync: { ...sync, types: granted(sync?.types ?? DEFAULT_TYPES), referencedTypes: granted(sync?.referencedTypes ?? REFERENCED_TYPES) },
  });
  const sourceId = options.sourceId ?? 'ehr';
  const session = new SmartSession({ ...done, store, sourceId });
  await store.addSource({ id: sourceId, baseUrl: context.serverUrl, label: options.label ?? new URL(context.serverUrl).host, fetch: session.fetch });
  return session;
}
