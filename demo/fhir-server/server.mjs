// @ts-check
// node:http front for Medplum's FHIR router. One port, several FHIR bases (one per simulated
// provider) at /<id>/fhir. FHIR behaviour is Medplum's; this file adds only what a syncing client
// needs and Medplum's in-memory setup lacks: metadata, paging links, _history (with deletes),
// $everything, HTTP headers (ETag, Location, Last-Modified, CORS), fault injection and an admin
// endpoint for tests.
import './ws-shim.mjs';
import http from 'node:http';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { allOk, getStatus, isOk, normalizeOperationOutcome, parseSearchRequest } from '@medplum/core';
import { FhirRouter, TrackedRepository, allResourceTypes, loadDefinitions, patientCompartment } from './medplum.mjs';
import { Faults } from './faults.mjs';
import { historyEntry, httpDate } from './history.mjs';
import { capabilityStatement } from './capability.mjs';

/**
 * @typedef {import('@medplum/fhirtypes').Resource} Resource
 * @typedef {import('@medplum/fhirtypes').Bundle} Bundle
 * @typedef {import('@medplum/fhirtypes').BundleEntry} BundleEntry
 * @typedef {import('@medplum/fhirtypes').BundleLink} BundleLink
 * @typedef {import('@medplum/fhirtypes').OperationOutcome} OperationOutcome
 * @typedef {import('./faults.mjs').FaultDecision} FaultDecision
 */

/**
 * @typedef {object} BaseConfig
 * @property {string} id      URL segment, e.g. "clinic" -> /clinic/fhir
 * @property {string} [label] human name, e.g. "Riverside Clinic"
 * @property {Resource[]} [resources] seed data (ids kept, references as relative Type/id)
 */

/**
 * @typedef {object} ServerOptions
 * @property {number} [port]             0 (default) = ephemeral. Host is always 127.0.0.1.
 * @property {BaseConfig[]} [bases]
 * @property {number} [defaultPageSize]  default 50
 * @property {number} [maxPageSize]      default 1000
 * @property {boolean} [log]             print one line per request
 * @property {string[]} [allowedOrigins] origins (scheme://host:port) whose browser pages may call
 *   this server (CORS). Any other Origin gets no CORS headers, a failing preflight and a 403.
 * @property {boolean} [allowLoopbackOrigins] also allow every http origin on 127.0.0.1, localhost
 *   and [::1], any port. For test runners whose page port is not known in advance; not for `npm start`.
 * @property {string[]} [allowedHosts]   host names (or host:port) accepted in the Host header besides
 *   127.0.0.1, localhost and [::1] on this server's port (DNS-rebinding check)
 * @property {string} [adminToken]       the token /__admin requires; default: 32 random bytes, hex
 */

/**
 * @typedef {object} RequestLogEntry
 * @property {string} method
 * @property {string} url       path + query as received, e.g. /clinic/fhir/Patient?_count=10
 * @property {Record<string, string>} headers  request headers, lowercased names
 * @property {number} status    response status (0 while in flight)
 * @property {string} time      ISO instant the request arrived
 * @property {string} [fault]   the injected fault, if one fired
 * @property {number} [sentBytes] hugeBody only: body bytes written before the client went away
 * @property {number} [ms]      how long the server took: from the request's arrival until its whole
 *   answer was handed to the network (set when the answer is finished)
 */

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const SOFTWARE = 'ehr-elements demo FHIR server (Medplum @medplum/fhir-router MemoryRepository)';
const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Accept',
  'If-Match',
  'If-None-Exist',
  'If-None-Match',
  'If-Modified-Since',
  'Prefer',
  'Cache-Control',
];
const EXPOSED_HEADERS = ['ETag', 'Location', 'Last-Modified', 'Retry-After', 'Date', 'Content-Location'];
/** The request header that carries the admin token. */
export const ADMIN_TOKEN_HEADER = 'x-admin-token';
/** Request headers never kept in the request log (credentials). */
const UNLOGGED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', ADMIN_TOKEN_HEADER]);
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
const MAX_BODY = 100 * 1024 * 1024;
const MAX_LOGGED_REQUESTS = 10_000;
const SNAPSHOT_LIMIT = 50;
const SNAPSHOT_TTL_MS = 10 * 60 * 1000;
/** Patients whose whole `$everything` a base keeps between requests. */
const EVERYTHING_KEPT = 20;
/** Next links whose listing's start is remembered for the `expireLinks` fault. */
const MAX_REMEMBERED_LINKS = 10_000;
/** Query parameters that only a page after the first of a listing carries (our paging links). */
const PAGING_PARAMS = ['_snapshot', '_cursor', '_endless'];
/** Types $everything pulls in when a compartment resource points at them. */
const EVERYTHING_REFERENCED = new Set([
  'Medication',
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'Device',
  'Substance',
]);
/** Query parameters that are ours (paging) or formatting only; never passed on to Medplum. */
const OUR_PARAMS = ['_count', '_offset', '_snapshot', '_cursor', '_format', '_pretty', '_endless'];

/** A request-handling error with an HTTP status and an OperationOutcome. */
class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} text
   * @param {string} [code] OperationOutcome issue code
   */
  constructor(status, text, code) {
    super(text);
    this.status = status;
    this.outcome = outcome(status >= 500 ? 'fatal' : 'error', code ?? (status >= 500 ? 'exception' : 'invalid'), text);
  }
}

/**
 * @param {'fatal' | 'error' | 'warning' | 'information'} severity
 * @param {string} code
 * @param {string} text
 * @returns {OperationOutcome}
 */
function outcome(severity, code, text) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity, code: /** @type {any} */ (code), details: { text } }],
  };
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * One FHIR base: a Medplum repository + router, its fault controller and request log.
 */
