/**
 * Benchmark functions run inside Chromium (bench/pages/bench.html), called by `bench/run.mjs`
 * through Playwright. Each one times itself with `performance.now()` in the page, so the
 * numbers exclude the Node↔browser round trip.
 */
import { Dexie } from 'dexie';
import { RecordStore } from '../src/record-store.js';
import type { Resource } from 'fhir/r4';
import { LocalRecordStore } from '../src/store/index.js';
import { buildRow } from '../src/store/rows.js';
import { SCHEMA_V5 } from '../src/store/schema.js';
import { syntheticPatient } from './synthetic-patient.mjs';

// Dexie switches on its debug mode (a stack trace captured for every operation) on pages served
// from localhost or 127.0.0.1, as this one is; a host's production page never runs in it, so the
// benchmark measures what hosts ship.
Dexie.debug = false;

const SOURCE = 'bench';

interface SyncArgs {
  db: string;
  baseUrl: string;
  patientId: string;
}

async function openStore(db: string, baseUrl?: string): Promise<RecordStore> {
  const store = await RecordStore.open({ name: db });
  if (baseUrl) await store.addSource({ id: SOURCE, baseUrl, label: 'Bench server' });
  return store;
}

/** Stores kept open between `sync` calls (`keepOpen`), by database name. */
const openStores = new Map<string, RecordStore>();

/** One request of a sync as the page saw it (Resource Timing): when it started and how long it took, ms. */
interface PageRequest {
  url: string;
  startMs: number;
  ms: number;
}

/**
 * Sync of the patient into a store (cold when `db` is new, incremental otherwise). `ms` times
 * `syncPatient`; `openMs` opening the store before it (0 when a store kept open by an earlier
 * call with `keepOpen` is reused). `requests` lists what the page fetched during the sync, from
 * the Resource Timing API (`startMs` from the start of `syncPatient`). `reopen` closes a kept
 * store first, so the sync runs in a store opened for it.
 */
async function sync({ db, baseUrl, patientId, keepOpen = false, reopen = false }: SyncArgs & { keepOpen?: boolean; reopen?: boolean }): Promise<{
  ms: number;
  openMs: number;
  downloaded: number;
  deleted: number;
  rows: number;
  requests: PageRequest[];
}> {
  performance.setResourceTimingBufferSize(100_000);
  performance.clearResourceTimings();
  if (reopen) openStores.get(db)?.close();
  const kept = reopen ? undefined : openStores.get(db);
  const tOpen = performance.now();
  const store = kept ?? (await openStore(db, baseUrl));
  const openMs = kept ? 0 : performance.now() - tOpen;
  try {
    const t0 = performance.now();
    const report = await store.syncPatient(`${SOURCE}/Patient/${patientId}`);
    const ms = performance.now() - t0;
    if (report.errors.length) throw new Error(`sync failed: ${JSON.stringify(report.errors)}`);
    const requests = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((e) => e.name.startsWith(baseUrl) && e.startTime >= t0)
      .map((e) => ({ url: e.name.slice(baseUrl.length), startMs: e.startTime - t0, ms: e.responseEnd - e.startTime }));
    const rows = (await store.search({ patient: `${SOURCE}/Patient/${patientId}` })).length;
    return { ms, openMs, downloaded: report.downloaded, deleted: report.deleted, rows, requests };
  } finally {
    if (keepOpen) openStores.set(db, store);
    else {
      openStores.delete(db);
      store.close();
    }
  }
}

/**
 * The ceiling: the requests the sync made (`metadata` included), in the same order and with the
 * same headers, each page written with raw IndexedDB `put` in one transaction per page. No Dexie,
 * no de-duplication, no checks: the cheapest way to do the engine's work.
 *
 * `rows: true` (the ceiling proper) writes what the store writes: the row `buildRow` makes
 * (patient key, clinical date, codes) into an object store with the store's key and indexes, so
 * the data ends up stored and queryable the same way. `rows: false` writes the bare resource into
 * an object store without indexes: less work than the engine does, so an upper bound of any
 * design; the gap between the two is what the indexes cost.
 *
 * `overlap: false` fetches and writes strictly one after the other. `overlap: true` does what the
 * engine does: as soon as a page is parsed, the request for its `next` link (when that is the
 * next URL) is sent, and the page is written while the next one is on its way, one page ahead at
 * most.
 */
