/**
 * Shared resources a patient's rows reference (Medication, Practitioner, Organization, Location,
 * PractitionerRole), read with `_id=` searches when the source's cache does not hold them.
 */
import type { Resource } from 'fhir/r4';
import { parseReference } from '../fhir/references.js';
import { REFERENCED_TYPES, type DownloadContext, params, chunks } from './download-context.js';
import { searchAll } from './listing.js';
import { askedOf, admit, noteInvalid } from './admission.js';

/** Reads missing referenced shared resources (Medication, Practitioner, ...) with `_id` searches. */
export async function fetchMissingReferences(ctx: DownloadContext, refs: Set<string>): Promise<{ written: number; refused: number }> {
  const byType = new Map<string, string[]>();
  for (const ref of refs) {
    const [type, id] = ref.split('/') as [string, string];
    if (await ctx.store.get(ctx.source, type, id, { includeDeleted: true })) continue;
    let list = byType.get(type);
    if (!list) byType.set(type, (list = []));
    list.push(id);
  }
  let written = 0;
  const counts = { refused: 0 };
  const reporter = ctx.progress?.query();
  const readable = new Set(ctx.referencedTypes ?? REFERENCED_TYPES);
  for (const [type, ids] of byType) {
    if (ctx.caps.known && !ctx.caps.search.has(type)) continue;
    // A type the host does not want read (e.g. not granted by SMART scopes): the reference stays unresolved.
    if (!readable.has(type)) continue;
    for (const chunk of chunks(ids, 40)) {
      const resources = await searchAll(ctx, `${type}?${params({ _id: chunk.join(','), _count: chunk.length })}`);
      const upserts = admit(ctx, resources.filter((r) => r.resourceType === type), counts);
      reporter?.page(upserts.length, true);
      const r = await ctx.store.applyPage(ctx.source, { upserts, patients: askedOf(ctx) });
      noteInvalid(ctx, r.invalid);
      written += r.written;
    }
  }
  reporter?.finish();
  return { written, refused: counts.refused };
}

export const REF_TYPES = new Set(REFERENCED_TYPES);

/** Adds `Type/id` of every relative reference to a shared type found in `resources`. */
export function collectRefs(resources: Resource[], into: Set<string>): void {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const x of node) visit(x);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === 'reference' && typeof v === 'string') {
        // Relative, unversioned references only: others name another server or an old version.
        const ref = parseReference(v);
        if (ref?.kind === 'relative' && !ref.version && REF_TYPES.has(ref.type)) into.add(`${ref.type}/${ref.id}`);
      } else if (k !== 'contained' && typeof v === 'object') visit(v);
    }
  };
  for (const r of resources) visit(r);
  // Resources we just received need no fetching.
  for (const r of resources) if (REF_TYPES.has(r.resourceType) && r.id) into.delete(`${r.resourceType}/${r.id}`);
}
