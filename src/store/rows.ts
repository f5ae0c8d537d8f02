/**
 * Resource rows as stored: building a row from a resource, the tombstone a delete leaves, the
 * public `StoredRow` a row is returned as, and keeping `links` in step with Patient rows.
 */
import type { Patient, Resource } from 'fhir/r4';
import { patientKeyOf, type SourceBases } from './compartment.js';
import { clinicalDate, codesOf, instantMs } from './derive.js';
import { linkRowFor } from './links.js';
import type { RecordDatabase, ResourceRow } from './schema.js';
import type { StoredRow } from './types.js';

export function keyString(source: string, type: string, id: string): string {
  return `${source}/${type}/${id}`;
}

/** True when `incoming` is known to be older than `stored` (both instants). */
export function isOlder(incoming: string | undefined, stored: string | undefined): boolean {
  const a = instantMs(incoming);
  const b = instantMs(stored);
  return a !== undefined && b !== undefined && a < b;
}

export function toStoredRow<T extends Resource = Resource>(row: ResourceRow): StoredRow<T> {
  const out: StoredRow<T> = {
    source: row.source,
    resource: row.resource as T,
    patient: row.patient,
    fetchedAt: row.fetchedAt,
  };
  if (row.lastUpdated !== undefined) out.lastUpdated = row.lastUpdated;
  if (row.versionId !== undefined) out.versionId = row.versionId;
  if (row.local) out.local = row.local;
  if (row.deleted) out.deleted = true;
  return out;
}

/** Builds a clean row holding a server (or local) version of `resource`. */
export function buildRow(source: string, resource: Resource, sources: SourceBases, fetchedAt: number): ResourceRow {
  const row: ResourceRow = {
    source,
    type: resource.resourceType,
    id: resource.id!,
    patient: patientKeyOf(resource, source, sources),
    resource,
    fetchedAt,
    deleted: 0,
    // '' when undated: the row must still have a key in `[patient+type+deleted+date]`.
    date: clinicalDate(resource) ?? '',
  };
  if (resource.meta?.versionId) row.versionId = resource.meta.versionId;
  if (resource.meta?.lastUpdated) row.lastUpdated = resource.meta.lastUpdated;
  const codes = codesOf(resource);
  if (codes.length) row.codes = codes;
  row.code = codes[0] ?? '';
  return row;
}

/**
 * The row a delete leaves: type, id, the delete's (or last known) versionId and time, and the
 * patient key the row was filed under (so `purge({ patient })` removes it and delete detection
 * sees it). Nothing of the resource's content is kept: a deleted record is not a copy of it.
 */
export function tombstoneRow(source: string, type: string, id: string, existing: ResourceRow | undefined, fetchedAt: number): ResourceRow {
  const row: ResourceRow = {
    source,
    type,
    id,
    patient: existing?.patient ?? '',
    resource: { resourceType: type, id } as Resource,
    fetchedAt,
    deleted: 1,
    date: '',
  };
  if (existing?.versionId) row.versionId = existing.versionId;
  if (existing?.lastUpdated) row.lastUpdated = existing.lastUpdated;
  return row;
}

/** Keeps `links` in step with a Patient row just written (or removed when a tombstone). */
export async function syncLinks(db: RecordDatabase, row: ResourceRow): Promise<void> {
  if (row.type !== 'Patient') return;
  const key = `${row.source}/Patient/${row.id}`;
  if (row.deleted) await db.links.delete(key);
  else await db.links.put(linkRowFor(row.resource as Patient, row.source));
}
