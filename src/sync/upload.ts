/**
 * Uploading the outbox of one source, oldest write first, one resource at a time.
 *
 * - One request per write (no big transaction Bundle): each success is recorded at once with
 *   `completeWrite`, so a failure half-way never loses the writes that did reach the server, and
 *   Medplum-style transaction limits never apply.
 * - Adjacent entries for the same resource (several saves in a row) are squashed: the latest body
 *   is sent once and every entry is completed with the server's answer.
 * - The outbox is re-read after every write, so writes made while uploading are not missed.
 * - Update: `PUT` with `If-Match: W/"<base versionId>"`. Where the server does not honour
 *   If-Match, the current version is read first and compared (a small race window remains).
 * - Create: `PUT` to the id chosen on this device, after a read. PUT to a fixed id cannot create a
 *   second copy however often it is repeated; the read tells "our earlier attempt already landed"
 *   (same content → done) apart from "someone else has this id" (different content → conflict).
 *   Servers without update-as-create get `POST` with `If-None-Exist` on the resource's identifier:
 *   201 → done; 200 (an existing match) → done only if it has our content, else a conflict.
 *   A plain POST is not idempotent: when its answer is lost (network, timeout, 5xx, abort) it may
 *   have been created, so it is recorded as a conflict (server `null`) for a person, never resent.
 * - Delete: `DELETE` with If-Match; 404/410 mean it is already gone, which is what we wanted.
 * - Update answered 404/410 (deleted on the server meanwhile): a conflict with `server: null`.
 * - 412/409: the server's version is read; if it already equals what we sent (our own retried
 *   write), the write is complete; otherwise `recordConflict` keeps both for a person to decide.
 *   Nothing is overwritten and the local change is never dropped.
 * - 401/403: stop and report; 5xx/network after retries: `failWrite` and stop this source (the
 *   order of writes matters, so later ones wait); other 4xx: `failWrite`, skip that resource's
 *   later writes in this run, carry on with the others.
 */
import type { Resource } from 'fhir/r4';
import { typeAndIdOf } from '../fhir/references.js';
import type { OutboxEntry } from '../store/index.js';
import type { ServerCapabilities } from './capabilities.js';
import { SyncError, isAbort, toSyncError } from './errors.js';
import type { FhirClient, FhirResponse } from './http.js';
import type { ProgressTracker } from './progress.js';
import type { SyncStore } from './store-api.js';
import { parseEtag } from './bundle.js';

export interface UploadContext {
  client: FhirClient;
  store: SyncStore;
  source: string;
  caps: ServerCapabilities;
  signal?: AbortSignal;
  progress?: ProgressTracker;
}

export interface UploadResult {
  /** Outbox entries completed. */
  uploaded: number;
  /** Conflicts recorded. */
  conflicts: number;
  /** Writes that failed (kept in the outbox with their error). */
  failed: Array<{ seq: number; type: string; id: string; error: SyncError }>;
  /** Set when upload of this source stopped early (auth, server down). */
  stopped?: SyncError;
}

type Outcome = { kind: 'done'; server: Resource | null } | { kind: 'conflict'; server: Resource | null };

export async function uploadSource(ctx: UploadContext): Promise<UploadResult> {
  const result: UploadResult = { uploaded: 0, conflicts: 0, failed: [] };
  const attempted = new Set<number>();
  const skipKeys = new Set<string>();
  let total = 0;
  for (;;) {
    if (ctx.signal?.aborted) throw new SyncError('aborted', `${ctx.source}: sync was aborted.`, { source: ctx.source });
    const pending = (await ctx.store.pendingWrites(ctx.source)).filter(
      (e) => !attempted.has(e.seq) && !skipKeys.has(keyOf(e)),
    );
    total = Math.max(total, result.uploaded + result.conflicts + result.failed.length + pending.length);
    ctx.progress?.items(result.uploaded + result.conflicts + result.failed.length, total, pending.length > 0);
    if (pending.length === 0) break;
    const group = squashable(pending);
    for (const e of group) attempted.add(e.seq);
    const last = group[group.length - 1]!;
    const first = group[0]!;
    const sent: SendState = { plainPost: false };
    try {
      const outcome = await send(ctx, first, last, sent);
      if (outcome.kind === 'done') {
        for (const e of group) await ctx.store.completeWrite(e.seq, outcome.server);
        result.uploaded += group.length;
      } else {
        // The conflict is about the latest local state; the store holds every entry of the
        // resource back until a person resolves it.
        await ctx.store.recordConflict(last.seq, outcome.server);
        result.conflicts += 1;
        skipKeys.add(keyOf(first));
      }
    } catch (error) {
      const aborted = isAbort(error, ctx.signal);
      const err = aborted ? undefined : toSyncError(error, ctx.source);
      if (sent.plainPost && (aborted || mayHaveLanded(err!))) {
        // A plain POST whose answer never came may have created the resource on the server;
        // sending it again could create a second copy. Hand it to a person instead.
        const why = aborted ? 'the sync was aborted' : err!.message;
        const note = `${POST_UNKNOWN} (${why})`;
        for (const e of group) await ctx.store.failWrite(e.seq, note).catch(() => undefined);
        await ctx.store.recordConflict(last.seq, null);
        result.conflicts += 1;
        skipKeys.add(keyOf(first));
        if (aborted) throw error;
        if (stopsSource(err!)) {
          result.stopped = err;
          break;
        }
        continue;
      }
      if (aborted) throw error;
      const message = err!.message;
      for (const e of group) await ctx.store.failWrite(e.seq, message).catch(() => undefined);
      result.failed.push({ seq: first.seq, type: first.type, id: first.id, error: err! });
      if (err!.code === 'unauthorized' || err!.code === 'forbidden' || stopsSource(err!)) {
        result.stopped = err;
        break;
      }
      skipKeys.add(keyOf(first));
    }
  }
  return result;
}

