/**
 * What of a page may be stored: resources nested too deep or about a patient this sync did not
 * ask this source for are refused and counted, each reason noted (the first 20); the store's own
 * count of unstorable resources is reported too.
 */
import type { Resource } from 'fhir/r4';
import { fileDownloaded } from '../store/compartment.js';
import { DEFAULT_LIMITS, nestsDeeperThan } from './limits.js';
import type { DownloadContext } from './download-context.js';

/** Refusal notes per download and code beyond which only the count grows. */
export const MAX_REFUSAL_NOTES = 20;
export const refusalNotes = new WeakMap<DownloadContext, Map<string, number>>();

export function askedOf(ctx: DownloadContext): string[] {
  return [...new Set([ctx.patientKey, ...(ctx.asked ?? [])])];
}

/**
 * The resources of a page that this source may speak about (see `fileDownloaded`); the others
 * are counted in `into.refused` and reported (the first {@link MAX_REFUSAL_NOTES} per code with
 * their own note), never stored.
 */
export function admit(ctx: DownloadContext, resources: Resource[], into: { refused: number }): Resource[] {
  const asked = new Set(askedOf(ctx));
  const own = { id: ctx.source, baseUrl: ctx.client.baseUrl };
  const maxDepth = ctx.budget?.limits.maxReferenceDepth ?? DEFAULT_LIMITS.maxReferenceDepth;
  const out: Resource[] = [];
  for (const r of resources) {
    if (nestsDeeperThan(r, maxDepth)) {
      into.refused++;
      note(ctx, 'limit-maxReferenceDepth', `${ctx.source}: ${r.resourceType}/${r.id} nests deeper than ${maxDepth} levels (limit maxReferenceDepth); not stored.`);
      continue;
    }
    const filing = fileDownloaded(r, own, ctx.sources ?? [], asked);
    if (!('refused' in filing)) {
      out.push(r);
      continue;
    }
    into.refused++;
    note(ctx, filing.refused, `${filing.reason}; not stored.`);
  }
  return out;
}

/** A refusal note; past {@link MAX_REFUSAL_NOTES} per code only one more says that more followed. */
export function note(ctx: DownloadContext, code: string, message: string): void {
  let notes = refusalNotes.get(ctx);
  if (!notes) refusalNotes.set(ctx, (notes = new Map()));
  const n = (notes.get(code) ?? 0) + 1;
  notes.set(code, n);
  if (n <= MAX_REFUSAL_NOTES) ctx.problem({ source: ctx.source, code, message });
  else if (n === MAX_REFUSAL_NOTES + 1) {
    ctx.problem({ source: ctx.source, code, message: `${ctx.source}: more resources refused for the same reason; see the count.` });
  }
}

export function add(
  ctx: DownloadContext,
  into: { downloaded: number; deleted: number; held: number; refused: number },
  r: { written: number; deleted: number; held: number; refused: number; invalid: number },
): void {
  noteInvalid(ctx, r.invalid);
  into.downloaded += r.written;
  into.deleted += r.deleted;
  into.held += r.held;
  // The store applies the same filing rule; anything it refused here slipped past `admit`.
  into.refused += r.refused;
}

/** Resources the store could not index (and did not store), reported as an invalid entry. */
export function noteInvalid(ctx: DownloadContext, invalid: number): void {
  if (invalid <= 0) return;
  ctx.problem({
    source: ctx.source,
    code: 'invalid-entry',
    message: `${ctx.source}: ${invalid} ${invalid === 1 ? 'resource' : 'resources'} of a page could not be stored (malformed content); skipped.`,
  });
}