export class FhirBase {
  /**
   * @param {FhirServer} server
   * @param {BaseConfig} config
   */
  constructor(server, config) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(config.id ?? '')) {
      throw new Error(`invalid base id ${JSON.stringify(config.id)}`);
    }
    this.server = server;
    this.id = config.id;
    this.label = config.label ?? config.id;
    this.initialResources = config.resources ?? [];
    this.repo = new TrackedRepository();
    this.router = new FhirRouter();
    this.faults = new Faults();
    /** @type {RequestLogEntry[]} */
    this.requests = [];
    /** @type {Map<string, { key: string, list: Resource[], total: number, expires: number }>} */
    this.snapshots = new Map();
    /** @type {{ key: string, statement: any, etag: string, lastModified: string } | undefined} see `metadata` */
    this.metadataKept = undefined;
    /** @type {Map<string, { generation: number, list: Resource[] }>} patient id -> its whole $everything (see `everythingOf`) */
    this.everythingKept = new Map();
    /** @type {Map<string, number>} next link handed out (path + query) -> when its listing began, epoch ms */
    this.linkBorn = new Map();
    /** @type {Promise<unknown>} tail of the per-base queue */
    this.tail = Promise.resolve();
    this.seed(this.initialResources);
  }

  /** Absolute base URL, e.g. http://127.0.0.1:PORT/clinic/fhir */
  get url() {
    return `${this.server.url}/${this.id}/fhir`;
  }

  /**
   * Adds (or replaces by id) resources, straight into the repository.
   * @param {Resource[]} resources
   * @returns {number} how many were written
   */
  seed(resources) {
    return this.repo.seed(resources);
  }

  /**
   * Drops all data and history, then seeds `resources` (default: the base's initial resources).
   * Faults and the request log are left alone.
   * @param {Resource[]} [resources]
   * @returns {number}
   */
  reset(resources) {
    this.repo.clear();
    this.snapshots.clear();
    this.linkBorn.clear();
    this.everythingKept.clear();
    return this.repo.seed(resources ?? this.initialResources);
  }

  clearRequests() {
    this.requests.length = 0;
  }

  /**
   * Runs `fn` after every earlier request to this base finished touching the repository, so a
   * transaction never sees (or rolls back) another request's writes.
   * @template T
   * @param {() => Promise<T>} fn
   * @returns {Promise<T>}
   */
  exclusive(fn) {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Medplum's router, with the config the server always uses.
   * @param {string} method
   * @param {string} url relative to the base, may include a query
   * @param {any} [body]
   * @param {Record<string, string>} [headers]
   * @returns {Promise<{ status: number, outcome: OperationOutcome, resource: any }>}
   */
  async route(method, url, body, headers = {}) {
    const [oo, resource] = await this.router.handleRequest(
      {
        method: /** @type {any} */ (method),
        url,
        pathname: '',
        params: {},
        query: {},
        body,
        headers,
        config: { transactions: true },
      },
      this.repo
    );
    return { status: getStatus(oo), outcome: oo, resource };
  }

  /**
   * This base's CapabilityStatement for the capabilities switched off now, with its validators.
   * Built again only when the switches change; each new statement gets a `Last-Modified` (and
   * `date`) at least a second after the one before, so `If-Modified-Since`, which HTTP dates give
   * to the second, never takes a changed statement for the old one.
   * @param {Set<string>} disabled
   * @returns {{ statement: any, etag: string, lastModified: string }}
   */
  metadata(disabled) {
    const key = [...disabled].sort().join(',');
    if (this.metadataKept?.key === key) return this.metadataKept;
    const previous = this.metadataKept ? Date.parse(this.metadataKept.lastModified) : 0;
    const at = Math.max(Math.floor(Date.now() / 1000) * 1000, previous + 1000);
    const lastModified = new Date(at).toISOString();
    const statement = { ...capabilityStatement({ url: this.url, label: this.label, disabled, software: SOFTWARE }), date: lastModified };
    const etag = `"${createHash('sha256').update(JSON.stringify(statement)).digest('base64url').slice(0, 27)}"`;
    this.metadataKept = { key, statement, etag, lastModified };
    return this.metadataKept;
  }

  /**
   * Keeps a search result so later pages come from the same list.
   * @param {string} key
   * @param {Resource[]} list
   * @param {number} total
   */
  saveSnapshot(key, list, total) {
    const now = Date.now();
    for (const [token, s] of this.snapshots) {
      if (s.expires < now || this.snapshots.size >= SNAPSHOT_LIMIT) this.snapshots.delete(token);
      else break;
    }
    const token = randomUUID();
    this.snapshots.set(token, { key, list, total, expires: now + SNAPSHOT_TTL_MS });
    return token;
  }

  /**
   * Remembers when the listing a `next` link belongs to began (for the `expireLinks` fault).
   * @param {any} body an answer's body; only Bundles with a next link matter
   * @param {number} born when the listing began, epoch ms
   */
  noteNextLink(body, born) {
    const next = body?.resourceType === 'Bundle' ? body.link?.find((/** @type {BundleLink} */ l) => l.relation === 'next')?.url : undefined;
    if (typeof next !== 'string') return;
    let key;
    try {
      const u = new URL(next);
      key = u.pathname + u.search;
    } catch {
      return;
    }
    this.linkBorn.delete(key);
    this.linkBorn.set(key, born);
    if (this.linkBorn.size > MAX_REMEMBERED_LINKS) this.linkBorn.delete(this.linkBorn.keys().next().value ?? '');
  }

  /**
   * @param {string | null} token
   * @param {string} key
   */
  findSnapshot(token, key) {
    if (!token) return undefined;
    const s = this.snapshots.get(token);
    if (!s || s.key !== key || s.expires < Date.now()) return undefined;
    s.expires = Date.now() + SNAPSHOT_TTL_MS;
    return s;
  }
}

/**
 * A running server.
 */
