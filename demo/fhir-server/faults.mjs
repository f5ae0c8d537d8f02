// @ts-check
// Fault injection, one controller per base. Tests (or the admin endpoint) describe a bad day;
// the server asks `decide()` for every FHIR request and acts on the answer.

/**
 * @typedef {object} CountedFault
 * @property {number} [count]  how many matching requests it hits; omitted = until reset
 * @property {string} [match]  only requests whose path+query contains this substring
 */

/**
 * @typedef {object} FaultSpec
 * @property {CountedFault & { status?: number }} [errors]          HTTP 500 (or `status`) with an OperationOutcome
 * @property {CountedFault & { status?: 429 | 503, retryAfter?: number }} [throttle]  429/503 with Retry-After (seconds)
 * @property {CountedFault} [unauthorized]                          HTTP 401
 * @property {CountedFault} [malformed]                             200 with a body that is not JSON
 * @property {CountedFault} [dropMidBody]                           headers + part of the body, then the socket is destroyed
 * @property {CountedFault & { bytes?: number }} [hugeBody]          200 with a Bundle body of `bytes` (default 200 MB), streamed; stops when the client goes away
 * @property {CountedFault & { location: string, status?: 301 | 302 | 303 | 307 | 308 }} [redirect] a redirect to `location`
 * @property {{ url: string, match?: string }} [nextUrl]           search / $everything pages link `url` as their next page
 * @property {{ match?: string } | true} [endlessPages]            search / $everything pages always link a next page (never the same URL twice)
 * @property {number | { ms: number, match?: string }} [latencyMs]  added delay before answering
 * @property {number | { size: number, match?: string }} [pageSize] forced page size for search, history, $everything
 * @property {Array<'history' | 'everything' | 'ifMatch' | 'updateCreate'>} [disable] capabilities switched off
 * @property {CountedFault & { resources: unknown[] }} [inject] extra entries appended to search / $everything pages (a hostile server): any JSON, resources or not
 * @property {ExpireLinks} [expireLinks] paging links (pages after the first) answer 410 Gone, as a server whose result sets expired
 * @property {string} [match]  default `match` for every fault in this call
 */

/**
 * Paging links that have expired, as on servers that keep a search's results for a limited time
 * (HAPI answers such a link 410 Gone). Only requests for a page after the first count: a
 * `next` link of a search, `$everything` or `_history` (one carrying `_offset`, `_snapshot`,
 * `_cursor` or `_endless`). The first request of a listing always works, so a client that starts
 * the listing again gets a fresh result set. At least one of `every` and `afterMs` is needed;
 * with both, a link expires when either says so.
 * @typedef {object} ExpireLinks
 * @property {number} [every]   the Nth, 2Nth, ... paging request (counted per base) expires
 * @property {number} [afterMs] a paging link expires once its listing began at least this long ago
 *   (the first page's answer; links the server did not hand out count as new)
 * @property {410 | 404} [status] default 410
 * @property {number} [count]   how many expiries in all; omitted = until reset
 * @property {string} [match]   only paging requests whose path+query contains this substring
 */

/**
 * What the server knows about a request beyond its URL.
 * @typedef {object} RequestFacts
 * @property {boolean} [pagingLink] the request is for a page after the first of a listing
 * @property {number} [linkAgeMs]   how long ago that listing began, when the server handed the link out
 */

/**
 * @typedef {object} FaultDecision
 * @property {number} latencyMs
 * @property {number | undefined} pageSize
 * @property {Set<string>} disabled
 * @property {object[] | undefined} inject resources to append to this answer's Bundle entries
 * @property {undefined | { kind: 'errors', status: number }
 *   | { kind: 'throttle', status: number, retryAfter: number }
 *   | { kind: 'unauthorized' } | { kind: 'malformed' } | { kind: 'dropMidBody' }
 *   | { kind: 'hugeBody', bytes: number } | { kind: 'redirect', status: number, location: string }
 *   | { kind: 'expiredLink', status: number }} action
 * @property {string | undefined} nextUrl
 * @property {boolean} endlessPages
 */

const COUNTED = /** @type {const} */ (['unauthorized', 'throttle', 'errors', 'malformed', 'dropMidBody', 'hugeBody', 'redirect']);
const CAPABILITIES = new Set(['history', 'everything', 'ifMatch', 'updateCreate']);
const KNOWN = new Set([...COUNTED, 'latencyMs', 'pageSize', 'disable', 'inject', 'endlessPages', 'nextUrl', 'expireLinks', 'match']);
/** Default size of a `hugeBody` answer. */
const HUGE_BODY_BYTES = 200 * 1024 * 1024;

