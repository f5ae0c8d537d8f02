/// <reference types="vite/client" />
/**
 * First-paint benchmark, run inside Chromium (bench/pages/paint.html) and driven by
 * `bench/paint.mjs` through Playwright. Times are taken in the page with `performance.now()`.
 *
 * `seed` writes one patient of ~2,000 resources, split between two sources, into a fresh store
 * and closes it. `measure` reopens that store (as a page load would: data on disk, nothing in
 * memory), then times an `<ehr-record-provider>` holding the element(s) from being appended to
 * the document to the first painted frame that shows data rather than the loading skeleton.
 */
import type { Resource } from 'fhir/r4';
import { bundleToResources } from '../demo/data/references.mjs';
import { SSN_SYSTEM, splitAcrossProviders } from '../demo/data/split.mjs';
import { Dexie } from 'dexie';
import { RecordStore } from '../src/record-store.js';
import { LocalRecordStore } from '../src/store/index.js';
import '../src/elements/record-provider/define.js';
import '../src/elements/patient-banner/define.js';
import '../src/elements/allergy-panel/define.js';
import '../src/elements/medication-list/define.js';
import '../src/elements/lab-timeline/define.js';
import { syntheticPatient } from './synthetic-patient.mjs';
// An asset URL rather than a path: in the production build (bench/paint-build.mjs) Vite emits the
// file next to the bundle, so the static server needs nothing outside the build directory.
import sampleUrl from '../demo/data/patients/Margery_Gibson_cdb2d67c-173f-42e7-859a-d04a8088680e.json?url';

// Dexie switches on its debug mode (a stack trace captured for every operation) on pages served
// from localhost or 127.0.0.1, as this one is; a host's production page never runs in it, so the
// benchmark measures what hosts ship.
Dexie.debug = false;

/** The real sample patient the record is built around (Synthea, 792 resources). */
const SAMPLE = 'Margery_Gibson_cdb2d67c-173f-42e7-859a-d04a8088680e.json';

const SOURCES = [
  { id: 'clinic', baseUrl: 'https://clinic.example.org/fhir', label: 'Riverside Clinic' },
  { id: 'hospital', baseUrl: 'https://hospital.example.org/fhir', label: 'St Elsewhere Hospital' },
] as const;

const open = (db: string) => RecordStore.open({ name: db, linkIdentifierSystems: [SSN_SYSTEM] });

type Painted = (root: ShadowRoot) => { ready: boolean; rows: number; sample?: string };

const hasSkeleton = (root: ShadowRoot) => !!root.querySelector('[part~="skeleton"]');

/** Ready when no loading skeleton is left and `marker` is there; reports how many and the first one's text. */
const shows =
  (marker: string): Painted =>
  (root) => {
    const found = root.querySelectorAll(marker);
    const ready = found.length > 0 && !hasSkeleton(root);
    return { ready, rows: found.length, sample: ready ? found[0]!.textContent?.replace(/\s+/g, ' ').trim().slice(0, 60) : undefined };
  };

/**
 * What "shows data" means for each element: no `[part~="skeleton"]` left in its shadow root, and
 * the marker only its ready state renders — the banner's name, the panels' rows.
 */
const PAINTED: Record<string, Painted> = {
  'ehr-patient-banner': shows('[part~="name"]'),
  'ehr-allergy-panel': shows('[part~="row"]'),
  'ehr-medication-list': shows('[part~="row"]'),
  // The overview's rows, or the grid's rows: the timeline shows results.
  'ehr-lab-timeline': shows('[part~="row"], [role="row"][aria-rowindex="2"]'),
};

interface SeedResult {
  db: string;
  patient: string;
  resources: number;
  bySource: Record<string, number>;
  byType: Record<string, number>;
  ms: number;
}

/** Resources as a server sends them: with `meta.versionId` / `lastUpdated`. */
function stamped(resources: Resource[], lastUpdated: string): Resource[] {
  return resources.map((r) => ({ ...r, meta: { versionId: '1', lastUpdated, ...r.meta } }) as Resource);
}

/**
 * Synthetic resources for an existing patient: everything `syntheticPatient` makes except its
 * own Patient (the sample's copy at that source is the patient).
 */
function extras(patientId: string, total: number, seed: number): Resource[] {
  const { resources } = syntheticPatient({ total, seed, patientId }) as { resources: Resource[] };
  return resources.filter((r) => r.resourceType !== 'Patient');
}