interface CeilingArgs {
  db: string;
  urls: string[];
  overlap?: boolean;
  rows?: boolean;
  /** The source's base URL (for the patient keys of absolute references), with `rows`. */
  baseUrl?: string;
}

async function ceiling({ db, urls, overlap = false, rows = false, baseUrl = '' }: CeilingArgs): Promise<{ ms: number; resources: number; requests: number }> {
  const idb = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(db, 1);
    req.onupgradeneeded = () => {
      if (!rows) {
        req.result.createObjectStore('resources', { keyPath: 'key' });
        return;
      }
      // The store's own key and indexes, read from its schema so the two cannot drift apart.
      const [primary, ...indexes] = SCHEMA_V5.resources.split(',').map((s) => s.trim());
      const keyPathOf = (spec: string) => (spec.startsWith('[') ? spec.slice(1, -1).split('+') : spec.replace(/^[*&]/, ''));
      const os = req.result.createObjectStore('resources', { keyPath: keyPathOf(primary!) });
      for (const spec of indexes) os.createIndex(spec, keyPathOf(spec), { multiEntry: spec.startsWith('*') });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  type Page = { entry?: Array<{ resource?: Resource }>; link?: Array<{ relation?: string; url?: string }> };
  const get = async (url: string): Promise<Page> => {
    const res = await fetch(url, { headers: { accept: 'application/fhir+json', 'cache-control': 'no-cache' }, cache: 'no-store' });
    if (!res.ok) throw new Error(`ceiling: HTTP ${res.status} for ${url}`);
    return JSON.parse(await res.text()) as Page;
  };
  const sources = [{ id: SOURCE, baseUrl }];
  const put = (bundle: Page): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      let n = 0;
      const tx = idb.transaction('resources', 'readwrite');
      const os = tx.objectStore('resources');
      const now = Date.now();
      for (const e of bundle.entry ?? []) {
        const r = e.resource;
        if (!r?.resourceType || !r.id) continue;
        os.put(rows ? buildRow(SOURCE, r, sources, now) : { key: `${r.resourceType}/${r.id}`, resource: r });
        n++;
      }
      tx.oncomplete = () => resolve(n);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  let resources = 0;
  const t0 = performance.now();
  let ahead: Promise<Page> | undefined;
  for (let i = 0; i < urls.length; i++) {
    const bundle = await (ahead ?? get(urls[i]!));
    ahead = undefined;
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    if (overlap && next !== undefined && i + 1 < urls.length && new URL(next).href === new URL(urls[i + 1]!).href) ahead = get(urls[i + 1]!);
    // A CapabilityStatement or a single resource is not a page: nothing to write.
    if (Array.isArray(bundle.entry)) resources += await put(bundle);
  }
  const ms = performance.now() - t0;
  idb.close();
  return { ms, resources, requests: urls.length };
}

/**
 * A clinic's morning list: `patientIds` synced one after another into one store opened once
 * (the sync engine loaded by the first). Returns the total and per-patient times, and the space
 * the origin uses afterwards as Chromium reports it (`navigator.storage.estimate()`; the
 * page's other databases are deleted first by the runner).
 */
async function syncMany({ db, baseUrl, patientIds }: { db: string; baseUrl: string; patientIds: string[] }) {
  const store = await openStore(db, baseUrl);
  const perPatient: number[] = [];
  let downloaded = 0;
  const t0 = performance.now();
  try {
    for (const id of patientIds) {
      const t = performance.now();
      const report = await store.syncPatient(`${SOURCE}/Patient/${id}`);
      perPatient.push(performance.now() - t);
      if (report.errors.length) throw new Error(`sync of ${id} failed: ${JSON.stringify(report.errors)}`);
      downloaded += report.downloaded;
    }
  } finally {
    store.close();
  }
  const ms = performance.now() - t0;
  const estimate = await navigator.storage.estimate();
  return { ms, perPatient, downloaded, usageBytes: estimate.usage ?? 0 };
}

/**
 * Fills a store with `patients` synthetic records of `perPatient` resources each, straight
 * through `applyPage` in pages of `pageSize` (no server). Returns the time it took.
 */
async function fill({ db, patients, perPatient, pageSize = 1000 }: { db: string; patients: number; perPatient: number; pageSize?: number }) {
  // Written through the local store, as the sync engine writes (RecordStore offers hosts no applyPage).
  const store = await LocalRecordStore.open({ name: db });
  await store.addSource({ id: SOURCE, baseUrl: 'http://127.0.0.1:9/bench/fhir', label: 'Bench server' });
  const ids: string[] = [];
  let total = 0;
  const t0 = performance.now();
  try {
    for (let p = 0; p < patients; p++) {
      const { patientId, resources } = syntheticPatient({ total: perPatient, seed: 1000 + p }) as { patientId: string; resources: Array<{ meta?: object }> };
      ids.push(patientId);
      const stamped = resources.map((r, i) => ({ ...r, meta: { versionId: `v1-${i}`, lastUpdated: '2025-01-01T00:00:00.000Z' } }));
      for (let i = 0; i < stamped.length; i += pageSize) {
        const r = await store.applyPage(SOURCE, { upserts: stamped.slice(i, i + pageSize) as never });
        total += r.written;
      }
    }
  } finally {
    store.close();
  }
  return { ms: performance.now() - t0, written: total, patients: ids };
}

/** Times `search` (median of `repeat`, after one untimed warm-up). */
async function query({ db, patient, type, repeat = 5 }: { db: string; patient: string; type: string; repeat?: number }) {
  const store = await openStore(db);
  try {
    const key = `${SOURCE}/Patient/${patient}`;
    let rows = (await store.search({ patient: key, type })).length;
    const runs: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const t0 = performance.now();
      rows = (await store.search({ patient: key, type })).length;
      runs.push(performance.now() - t0);
    }
    return { runs, rows };
  } finally {
    store.close();
  }
}