export class Faults {
  constructor() {
    /** @type {Record<string, any>} */
    this.state = {};
  }

  /** Clears every fault. */
  reset() {
    this.state = {};
  }

  /**
   * Adds or replaces faults. Keys not mentioned keep their current setting; a key set to
   * `null` is cleared. Throws on unknown keys or bad values.
   * @param {FaultSpec} spec
   */
  set(spec) {
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new Error('fault spec must be an object');
    for (const key of Object.keys(spec)) {
      if (!KNOWN.has(key)) throw new Error(`unknown fault "${key}"`);
    }
    const s = /** @type {Record<string, any>} */ (spec);
    const defaultMatch = typeof s.match === 'string' ? s.match : undefined;
    for (const key of COUNTED) {
      if (!(key in s)) continue;
      if (s[key] == null) {
        delete this.state[key];
        continue;
      }
      const f = { ...s[key] };
      if (f.count !== undefined && !(Number.isInteger(f.count) && f.count >= 0)) {
        throw new Error(`${key}.count must be a non-negative integer`);
      }
      f.count ??= Infinity;
      f.match ??= defaultMatch;
      if (f.method !== undefined) {
        if (typeof f.method !== 'string' || !/^[A-Za-z]+$/.test(f.method)) throw new Error(`${key}.method must be an HTTP method`);
        f.method = f.method.toUpperCase();
      }
      if (key === 'errors') f.status ??= 500;
      if (key === 'redirect') {
        f.status ??= 302;
        if (![301, 302, 303, 307, 308].includes(f.status)) throw new Error('redirect.status must be 301, 302, 303, 307 or 308');
        if (typeof f.location !== 'string' || f.location === '') throw new Error('redirect.location must be a URL');
      }
      if (key === 'hugeBody') {
        f.bytes ??= HUGE_BODY_BYTES;
        if (!(Number.isInteger(f.bytes) && f.bytes >= 1)) throw new Error('hugeBody.bytes must be a positive integer');
      }
      if (key === 'throttle') {
        f.status ??= 429;
        f.retryAfter ??= 1;
        if (f.status !== 429 && f.status !== 503) throw new Error('throttle.status must be 429 or 503');
      }
      this.state[key] = f;
    }
    if ('latencyMs' in s) {
      if (s.latencyMs == null) delete this.state.latencyMs;
      else {
        const v = typeof s.latencyMs === 'number' ? { ms: s.latencyMs } : { ...s.latencyMs };
        if (!(v.ms >= 0)) throw new Error('latencyMs must be >= 0');
        v.match ??= defaultMatch;
        this.state.latencyMs = v;
      }
    }
    if ('pageSize' in s) {
      if (s.pageSize == null) delete this.state.pageSize;
      else {
        const v = typeof s.pageSize === 'number' ? { size: s.pageSize } : { ...s.pageSize };
        if (!(Number.isInteger(v.size) && v.size >= 1)) throw new Error('pageSize must be an integer >= 1');
        v.match ??= defaultMatch;
        this.state.pageSize = v;
      }
    }
    if ('nextUrl' in s) {
      if (s.nextUrl == null) delete this.state.nextUrl;
      else {
        if (typeof s.nextUrl.url !== 'string' || s.nextUrl.url === '') throw new Error('nextUrl.url must be a URL');
        this.state.nextUrl = { url: s.nextUrl.url, match: s.nextUrl.match ?? defaultMatch };
      }
    }
    if ('endlessPages' in s) {
      if (s.endlessPages == null || s.endlessPages === false) delete this.state.endlessPages;
      else this.state.endlessPages = { match: (s.endlessPages === true ? undefined : s.endlessPages.match) ?? defaultMatch };
    }
    if ('inject' in s) {
      if (s.inject == null) delete this.state.inject;
      else {
        const v = { ...s.inject };
        // Anything JSON goes: a hostile server's entries need not be resources at all.
        if (!Array.isArray(v.resources)) throw new Error('inject.resources must be an array');
        if (v.count !== undefined && !(Number.isInteger(v.count) && v.count >= 0)) throw new Error('inject.count must be a non-negative integer');
        v.count ??= Infinity;
        v.match ??= defaultMatch;
        // JSON copy: a hostile test resource may nest deeper than structuredClone allows.
        v.resources = JSON.parse(JSON.stringify(v.resources));
        this.state.inject = v;
      }
    }
    if ('expireLinks' in s) {
      if (s.expireLinks == null) delete this.state.expireLinks;
      else this.state.expireLinks = expireLinksSpec(s.expireLinks, defaultMatch);
    }
    if ('disable' in s) {
      if (s.disable == null) delete this.state.disable;
      else {
        if (!Array.isArray(s.disable)) throw new Error('disable must be an array');
        for (const c of s.disable) {
          if (!CAPABILITIES.has(c)) throw new Error(`unknown capability "${c}" (history, everything, ifMatch, updateCreate)`);
        }
        this.state.disable = [...s.disable];
      }
    }
  }

