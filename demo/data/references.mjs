// @ts-check
/**
 * Turning a FHIR Bundle (or a lone resource) into a flat list of resources whose references are
 * all in relative `Type/id` form.
 *
 * Pure functions only: no file system, no Node built-ins, so stories and browser tests can use
 * them too.
 *
 * Reference styles handled (all of them occur in the sample data):
 * - `urn:uuid:` fullUrl, `urn:uuid:` references (Synthea transaction bundles, POST entries);
 * - no fullUrl, relative `Type/id` references, `PUT Type/id` requests;
 * - absolute fullUrls (`https://server/base/Type/id`) with relative references, resolved against
 *   the referencing entry's base as the FHIR bundle rules say;
 * - `PUT Type/id` with a `urn:uuid:` fullUrl: the id comes from the request URL;
 * - conditional references (`Type?identifier=system|value`), resolved against the bundle;
 * - contained references (`#id`), which are left exactly as they are;
 * - version-specific references (`Type/id/_history/n`) that point into the bundle.
 */

/** @typedef {import('fhir/r4').FhirResource} Resource */
/** @typedef {import('fhir/r4').Bundle} Bundle */

/**
 * One thing the loader could not do, or noticed and worked around. Loading never throws for bad
 * data: it reports here and carries on.
 * @typedef {object} Problem
 * @property {string} file  the data file the problem was found in
 * @property {string} kind  'dangling-reference' | 'unsupported-entry' | 'unsupported-conditional-reference'
 *   | 'invalid-json' | 'not-fhir' | 'duplicate-id' | 'conflicting-duplicate' | 'id-from-request'
 *   | 'unlinkable-patient'
 * @property {string} [reference]  the reference as written in the data
 * @property {string} [resource]  `Type/id` of the resource concerned
 * @property {'clinic' | 'hospital'} [base]  the provider base, when the problem is about one
 * @property {string} message
 */

/** A valid FHIR id: letters, digits, `-` and `.`, 1 to 64 characters. */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\/.*?\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const UUID = /^urn:uuid:([0-9a-fA-F-]{36})$/;

/**
 * Calls `visit` for every Reference-shaped object (an object with a string `reference`) anywhere
 * inside `value`, at any depth (extensions, contained resources, backbone elements, ...).
 * @param {unknown} value
 * @param {(ref: { reference: string, [k: string]: unknown }) => void} visit
 */
export function forEachReference(value, visit) {
  if (Array.isArray(value)) {
    for (const item of value) forEachReference(item, visit);
  } else if (value !== null && typeof value === 'object') {
    const obj = /** @type {Record<string, unknown>} */ (value);
    if (typeof obj.reference === 'string') visit(/** @type {any} */ (obj));
    for (const key in obj) {
      const child = obj[key];
      if (child !== null && typeof child === 'object') forEachReference(child, visit);
    }
  }
}

/**
 * Splits a relative reference into type and id, or returns undefined when it is not of the form
 * `Type/id` (optionally with `/_history/n`).
 * @param {string} reference
 * @returns {{ type: string, id: string } | undefined}
 */
export function parseRelativeReference(reference) {
  const m = RELATIVE.exec(reference);
  return m ? { type: m[1], id: m[2] } : undefined;
}

/**
 * Small stable string hash (FNV-1a, 32 bit) as 8 hex digits. Used for generated ids so they are
 * the same on every run without depending on Node's crypto.
 * @param {string} text
 */
export function stableHash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The base URL part of an absolute `.../Type/id` fullUrl, with a trailing slash, or undefined.
 * @param {string | undefined} fullUrl
 */
function baseOf(fullUrl) {
  if (!fullUrl) return undefined;
  const m = ABSOLUTE.exec(fullUrl);
  if (!m) return undefined;
  const tail = fullUrl.indexOf(`/${m[1]}/${m[2]}`);
  return tail > 0 ? fullUrl.slice(0, tail + 1) : undefined;
}

/**
 * Parses a conditional reference such as `Patient?identifier=http://x|123`.
 * Only `identifier` search parameters are understood (the only kind used in practice for
 * conditional references in transaction bundles).
 * @param {string} reference
 * @returns {{ type: string, params: Array<[string, string]> } | undefined}
 */