/** `lastError` of a plain POST whose answer was lost; the entry is held as a conflict. */
export const POST_UNKNOWN = 'may have been created on the server; check before resending';

/** Tells the caller how far `send` got. */
interface SendState {
  /** A POST without If-None-Exist was handed to the network (not idempotent). */
  plainPost: boolean;
}

/** The request may have reached the server and been processed although no answer came. */
function mayHaveLanded(err: SyncError): boolean {
  return err.code === 'network' || err.code === 'timeout' || (err.status !== undefined && err.status >= 500);
}

/** Server trouble (not our request's fault): later writes would fail the same way, and must keep order. */
function stopsSource(err: SyncError): boolean {
  return err.code === 'network' || err.code === 'timeout' || err.code === 'throttled' || (err.status !== undefined && err.status >= 500);
}

/**
 * The first entry and the entries right after it for the same resource, as long as none of the
 * earlier ones is a delete (a delete followed by a re-create must be sent as two requests).
 */
export function squashable(pending: OutboxEntry[]): OutboxEntry[] {
  const first = pending[0]!;
  const group = [first];
  for (let i = 1; i < pending.length; i++) {
    const e = pending[i]!;
    const prev = group[group.length - 1]!;
    if (keyOf(e) !== keyOf(first) || prev.operation === 'delete') break;
    group.push(e);
  }
  return group;
}

function keyOf(e: { type: string; id: string }): string {
  return `${e.type}/${e.id}`;
}

/**
 * Sends the net effect of a group: `first` gives the operation kind and base version, `last` the
 * body (or a delete).
 */