  /** @returns {Record<string, any>} a JSON-friendly copy of the current faults */
  get() {
    return JSON.parse(JSON.stringify(this.state, (_k, v) => (v === Infinity ? null : v)));
  }

  /** @returns {Set<string>} capabilities currently switched off */
  disabled() {
    return new Set(this.state.disable ?? []);
  }

  /**
   * Decides what happens to one request and uses up one count of the fault that fires.
   * At most one counted fault fires per request, in the order: unauthorized, throttle, errors,
   * malformed, dropMidBody.
   * @param {string} pathAndQuery
   * @param {string} [method] the request's method; a fault with `method` hits only that one
   * @param {RequestFacts} [facts] whether the request follows a paging link, and how old it is
   * @returns {FaultDecision}
   */
  decide(pathAndQuery, method, facts = {}) {
    /** @param {{ match?: string, method?: string } | undefined} f */
    const applies = (f) =>
      Boolean(f) && (!f?.match || pathAndQuery.includes(f.match)) && (!f?.method || f.method === method?.toUpperCase());
    const lat = this.state.latencyMs;
    const ps = this.state.pageSize;
    /** @type {FaultDecision} */
    const decision = {
      latencyMs: applies(lat) ? lat.ms : 0,
      pageSize: applies(ps) ? ps.size : undefined,
      disabled: this.disabled(),
      inject: undefined,
      endlessPages: applies(this.state.endlessPages),
      nextUrl: applies(this.state.nextUrl) ? this.state.nextUrl.url : undefined,
      action: undefined,
    };
    const inj = this.state.inject;
    if (applies(inj) && inj.count > 0) {
      inj.count -= 1;
      decision.inject = JSON.parse(JSON.stringify(inj.resources));
      if (inj.count <= 0) delete this.state.inject;
    }
    for (const key of COUNTED) {
      const f = this.state[key];
      if (!applies(f) || f.count <= 0) continue;
      f.count -= 1;
      if (f.count <= 0) delete this.state[key];
      if (key === 'errors') decision.action = { kind: 'errors', status: f.status };
      else if (key === 'throttle') decision.action = { kind: 'throttle', status: f.status, retryAfter: f.retryAfter };
      else if (key === 'hugeBody') decision.action = { kind: 'hugeBody', bytes: f.bytes };
      else if (key === 'redirect') decision.action = { kind: 'redirect', status: f.status, location: f.location };
      else decision.action = /** @type {any} */ ({ kind: key });
      break;
    }
    const exp = this.state.expireLinks;
    if (!decision.action && facts.pagingLink && applies(exp) && exp.count > 0) {
      exp.seen += 1;
      const byTurn = exp.every !== undefined && exp.seen % exp.every === 0;
      const byAge = exp.afterMs !== undefined && facts.linkAgeMs !== undefined && facts.linkAgeMs >= exp.afterMs;
      if (byTurn || byAge) {
        exp.count -= 1;
        if (exp.count <= 0) delete this.state.expireLinks;
        decision.action = { kind: 'expiredLink', status: exp.status };
      }
    }
    return decision;
  }
}

/**
 * Checks and fills in an `expireLinks` spec.
 * @param {any} spec
 * @param {string | undefined} defaultMatch
 */
function expireLinksSpec(spec, defaultMatch) {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new Error('expireLinks must be an object');
  const f = { ...spec };
  if (f.every === undefined && f.afterMs === undefined) throw new Error('expireLinks needs every or afterMs');
  if (f.every !== undefined && !(Number.isInteger(f.every) && f.every >= 1)) throw new Error('expireLinks.every must be an integer >= 1');
  if (f.afterMs !== undefined && !(typeof f.afterMs === 'number' && f.afterMs >= 0)) throw new Error('expireLinks.afterMs must be >= 0');
  f.status ??= 410;
  if (f.status !== 410 && f.status !== 404) throw new Error('expireLinks.status must be 410 or 404');
  if (f.count !== undefined && !(Number.isInteger(f.count) && f.count >= 0)) throw new Error('expireLinks.count must be a non-negative integer');
  f.count ??= Infinity;
  f.match ??= defaultMatch;
  // Paging requests seen so far (for `every`).
  f.seen = 0;
  return f;
}