function parseConditional(reference) {
  const q = reference.indexOf('?');
  if (q < 1) return undefined;
  const type = reference.slice(0, q);
  if (!/^[A-Z][A-Za-z]+$/.test(type)) return undefined;
  /** @type {Array<[string, string]>} */
  const params = [];
  for (const part of reference.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    if (eq < 1) return undefined;
    params.push([decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1))]);
  }
  return { type, params };
}

/**
 * Whether `resource` matches every `identifier=[system|]value` parameter.
 * @param {any} resource
 * @param {Array<[string, string]>} params
 */
function matchesIdentifierSearch(resource, params) {
  return params.every(([name, value]) => {
    if (name !== 'identifier') return false;
    const bar = value.indexOf('|');
    const system = bar >= 0 ? value.slice(0, bar) : undefined;
    const code = bar >= 0 ? value.slice(bar + 1) : value;
    const ids = Array.isArray(resource.identifier) ? resource.identifier : [];
    return ids.some(
      (/** @type {any} */ i) => i && i.value === code && (system === undefined || (i.system ?? '') === system),
    );
  });
}

/**
 * Chooses the id a bundle entry's resource will have once loaded.
 * A PUT request URL wins (that is the id a server would store it under), then the resource's own
 * id, then the id carried by the fullUrl (the uuid of a `urn:uuid:` fullUrl, or the last segment
 * of an absolute one), then a generated id that depends only on the file name and entry position.
 * @param {any} entry
 * @param {string} type
 * @param {number} index
 * @param {string} file
 */
function chooseId(entry, type, index, file) {
  const request = entry.request;
  if (request && request.method === 'PUT' && typeof request.url === 'string') {
    const r = parseRelativeReference(request.url.split('?')[0]);
    if (r && r.type === type) return r.id;
  }
  const own = entry.resource.id;
  if (typeof own === 'string' && FHIR_ID.test(own)) return own;
  if (typeof entry.fullUrl === 'string') {
    const u = UUID.exec(entry.fullUrl);
    if (u) return u[1].toLowerCase();
    const a = ABSOLUTE.exec(entry.fullUrl);
    if (a && a[1] === type) return a[2];
  }
  return `gen-${stableHash(`${file}#${index}`)}`;
}

/**
 * Resolves every reference in a Bundle against the bundle's own entries and rewrites it to
 * relative `Type/id`. A lone resource (not a Bundle) is returned as is (copied): its references
 * can only be checked against the other data it is loaded with, which the caller does.
 *
 * Never throws for bad data: unresolvable references are left as written and reported as
 * `dangling-reference`; entries without a resource or with a DELETE/GET request are reported as
 * `unsupported-entry` and skipped.
 *
 * The input is not modified; the returned resources are deep copies.
 *
 * @param {unknown} input  a parsed JSON document
 * @param {{ file?: string }} [options]
 * @returns {{ resources: Resource[], problems: Problem[] }}
 */
