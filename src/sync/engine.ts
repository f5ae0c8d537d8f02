/**
 * `SyncEngine`: syncs one patient's record (and the same person in every other source), or
 * uploads pending writes, across sources.
 *
 * - Sources run in parallel and are settled independently (`Promise.allSettled`): one source that
 *   is down, throttling or refusing our token never keeps the others from syncing, and the report
 *   says per source what happened.
 * - Per source: Web Lock (one tab at a time) → `metadata` → upload → download → status.
 * - The patient's own source goes first: its Patient resource says who the person is
 *   (identifiers, `Patient.link`), which is how the other sources are searched.
 * - Aborting (`signal`) stops at the next request; everything applied so far stays, and the next
 *   run resumes because checkpoints only ever move together with the data they cover.
 */
import type { Patient } from 'fhir/r4';
import { parsePatientKey } from '../fhir/references.js';
import type { SourceRecord } from '../store/index.js';
import { parseCapabilities, unknownCapabilities, type ServerCapabilities } from './capabilities.js';
import { capabilitiesRecord, storedCapabilities, validatorHeaders, validatorsOf, type CachedCapabilities } from './capabilities-cache.js';
import { DEFAULT_TYPES, chooseStrategy, downloadPatient, type DownloadStrategy, type SyncProblem } from './download.js';
import { SyncError, isAbort, redactUrl, sanitizeMessage, toSyncError } from './errors.js';
import { FhirClient, type HttpOptions } from './http.js';
import { SourceBudget, resolveLimits, type SyncLimits } from './limits.js';
import { findPatientsByIdentifier, linkTargets, linkingIdentifiers } from './linking.js';
import { ProgressChannel, withSourceLock } from './locks.js';
import { ProgressTracker, type ProgressListener, type SyncProgress } from './progress.js';
import type { SyncStore } from './store-api.js';
import { transportProblem } from './source-links.js';
import { uploadSource } from './upload.js';

export interface SyncEngineOptions {
  /** HTTP behaviour: timeouts, retries, injected sleep (tests). */
  http?: HttpOptions;
  /** Overlap subtracted from checkpoints, ms (default 2000). */
  overlapMs?: number;
  /** `_count` asked for (default 100; the server may send fewer). */
  pageSize?: number;
  /** Resource types to download for a patient (default {@link DEFAULT_TYPES}). */
  types?: readonly string[];
  /**
   * Shared types (Medication, Practitioner, ...) read when a row references one the cache lacks
   * (default {@link REFERENCED_TYPES}). A SMART session passes only the granted ones.
   */
  referencedTypes?: readonly string[];
  /**
   * How long a source's CapabilityStatement is reused without asking the server again, ms.
   * Default 0: every sync asks `metadata` (conditionally, with the `ETag` / `Last-Modified` the
   * server last sent, so an unchanged statement costs a 304), and a capability the server no
   * longer offers is never used.
   */
  capabilitiesTtlMs?: number;
  /** Pick a download strategy from the capabilities (default: `$everything` when offered). */
  strategy?: (caps: ServerCapabilities, source: string) => DownloadStrategy;
  /** Take the Web Lock / in-process lock per source (default true). */
  locks?: boolean;
  /** Post progress on a BroadcastChannel for other tabs (default true where available). */
  broadcast?: boolean;
  /** Post progress on this channel instead of opening one (a host that listens before the engine loads). */
  channel?: ProgressChannel;
  /**
   * Caps on what one sync takes from a server (bytes per answer, pages and resources per source,
   * time, nesting depth); each merged over `DEFAULT_LIMITS`. Hitting one is always reported:
   * `SourceReport.error` `{ code: 'limit-exceeded', limit }`, or a `limit-maxReferenceDepth` note.
   */
  limits?: Partial<SyncLimits>;
  /**
   * Allow plain http to sources that are not on loopback: `true` for every source, or the ids of
   * the sources allowed. For development servers only; default none. Without it such a source
   * fails with `insecure-transport` before any request is sent.
   */
  allowInsecure?: boolean | readonly string[];
  /** Engine clock, ms, for the sync deadline only (default `Date.now`; tests inject one). */
  now?: () => number;
}