/**
 * Builds the record and writes it into a fresh store `db`, then closes the store.
 *
 * The record: Margery Gibson's Synthea bundle (792 resources, no allergies), split between a
 * clinic and a hospital by `demo/data/split.mjs` (the hospital's copy of the Patient is linked
 * by SSN), plus synthetic resources from `bench/synthetic-patient.mjs` written for the same
 * patient at each source (lab Observations, Encounters, Conditions, MedicationRequests, one
 * allergy each) and the five distinct allergies the generator knows, at the clinic. ~2,000 rows.
 */
async function seed({ db, target = 2000 }: { db: string; target?: number }): Promise<SeedResult> {
  const t0 = performance.now();
  await LocalRecordStore.deleteDatabase(db);
  const res = await fetch(sampleUrl);
  if (!res.ok) throw new Error(`seed: HTTP ${res.status} for ${SAMPLE}`);
  const { resources } = bundleToResources(await res.json(), { file: SAMPLE });
  const split = splitAcrossProviders(resources, { file: SAMPLE });
  const clinicId = split.patient.clinic?.split('/')[1];
  const hospitalId = split.patient.hospital?.split('/')[1];
  if (!clinicId || !hospitalId) throw new Error('seed: the sample patient was not split across both sources');

  // The generator makes one allergy per ~670 resources, cycling through its five substances:
  // a throwaway record of 3,400 yields each of them once.
  const allergies = extras(clinicId, 3400, 103).filter((r) => r.resourceType === 'AllergyIntolerance');
  const room = Math.max(40, target - split.clinic.length - split.hospital.length - allergies.length);
  const clinicExtra = Math.round(room * 0.58);
  const bySource: Record<string, Resource[]> = {
    clinic: [...(split.clinic as Resource[]), ...extras(clinicId, clinicExtra + 1, 101), ...allergies],
    hospital: [...(split.hospital as Resource[]), ...extras(hospitalId, room - clinicExtra + 1, 102)],
  };

  const now = Date.now();
  const lastUpdated = new Date(now - 60_000).toISOString();
  // Seeded through the local store, as the sync engine writes (RecordStore offers hosts no applyPage).
  const store = await LocalRecordStore.open({ name: db, linkIdentifierSystems: [SSN_SYSTEM] });
  try {
    for (const source of SOURCES) {
      await store.addSource({ ...source });
      const rows = stamped(bySource[source.id]!, lastUpdated);
      for (let i = 0; i < rows.length; i += 500) {
        await store.applyPage(source.id, { upserts: rows.slice(i, i + 500) as never, fetchedAt: now - 60_000 });
      }
      // Synced a minute ago: the elements show no "not synced" or "stale" notice.
      await store.setSourceStatus(source.id, { status: 'ok' as never, lastSyncAt: new Date(now - 60_000).toISOString() });
    }
  } finally {
    store.close();
  }
  const all = [...bySource.clinic!, ...bySource.hospital!];
  const byType: Record<string, number> = {};
  for (const r of all) byType[r.resourceType] = (byType[r.resourceType] ?? 0) + 1;
  return {
    db,
    patient: `clinic/Patient/${clinicId}`,
    resources: all.length,
    bySource: { clinic: bySource.clinic!.length, hospital: bySource.hospital!.length },
    byType,
    ms: performance.now() - t0,
  };
}

const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

/**
 * Waits, update by update, until `painted` says the element shows data. Each time around: wait for
 * the element's pending update to finish, check, and if not ready wait for its shadow root to
 * change (a MutationObserver, not a poll: a loop on `updateComplete` alone would spin on
 * microtasks and starve the IndexedDB callbacks it is waiting for).
 */
async function untilPainted(
  el: HTMLElement & { updateComplete: Promise<unknown> },
  painted: Painted,
  t0: number,
  deadline: number,
): Promise<{ firstRenderMs: number; skeletonPainted: boolean; readyMs: number; rows: number; sample?: string }> {
  let firstRenderMs: number | undefined;
  let skeletonPainted = false;
  const root = el.shadowRoot;
  if (!root) throw new Error(`<${el.localName}> has no shadow root after connect`);
  for (;;) {
    await el.updateComplete;
    const state = painted(root);
    if (firstRenderMs === undefined) {
      firstRenderMs = performance.now() - t0;
      // Was the skeleton still there when the next frame started (so it was actually painted)?
      if (hasSkeleton(root)) void frame().then(() => (skeletonPainted ||= hasSkeleton(root)));
    }
    if (state.ready) return { firstRenderMs, skeletonPainted, readyMs: performance.now() - t0, rows: state.rows, sample: state.sample };
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        mo.disconnect();
        reject(new Error(`<${el.localName}> showed no data within the time limit; shadow root: ${root.innerHTML.replace(/<!--[^]*?-->/g, '').slice(0, 400)}`));
      }, Math.max(0, deadline - performance.now()));
      const mo = new MutationObserver(() => {
        mo.disconnect();
        clearTimeout(timer);
        resolve();
      });
      mo.observe(root, { childList: true, subtree: true, characterData: true, attributes: true });
    });
  }
}