/**
 * The lab timeline's queries (issue 8 §4): the first paint's summary and newest window on a store
 * opened just now (the store is opened, then both run together: "cold"), then each warm, median
 * of `repeat` after one untimed run.
 */
async function codeQueries({ db, patient, type, repeat = 5 }: { db: string; patient: string; type: string; repeat?: number }) {
  const key = `${SOURCE}/Patient/${patient}`;
  const t0 = performance.now();
  const store = await openStore(db);
  try {
    const [summary, first] = await Promise.all([store.codeSummary(key, type), store.codeWindow({ patient: key, type, limit: 100 })]);
    const coldMs = performance.now() - t0;
    const time = async (f: () => Promise<unknown>) => {
      await f();
      const runs: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const t = performance.now();
        await f();
        runs.push(performance.now() - t);
      }
      return runs;
    };
    const summaryRuns = await time(() => store.codeSummary(key, type));
    const windowRuns = await time(() => store.codeWindow({ patient: key, type, limit: 100 }));
    // A window further back, one code: what scrolling one test's history costs.
    const busiest = [...summary].sort((a, b) => b.count - a.count)[0];
    const older = busiest ? await store.codeWindow({ patient: key, type, code: busiest.code, limit: 100 }) : undefined;
    const codeWindowRuns = busiest && older?.older ? await time(() => store.codeWindow({ patient: key, type, code: busiest.code, limit: 100, before: older.older! })) : [];
    return { coldMs, summaryRuns, windowRuns, codeWindowRuns, codes: summary.length, rows: summary.reduce((n, e) => n + e.count, 0), windowRows: first.rows.length };
  } finally {
    store.close();
  }
}

async function deleteDatabase(db: string): Promise<void> {
  openStores.get(db)?.close();
  openStores.delete(db);
  await LocalRecordStore.deleteDatabase(db);
  await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(db);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

async function deleteAll(): Promise<void> {
  for (const d of await indexedDB.databases()) if (d.name) await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(d.name!);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

const api = { sync, syncMany, ceiling, fill, query, codeQueries, deleteDatabase, deleteAll, userAgent: () => navigator.userAgent };
(window as unknown as { bench: typeof api }).bench = api;
document.title = 'bench ready';