export class FhirServer {
  /**
   * @param {ServerOptions} options
   */
  constructor(options) {
    this.defaultPageSize = options.defaultPageSize ?? 50;
    this.maxPageSize = options.maxPageSize ?? 1000;
    this.logEnabled = Boolean(options.log);
    /** @type {Set<string>} exact origins allowed by CORS */
    this.allowedOrigins = new Set();
    for (const o of options.allowedOrigins ?? []) this.allowOrigin(o);
    this.allowLoopbackOrigins = Boolean(options.allowLoopbackOrigins);
    /** @type {Set<string>} extra names accepted in the Host header, lowercased */
    this.allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean));
    /** The token every /__admin request must carry in the `X-Admin-Token` header. */
    this.adminToken = options.adminToken ?? randomBytes(32).toString('hex');
    if (this.adminToken.length < 16) throw new Error('adminToken must have at least 16 characters');
    this.adminTokenDigest = createHash('sha256').update(this.adminToken).digest();
    this.url = '';
    this.port = 0;
    /** @type {Map<string, FhirBase>} */
    this.basesById = new Map();
    this.httpServer = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        // Last resort: a bug in our layer must never take the process down.
        if (!res.headersSent) {
          sendJson(res, 500, outcome('fatal', 'exception', String(err?.message ?? err)), {}, FHIR_JSON);
        } else {
          res.destroy();
        }
      });
    });
    this.httpServer.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    for (const b of options.bases ?? []) {
      if (this.basesById.has(b.id)) throw new Error(`duplicate base id "${b.id}"`);
      this.basesById.set(b.id, new FhirBase(this, b));
    }
  }

  /** @returns {FhirBase[]} */
  get bases() {
    return [...this.basesById.values()];
  }

  /**
   * @param {string} id
   * @returns {FhirBase}
   */
  base(id) {
    const b = this.basesById.get(id);
    if (!b) throw new Error(`no base "${id}"`);
    return b;
  }

  /**
   * @param {string} id
   * @returns {string} e.g. http://127.0.0.1:PORT/clinic/fhir
   */
  baseUrl(id) {
    return this.base(id).url;
  }

  /**
   * Adds a base while running.
   * @param {BaseConfig} config
   * @returns {FhirBase}
   */
  addBase(config) {
    if (this.basesById.has(config.id)) throw new Error(`duplicate base id "${config.id}"`);
    const b = new FhirBase(this, config);
    this.basesById.set(b.id, b);
    return b;
  }

  /**
   * Allows one more origin (e.g. the demo page's, once its port is known).
   * @param {string} origin scheme://host[:port], no path
   */
  allowOrigin(origin) {
    const parsed = new URL(origin);
    if (parsed.origin === 'null' || parsed.origin !== origin.replace(/\/+$/, '')) {
      throw new Error(`not an origin: ${JSON.stringify(origin)} (expected scheme://host[:port])`);
    }
    this.allowedOrigins.add(parsed.origin);
  }

  /**
   * Whether a browser page of `origin` may call this server.
   * @param {string} origin the request's Origin header
   */
  originAllowed(origin) {
    if (this.allowedOrigins.has(origin)) return true;
    if (!this.allowLoopbackOrigins) return false;
    let u;
    try {
      u = new URL(origin);
    } catch {
      return false;
    }
    return u.protocol === 'http:' && u.origin === origin && LOOPBACK_HOSTS.includes(u.hostname);
  }

  /**
   * DNS-rebinding check: the Host header must name this server (loopback or a configured name)
   * and, for loopback names, its port.
   * @param {string | undefined} host
   */
  hostAllowed(host) {
    if (!host) return false;
    const h = host.trim().toLowerCase();
    if (this.allowedHosts.has(h)) return true;
    const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/.exec(h);
    if (!m) return false;
    const [, name, port] = m;
    if (port !== String(this.port)) return false;
    return LOOPBACK_HOSTS.includes(name) || this.allowedHosts.has(name);
  }

  /**
   * Constant-time comparison of a presented admin token with ours.
   * @param {string | string[] | undefined} presented
   */
  adminAuthorized(presented) {
    if (typeof presented !== 'string' || presented === '') return false;
    const digest = createHash('sha256').update(presented).digest();
    return timingSafeEqual(digest, this.adminTokenDigest);
  }

  /** @param {number} port */
  async listen(port) {
    await new Promise((resolve, reject) => {
      this.httpServer.once('error', reject);
      this.httpServer.listen(port, '127.0.0.1', () => {
        this.httpServer.off('error', reject);
        resolve(undefined);
      });
    });
    const addr = /** @type {import('node:net').AddressInfo} */ (this.httpServer.address());
    this.port = addr.port;
    this.url = `http://127.0.0.1:${addr.port}`;
  }

  /** Stops listening and cuts open connections. */
  async close() {
    await new Promise((resolve) => {
      this.httpServer.close(() => resolve(undefined));
      this.httpServer.closeAllConnections();
    });
  }

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  async handle(req, res) {
    const started = Date.now();
    const startedHr = performance.now();
    if (!this.hostAllowed(req.headers.host)) {
      await drain(req);
      sendJson(res, 403, outcome('error', 'forbidden', 'This server answers only requests addressed to 127.0.0.1, localhost or [::1] on its own port (or a configured host name).'), {}, FHIR_JSON);
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin)) {
      // No CORS headers: the browser hides the answer; and the request is not carried out, so a
      // foreign page cannot change data with a "simple" request that needs no preflight.
      await drain(req);
      sendJson(res, 403, outcome('error', 'forbidden', 'Requests from this origin are not allowed.'), { Vary: 'Origin' }, FHIR_JSON);
      return;
    }
    setCors(req, res);
    const rawUrl = req.url ?? '/';
    const qIndex = rawUrl.indexOf('?');
    const path = qIndex >= 0 ? rawUrl.slice(0, qIndex) : rawUrl;
    const queryString = qIndex >= 0 ? rawUrl.slice(qIndex + 1) : '';
    const method = (req.method ?? 'GET').toUpperCase();

    if (method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
      const requested = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean);
      res.setHeader('Access-Control-Allow-Headers', [...new Set([...ALLOWED_HEADERS, 'X-Admin-Token', ...requested])].join(', '));
      res.setHeader('Access-Control-Max-Age', '600');
      res.writeHead(204);
      res.end();
      return;
    }

    const segments = path.split('/').filter(Boolean);
    if (segments.length === 0) {
      sendJson(res, 200, this.index(), {}, 'application/json; charset=utf-8');
      return;
    }
    if (segments[0] === '__admin') {
      if (!this.adminAuthorized(req.headers[ADMIN_TOKEN_HEADER])) {
        await drain(req);
        sendJson(res, 401, { error: `the admin endpoint needs the server's admin token in the ${ADMIN_TOKEN_HEADER} header` }, {}, 'application/json; charset=utf-8');
        return;
      }
      await this.handleAdmin(req, res, method, segments.slice(1));
      return;
    }
    const base = this.basesById.get(decodeURIComponent(segments[0]));
    if (!base || segments[1] !== 'fhir') {
      await drain(req);
      sendJson(res, 404, outcome('error', 'not-found', `No FHIR base at ${path}`), {}, FHIR_JSON);
      return;
    }

    /** @type {RequestLogEntry} */
    const entry = {
      method,
      url: rawUrl,
      headers: loggableHeaders(req.headers),
      status: 0,
      time: new Date(started).toISOString(),
    };
    base.requests.push(entry);
    if (base.requests.length > MAX_LOGGED_REQUESTS) base.requests.splice(0, base.requests.length - MAX_LOGGED_REQUESTS);
    res.on('finish', () => {
      entry.ms = Math.round((performance.now() - startedHr) * 10) / 10;
    });
    res.on('close', () => {
      if (entry.status === 0) entry.status = res.statusCode;
      if (this.logEnabled) {
        console.log(`${entry.time} ${base.id} ${method} ${rawUrl} -> ${entry.status}${entry.fault ? ` [${entry.fault}]` : ''} ${Date.now() - started}ms`);
      }
    });

    const paging = (method === 'GET' || method === 'HEAD') && isPagingLink(queryString);
    const born = paging ? base.linkBorn.get(rawUrl) : undefined;
    const decision = base.faults.decide(rawUrl, method, {
      pagingLink: paging,
      ...(born !== undefined ? { linkAgeMs: started - born } : {}),
    });
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    const action = decision.action;
    if (action) entry.fault = action.kind;

    /** @type {{ status: number, body: any, headers?: Record<string, string> }} */
    let reply;
    if (action?.kind === 'unauthorized') {
      await drain(req);
      reply = {
        status: 401,
        body: outcome('error', 'login', 'Unauthorized (injected fault)'),
        headers: { 'WWW-Authenticate': 'Bearer realm="fhir"' },
      };
    } else if (action?.kind === 'throttle') {
      await drain(req);
      reply = {
        status: action.status,
        body: outcome('error', 'throttled', `Too many requests (injected fault); retry after ${action.retryAfter}s`),
        headers: { 'Retry-After': String(action.retryAfter) },
      };
    } else if (action?.kind === 'errors') {
      await drain(req);
      reply = { status: action.status, body: outcome('fatal', 'exception', 'Internal server error (injected fault)') };
    } else if (action?.kind === 'expiredLink') {
      await drain(req);
      reply = {
        status: action.status,
        body: outcome('error', 'not-found', 'The result set this paging link belongs to has expired (injected fault); repeat the search from its first request.'),
      };
    } else if (action?.kind === 'redirect') {
      await drain(req);
      entry.status = action.status;
      res.writeHead(action.status, { Location: action.location, 'Content-Length': 0 });
      res.end();
      return;
    } else if (action?.kind === 'hugeBody') {
      await drain(req);
      entry.status = 200;
      entry.sentBytes = 0;
      await sendHuge(res, action.bytes, (n) => {
        entry.sentBytes = n;
      });
      return;
    } else {
      try {
        const body = await readBody(req);
        reply = await base.exclusive(() =>
          this.handleFhir(base, method, segments.slice(2), queryString, body, req.headers, decision)
        );
      } catch (err) {
        if (err instanceof HttpError) reply = { status: err.status, body: err.outcome };
        else reply = { status: 500, body: outcome('fatal', 'exception', String(/** @type {any} */ (err)?.message ?? err)) };
      }
      base.noteNextLink(reply.body, born ?? started);
    }

    entry.status = action?.kind === 'malformed' || action?.kind === 'dropMidBody' ? 200 : reply.status;
    if (action?.kind === 'malformed') {
      sendMalformed(res, reply.body);
    } else if (action?.kind === 'dropMidBody') {
      sendAndDrop(res, reply.body);
    } else if (method === 'HEAD') {
      res.writeHead(reply.status, { 'Content-Type': FHIR_JSON, ...(reply.headers ?? {}) });
      res.end();
    } else {
      sendJson(res, reply.status, reply.body, reply.headers ?? {}, FHIR_JSON);
    }
  }

  index() {
    return {
      name: SOFTWARE,
      fhirVersion: '4.0.1',
      bases: this.bases.map((b) => ({ id: b.id, label: b.label, url: b.url })),
    };
  }

  /**
   * /__admin/<base>/faults | requests | reset | seed — for tests and browser tests.
   * Not logged, not faulted.
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {string} method
   * @param {string[]} segs
   */
  async handleAdmin(req, res, method, segs) {
    const JSON_TYPE = 'application/json; charset=utf-8';
    let body;
    try {
      body = await readBody(req);
    } catch (err) {
      sendJson(res, 400, { error: String(/** @type {any} */ (err).message) }, {}, JSON_TYPE);
      return;
    }
    if (segs.length === 0 && method === 'GET') {
      sendJson(res, 200, this.index(), {}, JSON_TYPE);
      return;
    }
    if (segs.length === 1 && method === 'PUT') {
      // A new base (e.g. one per browser test file, so a test can reset it freely).
      const id = decodeURIComponent(segs[0]);
      try {
        const existing = this.basesById.get(id);
        const resources = body === undefined ? [] : toResourceList(body);
        if (existing) existing.initialResources = resources;
        const b = existing ?? this.addBase({ id, label: typeof body?.label === 'string' ? body.label : id, resources });
        const count = await b.exclusive(async () => b.reset(resources));
        return sendJson(res, existing ? 200 : 201, { id: b.id, url: b.url, count }, {}, JSON_TYPE);
      } catch (err) {
        return sendJson(res, 400, { error: String(/** @type {any} */ (err).message) }, {}, JSON_TYPE);
      }
    }
    const base = this.basesById.get(decodeURIComponent(segs[0] ?? ''));
    if (!base) {
      sendJson(res, 404, { error: `no base "${segs[0]}"` }, {}, JSON_TYPE);
      return;
    }
    const what = segs[1];
    try {
      if (what === 'faults' && method === 'GET') return sendJson(res, 200, base.faults.get(), {}, JSON_TYPE);
      if (what === 'faults' && (method === 'POST' || method === 'PUT')) {
        base.faults.set(body ?? {});
        return sendJson(res, 200, base.faults.get(), {}, JSON_TYPE);
      }
      if (what === 'faults' && method === 'DELETE') {
        base.faults.reset();
        return sendJson(res, 200, base.faults.get(), {}, JSON_TYPE);
      }
      if (what === 'requests' && method === 'GET') return sendJson(res, 200, base.requests, {}, JSON_TYPE);
      if (what === 'requests' && method === 'DELETE') {
        base.clearRequests();
        return sendJson(res, 200, [], {}, JSON_TYPE);
      }
      if ((what === 'reset' || what === 'seed') && method === 'POST') {
        const resources = body === undefined ? undefined : toResourceList(body);
        const count = await base.exclusive(async () =>
          what === 'reset' ? base.reset(resources) : base.seed(resources ?? [])
        );
        return sendJson(res, 200, { count }, {}, JSON_TYPE);
      }
    } catch (err) {
      return sendJson(res, 400, { error: String(/** @type {any} */ (err).message) }, {}, JSON_TYPE);
    }
    sendJson(res, 404, { error: `unknown admin route ${method} ${segs.join('/')}` }, {}, JSON_TYPE);
  }

  /**
   * Everything below /<base>/fhir.
   * @param {FhirBase} base
   * @param {string} method
   * @param {string[]} rawSegs path segments after /<base>/fhir
   * @param {string} queryString
   * @param {any} body parsed JSON (or URLSearchParams for form posts), undefined if none
   * @param {http.IncomingHttpHeaders} reqHeaders
   * @param {FaultDecision} decision
   * @returns {Promise<{ status: number, body: any, headers?: Record<string, string> }>}
   */
  async handleFhir(base, method, rawSegs, queryString, body, reqHeaders, decision) {
    const segs = rawSegs.map((s) => decodeURIComponent(s));
    const params = new URLSearchParams(queryString);
    const disabled = decision.disabled;
    const read = method === 'GET' || method === 'HEAD';

    // metadata, with validators: 304 while the statement is the one the client holds
    if (read && segs.length === 1 && segs[0] === 'metadata') {
      const m = base.metadata(disabled);
      const headers = { ETag: m.etag, 'Last-Modified': httpDate(m.lastModified) };
      const ifNoneMatch = reqHeaders['if-none-match'];
      const ifModifiedSince = reqHeaders['if-modified-since'];
      // If-None-Match decides when sent (RFC 9110 §13.2.2); If-Modified-Since only without it.
      const unchanged =
        ifNoneMatch !== undefined
          ? String(ifNoneMatch).split(',').some((t) => t.trim() === m.etag || t.trim() === '*')
          : ifModifiedSince !== undefined && Date.parse(String(ifModifiedSince)) >= Math.floor(Date.parse(m.lastModified) / 1000) * 1000;
      if (unchanged) return { status: 304, body: undefined, headers };
      return { status: 200, body: m.statement, headers };
    }

    // _history: system, type, instance
    const hIndex = segs.indexOf('_history');
    if (read && hIndex >= 0 && hIndex === segs.length - 1 && segs.length <= 3) {
      if (disabled.has('history')) throw new HttpError(404, '_history is not supported by this server', 'not-supported');
      const type = segs.length >= 2 ? segs[0] : undefined;
      const id = segs.length === 3 ? segs[1] : undefined;
      return { status: 200, body: this.history(base, type, id, params, decision) };
    }

    // Patient/{id}/$everything
    if ((read || method === 'POST') && segs.length === 3 && segs[0] === 'Patient' && segs[2] === '$everything') {
      if (disabled.has('everything')) {
        throw new HttpError(404, 'Operation $everything is not supported by this server', 'not-supported');
      }
      return { status: 200, body: endless(withInjected(await this.everything(base, segs[1], params, decision), decision, base.url), decision, params) };
    }

    // Search: GET Type, POST Type/_search
    if ((read && segs.length === 1) || (method === 'POST' && segs.length === 2 && segs[1] === '_search')) {
      if (!/^[A-Z][A-Za-z]+$/.test(segs[0]) || !allResourceTypes().includes(segs[0])) {
        throw new HttpError(404, `Unknown resource type ${segs[0]}`, 'not-supported');
      }
      const merged = new URLSearchParams(params);
      if (method === 'POST' && body instanceof URLSearchParams) {
        for (const [k, v] of body) merged.append(k, v);
      }
      return { status: 200, body: endless(withInjected(await this.search(base, segs[0], merged, decision), decision, base.url), decision, merged) };
    }
    if (body instanceof URLSearchParams) throw new HttpError(415, 'Form bodies are only accepted by _search');

    const headers = pickHeaders(reqHeaders, ['if-match', 'if-none-exist', 'if-none-match', 'prefer']);
    if (disabled.has('ifMatch')) {
      delete headers['if-match'];
      if (body?.resourceType === 'Bundle') {
        for (const e of body.entry ?? []) if (e?.request) delete e.request.ifMatch;
      }
    }

    // Plain read: Medplum's, plus 410 for deleted (repo hook), ETag and If-None-Match.
    if (read && segs.length === 2) {
      const r = await base.route('GET', segs.map(encodeURIComponent).join('/'));
      if (!isOk(r.outcome)) return { status: r.status, body: r.outcome };
      const etag = `W/"${r.resource.meta?.versionId}"`;
      if (headers['if-none-match'] && headers['if-none-match'] === etag) {
        return { status: 304, body: undefined, headers: resourceHeaders(r.resource) };
      }
      return { status: 200, body: r.resource, headers: resourceHeaders(r.resource) };
    }

    if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) && method !== 'DELETE' && body === undefined) {
      throw new HttpError(400, `${method} needs a JSON body`);
    }

    // Whole-bundle POST (batch / transaction).
    if (method === 'POST' && segs.length === 0) {
      const r = await base.route('POST', '', body, headers);
      if (!isOk(r.outcome)) return { status: r.status, body: r.outcome };
      for (const e of r.resource?.entry ?? []) {
        const vid = e?.resource?.meta?.versionId;
        if (e?.response && vid) {
          e.response.etag = `W/"${vid}"`;
          e.response.lastModified = e.resource.meta.lastUpdated;
        }
      }
      r.resource.meta = { lastUpdated: new Date().toISOString() };
      return { status: 200, body: r.resource };
    }

    // Everything else (create, update, patch, delete, vread, conditional forms): Medplum.
    const type = segs[0];
    const existed = method === 'PUT' && segs.length === 2 ? base.repo.store.get(type)?.has(segs[1]) : true;
    if (!existed && disabled.has('updateCreate')) {
      throw new HttpError(405, `${type}/${segs[1]} does not exist and this server does not create resources with PUT (updateCreate is off); use POST`, 'not-supported');
    }
    const relUrl = segs.map(encodeURIComponent).join('/') + (queryString ? `?${stripOurParams(params)}` : '');
    const r = await base.route(method, relUrl, body, headers);
    if (!isOk(r.outcome)) return { status: r.status, body: r.outcome };
    let status = r.status;
    if (method === 'PUT' && !existed && status === 200) status = 201; // update-as-create
    const resource = r.resource;
    /** @type {Record<string, string>} */
    let outHeaders = {};
    if (resource?.meta?.versionId) {
      outHeaders = resourceHeaders(resource);
      if (status === 201) {
        outHeaders.Location = `${base.url}/${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`;
      }
    }
    if (method === 'DELETE' && segs.length === 2) {
      const tomb = base.repo.changes.tombstone(type, segs[1]);
      if (tomb) outHeaders.ETag = `W/"${tomb.versionId}"`;
    }
    const prefer = headers.prefer ?? '';
    if (resource && /return=minimal/.test(prefer)) return { status, body: undefined, headers: outHeaders };
    if (resource && /return=OperationOutcome/i.test(prefer)) return { status, body: r.outcome, headers: outHeaders };
    return { status, body: resource ?? r.outcome ?? allOk, headers: outHeaders };
  }

  /**
   * @param {URLSearchParams} params
   * @param {FaultDecision} decision
   */
  pageSize(params, decision) {
    if (decision.pageSize) return decision.pageSize;
    const raw = params.get('_count');
    if (raw === null || raw === '') return this.defaultPageSize;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `Invalid _count ${raw}`);
    return Math.min(n, this.maxPageSize);
  }

  /**
   * Search, paged by us. The first request runs Medplum's search over all matches and keeps
   * the result (a snapshot); `next` links carry the snapshot token, so following them verbatim
   * walks the same list without gaps or duplicates even if data changes meanwhile. An expired
   * token falls back to re-running the search at the same offset.
   * @param {FhirBase} base
   * @param {string} type
   * @param {URLSearchParams} params
   * @param {FaultDecision} decision
   * @returns {Promise<Bundle>}
   */
  async search(base, type, params, decision) {
    const count = this.pageSize(params, decision);
    const offset = nonNegativeInt(params.get('_offset'), '_offset');
    const clean = stripOurParams(params);
    const query = clean.toString();
    const withInclude = [...clean.keys()].some((k) => k.startsWith('_include') || k.startsWith('_revinclude'));

    if (clean.get('_summary') === 'count' || withInclude) {
      // Medplum pages these itself (its includes apply to the page it returns).
      const q = new URLSearchParams(clean);
      if (!withInclude || clean.get('_summary') === 'count') q.set('_count', '0');
      else {
        q.set('_count', String(count));
        q.set('_offset', String(offset));
      }
      const r = await base.route('GET', `${type}?${q}`);
      if (!isOk(r.outcome)) throw asHttpError(r);
      /** @type {Bundle} */
      const b = r.resource;
      const total = b.total ?? 0;
      const link = pageLinks(`${base.url}/${type}`, query, count, offset, total, undefined);
      const entry = (b.entry ?? []).map((e) => ({
        fullUrl: `${base.url}/${e.resource?.resourceType}/${e.resource?.id}`,
        ...e,
      }));
      return searchBundle(total, link, clean.get('_summary') === 'count' ? [] : entry);
    }

    const key = `search:${type}?${query}`;
    let snap = base.findSnapshot(params.get('_snapshot'), key);
    let token = snap ? params.get('_snapshot') ?? undefined : undefined;
    if (!snap) {
      const r = await base.route('GET', query ? `${type}?${query}` : type);
      if (!isOk(r.outcome)) throw asHttpError(r);
      const list = (r.resource?.entry ?? []).map((/** @type {BundleEntry} */ e) => e.resource);
      snap = { key, list, total: r.resource?.total ?? list.length, expires: 0 };
      if (list.length > offset + count) token = base.saveSnapshot(key, list, snap.total);
    }
    const page = snap.list.slice(offset, offset + count);
    const link = pageLinks(`${base.url}/${type}`, query, count, offset, snap.total, token);
    return searchBundle(
      snap.total,
      link,
      page.map((r) => ({ fullUrl: `${base.url}/${r.resourceType}/${r.id}`, resource: r, search: { mode: 'match' } }))
    );
  }

  /**
   * Type-, system- or instance-level history from our change log, oldest first. Paging uses a
   * cursor (the last change's sequence number), so pages never shift when new changes arrive.
   * @param {FhirBase} base
   * @param {string | undefined} type
   * @param {string | undefined} id
   * @param {URLSearchParams} params
   * @param {FaultDecision} decision
   * @returns {Bundle}
   */
  history(base, type, id, params, decision) {
    if (type !== undefined && !allResourceTypes().includes(type)) {
      throw new HttpError(404, `Unknown resource type ${type}`, 'not-supported');
    }
    const count = this.pageSize(params, decision);
    const sinceRaw = params.get('_since');
    let sinceMs;
    if (sinceRaw) {
      sinceMs = Date.parse(sinceRaw);
      if (Number.isNaN(sinceMs)) throw new HttpError(400, `Invalid _since ${sinceRaw}`);
    }
    const cursorRaw = params.get('_cursor');
    const afterSeq = cursorRaw ? nonNegativeInt(cursorRaw, '_cursor') : undefined;
    const answeredAt = new Date().toISOString();
    const all = base.repo.changes.select({ type, id, sinceMs });
    if (id !== undefined && all.length === 0 && sinceMs === undefined) {
      throw new HttpError(404, `${type}/${id} not found`, 'not-found');
    }
    const start = afterSeq === undefined ? 0 : lowerBound(all, afterSeq);
    const page = all.slice(start, start + count);
    const path = `${base.url}/${[type, id].filter(Boolean).join('/')}${type ? '/' : ''}_history`;
    const keep = new URLSearchParams();
    if (sinceRaw) keep.set('_since', sinceRaw);
    keep.set('_count', String(count));
    const self = new URLSearchParams(keep);
    if (afterSeq !== undefined) self.set('_cursor', String(afterSeq));
    /** @type {BundleLink[]} */
    const link = [{ relation: 'self', url: `${path}?${self}` }];
    if (start + count < all.length && page.length > 0) {
      const next = new URLSearchParams(keep);
      next.set('_cursor', String(page[page.length - 1].seq));
      link.push({ relation: 'next', url: `${path}?${next}` });
    }
    return {
      resourceType: 'Bundle',
      type: 'history',
      meta: { lastUpdated: answeredAt },
      total: all.length,
      link,
      entry: page.map((c) => historyEntry(c, base.url)),
    };
  }

  /**
   * Patient/$everything: the patient, every resource in its compartment (per the R4 Patient
   * CompartmentDefinition, found with Medplum's search) and the Medication, Practitioner,
   * Organization, Location, ... resources they reference. `_since` and `_type` filter; pages
   * work like search pages.
   * @param {FhirBase} base
   * @param {string} patientId
   * @param {URLSearchParams} params
   * @param {FaultDecision} decision
   * @returns {Promise<Bundle>}
   */
  async everything(base, patientId, params, decision) {
    const count = this.pageSize(params, decision);
    const offset = nonNegativeInt(params.get('_offset'), '_offset');
    const keep = new URLSearchParams();
    for (const k of ['_since', '_type']) {
      const v = params.get(k);
      if (v) keep.set(k, v);
    }
    const query = keep.toString();
    const key = `everything:${patientId}?${query}`;
    let snap = base.findSnapshot(params.get('_snapshot'), key);
    let token = snap ? params.get('_snapshot') ?? undefined : undefined;
    if (!snap) {
      const sinceRaw = keep.get('_since');
      const sinceMs = sinceRaw ? Date.parse(sinceRaw) : undefined;
      if (sinceRaw && Number.isNaN(sinceMs)) throw new HttpError(400, `Invalid _since ${sinceRaw}`);
      const types = keep.get('_type')?.split(',').map((t) => t.trim()).filter(Boolean);
      const list = await everythingList(base, patientId, sinceMs, types ? new Set(types) : undefined);
      snap = { key, list, total: list.length, expires: 0 };
      if (list.length > offset + count) token = base.saveSnapshot(key, list, list.length);
    }
    const page = snap.list.slice(offset, offset + count);
    const link = pageLinks(`${base.url}/Patient/${encodeURIComponent(patientId)}/$everything`, query, count, offset, snap.total, token);
    return searchBundle(
      snap.total,
      link,
      page.map((r) => ({
        fullUrl: `${base.url}/${r.resourceType}/${r.id}`,
        resource: r,
        search: { mode: r.resourceType === 'Patient' && r.id === patientId ? 'match' : 'include' },
      }))
    );
  }
}

