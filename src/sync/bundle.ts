/**
 * Reading one page of a search, `$everything` or `_history` answer. The page is checked as a
 * whole (it must be a Bundle) and entry by entry: an entry we cannot store (no resourceType, no
 * id, an id FHIR does not allow) is reported as an error and skipped, never dropped silently and
 * never allowed to take the rest of the page down with it.
 */
import type { Bundle, BundleEntry, Resource } from 'fhir/r4';
import { SyncError } from './errors.js';
import { isFhirId, typeAndIdOf } from '../fhir/references.js';

/** A FHIR id: 1–64 of letters, digits, `-` and `.`. */
const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;

export interface EntryProblem {
  /** Position of the entry in the page. */
  index: number;
  message: string;
  fullUrl?: string;
  /**
   * The type and id the entry names, when it names valid ones although its content cannot be
   * stored: the server still holds that resource, so it must not be taken for deleted.
   */
  named?: { type: string; id: string };
}

/** One change from a history Bundle, in the order the server listed it. */
export interface HistoryEvent {
  type: string;
  id: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  versionId?: string;
  /** When it happened (server time, ISO), if the server said. */
  at?: string;
  resource?: Resource;
}

export interface BundlePage {
  /** `Bundle.type` (`searchset`, `history`, ...). */
  type: string;
  /** Storable resources, in page order (search `match` and `include` entries). */
  resources: Resource[];
  /** For history Bundles: every change, including deletes. Empty for other Bundles. */
  history: HistoryEvent[];
  /** Entries skipped because they cannot be stored. */
  problems: EntryProblem[];
  /** `link[relation=next].url`, exactly as given. */
  next?: string;
  /** `Bundle.total`, when the server counted. */
  total?: number;
  /** `Bundle.meta.lastUpdated`, when present. */
  lastUpdated?: string;
  /** How many entries the page had, including skipped ones (for progress). */
  entryCount: number;
}

/**
 * Checks and splits one page. Throws `SyncError('not-bundle')` when the body is not a Bundle
 * (an OperationOutcome's text is put in the message).
 */
export function readBundlePage(body: unknown, where: { source: string; url: string }): BundlePage {
  const b = body as Bundle | undefined;
  if (!b || typeof b !== 'object' || b.resourceType !== 'Bundle') {
    const got = (b as { resourceType?: unknown } | undefined)?.resourceType;
    let detail = '';
    if (got === 'OperationOutcome') {
      const issues = (b as unknown as { issue?: Array<{ diagnostics?: string; details?: { text?: string } }> }).issue;
      const text = issues?.map((i) => i.details?.text ?? i.diagnostics).filter(Boolean).join('; ');
      if (text) detail = `: ${text}`;
    }
    throw new SyncError(
      'not-bundle',
      `${where.source}: expected a Bundle but got ${typeof got === 'string' ? got : body === undefined ? 'an empty body' : 'something else'}${detail}: ${where.url}`,
      { source: where.source, url: where.url },
    );
  }
  const entries: BundleEntry[] = Array.isArray(b.entry) ? b.entry : [];
  const page: BundlePage = {
    type: typeof b.type === 'string' ? b.type : 'unknown',
    resources: [],
    history: [],
    problems: [],
    entryCount: entries.length,
  };
  const next = Array.isArray(b.link) ? b.link.find((l) => l?.relation === 'next')?.url : undefined;
  if (typeof next === 'string' && next !== '') page.next = next;
  if (typeof b.total === 'number' && Number.isFinite(b.total) && b.total >= 0) page.total = b.total;
  if (typeof b.meta?.lastUpdated === 'string') page.lastUpdated = b.meta.lastUpdated;

  entries.forEach((entry, index) => {
    if (!entry || typeof entry !== 'object') {
      page.problems.push({ index, message: `entry ${index} is not an object` });
      return;
    }
    if (page.type === 'history') {
      readHistoryEntry(entry, index, page);
      return;
    }
    // Search result entries explaining the search (warnings) are not data.
    if (entry.search?.mode === 'outcome') return;
    if (entry.resource?.resourceType === 'OperationOutcome' && !entry.search?.mode) return;
    const problem = checkResource(entry.resource);
    if (problem) {
      const r = entry.resource as { resourceType?: unknown; id?: unknown } | undefined;
      const named = r && typeof r.resourceType === 'string' && RESOURCE_TYPE.test(r.resourceType) && isFhirId(r.id) ? { type: r.resourceType, id: r.id } : undefined;
      page.problems.push({ index, message: problem, fullUrl: entry.fullUrl, ...(named ? { named } : {}) });
      return;
    }
    page.resources.push(entry.resource as Resource);
  });
  return page;
}