interface MeasureResult {
  /** Appended → second animation frame after every element showed data. */
  ms: number;
  /** Appended → start of the frame that paints the data (first rAF): a lower bound of `ms`. */
  dataFrameMs: number;
  /** Reopening the store (not in `ms`). */
  openMs: number;
  elements: Record<string, { firstRenderMs: number; readyMs: number; skeletonPainted: boolean; rows: number; sample?: string }>;
}

/**
 * Reopens `db`, appends `<ehr-record-provider .store patient>` holding one element per tag,
 * and times it to the painted data state. The provider is removed and the store closed after.
 */
async function measure({ db, patient, tags, timeoutMs = 20_000 }: { db: string; patient: string; tags: string[]; timeoutMs?: number }): Promise<MeasureResult> {
  const o0 = performance.now();
  const store = await open(db);
  const openMs = performance.now() - o0;
  const host = document.createElement('div');
  document.body.append(host);
  try {
    // Marks in a Chromium trace (bench/paint-profile.mjs reads the timed window from them).
    console.timeStamp('paint:start');
    const t0 = performance.now();
    const provider = document.createElement('ehr-record-provider');
    provider.store = store;
    provider.patient = patient;
    const els = tags.map((tag) => {
      if (!PAINTED[tag]) throw new Error(`no "painted" rule for <${tag}>`);
      return provider.appendChild(document.createElement(tag)) as HTMLElement & { updateComplete: Promise<unknown> };
    });
    host.append(provider);
    const states = await Promise.all(els.map((el) => untilPainted(el, PAINTED[el.localName]!, t0, t0 + timeoutMs)));
    await frame();
    const dataFrameMs = performance.now() - t0;
    await frame();
    const ms = performance.now() - t0;
    console.timeStamp('paint:end');
    const elements: MeasureResult['elements'] = {};
    els.forEach((el, i) => (elements[el.localName] = states[i]!));
    return { ms, dataFrameMs, openMs, elements };
  } finally {
    host.remove();
    store.close();
  }
}

/**
 * The store's part of the timeline's first paint, alone: opening the store and its per-code
 * summary of the patient's Observations (what the timeline waits for before its first rows).
 */
async function timeSummary({ db, patient }: { db: string; patient: string }): Promise<{ openMs: number; summaryMs: number; codes: number }> {
  const o0 = performance.now();
  const store = await open(db);
  const openMs = performance.now() - o0;
  try {
    const t0 = performance.now();
    const summary = await store.codeSummary(patient as never, 'Observation');
    return { openMs, summaryMs: performance.now() - t0, codes: summary.length };
  } finally {
    store.close();
  }
}

async function deleteDatabase(db: string): Promise<void> {
  await LocalRecordStore.deleteDatabase(db);
}

/**
 * A laboratory history at scale for the timeline: `results` Observations spread evenly over
 * `codes` tests (a bench code system, not LOINC), one a week per test going back from now,
 * alternately at the two sources, with a reference range on each, one value in 25 outside it
 * and flagged, one in 40 a comparator value ("<0.5"). Deterministic.
 */
