// Type declarations for server.mjs, so TypeScript tests can import it without allowJs.
// Kept by hand; the JSDoc in server.mjs is the source of truth.

export interface BaseConfig {
  /** URL segment: "clinic" serves /clinic/fhir */
  id: string;
  label?: string;
  /** Seed data: ids are kept, references should be relative (Type/id). */
  resources?: ReadonlyArray<object>;
}

export interface ServerOptions {
  /** 0 (default) = ephemeral. The host is always 127.0.0.1. */
  port?: number;
  bases?: BaseConfig[];
  /** default 50 */
  defaultPageSize?: number;
  /** default 1000 */
  maxPageSize?: number;
  /** print one line per request */
  log?: boolean;
  /**
   * Origins (`scheme://host:port`) whose pages may call this server from a browser. Any other
   * Origin gets no CORS headers, a failing preflight and a 403. Default: none.
   */
  allowedOrigins?: string[];
  /** Also allow any `http` origin on 127.0.0.1, localhost or [::1] (test runners). Default false. */
  allowLoopbackOrigins?: boolean;
  /** Host names (or `host:port`) accepted besides 127.0.0.1 / localhost / [::1] on the server's port. */
  allowedHosts?: string[];
  /** The token `/__admin` requires (at least 16 characters). Default: 32 random bytes as hex. */
  adminToken?: string;
}

/** The request header `/__admin` reads the token from. */
export const ADMIN_TOKEN_HEADER: 'x-admin-token';

export interface CountedFault {
  /** how many matching requests it hits; omitted = until reset */
  count?: number;
  /** only requests whose path+query contains this substring */
  match?: string;
  /** only requests with this HTTP method (e.g. 'PUT'), so a write's answer can be dropped but not the read before it */
  method?: string;
}

/** Capabilities `disable` can switch off; `updateCreate` makes PUT to an unknown id answer 405. */
export type Capability = 'history' | 'everything' | 'ifMatch' | 'updateCreate';

export interface FaultSpec {
  errors?: CountedFault & { status?: number };
  throttle?: CountedFault & { status?: 429 | 503; retryAfter?: number };
  unauthorized?: CountedFault;
  malformed?: CountedFault;
  dropMidBody?: CountedFault;
  /** 200 with a Bundle body of `bytes` (default 200 MB), streamed; the server stops when the client goes away. */
  hugeBody?: (CountedFault & { bytes?: number }) | null;
  /** A redirect (default 302) to `location`, with no body. */
  redirect?: (CountedFault & { location: string; status?: 301 | 302 | 303 | 307 | 308 }) | null;
  /** Search and `$everything` pages link `url` as their next page (e.g. another base on this server). */
  nextUrl?: { url: string; match?: string } | null;
  /** Search and `$everything` pages always link a next page, never the same URL twice. */
  endlessPages?: true | { match?: string } | null;
  /**
   * Paging links expire (410 Gone, or 404): the Nth, 2Nth, ... request for a page after the first
   * (`every`), and/or a link whose listing began at least `afterMs` ago. First requests always
   * work. `count` caps the expiries (default: until reset); `match` limits which paging requests count.
   */
  expireLinks?: { every?: number; afterMs?: number; status?: 410 | 404; count?: number; match?: string } | null;
  latencyMs?: number | { ms: number; match?: string } | null;
  pageSize?: number | { size: number; match?: string } | null;
  disable?: Capability[] | null;
  /** Appends these resources to the entries of search and `$everything` pages (a hostile server). */
  inject?: (CountedFault & { resources: ReadonlyArray<object> }) | null;
  /** default `match` for every fault in this call */
  match?: string;
}

export interface Faults {
  /** Adds or replaces the given faults; others stay. A key set to null is cleared. */
  set(spec: FaultSpec): void;
  reset(): void;
  /** Current faults as JSON (counts left; null = unlimited). */
  get(): Record<string, unknown>;
  disabled(): Set<string>;
}

export interface RequestLogEntry {
  method: string;
  /** path + query as received, e.g. /clinic/fhir/Patient?_count=10 */
  url: string;
  /** request headers, lowercased names; Authorization, Proxy-Authorization, Cookie and the admin token are left out */
  headers: Record<string, string>;
  /** response status (0 while in flight) */
  status: number;
  /** ISO instant the request arrived */
  time: string;
  /** the injected fault that fired, if any */
  fault?: string;
  /** `hugeBody` only: body bytes written before the client went away (or all of them) */
  sentBytes?: number;
}

export interface FhirBase {
  readonly id: string;
  readonly label: string;
  /** e.g. http://127.0.0.1:PORT/clinic/fhir */
  readonly url: string;
  readonly faults: Faults;
  readonly requests: RequestLogEntry[];
  clearRequests(): void;
  /** Adds (or replaces by id) resources, straight into the repository. Returns how many. */
  seed(resources: ReadonlyArray<object>): number;
  /** Drops all data and history, then seeds `resources` (default: the initial ones). */
  reset(resources?: ReadonlyArray<object>): number;
  /** Medplum MemoryRepository subclass; for white-box tests only. */
  readonly repo: unknown;
}

export interface FhirServer {
  /** e.g. http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** The token `/__admin` requires in the `X-Admin-Token` header. */
  readonly adminToken: string;
  /** Origins allowed by CORS (exact). */
  readonly allowedOrigins: ReadonlySet<string>;
  /** Allows one more origin (e.g. a page whose port was known only after this server started). */
  allowOrigin(origin: string): void;
  readonly bases: FhirBase[];
  base(id: string): FhirBase;
  /** e.g. http://127.0.0.1:PORT/clinic/fhir */
  baseUrl(id: string): string;
  addBase(config: BaseConfig): FhirBase;
  close(): Promise<void>;
}

export function startFhirServer(options?: ServerOptions): Promise<FhirServer>;