function readHistoryEntry(entry: BundleEntry, index: number, page: BundlePage): void {
  const method = (entry.request?.method ?? '').toUpperCase();
  const etagVersion = parseEtag(entry.response?.etag);
  const at = entry.response?.lastModified;
  if (method === 'DELETE' || (!entry.resource && entry.response?.status?.startsWith('410'))) {
    const ref = parseRef(entry.request?.url) ?? parseRef(entry.fullUrl);
    if (!ref) {
      page.problems.push({ index, message: `history entry ${index}: a delete without a Type/id`, fullUrl: entry.fullUrl });
      return;
    }
    page.history.push({ ...ref, method: 'DELETE', versionId: etagVersion, at });
    return;
  }
  const problem = checkResource(entry.resource);
  if (problem) {
    page.problems.push({ index, message: problem, fullUrl: entry.fullUrl });
    return;
  }
  const resource = entry.resource as Resource & { id: string };
  page.resources.push(resource);
  page.history.push({
    type: resource.resourceType,
    id: resource.id,
    method: method === 'POST' || method === 'PATCH' ? method : 'PUT',
    versionId: resource.meta?.versionId ?? etagVersion,
    at: resource.meta?.lastUpdated ?? at,
    resource,
  });
}

/** Why a resource cannot be stored, or undefined when it can. */
export function checkResource(resource: unknown): string | undefined {
  if (!resource || typeof resource !== 'object' || Array.isArray(resource)) return 'entry has no resource';
  const r = resource as { resourceType?: unknown; id?: unknown; meta?: unknown };
  if (typeof r.resourceType !== 'string' || !RESOURCE_TYPE.test(r.resourceType)) {
    return 'resource has no valid resourceType';
  }
  if (r.id === undefined || r.id === null || r.id === '') return `${r.resourceType} without an id`;
  if (!isFhirId(r.id)) return `${r.resourceType} with an invalid id ${JSON.stringify(r.id)}`;
  // The store keys versions and change times on `meta`; the same rule as its own check.
  if (r.meta !== undefined) {
    const meta = r.meta as { versionId?: unknown; lastUpdated?: unknown } | null;
    if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return `${r.resourceType}/${r.id} with a meta that is not an object`;
    if (meta.versionId !== undefined && typeof meta.versionId !== 'string') return `${r.resourceType}/${r.id} with a meta.versionId that is not a string`;
    if (meta.lastUpdated !== undefined && typeof meta.lastUpdated !== 'string') return `${r.resourceType}/${r.id} with a meta.lastUpdated that is not a string`;
  }
  return undefined;
}

/** `W/"abc"` or `"abc"` → `abc`. */
export function parseEtag(etag: string | undefined | null): string | undefined {
  if (!etag) return undefined;
  const m = /^(?:W\/)?"([^"]*)"$/.exec(etag.trim());
  return m ? m[1] : etag.trim() || undefined;
}

/** `Observation/1`, `Observation/1/_history/2`, or an absolute URL ending so → `{ type, id }`. */
export function parseRef(url: string | undefined): { type: string; id: string } | undefined {
  return typeAndIdOf(url);
}