async function send(ctx: UploadContext, first: OutboxEntry, last: OutboxEntry, sent: SendState): Promise<Outcome> {
  const { client, signal } = ctx;
  const type = first.type;
  const path = `${type}/${encodeURIComponent(first.id)}`;
  const base = first.baseVersionId;

  if (last.operation === 'delete') {
    if (first.operation === 'create') {
      // Created and deleted here. If an earlier attempt did reach the server, remove it there too.
      await client.request(path, { method: 'DELETE', signal, accept: [404, 410] });
      return { kind: 'done', server: null };
    }
    const headers: Record<string, string> = {};
    if (base) headers['if-match'] = `W/"${base}"`;
    if (base && !ctx.caps.versionedUpdate.has(type)) {
      const current = await readCurrent(ctx, path);
      if (current === null) return { kind: 'done', server: null };
      if (current.meta?.versionId !== base) return { kind: 'conflict', server: current };
    }
    const r = await client.request(path, { method: 'DELETE', headers, signal, accept: [404, 410, 409, 412] });
    if (r.status === 409 || r.status === 412) {
      const current = await readCurrent(ctx, path);
      return { kind: current === null ? 'done' : 'conflict', server: current };
    }
    return { kind: 'done', server: null };
  }

  const body = withId(last.body!, first.id);

  if (first.operation === 'create') {
    const canPut = !ctx.caps.known || ctx.caps.updateCreate.has(type);
    if (canPut) {
      const current = await readCurrent(ctx, path);
      if (current) {
        return sameContent(current, body) ? { kind: 'done', server: current } : { kind: 'conflict', server: current };
      }
      const r = await client.request<Resource>(path, { method: 'PUT', body, signal, headers: { prefer: 'return=representation' } });
      return { kind: 'done', server: await resultResource(ctx, r, path) };
    }
    const headers: Record<string, string> = { prefer: 'return=representation' };
    const ident = firstIdentifier(body);
    if (ident && ctx.caps.conditionalCreate.has(type)) headers['if-none-exist'] = `identifier=${encodeURIComponent(ident)}`;
    const conditional = headers['if-none-exist'] !== undefined;
    // Until the answer is in hand, a plain POST may or may not have created the resource.
    sent.plainPost = !conditional;
    // POST without our id: the server chooses one (a server may refuse a body id it did not pick,
    // e.g. Medplum answers a matching If-None-Exist with 400); completeWrite moves the row to it.
    const r = await client.request<Resource>(type, { method: 'POST', body: withoutId(body), signal, headers, retries: conditional ? undefined : 0 });
    const location = r.headers.get('location');
    const returned = r.body && (r.body as Resource).resourceType === type ? (r.body as Resource) : undefined;
    const ref = !returned && location ? typeAndIdOf(location) : undefined;
    const server = returned ?? (ref ? await readCurrent(ctx, `${ref.type}/${ref.id}`) : null);
    if (conditional && r.status !== 201) {
      // 200: the server already holds a resource with this identifier and created nothing. It is
      // our own earlier POST only if it has our content; otherwise it is someone else's.
      const mine = server !== null && sameContent(withoutId(server), withoutId(body));
      return { kind: mine ? 'done' : 'conflict', server };
    }
    return { kind: 'done', server };
  }

  // Update.
  const headers: Record<string, string> = { prefer: 'return=representation' };
  if (base) headers['if-match'] = `W/"${base}"`;
  if (base && !ctx.caps.versionedUpdate.has(type)) {
    // The server ignores If-Match: compare versions ourselves right before writing.
    const current = await readCurrent(ctx, path);
    if (current === null || current.meta?.versionId !== base) {
      if (current && sameContent(current, body)) return { kind: 'done', server: current };
      return { kind: 'conflict', server: current };
    }
  }
  const r = await client.request<Resource>(path, { method: 'PUT', body, signal, headers, accept: [404, 409, 410, 412] });
  if (r.status === 404 || r.status === 410) {
    // Deleted on the server while edited here: a person decides (keep the edit, or the delete).
    return { kind: 'conflict', server: null };
  }
  if (r.status === 409 || r.status === 412) {
    const current = await readCurrent(ctx, path);
    // Our own earlier attempt (whose answer was lost) already made this change.
    if (current && sameContent(current, body)) return { kind: 'done', server: current };
    return { kind: 'conflict', server: current };
  }
  return { kind: 'done', server: await resultResource(ctx, r, path) };
}

/** The server's current version, or null when it has none (404/410). */
async function readCurrent(ctx: UploadContext, path: string): Promise<Resource | null> {
  const r = await ctx.client.request<Resource>(path, { method: 'GET', signal: ctx.signal, accept: [404, 410] });
  if (r.status === 404 || r.status === 410) return null;
  const res = r.body;
  if (!res || typeof res !== 'object' || !(res as Resource).resourceType || (res as Resource).resourceType === 'OperationOutcome') {
    throw new SyncError('malformed', `${ctx.source}: reading ${path} returned no resource.`, { source: ctx.source, url: r.url });
  }
  return res;
}

/** The resource the server stored: from the body, else read back (no body / minimal). */
async function resultResource(ctx: UploadContext, r: FhirResponse<Resource>, path: string): Promise<Resource | null> {
  const body = r.body;
  if (body && typeof body === 'object' && body.resourceType && body.resourceType !== 'OperationOutcome') {
    if (!body.meta?.versionId) {
      const v = parseEtag(r.headers.get('etag'));
      if (v) return { ...body, meta: { ...body.meta, versionId: v } };
    }
    return body;
  }
  return readCurrent(ctx, path);
}

function withoutId(resource: Resource): Resource {
  const copy = { ...resource };
  delete copy.id;
  return copy;
}

function withId(resource: Resource, id: string): Resource {
  return resource.id === id ? resource : { ...resource, id };
}

function firstIdentifier(resource: Resource): string | undefined {
  const ids = (resource as { identifier?: Array<{ system?: string; value?: string }> | { system?: string; value?: string } }).identifier;
  const list = Array.isArray(ids) ? ids : ids ? [ids] : [];
  const i = list.find((x) => x?.system && x?.value);
  return i ? `${i.system}|${i.value}` : undefined;
}

/** Same resource apart from `meta` (and the server-generated narrative, when we sent none). */
export function sameContent(server: Resource, local: Resource): boolean {
  const strip = (r: Resource, dropText: boolean) => {
    const copy: Record<string, unknown> = { ...(r as unknown as Record<string, unknown>) };
    delete copy.meta;
    if (dropText) delete copy.text;
    return canonical(copy);
  };
  const localHasText = (local as { text?: unknown }).text !== undefined;
  return strip(server, !localHasText) === strip(local, !localHasText);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as Record<string, unknown>)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