export interface SyncPatientOptions {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Resource types for this run (overrides the engine's). */
  types?: readonly string[];
  /** Upload pending writes of the sources involved first (default true). */
  upload?: boolean;
}

export interface SourceReport {
  status: 'ok' | 'error' | 'skipped';
  downloaded: number;
  deleted: number;
  uploaded: number;
  conflicts: number;
  /** Patient keys synced in this source. */
  patients: string[];
  /**
   * Resources this source sent about patients it was not asked for (another source's patient,
   * an unknown server's, a Patient not asked for, or no patient at all); not stored. Each reason
   * is also a note (`refused-foreign-patient`, `refused-unrequested-patient`, `refused-no-patient`).
   */
  refused: number;
  /** Download strategy used. */
  strategy?: string;
  /** Server time of the first answer of this run (what "as of" means for this source). */
  serverTime?: string;
  /** Why the source failed; `limit` names the `SyncLimits` entry for `code: 'limit-exceeded'`. */
  error?: { message: string; code: string; status?: number; limit?: string };
  /** Things worth knowing that did not fail the source (skipped entries, fallbacks). */
  notes: SyncProblem[];
  /**
   * True when the source was searched for this person's identifiers and holds no record of
   * them (also recorded in the store: `coverage()` says `no-record`).
   */
  noRecord?: boolean;
  /** Records of this source that may be this person but are not linked (a person reviews them). */
  possibleMatches?: number;
}

export interface SyncReport {
  patient?: string;
  downloaded: number;
  deleted: number;
  uploaded: number;
  conflicts: number;
  /** Resources refused across sources (see {@link SourceReport.refused}). */
  refused: number;
  /** Failed sources, and data errors (entries skipped), with the source each concerns. */
  errors: Array<{ source: string; message: string; status?: number; code: string; limit?: string }>;
  sources: Record<string, SourceReport>;
}

const DATA_ERRORS = new Set(['invalid-entry']);
/** Rounds of "who else is this person" per sync: each follows one more step of a link chain. */
const MAX_LINK_ROUNDS = 8;

export class SyncEngine {
  private readonly clients = new Map<string, { client: FhirClient; baseUrl: string; fetch: typeof fetch | undefined }>();
  private readonly caps = new Map<string, CachedCapabilities>();
  private readonly listeners = new Set<ProgressListener>();
  private readonly channel?: ProgressChannel;
  private readonly limits: SyncLimits;

  constructor(
    private readonly store: SyncStore,
    private readonly dbName: string,
    private readonly linkSystems: readonly string[],
    private readonly options: SyncEngineOptions = {},
  ) {
    this.limits = resolveLimits(options.limits);
    if (options.broadcast !== false) this.channel = options.channel ?? new ProgressChannel(dbName);
  }

