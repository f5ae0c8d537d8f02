/**
 * SMART App Launch scopes: which resource types a set of granted scopes lets the app read or
 * write, and the scopes to ask for, in SMART 2 syntax or SMART 1 syntax.
 *
 * SMART 2 resource scopes are `<context>/<type>.<permissions>` with permissions a subset of
 * `cruds` in that order, optionally followed by `?param=value` (a query that narrows the grant;
 * the server applies it). SMART 1 scopes are `<context>/<type>.read|write|*`. `<context>` is
 * `patient`, `user` or `system`, `<type>` a resource type or `*`.
 */

/** What a resource scope allows. */
export interface ScopePermissions {
  create: boolean;
  read: boolean;
  update: boolean;
  delete: boolean;
  search: boolean;
}

/** One parsed resource scope. */
export interface ResourceScope {
  context: 'patient' | 'user' | 'system';
  /** A resource type, or `*` for every type. */
  type: string;
  permissions: ScopePermissions;
  /** The query that narrows a SMART 2 scope (`category=laboratory`), when present. */
  query?: string;
  /** `2` for `.cruds` syntax, `1` for `.read`/`.write`/`.*`. */
  version: 1 | 2;
}

const RESOURCE_SCOPE = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]{0,63})\.([a-z*]{1,5})(?:\?(.+))?$/;
const NONE: ScopePermissions = { create: false, read: false, update: false, delete: false, search: false };

/**
 * Parses one scope. Returns `undefined` for scopes that are not resource scopes (`openid`,
 * `launch`, `fhirUser`, ...) and for malformed ones (`patient/Observation.sr`: SMART 2 fixes the
 * letter order; a scope the server spells wrongly grants nothing here).
 */
export function parseResourceScope(scope: string): ResourceScope | undefined {
  const m = RESOURCE_SCOPE.exec(scope);
  if (!m) return undefined;
  const [, context, type, perms, query] = m as unknown as [string, ResourceScope['context'], string, string, string | undefined];
  if (perms === 'read') return { context, type, permissions: { ...NONE, read: true, search: true }, version: 1 };
  if (perms === 'write') return { context, type, permissions: { ...NONE, create: true, update: true, delete: true }, version: 1 };
  if (perms === '*') return { context, type, permissions: { create: true, read: true, update: true, delete: true, search: true }, version: 1 };
  // SMART 2: each of c r u d s at most once, in that order.
  if (!/^c?r?u?d?s?$/.test(perms) || perms.length === 0) return undefined;
  const p: ScopePermissions = {
    create: perms.includes('c'),
    read: perms.includes('r'),
    update: perms.includes('u'),
    delete: perms.includes('d'),
    search: perms.includes('s'),
  };
  return { context, type, permissions: p, version: 2, ...(query ? { query } : {}) };
}

/** Splits a `scope` string (space separated, as in a token response) into scopes. */
export function splitScopes(scope: string | readonly string[] | undefined): string[] {
  if (scope === undefined) return [];
  const list = typeof scope === 'string' ? scope.split(/\s+/) : scope;
  return list.filter((s) => s.length > 0);
}

/**
 * What the granted scopes allow for one resource type, across every scope that names it or `*`
 * (a query-narrowed scope counts: the server applies its query, and what it returns is shown).
 */
export function permissionsFor(granted: readonly string[], type: string): ScopePermissions {
  const out: ScopePermissions = { ...NONE };
  for (const s of granted) {
    const parsed = parseResourceScope(s);
    if (!parsed || (parsed.type !== '*' && parsed.type !== type)) continue;
    for (const key of Object.keys(out) as Array<keyof ScopePermissions>) out[key] ||= parsed.permissions[key];
  }
  return out;
}

/** True when the scopes let the app search and read `type` (what showing a list needs). */
export function canReadType(granted: readonly string[], type: string): boolean {
  const p = permissionsFor(granted, type);
  return p.read && p.search;
}

/** True when the scopes let the app create and update `type` (what recording a consent needs). */
export function canWriteType(granted: readonly string[], type: string): boolean {
  const p = permissionsFor(granted, type);
  return p.create && p.update;
}

/** The resource scopes an app asks for, before they are written in one syntax. */
export interface ScopeRequest {
  /** `patient` for a patient-context app (EHR launch with a patient, `launch/patient`), else `user`. */
  context: 'patient' | 'user';
  /** Types to read and search. */
  read: readonly string[];
  /** Types to create and update as well (they are read too). */
  write?: readonly string[];
}

/**
 * The resource scopes for `request`: SMART 2 (`patient/Observation.rs`, `patient/Consent.cruds`
 * without `d`: the kit never deletes, so it asks for `cru` + `rs` = `.crus`) or SMART 1
 * (`patient/Observation.read`, `patient/Consent.write` plus `.read`). Sorted, no duplicates.
 */
export function resourceScopes(request: ScopeRequest, version: 1 | 2): string[] {
  const write = new Set(request.write ?? []);
  const types = new Set([...request.read, ...write]);
  const out: string[] = [];
  for (const type of types) {
    if (version === 2) out.push(`${request.context}/${type}.${write.has(type) ? 'crus' : 'rs'}`);
    else {
      out.push(`${request.context}/${type}.read`);
      if (write.has(type)) out.push(`${request.context}/${type}.write`);
    }
  }
  return out.sort();
}

/**
 * Which scope syntax to use with a server, from its `.well-known/smart-configuration`: SMART 2
 * when `capabilities` lists `permission-v2` or the configuration says nothing either way (SMART 2
 * is what the spec asks clients to use); SMART 1 only when the server lists `permission-v1` and
 * not `permission-v2`.
 */
export function scopeVersionFor(configuration: { capabilities?: unknown } | undefined): 1 | 2 {
  const caps = Array.isArray(configuration?.capabilities) ? (configuration.capabilities as unknown[]) : [];
  if (caps.includes('permission-v2')) return 2;
  if (caps.includes('permission-v1')) return 1;
  return 2;
}
