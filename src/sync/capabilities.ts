/**
 * What a server can do, read from its CapabilityStatement (`GET [base]/metadata`). The download
 * and upload code only ever asks these questions, so a server that describes itself truthfully
 * gets the best strategy, and one that says nothing gets the safest.
 */
import type { CapabilityStatement } from 'fhir/r4';

export interface ServerCapabilities {
  /** The statement was read and understood (false: we assume only basic search and read). */
  known: boolean;
  fhirVersion?: string;
  software?: string;
  /** `Patient/[id]/$everything` is offered. */
  everything: boolean;
  /** `history-system` (`[base]/_history?_since=`) is offered. */
  systemHistory: boolean;
  /** Resource types with `history-type` (`[base]/[type]/_history?_since=`). */
  typeHistory: Set<string>;
  /** Resource types with `search-type`. */
  search: Set<string>;
  /** Search parameters declared per type (the statement's `searchParam`, plus `_id`). */
  searchParams: Map<string, Set<string>>;
  /** Types whose updates honour `If-Match` (`versioning: versioned-update`). */
  versionedUpdate: Set<string>;
  /** Types that accept PUT to a new id (client-chosen ids, `updateCreate`). */
  updateCreate: Set<string>;
  /** Types that accept `If-None-Exist` on create (`conditionalCreate`). */
  conditionalCreate: Set<string>;
}

/** What we assume when `metadata` is missing or unreadable: searches and reads only. */
export function unknownCapabilities(): ServerCapabilities {
  return {
    known: false,
    everything: false,
    systemHistory: false,
    typeHistory: new Set(),
    search: new Set(),
    searchParams: new Map(),
    versionedUpdate: new Set(),
    updateCreate: new Set(),
    conditionalCreate: new Set(),
  };
}

/** Reads a CapabilityStatement (any JSON; anything unexpected counts as "not offered"). */
export function parseCapabilities(statement: unknown): ServerCapabilities {
  const caps = unknownCapabilities();
  const cs = statement as CapabilityStatement | undefined;
  if (!cs || cs.resourceType !== 'CapabilityStatement' || !Array.isArray(cs.rest)) return caps;
  const rest = cs.rest.find((r) => r?.mode === 'server');
  if (!rest) return caps;
  caps.known = true;
  caps.fhirVersion = cs.fhirVersion;
  caps.software = cs.software?.name;
  caps.systemHistory = codes(rest.interaction).has('history-system');
  if (Array.isArray(rest.operation) && rest.operation.some(isEverything)) caps.everything = true;
  for (const res of Array.isArray(rest.resource) ? rest.resource : []) {
    if (!res || typeof res.type !== 'string') continue;
    const type = res.type;
    const interactions = codes(res.interaction);
    if (interactions.has('history-type')) caps.typeHistory.add(type);
    if (interactions.has('search-type')) caps.search.add(type);
    const params = new Set<string>(['_id']);
    for (const p of Array.isArray(res.searchParam) ? res.searchParam : []) if (p?.name) params.add(p.name);
    caps.searchParams.set(type, params);
    if (res.versioning === 'versioned-update') caps.versionedUpdate.add(type);
    if (res.updateCreate === true && interactions.has('update')) caps.updateCreate.add(type);
    if (res.conditionalCreate === true) caps.conditionalCreate.add(type);
    if (type === 'Patient' && Array.isArray(res.operation) && res.operation.some(isEverything)) caps.everything = true;
  }
  return caps;
}

function codes(list: Array<{ code?: string }> | undefined): Set<string> {
  const out = new Set<string>();
  for (const i of Array.isArray(list) ? list : []) if (typeof i?.code === 'string') out.add(i.code);
  return out;
}

function isEverything(op: { name?: string; definition?: string } | undefined): boolean {
  if (!op) return false;
  return op.name === 'everything' || op.name === '$everything' || /\/Patient-everything$/.test(op.definition ?? '');
}

/**
 * Whether `type` can be searched with `param`. A server that declared no parameters for a type it
 * can search is given the benefit of the doubt for the standard ones (`_id`, `_lastUpdated`).
 */
export function supportsSearchParam(caps: ServerCapabilities, type: string, param: string): boolean {
  if (!caps.known) return param === '_id' || param === 'patient' || param === '_lastUpdated';
  const params = caps.searchParams.get(type);
  if (!params) return false;
  if (params.has(param)) return true;
  const declaredAnything = params.size > 1;
  return !declaredAnything && (param === '_lastUpdated' || param === '_id');
}

