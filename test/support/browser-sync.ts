/**
 * Helpers for the store/sync tests that run in Chromium (`*.browser.test.ts`): the local FHIR
 * server (URL from `inject('fhirUrl')`), its admin endpoint, and a second tab of the test's own
 * origin running its own copy of the record store.
 */
import { inject } from 'vitest';
import type { Bundle, Resource } from 'fhir/r4';
import type { RecordStore, RecordStoreOpenOptions } from '../../src/record-store.js';
import { DEFAULT_TYPES } from '../../src/sync/download.js';
import type { RequestLogEntry } from '../../demo/fhir-server/server.mjs';

import { SSN } from './constants.js';
export { SSN };
export const server = inject('fhirUrl');
const adminToken = inject('fhirAdminToken');

export const baseUrl = (base: string): string => `${server}/${base}/fhir`;

/** A request header naming which tab/test sent a request, so the server's log can be split. */
export const TAG_HEADER = 'x-test-tag';

export async function getJson<T = any>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { ...init, headers: { accept: 'application/fhir+json', 'cache-control': 'no-cache', ...(init.headers as Record<string, string>) } });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status}`);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The id of the Patient with this SSN in `base`. */
export async function patientIdBySsn(base: string, ssn: string): Promise<string> {
  const b = await getJson<Bundle>(`${baseUrl(base)}/Patient?identifier=${encodeURIComponent(`${SSN}|${ssn}`)}`);
  const ids = (b.entry ?? []).map((e) => e.resource!.id!);
  if (ids.length !== 1) throw new Error(`${base}: expected one patient with SSN ${ssn}, found ${ids.length}`);
  return ids[0]!;
}

/**
 * What the server itself says the synced part of a patient's record is: `$everything` limited to
 * the types the sync engine downloads, as sorted `source/Type/id@versionId` lines.
 */
export async function serverRecord(base: string, patientId: string): Promise<string[]> {
  const out: string[] = [];
  let url: string | undefined = `${baseUrl(base)}/Patient/${patientId}/$everything?_type=${[...DEFAULT_TYPES].join(',')}&_count=1000`;
  while (url) {
    const b: Bundle = await getJson<Bundle>(url);
    for (const e of b.entry ?? []) out.push(line(base, e.resource!));
    url = b.link?.find((l) => l.relation === 'next')?.url;
  }
  return out.sort();
}

function line(source: string, r: Resource): string {
  return `${source}/${r.resourceType}/${r.id}@${r.meta?.versionId ?? '-'}`;
}

/** Sorted `source/Type/id@versionId` lines of what the store shows for a patient. */
export async function storeRecord(store: Pick<RecordStore, 'search'>, patient: string): Promise<string[]> {
  const rows = await store.search({ patient });
  return rows.map((r) => `${r.source}/${r.resource.resourceType}/${r.resource.id}@${r.versionId ?? '-'}`).sort();
}

// --- admin endpoint ----------------------------------------------------------------------------
// Every call to the server's /__admin goes through `admin()`, which sends the server's token.

/** One call to the server's admin endpoint, with its token; throws unless it answers 2xx. */
async function admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server}/__admin/${path}`, {
    method,
    headers: { 'x-admin-token': adminToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${method} ${path}: HTTP ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function setFaults(base: string, spec: object): Promise<void> {
  await admin('POST', `${base}/faults`, spec);
}

export async function resetFaults(base: string): Promise<void> {
  await admin('DELETE', `${base}/faults`);
}

/** Same as {@link resetFaults}. */
export const clearFaults = resetFaults;

/** Empties the server's request log for `base`. */
export async function clearRequestLog(base: string): Promise<void> {
  await admin('DELETE', `${base}/requests`);
}

/** Drops every change made to `base` since start (or replaces its data with `resources`). */
export async function resetServerData(base: string, resources?: readonly Resource[]): Promise<number> {
  return (await admin<{ count: number }>('POST', `${base}/reset`, resources)).count;
}

/**
 * Creates a base of the shared server (or empties an existing one) holding only `resources`;
 * `resetServerData(id)` later brings it back to exactly these. Gives a test file data of its own
 * that it may change and reset without touching what other files read. Returns its FHIR base URL.
 */
export async function createServerBase(id: string, resources: readonly Resource[] = [], label = id): Promise<string> {
  return (await admin<{ url: string }>('PUT', encodeURIComponent(id), { label, resources })).url;
}

/** Adds (or replaces by id) resources in `base`, straight into the server's repository. */
export async function seedServerData(base: string, resources: readonly Resource[]): Promise<number> {
  return (await admin<{ count: number }>('POST', `${base}/seed`, resources)).count;
}

/** One entry of the server's request log (its own type, from the server's declarations). */
export type LoggedRequest = RequestLogEntry;

/** The server's request log for `base`, only requests carrying `tag` in {@link TAG_HEADER} when given. */
export async function requestLog(base: string, tag?: string | ((t: string | undefined) => boolean)): Promise<LoggedRequest[]> {
  const all = await admin<LoggedRequest[]>('GET', `${base}/requests`);
  if (tag === undefined) return all;
  const test = typeof tag === 'function' ? tag : (t: string | undefined) => t === tag;
  return all.filter((r) => test(r.headers[TAG_HEADER]));
}

/** A fetch that labels every request with `tag`, made with `realm`'s own fetch (its tab's network). */
export function taggedFetch(tag: string, realm: Window = window): typeof fetch {
  return (input, init) => {
    const headers = new (realm as unknown as typeof globalThis).Headers(init?.headers);
    headers.set(TAG_HEADER, tag);
    return realm.fetch(input, { ...init, headers });
  };
}

// --- a second tab ------------------------------------------------------------------------------

/**
 * A second top-level browsing context (a real tab) on the test page's origin, with its own copy
 * of the record store loaded from the Vite dev server that serves the tests.
 *
 * How: `window.open('about:blank')` — Playwright's Chromium allows the popup, and an about:blank
 * window opened by a page inherits that page's origin. In the new window we evaluate
 * `import('<origin>/src/record-store.ts')`; the dynamic import belongs to the new window's realm,
 * so it gets its own module graph: its own Dexie, its own `navigator.locks` client, its own
 * BroadcastChannels. Same-page instances would share one Dexie and one JS realm and prove
 * nothing about tabs; this does. Closing the window is how a test simulates a tab that is closed
 * or reloaded in the middle of a sync.
 */
export interface SecondTab {
  window: Window;
  RecordStore: typeof RecordStore;
  /** A fresh AbortController made in the second tab's realm. */
  abortController(): AbortController;
  close(): void;
}

export async function openSecondTab(): Promise<SecondTab> {
  const win = window.open('about:blank', '_blank');
  if (!win) throw new Error('window.open was blocked: cannot open a second tab');
  const url = new URL('/src/record-store.ts', location.origin).href;
  const evaluate = (code: string): unknown => (win as unknown as { eval(code: string): unknown }).eval(code);
  // Vitest's browser mode serves modules with each dynamic `import()` rewritten to
  // `__vitest_browser_runner__.wrapDynamicImport(() => import(...))`. The new window has no
  // runner; give it the same pass-through Vitest itself gives web workers.
  evaluate('globalThis.__vitest_browser_runner__ ??= { wrapDynamicImport: (f) => f() };');
  const mod = (await evaluate(`import(${JSON.stringify(url)})`)) as {
    RecordStore: typeof RecordStore;
  };
  return {
    window: win,
    RecordStore: mod.RecordStore,
    abortController: () => new (win as unknown as typeof globalThis).AbortController(),
    close: () => win.close(),
  };
}

export { uniqueName } from './names.js';

/** Open options shared by the tests: SSN links patients; retries are quick. */
export function openOptions(name: string, extra: Partial<RecordStoreOpenOptions> = {}): RecordStoreOpenOptions {
  return {
    name,
    linkIdentifierSystems: [SSN],
    ...extra,
    sync: { ...extra.sync, http: { timeoutMs: 10_000, retry: { baseDelayMs: 20, maxDelayMs: 100 }, ...extra.sync?.http } },
  };
}

/** Resolves when `predicate` holds (polled), or rejects after `ms`. */
export async function until(predicate: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const end = performance.now() + ms;
  while (!(await predicate())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