async function seedLabs({ db, results = 10_000, codes = 200 }: { db: string; results?: number; codes?: number }): Promise<SeedResult> {
  const t0 = performance.now();
  await LocalRecordStore.deleteDatabase(db);
  const patientId = 'lab-bench';
  const patient: Resource = {
    resourceType: 'Patient',
    id: patientId,
    identifier: [{ system: SSN_SYSTEM, value: '999-41-0412' }],
    name: [{ family: 'Bench', given: ['Lab'] }],
    gender: 'female',
    birthDate: '1961-04-12',
  } as Resource;
  const perCode = Math.ceil(results / codes);
  const week = 7 * 86_400_000;
  const end = Date.UTC(2026, 10, 30);
  const bySource: Record<string, Resource[]> = { clinic: [patient], hospital: [{ ...patient }] };
  let n = 0;
  for (let c = 0; c < codes && n < results; c++) {
    const low = 10 + (c % 7);
    const high = low + 20;
    for (let i = 0; i < perCode && n < results; i++, n++) {
      const out = n % 25 === 0;
      const comparator = !out && n % 40 === 7;
      const value = out ? high + 3 + (n % 5) : low + ((n * 37) % 200) / 10;
      const source = i % 2 ? 'hospital' : 'clinic';
      bySource[source]!.push({
        resourceType: 'Observation',
        id: `lab-${c}-${i}`,
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
        code: { coding: [{ system: 'https://bench.example.org/lab', code: `T${c}`, display: `Bench test ${c}` }], text: `Bench test ${c}` },
        subject: { reference: `Patient/${patientId}` },
        effectiveDateTime: new Date(end - i * week - c * 60_000).toISOString(),
        valueQuantity: { value: comparator ? low : value, ...(comparator ? { comparator: '<' } : {}), unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
        referenceRange: [{ low: { value: low, unit: 'mmol/L' }, high: { value: high, unit: 'mmol/L' } }],
        ...(out ? { interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' }] }] } : {}),
      } as Resource);
    }
  }
  const now = Date.now();
  const lastUpdated = new Date(now - 60_000).toISOString();
  const store = await LocalRecordStore.open({ name: db, linkIdentifierSystems: [SSN_SYSTEM] });
  try {
    for (const source of SOURCES) {
      await store.addSource({ ...source });
      const rows = stamped(bySource[source.id]!, lastUpdated);
      for (let i = 0; i < rows.length; i += 500) {
        await store.applyPage(source.id, { upserts: rows.slice(i, i + 500) as never, fetchedAt: now - 60_000 });
      }
      await store.setSourceStatus(source.id, { status: 'ok' as never, lastSyncAt: new Date(now - 60_000).toISOString() });
    }
  } finally {
    store.close();
  }
  return {
    db,
    // The two copies share an SSN, name, birth date and gender, so the store links them.
    patient: `clinic/Patient/${patientId}`,
    resources: n,
    bySource: { clinic: bySource.clinic!.length, hospital: bySource.hospital!.length },
    byType: { Observation: n },
    ms: performance.now() - t0,
  };
}

interface ScrollResult {
  frames: number;
  /** Frame intervals in ms (requestAnimationFrame to requestAnimationFrame) while scrolling. */
  medianFrameMs: number;
  p95FrameMs: number;
  fps: number;
  rowsSeen: number;
  lastRowIndex: number;
  heap: { startMB: number; peakMB: number; endMB: number } | null;
}

/**
 * Opens the timeline in grid view on `db` and scrolls its grid from top to bottom, `step` px per
 * animation frame, timing every frame; the JS heap (Chromium's `performance.memory`) is sampled
 * on the way.
 */
async function scrollGrid({ db, patient, step = 120 }: { db: string; patient: string; step?: number }): Promise<ScrollResult> {
  const store = await open(db);
  const host = document.createElement('div');
  document.body.append(host);
  const heap = () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
  try {
    const provider = document.createElement('ehr-record-provider');
    provider.store = store;
    provider.patient = patient;
    const el = provider.appendChild(document.createElement('ehr-lab-timeline')) as HTMLElement & { updateComplete: Promise<unknown>; view: string };
    el.view = 'grid';
    host.append(provider);
    await untilPainted(el, PAINTED['ehr-lab-timeline']!, performance.now(), performance.now() + 20_000);
    const scroller = el.shadowRoot!.querySelector<HTMLElement>('[part~="scroller"]')!;
    const start = heap();
    let peak = start ?? 0;
    const intervals: number[] = [];
    const seen = new Set<string>();
    let last = await frame();
    while (scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 1) {
      scroller.scrollTop += step;
      const t = await frame();
      intervals.push(t - last);
      last = t;
      for (const r of el.shadowRoot!.querySelectorAll('[role="row"][aria-rowindex]')) seen.add(r.getAttribute('aria-rowindex')!);
      const h = heap();
      if (h !== undefined && h > peak) peak = h;
      if (intervals.length > 5_000) break;
    }
    const sorted = [...intervals].sort((a, b) => a - b);
    const medianFrameMs = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const p95FrameMs = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
    const end = heap();
    const mb = (x: number) => Math.round((x / 1_048_576) * 10) / 10;
    return {
      frames: intervals.length,
      medianFrameMs,
      p95FrameMs,
      fps: medianFrameMs ? 1000 / medianFrameMs : 0,
      rowsSeen: seen.size,
      lastRowIndex: Math.max(0, ...[...seen].map(Number)),
      heap: start !== undefined && end !== undefined ? { startMB: mb(start), peakMB: mb(peak), endMB: mb(end) } : null,
    };
  } finally {
    host.remove();
    store.close();
  }
}

const api = { seed, seedLabs, measure, timeSummary, scrollGrid, deleteDatabase };
(window as unknown as { paint: typeof api }).paint = api;
document.title = 'paint ready';