/**
 * @param {FhirBase} base
 * @param {string} patientId
 * @param {number | undefined} sinceMs
 * @param {Set<string> | undefined} types
 * @returns {Promise<Resource[]>}
 */
async function everythingList(base, patientId, sinceMs, types) {
  const all = await everythingOf(base, patientId);
  return all.filter(
    (r) =>
      (sinceMs === undefined || Date.parse(r.meta?.lastUpdated ?? '') >= sinceMs) &&
      (!types || types.has(r.resourceType))
  );
}

/**
 * The whole of a patient's `$everything` (no `_since`, no `_type`). Finding the compartment runs
 * a search per compartment type and parameter over every stored resource, so the result is kept
 * (per base, for a few patients) until the repository's data next changes: an incremental sync
 * whose `_since` matches nothing then costs a filter, not the scan. The list and its resources
 * are never modified after this (pages only slice it).
 * @param {FhirBase} base
 * @param {string} patientId
 * @returns {Promise<Resource[]>}
 */
async function everythingOf(base, patientId) {
  const repo = base.repo;
  const generation = repo.generation;
  const kept = base.everythingKept.get(patientId);
  if (kept && kept.generation === generation) return kept.list;
  /** @type {Resource} */
  let patient;
  try {
    patient = await repo.readResource('Patient', patientId);
  } catch (err) {
    const oo = normalizeOperationOutcome(err);
    throw asHttpError({ status: getStatus(oo), outcome: oo });
  }
  const ref = `Patient/${patientId}`;
  /** @type {Resource[]} */
  const found = [patient];
  const seen = new Set([ref]);
  const compartment = patientCompartment();
  for (const [type, map] of repo.store) {
    if (type === 'Patient' || map.size === 0) continue;
    const links = compartment.get(type);
    if (!links) continue;
    for (const param of links) {
      let bundle;
      try {
        bundle = await repo.search(parseSearchRequest(/** @type {any} */ (type), { [param]: ref }));
      } catch {
        continue; // a compartment parameter Medplum cannot evaluate; skip it
      }
      for (const e of bundle.entry ?? []) {
        const r = /** @type {Resource} */ (e.resource);
        const key = `${r.resourceType}/${r.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        found.push(r);
      }
    }
  }
  // Referenced shared resources (medications, practitioners, organisations, locations, ...).
  /** @type {string[]} */
  const refs = [];
  for (const r of found) collectReferences(r, refs);
  for (const reference of refs) {
    if (seen.has(reference)) continue;
    seen.add(reference);
    const [type, id] = reference.split('/');
    const stored = repo.store.get(type)?.get(id);
    if (stored) found.push(structuredClone(stored));
  }
  // Kept only if nothing changed while the searches ran (they await between types).
  if (repo.generation === generation) {
    base.everythingKept.delete(patientId);
    base.everythingKept.set(patientId, { generation, list: found });
    if (base.everythingKept.size > EVERYTHING_KEPT) base.everythingKept.delete(base.everythingKept.keys().next().value ?? '');
  }
  return found;
}

/**
 * @param {unknown} node
 * @param {string[]} out
 */
function collectReferences(node, out) {
  if (Array.isArray(node)) {
    for (const x of node) collectReferences(x, out);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'reference' && typeof v === 'string') {
        const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(v);
        if (m && EVERYTHING_REFERENCED.has(m[1])) out.push(v);
      } else if (typeof v === 'object') {
        collectReferences(v, out);
      }
    }
  }
}

/**
 * @param {{ status: number, outcome: OperationOutcome }} r
 * @returns {HttpError}
 */
function asHttpError(r) {
  const e = new HttpError(r.status, r.outcome.issue?.[0]?.details?.text ?? 'error');
  e.outcome = r.outcome;
  return e;
}

/**
 * The `nextUrl` fault: the page's next link is the given URL (e.g. another base on this server).
 * The `endlessPages` fault: the page links a next page whose URL was never sent before (the self
 * link with `_endless=<n+1>`, a parameter the server otherwise ignores), so paging never ends.
 * @param {Bundle} bundle
 * @param {FaultDecision} decision
 * @param {URLSearchParams} params the request's parameters
 * @returns {Bundle}
 */
function endless(bundle, decision, params) {
  if (decision.nextUrl) {
    const link = (bundle.link ?? []).filter((l) => l.relation !== 'next');
    link.push({ relation: 'next', url: decision.nextUrl });
    return { ...bundle, link };
  }
  if (!decision.endlessPages) return bundle;
  const self = bundle.link?.find((l) => l.relation === 'self')?.url;
  if (!self) return bundle;
  const url = new URL(self);
  url.searchParams.set('_endless', String(Number(params.get('_endless') ?? 0) + 1));
  const link = (bundle.link ?? []).filter((l) => l.relation !== 'next');
  link.push({ relation: 'next', url: url.toString() });
  return { ...bundle, link };
}

/**
 * The `hugeBody` fault: a 200 FHIR JSON Bundle of about `bytes` bytes, streamed without a
 * Content-Length and with back-pressure, that stops as soon as the client goes away (so a client
 * that cuts it off costs the server nothing more).
 * @param {http.ServerResponse} res
 * @param {number} bytes
 * @param {(sent: number) => void} onProgress
 */
async function sendHuge(res, bytes, onProgress) {
  res.writeHead(200, { 'Content-Type': FHIR_JSON });
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  let sent = 0;
  /** @param {string} text */
  const write = async (text) => {
    const buf = Buffer.from(text);
    sent += buf.length;
    onProgress(sent);
    if (!res.write(buf)) await new Promise((resolve) => {
      res.once('drain', resolve);
      res.once('close', resolve);
    });
  };
  await write('{"resourceType":"Bundle","type":"searchset","entry":[');
  const filler = 'x'.repeat(64 * 1024);
  for (let i = 0; !closed && sent < bytes; i++) {
    await write(`${i ? ',' : ''}{"resource":{"resourceType":"Basic","id":"pad-${i}","code":{"text":"${filler}"}}}`);
  }
  if (!closed) res.end(']}');
}

/**
 * The `inject` fault: the answer carries extra entries, as a hostile or buggy server's would.
 * @param {Bundle} bundle
 * @param {FaultDecision} decision
 * @param {string} baseUrl
 * @returns {Bundle}
 */
function withInjected(bundle, decision, baseUrl) {
  if (!decision.inject?.length) return bundle;
  const extra = decision.inject.map((/** @type {any} */ r) => ({
    ...(r && typeof r === 'object' && typeof r.resourceType === 'string' ? { fullUrl: `${baseUrl}/${r.resourceType}/${r.id}` } : {}),
    resource: r,
    search: { mode: 'include' },
  }));
  return { ...bundle, entry: [...(bundle.entry ?? []), ...extra] };
}

/**
 * @param {number} total
 * @param {BundleLink[]} link
 * @param {BundleEntry[]} entry
 * @returns {Bundle}
 */
function searchBundle(total, link, entry) {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    meta: { lastUpdated: new Date().toISOString() },
    total,
    link,
    ...(entry.length ? { entry } : {}),
  };
}

/**
 * self / first / previous / next links, absolute, on our base.
 * @param {string} path absolute URL without query
 * @param {string} query the search's own parameters (without paging)
 * @param {number} count
 * @param {number} offset
 * @param {number} total
 * @param {string | undefined} token snapshot token
 * @returns {BundleLink[]}
 */
function pageLinks(path, query, count, offset, total, token) {
  /** @param {number} off */
  const at = (off) => {
    const q = new URLSearchParams(query);
    q.set('_count', String(count));
    if (off > 0) q.set('_offset', String(off));
    if (token) q.set('_snapshot', token);
    return `${path}?${q}`;
  };
  /** @type {BundleLink[]} */
  const link = [{ relation: 'self', url: at(offset) }];
  link.push({ relation: 'first', url: at(0) });
  if (offset > 0 && count > 0) link.push({ relation: 'previous', url: at(Math.max(0, offset - count)) });
  if (count > 0 && offset + count < total) link.push({ relation: 'next', url: at(offset + count) });
  return link;
}

/**
 * Whether a query string is one of our links to a page after the first (search and
 * `$everything` pages carry `_offset` > 0 or `_snapshot`, history pages `_cursor`).
 * @param {string} queryString
 */
function isPagingLink(queryString) {
  if (!queryString) return false;
  const q = new URLSearchParams(queryString);
  if (PAGING_PARAMS.some((p) => q.has(p))) return true;
  const offset = Number(q.get('_offset') ?? 0);
  return Number.isFinite(offset) && offset > 0;
}

/**
 * Index of the first change with seq > afterSeq.
 * @param {Array<{ seq: number }>} list sorted by seq
 * @param {number} afterSeq
 */
function lowerBound(list, afterSeq) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].seq <= afterSeq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * @param {string | null} raw
 * @param {string} name
 */
function nonNegativeInt(raw, name) {
  if (raw === null || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `Invalid ${name} ${raw}`);
  return n;
}

/** @param {URLSearchParams} params */
function stripOurParams(params) {
  const out = new URLSearchParams();
  for (const [k, v] of params) if (!OUR_PARAMS.includes(k)) out.append(k, v);
  return out;
}

/**
 * @param {any} resource
 * @returns {Record<string, string>}
 */
function resourceHeaders(resource) {
  /** @type {Record<string, string>} */
  const h = {};
  if (resource?.meta?.versionId) h.ETag = `W/"${resource.meta.versionId}"`;
  if (resource?.meta?.lastUpdated) h['Last-Modified'] = httpDate(resource.meta.lastUpdated);
  return h;
}

/**
 * @param {http.IncomingHttpHeaders} headers
 * @returns {Record<string, string>}
 */
function lowerHeaders(headers) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * @param {http.IncomingHttpHeaders} headers
 * @param {string[]} names
 * @returns {Record<string, string>}
 */
function pickHeaders(headers, names) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const n of names) {
    const v = headers[n];
    if (v !== undefined) out[n] = Array.isArray(v) ? v[0] : v;
  }
  return out;
}

/**
 * Request headers for the log: lowercased names, credentials (Authorization, cookies, the admin
 * token) left out.
 * @param {http.IncomingHttpHeaders} headers
 * @returns {Record<string, string>}
 */
function loggableHeaders(headers) {
  const out = lowerHeaders(headers);
  for (const name of Object.keys(out)) if (UNLOGGED_HEADERS.has(name)) delete out[name];
  return out;
}

/**
 * CORS headers for a request whose origin is allowed (checked before). Without an Origin header
 * (not a browser's cross-origin request) no Allow-Origin is sent at all.
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 */
function setCors(req, res) {
  const origin = req.headers.origin;
  res.setHeader('Vary', 'Origin');
  if (!origin) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
}

/**
 * Reads and parses a request body: JSON (any content type) or a form (for _search).
 * Empty body -> undefined. Bad JSON -> HttpError 400.
 * @param {http.IncomingMessage} req
 * @returns {Promise<any>}
 */
async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'Request body too large', 'too-costly');
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  if (/application\/x-www-form-urlencoded/i.test(String(req.headers['content-type'] ?? ''))) {
    return new URLSearchParams(text);
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `Request body is not valid JSON: ${/** @type {Error} */ (err).message}`, 'structure');
  }
}

/** @param {http.IncomingMessage} req */
async function drain(req) {
  try {
    for await (const _ of req) {
      // discard
    }
  } catch {
    // client went away; nothing to do
  }
}

/**
 * @param {any} body
 * @returns {Resource[]}
 */
function toResourceList(body) {
  if (Array.isArray(body)) return body;
  if (body?.resourceType === 'Bundle') return (body.entry ?? []).map((/** @type {any} */ e) => e.resource).filter(Boolean);
  if (Array.isArray(body?.resources)) return body.resources;
  throw new Error('expected an array of resources, a Bundle, or { resources: [...] }');
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {any} body
 * @param {Record<string, string>} headers
 * @param {string} contentType
 */
function sendJson(res, status, body, headers, contentType) {
  if (status === 304 || body === undefined) {
    res.writeHead(status, { ...(status === 304 ? {} : { 'Content-Type': contentType }), ...headers });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * 200 with a body cut off halfway, so it is not valid JSON.
 * @param {http.ServerResponse} res
 * @param {any} body
 */
function sendMalformed(res, body) {
  const full = JSON.stringify(body ?? { resourceType: 'OperationOutcome' });
  const text = full.slice(0, Math.max(1, Math.floor(full.length / 2))) + '\u0000<!-- truncated';
  res.writeHead(200, { 'Content-Type': FHIR_JSON, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Sends the headers (announcing the full length) and half the body, then destroys the socket.
 * @param {http.ServerResponse} res
 * @param {any} body
 */
function sendAndDrop(res, body) {
  const buf = Buffer.from(JSON.stringify(body ?? { resourceType: 'OperationOutcome', issue: [] }));
  res.writeHead(200, { 'Content-Type': FHIR_JSON, 'Content-Length': buf.length });
  res.flushHeaders();
  res.write(buf.subarray(0, Math.max(1, Math.floor(buf.length / 2))), () => {
    setTimeout(() => res.socket?.destroy(), 10);
  });
}

/**
 * Starts a server on 127.0.0.1.
 * @param {ServerOptions} [options]
 * @returns {Promise<FhirServer>}
 */
export async function startFhirServer(options = {}) {
  loadDefinitions();
  const server = new FhirServer(options);
  await server.listen(options.port ?? 0);
  return server;
}

