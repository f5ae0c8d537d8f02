// @ts-check
// Our change log. Medplum's MemoryRepository keeps per-resource version lists but has no
// ordered record of changes across resources and forgets deletes entirely, so a client could
// neither ask "what changed since T?" nor learn that something was removed. This log is fed by
// the repository hooks in medplum.mjs and answers type-, system- and instance-level `_history`.

/**
 * @typedef {import('@medplum/fhirtypes').Resource} Resource
 * @typedef {import('@medplum/fhirtypes').BundleEntry} BundleEntry
 */

/**
 * One change, in the order it happened.
 * @typedef {object} Change
 * @property {number} seq        Monotonic sequence number (gaps allowed after a rollback).
 * @property {'POST' | 'PUT' | 'DELETE'} method  POST = first version, PUT = later version, DELETE = removal.
 * @property {string} type       Resource type.
 * @property {string} id         Resource id.
 * @property {string} versionId  Version id of the new version (or of the deletion).
 * @property {string} lastUpdated ISO instant of the change.
 * @property {number} time       Same instant, as epoch milliseconds.
 * @property {Resource | undefined} resource  The stored version (never mutated); undefined for DELETE.
 */

export class ChangeLog {
  constructor() {
    /** @type {Change[]} */
    this.entries = [];
    /** @type {Map<string, Change>} key "Type/id" -> the DELETE change, while the resource stays deleted */
    this.tombstones = new Map();
    this.seq = 0;
  }

  /**
   * Records a new version written by the repository.
   * @param {Resource & { id: string, meta: { versionId: string, lastUpdated: string } }} stored
   * @param {boolean} existedBefore
   * @returns {Change}
   */
  recordWrite(stored, existedBefore) {
    const key = `${stored.resourceType}/${stored.id}`;
    const wasDeleted = this.tombstones.has(key);
    this.tombstones.delete(key);
    /** @type {Change} */
    const change = {
      seq: ++this.seq,
      method: existedBefore || wasDeleted ? 'PUT' : 'POST',
      type: stored.resourceType,
      id: stored.id,
      versionId: stored.meta.versionId,
      lastUpdated: stored.meta.lastUpdated,
      time: Date.parse(stored.meta.lastUpdated),
      resource: stored,
    };
    this.entries.push(change);
    return change;
  }

  /**
   * Records a deletion and leaves a tombstone so reads can answer 410 Gone.
   * @param {string} type
   * @param {string} id
   * @param {string} versionId
   * @returns {Change}
   */
  recordDelete(type, id, versionId) {
    const now = new Date();
    /** @type {Change} */
    const change = {
      seq: ++this.seq,
      method: 'DELETE',
      type,
      id,
      versionId,
      lastUpdated: now.toISOString(),
      time: now.getTime(),
      resource: undefined,
    };
    this.entries.push(change);
    this.tombstones.set(`${type}/${id}`, change);
    return change;
  }

  /**
   * @param {string} type
   * @param {string} id
   * @returns {Change | undefined} the DELETE change if the resource is currently deleted
   */
  tombstone(type, id) {
    return this.tombstones.get(`${type}/${id}`);
  }

  clear() {
    this.entries = [];
    this.tombstones.clear();
  }

  /**
   * Changes matching a filter, oldest first.
   * @param {{ type?: string, id?: string, sinceMs?: number, afterSeq?: number }} filter
   * @returns {Change[]}
   */
  select(filter) {
    const { type, id, sinceMs, afterSeq } = filter;
    let start = 0;
    if (afterSeq !== undefined) {
      // entries are sorted by seq: binary search for the first seq > afterSeq
      let lo = 0;
      let hi = this.entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.entries[mid].seq <= afterSeq) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    /** @type {Change[]} */
    const out = [];
    for (let i = start; i < this.entries.length; i++) {
      const c = this.entries[i];
      if (type !== undefined && c.type !== type) continue;
      if (id !== undefined && c.id !== id) continue;
      if (sinceMs !== undefined && c.time < sinceMs) continue;
      out.push(c);
    }
    return out;
  }
}

/**
 * Formats an HTTP-date for Last-Modified headers.
 * @param {string} iso
 */
export function httpDate(iso) {
  return new Date(iso).toUTCString();
}

/**
 * Turns a change into a history Bundle entry.
 * @param {Change} change
 * @param {string} baseUrl absolute base URL, e.g. http://127.0.0.1:1234/clinic/fhir
 * @returns {BundleEntry}
 */
export function historyEntry(change, baseUrl) {
  const ref = `${change.type}/${change.id}`;
  const response = {
    status: change.method === 'POST' ? '201' : change.method === 'PUT' ? '200' : '410',
    etag: `W/"${change.versionId}"`,
    lastModified: change.lastUpdated,
  };
  if (change.method === 'DELETE') {
    return {
      fullUrl: `${baseUrl}/${ref}`,
      request: { method: 'DELETE', url: ref },
      response,
    };
  }
  return {
    fullUrl: `${baseUrl}/${ref}`,
    resource: change.resource,
    request: { method: change.method, url: change.method === 'POST' ? change.type : ref },
    response,
  };
}