/** Whether deletes of `type` can be learnt from the server's history since a time. */
export function canSeeDeletes(caps: ServerCapabilities, type: string): boolean {
  return caps.systemHistory || caps.typeHistory.has(type);
}

/**
 * How to search Patients by identifier without the identifier in a URL: `POST [base]/Patient/_search`
 * (form body, FHIR's POST form of the same search) when the server's CapabilityStatement declares
 * Patient `search-type`; `GET` only when it does not (or says nothing), since a server that never
 * described its search may not take the POST form. URLs end up in proxy, server and browser logs;
 * a body does not.
 */
export function patientSearchMethod(caps: ServerCapabilities): 'POST' | 'GET' {
  return caps.known && caps.search.has('Patient') ? 'POST' : 'GET';
}

/** A JSON-friendly summary to keep with the source (`setSourceStatus({ capabilities })`). */
export function summarizeCapabilities(caps: ServerCapabilities): Record<string, unknown> {
  return {
    known: caps.known,
    fhirVersion: caps.fhirVersion,
    software: caps.software,
    everything: caps.everything,
    systemHistory: caps.systemHistory,
    typeHistory: caps.typeHistory.size,
    versionedUpdate: caps.versionedUpdate.size > 0,
    updateCreate: caps.updateCreate.size > 0,
    conditionalCreate: caps.conditionalCreate.size > 0,
    /** How linked patients are searched for by identifier (`POST` keeps identifiers out of URLs). */
    patientSearch: patientSearchMethod(caps),
  };
}

/**
 * {@link ServerCapabilities} as plain JSON (sets as arrays), to keep with the source between
 * page loads. {@link capabilitiesFromJson} reads it back.
 */
export interface CapabilitiesJson {
  known: boolean;
  fhirVersion?: string;
  software?: string;
  everything: boolean;
  systemHistory: boolean;
  typeHistory: string[];
  search: string[];
  /** Type → its declared search parameters. */
  searchParams: Record<string, string[]>;
  versionedUpdate: string[];
  updateCreate: string[];
  conditionalCreate: string[];
}

export function capabilitiesToJson(caps: ServerCapabilities): CapabilitiesJson {
  const out: CapabilitiesJson = {
    known: caps.known,
    everything: caps.everything,
    systemHistory: caps.systemHistory,
    typeHistory: [...caps.typeHistory],
    search: [...caps.search],
    searchParams: Object.fromEntries([...caps.searchParams].map(([type, params]) => [type, [...params]])),
    versionedUpdate: [...caps.versionedUpdate],
    updateCreate: [...caps.updateCreate],
    conditionalCreate: [...caps.conditionalCreate],
  };
  if (caps.fhirVersion !== undefined) out.fhirVersion = caps.fhirVersion;
  if (caps.software !== undefined) out.software = caps.software;
  return out;
}

/**
 * Reads back {@link capabilitiesToJson}'s output; `undefined` for anything else (a row written
 * by another version, or changed by hand), which then counts as no cache at all.
 */
export function capabilitiesFromJson(json: unknown): ServerCapabilities | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const j = json as Partial<Record<keyof CapabilitiesJson, unknown>>;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const lists = [j.typeHistory, j.search, j.versionedUpdate, j.updateCreate, j.conditionalCreate];
  if (typeof j.known !== 'boolean' || typeof j.everything !== 'boolean' || typeof j.systemHistory !== 'boolean' || !lists.every(strings)) return undefined;
  if (!j.searchParams || typeof j.searchParams !== 'object' || Array.isArray(j.searchParams)) return undefined;
  const searchParams = new Map<string, Set<string>>();
  for (const [type, params] of Object.entries(j.searchParams as Record<string, unknown>)) {
    if (!strings(params)) return undefined;
    searchParams.set(type, new Set(params));
  }
  const caps: ServerCapabilities = {
    known: j.known,
    everything: j.everything,
    systemHistory: j.systemHistory,
    typeHistory: new Set(j.typeHistory as string[]),
    search: new Set(j.search as string[]),
    searchParams,
    versionedUpdate: new Set(j.versionedUpdate as string[]),
    updateCreate: new Set(j.updateCreate as string[]),
    conditionalCreate: new Set(j.conditionalCreate as string[]),
  };
  if (typeof j.fhirVersion === 'string') caps.fhirVersion = j.fhirVersion;
  if (typeof j.software === 'string') caps.software = j.software;
  return caps;
}
