/**
 * Checks on what callers hand the store: resources (type, id, meta) and source ids.
 */
import type { Resource } from 'fhir/r4';
import { isFhirId } from './compartment.js';
import { StoreError } from './errors.js';

export const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;
export const SOURCE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export function describe(r: { resourceType?: unknown; id?: unknown }): string {
  return `${String(r.resourceType ?? '?')}/${String(r.id ?? '(no id)')}`;
}

/** Throws `invalid-resource` unless `value` looks like a storable FHIR resource. */
export function assertResource(value: unknown, requireId: boolean): asserts value is Resource {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new StoreError('invalid-resource', 'Expected a FHIR resource object.');
  }
  const r = value as { resourceType?: unknown; id?: unknown; meta?: unknown };
  if (typeof r.resourceType !== 'string' || !RESOURCE_TYPE.test(r.resourceType)) {
    throw new StoreError('invalid-resource', `Not a FHIR resource: resourceType is ${JSON.stringify(r.resourceType)}.`);
  }
  if (r.id !== undefined || requireId) {
    if (!isFhirId(r.id)) {
      throw new StoreError(
        'invalid-resource',
        `${describe(r)}: id must be 1-64 letters, digits, '-' or '.' (got ${JSON.stringify(r.id)}).`,
      );
    }
  }
  if (r.meta !== undefined && (typeof r.meta !== 'object' || r.meta === null)) {
    throw new StoreError('invalid-resource', `${describe(r)}: meta must be an object.`);
  }
}