  /** Listens to progress of every sync run by this engine. Returns an unsubscribe function. */
  onProgress(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listens to progress posted by other tabs (BroadcastChannel). */
  onRemoteProgress(listener: ProgressListener): () => void {
    return this.channel?.listen(listener) ?? (() => undefined);
  }

  close(): void {
    this.channel?.close();
    this.listeners.clear();
  }

  /**
   * Syncs `patientKey` (`<source>/Patient/<id>`) and the same person in every other source.
   * Resolves with a report even when sources fail; rejects only for a malformed key, an unknown
   * source, or when `signal` aborts (with the signal's reason / an AbortError).
   */
  async syncPatient(patientKey: string, options: SyncPatientOptions = {}): Promise<SyncReport> {
    try {
      return await this.syncPatientOnce(patientKey, options);
    } catch (error) {
      if (options.signal?.aborted) throw abortError(options.signal);
      throw error;
    }
  }

  private async syncPatientOnce(patientKey: string, options: SyncPatientOptions): Promise<SyncReport> {
    const key = parsePatientKey(patientKey);
    if (!key) throw new SyncError('invalid-argument', `syncPatient: expected "<source>/Patient/<id>" (got ${JSON.stringify(patientKey)}).`);
    const { source: homeId, id: patientId } = key;
    const sources = await this.store.getSources();
    const home = sources.find((s) => s.id === homeId);
    if (!home) throw new SyncError('invalid-argument', `syncPatient: unknown source "${homeId}"; call addSource first.`);
    const { signal } = options;
    const report = emptyReport(sources, patientKey);
    const types = options.types ?? this.options.types ?? DEFAULT_TYPES;
    const emit = this.emitter(options.onProgress);
    // Pages, resources and time per source for this whole sync (all its downloads).
    const now = this.options.now ?? Date.now;
    const deadlineAt = now() + this.limits.deadlineMs;
    const budgets = new Map<string, SourceBudget>();
    const budget = (source: string) => {
      let b = budgets.get(source);
      if (!b) budgets.set(source, (b = new SourceBudget(source, this.limits, deadlineAt, now)));
      return b;
    };
    const syncPatients = (ctx: SourceRun, ids: string[]) => this.syncPatients(ctx, ids, types, options, budget(ctx.source.id));

    // Sources whose `metadata` was asked in this sync (asked once per sync, see `capabilities`).
    const askedCaps = new Set<string>();

    // 1. The patient's own source.
    await this.settle(home, report, emit, patientKey, signal, askedCaps, (ctx) => syncPatients(ctx, [patientId]));

    // 2. Who is this person, and where else are they? In rounds, until nothing new turns up:
    //    the store's linking rule decides which records are the same person (corroborated,
    //    confirmed, or the source's own Patient.link); their record is downloaded in full. Records
    //    that are only candidates (found by identifier, or named by a Patient.link) are fetched
    //    as Patient resources alone, for the rule to judge and a person to review.
    const downloaded = new Set<string>(report.sources[home.id]!.status === 'ok' ? [patientKey] : []);
    const searched = new Map<string, Set<string>>(); // source → identifiers searched this run
    const fetched = new Set<string>(); // candidate keys fetched this run
    const searchedOk = new Set<string>(); // sources whose candidate search answered
    let known = false;
    for (let round = 0; round < MAX_LINK_ROUNDS; round++) {
      const linked = await this.store.linkedPatients(patientKey);
      const records = (await Promise.all(linked.map((k) => this.patientOf(k)))).filter((r): r is { source: string; patient: Patient } => !!r);
      if (records.length === 0) break;
      known = true;
      const identifiers = [...new Set(records.flatMap((r) => linkingIdentifiers(r.patient, this.linkSystems)))];
      const targets = records.flatMap((r) => linkTargets(r.patient, r.source, sources));
      const work = new Map<string, { download: string[]; search: string[]; fetch: string[] }>();
      const slot = (id: string) => {
        if (!work.has(id)) work.set(id, { download: [], search: [], fetch: [] });
        return work.get(id)!;
      };
      for (const key of linked) {
        const [src, , id] = key.split('/') as [string, string, string];
        if (downloaded.has(key) || !sources.some((s) => s.id === src)) continue;
        if (src === home.id && report.sources[home.id]!.status !== 'ok') continue;
        slot(src).download.push(id);
      }
      for (const s of sources) {
        if (s.id === home.id) continue;
        const done = searched.get(s.id) ?? new Set<string>();
        const todo = identifiers.filter((i) => !done.has(i));
        if (todo.length) slot(s.id).search.push(...todo);
      }
      for (const t of targets) {
        const key = `${t.source}/Patient/${t.id}`;
        if (t.source === home.id || linked.includes(key) || fetched.has(key)) continue;
        slot(t.source).fetch.push(t.id);
      }
      if (work.size === 0) break;
      await Promise.allSettled(
        [...work].map(async ([sourceId, w]) => {
          const source = sources.find((s) => s.id === sourceId)!;
          for (const i of w.search) {
            if (!searched.has(sourceId)) searched.set(sourceId, new Set());
            searched.get(sourceId)!.add(i);
          }
          for (const id of w.fetch) fetched.add(`${sourceId}/Patient/${id}`);
          for (const id of w.download) downloaded.add(`${sourceId}/Patient/${id}`);
          await this.settle(source, report, emit, patientKey, signal, askedCaps, async (ctx) => {
            if (w.search.length || w.fetch.length) {
              // The deadline covers the whole sync, candidate searches included.
              budget(sourceId).checkDeadline();
              await this.fetchCandidates(ctx, w.search, w.fetch);
              if (w.search.length) searchedOk.add(sourceId);
            }
            if (w.download.length) return syncPatients(ctx, w.download);
            return 'skipped';
          });
        }),
      );
      if (signal?.aborted) throw abortError(signal);
    }
    if (!known) {
      for (const s of sources) {
        if (s.id === home.id) continue;
        report.sources[s.id]!.notes.push({
          source: s.id,
          code: 'identity-unknown',
          message: `${s.id}: not searched, because ${patientKey} is not in the cache yet (its own source failed).`,
        });
      }
    }

    // 3. What each other source holds of this person: a record, possible records, or none.
    const linked = await this.store.linkedPatients(patientKey);
    const possible = await this.store.listPossibleMatches(patientKey);
    for (const s of sources) {
      if (s.id === home.id) continue;
      const entry = report.sources[s.id]!;
      const hasLinked = linked.some((k) => k.startsWith(`${s.id}/Patient/`));
      const candidates = possible.filter((m) => m.source === s.id).length;
      if (candidates) entry.possibleMatches = candidates;
      if (hasLinked || candidates) {
        await this.store.clearNoRecord(s.id, patientKey).catch(() => undefined);
      } else if (searchedOk.has(s.id) && entry.status !== 'error') {
        await this.store.recordNoRecord(s.id, patientKey, { searched: [...(searched.get(s.id) ?? [])], ...(entry.serverTime ? { at: entry.serverTime } : {}) });
        entry.noRecord = true;
        entry.status = 'ok';
      }
    }
    if (signal?.aborted) throw abortError(signal);
    return total(report);
  }

  /** A stored, live Patient row as `{ source, patient }`. */
  private async patientOf(key: string): Promise<{ source: string; patient: Patient } | undefined> {
    const [source, , id] = key.split('/') as [string, string, string];
    const row = await this.store.get<Patient>(source, 'Patient', id);
    return row ? { source, patient: row.resource } : undefined;
  }

  /**
   * Fetches candidate Patients of one source: those carrying one of `identifiers`, and those
   * with the ids a linked record's `Patient.link` names. Only the Patient resources are stored;
   * the store's linking rule decides whether they are this person.
   */
  private async fetchCandidates(ctx: SourceRun, identifiers: string[], ids: string[]): Promise<void> {
    ctx.tracker.start('download', identifiers.length + ids.length);
    const patients: Patient[] = [];
    if (identifiers.length) {
      const found = await findPatientsByIdentifier(ctx.client, identifiers, ctx.signal, ctx.caps);
      patients.push(...found.patients);
      if (!ctx.entry.serverTime || (found.serverTime && found.serverTime < ctx.entry.serverTime)) ctx.entry.serverTime = found.serverTime ?? ctx.entry.serverTime;
    }
    for (const id of ids) {
      if (patients.some((p) => p.id === id)) continue;
      try {
        const r = await ctx.client.get(`Patient/${encodeURIComponent(id)}`, { signal: ctx.signal });
        const body = r.body as Patient | undefined;
        if (body && body.resourceType === 'Patient' && body.id === id) patients.push(body);
      } catch (error) {
        if (isAbort(error, ctx.signal)) throw error;
        const err = toSyncError(error, ctx.source.id);
        // A link to a record the source does not have (or no longer has) links nobody.
        if (err.status === 404 || err.status === 410) {
          ctx.entry.notes.push({ source: ctx.source.id, code: 'link-target-missing', message: `${ctx.source.id}: Patient/${id}, named by a Patient.link, is not there (${err.status}).` });
          continue;
        }
        throw err;
      }
    }
    if (patients.length) {
      const r = await this.store.applyPage(ctx.source.id, { upserts: patients, patients: patients.map((p) => `${ctx.source.id}/Patient/${p.id}`) });
      ctx.entry.refused += r.refused;
    }
  }

  /** Uploads pending writes of every source (or the given ones), in parallel. */
  async upload(options: { signal?: AbortSignal; onProgress?: ProgressListener; sources?: string[] } = {}): Promise<SyncReport> {
    const all = await this.store.getSources();
    const askedCaps = new Set<string>();
    const chosen = options.sources ? all.filter((s) => options.sources!.includes(s.id)) : all;
    const report = emptyReport(all);
    const emit = this.emitter(options.onProgress);
    await Promise.allSettled(
      chosen.map(async (source) => {
        const pending = await this.store.pendingWrites(source.id);
        if (pending.length === 0) return;
        await this.settle(source, report, emit, undefined, options.signal, askedCaps, async (ctx) => {
          ctx.tracker.start('upload');
          await this.uploadInto(ctx);
          return 'ok';
        });
      }),
    );
    if (options.signal?.aborted) throw abortError(options.signal);
    return total(report);
  }

  // -----------------------------------------------------------------------------------------

  /** Upload (unless disabled) and download each patient id in one source. */
  private async syncPatients(
    ctx: SourceRun,
    ids: string[],
    types: readonly string[],
    options: SyncPatientOptions,
    budget: SourceBudget,
  ): Promise<'ok'> {
    // The deadline covers the whole sync: a source reached after it is reported, not started.
    budget.checkDeadline();
    if (options.upload !== false) {
      ctx.tracker.start('upload');
      await this.uploadInto(ctx);
    }
    ctx.tracker.start('download', ids.length);
    const strategy = (this.options.strategy ?? chooseStrategy)(ctx.caps, ctx.source.id);
    // This source may file rows under the patients this sync asked it for, and no others.
    const asked = [...new Set([...ctx.entry.patients, ...ids.map((id) => `${ctx.source.id}/Patient/${id}`)])];
    const sources = await this.store.getSources();
    for (const id of ids) {
      const patientKey = `${ctx.source.id}/Patient/${id}`;
      const r = await downloadPatient(
        {
          client: ctx.client,
          store: this.store,
          source: ctx.source.id,
          caps: ctx.caps,
          patientId: id,
          patientKey,
          asked,
          sources,
          budget,
          types,
          referencedTypes: this.options.referencedTypes,
          overlapMs: this.options.overlapMs,
          pageSize: this.options.pageSize ?? 100,
          signal: ctx.signal,
          progress: ctx.tracker,
          problem: (p) => ctx.entry.notes.push(safeNote(p)),
        },
        strategy,
      );
      ctx.entry.downloaded += r.downloaded;
      ctx.entry.deleted += r.deleted;
      ctx.entry.refused += r.refused;
      ctx.entry.strategy = r.strategy;
      if (!ctx.entry.serverTime || (r.serverTime && r.serverTime < ctx.entry.serverTime)) ctx.entry.serverTime = r.serverTime;
      if (!ctx.entry.patients.includes(patientKey)) ctx.entry.patients.push(patientKey);
    }
    return 'ok';
  }

  private async uploadInto(ctx: SourceRun): Promise<void> {
    const r = await uploadSource({ client: ctx.client, store: this.store, source: ctx.source.id, caps: ctx.caps, signal: ctx.signal, progress: ctx.tracker });
    ctx.entry.uploaded += r.uploaded;
    ctx.entry.conflicts += r.conflicts;
    for (const f of r.failed) {
      if (f.error === r.stopped) continue;
      ctx.entry.notes.push({ source: ctx.source.id, code: `upload-${f.error.code}`, message: `${f.type}/${f.id}: ${f.error.message}` });
    }
    if (r.stopped) throw r.stopped;
  }

  /**
   * Runs `task` for one source under its lock, after reading its capabilities, and records the
   * outcome in the report and the source's status. Never throws, except the caller's abort.
   */
  private async settle(
    source: SourceRecord,
    report: SyncReport,
    emit: ProgressListener,
    patient: string | undefined,
    signal: AbortSignal | undefined,
    askedCaps: Set<string>,
    task: (ctx: SourceRun) => Promise<'ok' | 'skipped'>,
  ): Promise<void> {
    const entry = report.sources[source.id]!;
    const tracker = new ProgressTracker(source.id, emit, patient);
    const run = async () => {
      await this.store.setSourceStatus(source.id, { status: 'syncing' }).catch(() => undefined);
      tracker.start('metadata', 1);
      const allow = this.options.allowInsecure;
      const insecure = transportProblem(source.baseUrl, allow === true || (Array.isArray(allow) && allow.includes(source.id)));
      if (insecure) {
        throw new SyncError('insecure-transport', `${source.id}: not synced: ${insecure}.`, { source: source.id });
      }
      const client = this.client(source);
      const caps = await this.capabilities(source, client, signal, entry, askedCaps);
      const outcome = await task({ source, client, caps, signal, tracker, entry });
      if (outcome === 'skipped') {
        if (entry.status !== 'ok') entry.status = 'skipped';
      } else entry.status = 'ok';
      tracker.finish();
      await this.store.setSourceStatus(source.id, {
        status: 'ok',
        lastError: undefined,
        ...(entry.serverTime ? { lastSyncAt: entry.serverTime } : {}),
      });
    };
    try {
      if (this.options.locks === false) await run();
      else await withSourceLock(this.dbName, source.id, run, signal);
    } catch (error) {
      if (isAbort(error, signal)) {
        await this.store.setSourceStatus(source.id, { status: 'idle' }).catch(() => undefined);
        throw error;
      }
      const err = toSyncError(error, source.id);
      entry.status = 'error';
      entry.error = {
        message: err.message,
        code: err.code,
        ...(err.status !== undefined ? { status: err.status } : {}),
        ...(err.limit !== undefined ? { limit: err.limit } : {}),
      };
      tracker.fail(err.message);
      const status = err.code === 'unauthorized' || err.code === 'forbidden' ? 'unauthorized' : err.code === 'network' || err.code === 'timeout' ? 'offline' : 'error';
      await this.store.setSourceStatus(source.id, { status, lastError: err.message }).catch(() => undefined);
    }
  }

  private client(source: SourceRecord): FhirClient {
    const f = this.store.getSourceFetch(source.id);
    const cached = this.clients.get(source.id);
    if (cached && cached.baseUrl === source.baseUrl && cached.fetch === f) return cached.client;
    const client = new FhirClient(source.id, source.baseUrl, f, { maxResponseBytes: this.limits.maxResponseBytes, ...this.options.http });
    this.clients.set(source.id, { client, baseUrl: source.baseUrl, fetch: f });
    return client;
  }

  /**
   * The source's capabilities, from `metadata`, asked once per sync (`asked` holds the sources
   * already asked in this run): conditionally when a statement with validators is cached (in
   * memory or in the source's row), a 304 then reusing it. Within `capabilitiesTtlMs` of the
   * last answer the cache is used without asking.
   */
  private async capabilities(
    source: SourceRecord,
    client: FhirClient,
    signal: AbortSignal | undefined,
    entry: SourceReport,
    asked: Set<string>,
  ): Promise<ServerCapabilities> {
    const ttl = this.options.capabilitiesTtlMs ?? 0;
    const inMemory = this.caps.get(source.id);
    const cached = inMemory && inMemory.baseUrl === source.baseUrl ? inMemory : storedCapabilities(source);
    // The local clock only decides when to re-read metadata; it never touches sync data.
    if (cached && (asked.has(source.id) || Date.now() - cached.at < ttl)) return cached.caps;
    let next: CachedCapabilities;
    // A 304 that confirms the validators already kept: the source's row already says all this.
    let confirmed = false;
    try {
      const conditional = validatorHeaders(cached);
      const r = await client.get('metadata', { signal, headers: conditional, accept: cached && Object.keys(conditional).length ? [304] : [] });
      if (r.status === 304 && cached) {
        next = { ...cached, at: Date.now(), ...validatorsOf(r.headers) };
        confirmed = next.etag === cached.etag && next.lastModified === cached.lastModified;
      } else {
        const caps = parseCapabilities(r.body);
        if (!caps.known) {
          entry.notes.push({ source: source.id, code: 'no-capabilities', message: `${source.id}: metadata is not a CapabilityStatement; using plain searches.` });
        }
        next = { caps, baseUrl: source.baseUrl, at: Date.now(), ...(caps.known ? validatorsOf(r.headers) : {}) };
      }
    } catch (error) {
      if (isAbort(error, signal)) throw error;
      const err = toSyncError(error, source.id);
      // Auth and connectivity problems fail the source; a server that merely lacks a usable
      // `metadata` is synced with the safest strategy.
      // A limit hit or a redirect is reported as such, not hidden behind a fallback.
      if (['unauthorized', 'forbidden', 'network', 'timeout', 'throttled', 'limit-exceeded', 'redirect'].includes(err.code) || (err.status ?? 0) >= 500) throw err;
      entry.notes.push({ source: source.id, code: 'no-capabilities', message: `${err.message}; using plain searches.` });
      next = { caps: unknownCapabilities(), baseUrl: source.baseUrl, at: Date.now() };
    }
    asked.add(source.id);
    this.caps.set(source.id, next);
    if (!confirmed) await this.store.setSourceStatus(source.id, { capabilities: capabilitiesRecord(next) }).catch(() => undefined);
    return next.caps;
  }

  /** Forgets cached capabilities (e.g. after the server was reconfigured). */
  forgetCapabilities(source?: string): void {
    if (source) this.caps.delete(source);
    else this.caps.clear();
  }

  private emitter(extra?: ProgressListener): ProgressListener {
    return (p: SyncProgress) => {
      for (const l of this.listeners) safe(l, p);
      if (extra) safe(extra, p);
      this.channel?.post(p);
    };
  }
}

interface SourceRun {
  source: SourceRecord;
  client: FhirClient;
  caps: ServerCapabilities;
  signal?: AbortSignal;
  tracker: ProgressTracker;
  entry: SourceReport;
}

/** A note as reported: its message and URL without query strings or unsafe characters. */
function safeNote(p: SyncProblem): SyncProblem {
  const out: SyncProblem = { ...p, message: sanitizeMessage(p.message) };
  if (p.url !== undefined) out.url = redactUrl(p.url);
  return out;
}

function safe(l: ProgressListener, p: SyncProgress): void {
  try {
    l(p);
  } catch {
    /* a listener's bug must not break sync */
  }
}

function emptyReport(sources: SourceRecord[], patient?: string): SyncReport {
  const report: SyncReport = { downloaded: 0, deleted: 0, uploaded: 0, conflicts: 0, refused: 0, errors: [], sources: {} };
  if (patient) report.patient = patient;
  for (const s of sources) {
    report.sources[s.id] = { status: 'skipped', downloaded: 0, deleted: 0, uploaded: 0, conflicts: 0, refused: 0, patients: [], notes: [] };
  }
  return report;
}

function total(report: SyncReport): SyncReport {
  for (const [id, s] of Object.entries(report.sources)) {
    report.downloaded += s.downloaded;
    report.deleted += s.deleted;
    report.uploaded += s.uploaded;
    report.conflicts += s.conflicts;
    report.refused += s.refused;
    if (s.error) report.errors.push({ source: id, ...s.error });
    for (const n of s.notes) if (DATA_ERRORS.has(n.code)) report.errors.push({ source: id, message: n.message, code: n.code });
  }
  return report;
}

function abortError(signal: AbortSignal): unknown {
  const r = signal.reason;
  if (r instanceof Error) return r;
  return new DOMException('The sync was aborted.', 'AbortError');
}