export function bundleToResources(input, { file = '(memory)' } = {}) {
  /** @type {Problem[]} */
  const problems = [];
  /** @type {Resource[]} */
  const resources = [];
  const doc = /** @type {any} */ (input);
  if (!doc || typeof doc !== 'object' || typeof doc.resourceType !== 'string') {
    problems.push({ file, kind: 'not-fhir', message: 'not a FHIR resource (no resourceType)' });
    return { resources, problems };
  }
  if (doc.resourceType !== 'Bundle') {
    const copy = structuredClone(doc);
    if (typeof copy.id !== 'string' || !FHIR_ID.test(copy.id)) {
      const id = `gen-${stableHash(file)}`;
      problems.push({
        file,
        kind: 'id-from-request',
        resource: `${copy.resourceType}/${id}`,
        message: `resource had no valid id; assigned ${id}`,
      });
      copy.id = id;
    }
    resources.push(copy);
    return { resources, problems };
  }

  const entries = Array.isArray(doc.entry) ? doc.entry : [];
  /** @type {Map<string, string>} any way of addressing an entry -> its final `Type/id` */
  const address = new Map();
  /** @type {Array<{ resource: any, key: string, base: string | undefined }>} */
  const kept = [];
  /** @type {Map<string, any>} */
  const byKey = new Map();

  entries.forEach((/** @type {any} */ entry, /** @type {number} */ index) => {
    const method = entry?.request?.method;
    const resource = entry?.resource;
    if (!resource || typeof resource !== 'object' || typeof resource.resourceType !== 'string') {
      problems.push({
        file,
        kind: 'unsupported-entry',
        message: `entry ${index} has no resource${method ? ` (${method} ${entry.request.url ?? ''})` : ''}; skipped`,
      });
      return;
    }
    if (method && method !== 'POST' && method !== 'PUT' && method !== 'PATCH') {
      problems.push({
        file,
        kind: 'unsupported-entry',
        resource: `${resource.resourceType}/${resource.id ?? '?'}`,
        message: `entry ${index} is a ${method} request; only POST and PUT entries are loaded`,
      });
      return;
    }
    const type = resource.resourceType;
    const id = chooseId(entry, type, index, file);
    const key = `${type}/${id}`;
    if (resource.id !== undefined && resource.id !== id) {
      problems.push({
        file,
        kind: 'id-from-request',
        resource: key,
        message: `resource id ${JSON.stringify(resource.id)} replaced by ${id} (from the entry's request or fullUrl)`,
      });
    }
    const existing = byKey.get(key);
    if (existing) {
      const same = JSON.stringify({ ...existing, id: undefined }) === JSON.stringify({ ...resource, id: undefined });
      problems.push({
        file,
        kind: same ? 'duplicate-id' : 'conflicting-duplicate',
        resource: key,
        message: same
          ? `entry ${index} repeats ${key}; kept once`
          : `entry ${index} has the id of an earlier, different ${key}; the first one is kept`,
      });
      if (typeof entry.fullUrl === 'string' && !address.has(entry.fullUrl)) address.set(entry.fullUrl, key);
      return;
    }
    const copy = structuredClone(resource);
    copy.id = id;
    byKey.set(key, copy);
    const base = baseOf(entry.fullUrl);
    kept.push({ resource: copy, key, base });

    // Every way this entry can be addressed from inside the bundle.
    if (typeof entry.fullUrl === 'string') address.set(entry.fullUrl, key);
    if (!address.has(key)) address.set(key, key);
    if (typeof resource.id === 'string' && resource.id !== id) {
      const asWritten = `${type}/${resource.id}`;
      if (!address.has(asWritten)) address.set(asWritten, key);
    }
  });

  /**
   * @param {string} ref
   * @param {string | undefined} base
   * @returns {string | undefined}
   */
  const resolve = (ref, base) => {
    const direct = address.get(ref);
    if (direct) return direct;
    const rel = parseRelativeReference(ref);
    if (rel) {
      if (base) {
        const viaBase = address.get(base + ref) ?? address.get(`${base}${rel.type}/${rel.id}`);
        if (viaBase) return viaBase;
      }
      return address.get(`${rel.type}/${rel.id}`);
    }
    const abs = ABSOLUTE.exec(ref);
    if (abs) {
      const stripped = ref.replace(/\/_history\/[^/]+$/, '');
      return address.get(stripped) ?? address.get(`${abs[1]}/${abs[2]}`);
    }
    return undefined;
  };

  for (const { resource, key, base } of kept) {
    forEachReference(resource, (ref) => {
      const value = ref.reference;
      if (value.startsWith('#')) return; // contained: stays local to the resource
      const cond = value.includes('?') && !value.includes('://') ? parseConditional(value) : undefined;
      if (cond) {
        const matches = kept.filter(
          (k) => k.resource.resourceType === cond.type && matchesIdentifierSearch(k.resource, cond.params),
        );
        if (matches.length === 1) {
          ref.reference = matches[0].key;
        } else {
          problems.push({
            file,
            kind: 'unsupported-conditional-reference',
            reference: value,
            resource: key,
            message:
              matches.length === 0
                ? 'conditional reference matches no entry in the bundle; left as written'
                : `conditional reference matches ${matches.length} entries; left as written`,
          });
        }
        return;
      }
      const target = resolve(value, base);
      if (target) {
        ref.reference = target;
      } else {
        problems.push({
          file,
          kind: 'dangling-reference',
          reference: value,
          resource: key,
          message: `${key} refers to ${value}, which is not in the bundle; left as written`,
        });
      }
    });
    resources.push(resource);
  }
  return { resources, problems };
}
