// @ts-check
/**
 * `npm run bench` — record store / sync benchmarks in Chromium. See bench/README.md.
 *
 *   node bench/run.mjs           full run (10,000-resource patient, 3 runs, 100,000 cached rows)
 *   node bench/run.mjs --quick   smoke run (500 resources, 1 run, 5,000 cached rows)
 *   node bench/run.mjs --profile a cold sync and an Observation search under the CPU profiler:
 *                                top functions on stderr, bench/results/*.cpuprofile (DevTools)
 *   node bench/run.mjs --warm-only  only the incremental syncs with nothing changed (5 runs each),
 *                                with where their time goes; add --profile for one under the profiler
 *
 * Prints a JSON array of results on stdout (progress goes to stderr) and writes it to
 * bench/results/latest.json. A missed target is reported in the JSON, never as a failed exit.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { startFhirServer } from '../demo/fhir-server/server.mjs';
import { chromiumArgs, findChromium } from '../test/support/chromium.mjs';
import { amendObservations, syntheticPatient } from './synthetic-patient.mjs';
import { runPaintBench } from './paint.mjs';
import { benchEnv } from './env.mjs';
import { markdownTable } from './table.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const profile = process.argv.includes('--profile');
const warmOnly = process.argv.includes('--warm-only');
const config = quick
  ? { total: 500, runs: 1, changed: 100, queryPatients: 5, queryPerPatient: 1_000, queryRepeat: 2, historyChanges: 2_000, icu: 2_000, morning: { patients: 3, each: 100 } }
  : { total: 10_000, runs: 5, changed: 100, queryPatients: 10, queryPerPatient: 10_000, queryRepeat: 5, historyChanges: 100_000, icu: 50_000, morning: { patients: 50, each: 500 } };
/** `--total N` / `--runs N` override the size of the main patient and the rounds (to look into one figure). */
for (const key of /** @type {const} */ (['total', 'runs'])) {
  const at = process.argv.indexOf(`--${key}`);
  if (at > 0) config[key] = Number(process.argv[at + 1]);
}
/**
 * `--morning-patients N`: the clinic's list at another length. The default full run syncs 50: on
 * a base of 200 × 500 resources the local server's `$everything` (a Medplum search per compartment
 * parameter over every stored resource) takes seconds per patient, and the list then measures
 * the stand-in server rather than the client (bench/README.md).
 */
const morningAt = process.argv.indexOf('--morning-patients');
if (morningAt > 0) config.morning.patients = Number(process.argv[morningAt + 1]);
/** Cold sync ÷ the ceiling (issue 8 §3). */
const TARGET_RATIO = 0.85;

/** @param {string} msg */
const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** @param {number} x */
const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function main() {
  const started = Date.now();
  const patient = syntheticPatient({ total: config.total, seed: 7 });
  // The two scales of issue 8 §3: a long ICU stay (one patient of `config.icu` resources) and a
  // clinic's morning list (`morning.patients` patients of `morning.each`), each on its own base.
  const icu = syntheticPatient({ total: config.icu, seed: 11 });
  const morning = Array.from({ length: config.morning.patients }, (_, i) => syntheticPatient({ total: config.morning.each, seed: 5_000 + i }));
  log(`loading the server: ${patient.resources.length} + ${icu.resources.length} + ${config.morning.patients} × ${config.morning.each} resources`);
  const fhir = await startFhirServer({
    port: 0,
    bases: [
      { id: 'bench', label: 'Bench', resources: patient.resources },
      { id: 'icu', label: 'ICU', resources: icu.resources },
      { id: 'clinic', label: 'Clinic', resources: morning.flatMap((m) => m.resources) },
    ],
  });
  const base = fhir.base('bench');
  /** @type {import('vite').ViteDevServer | undefined} */
  let vite;
  /** @type {import('playwright-core').Browser | undefined} */
  let browser;
  try {
    vite = await createServer({
      configFile: false,
      root,
      logLevel: 'silent',
      clearScreen: false,
      // No watching and no HMR: a file saved elsewhere in the tree must not reload the page mid-run.
      server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
      optimizeDeps: { entries: ['bench/pages/bench.html', 'bench/pages/paint.html'], include: ['dexie'] },
    });
    await vite.listen();
    const address = vite.httpServer?.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    // The bench pages call the FHIR server from this origin; it answers CORS for no other.
    fhir.allowOrigin(`http://127.0.0.1:${port}`);
    browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${port}/bench/pages/bench.html`);
    await page.waitForFunction(() => 'bench' in window, null, { timeout: 60_000 });
    /**
     * Calls `window.bench[name](arg)` in the page.
     * @param {string} name @param {unknown} [arg] @returns {Promise<any>}
     */
    const call = (name, arg) =>
      page.evaluate(([n, a]) => /** @type {any} */ (window).bench[/** @type {string} */ (n)](a), /** @type {[string, unknown]} */ ([name, arg]));
    await call('deleteAll');

    const env = benchEnv(browser, quick);
    const syncArgs = (/** @type {string} */ db) => ({ db, baseUrl: base.url, patientId: patient.patientId });

    // Warm-up (not measured): loads every module, warms the JIT and the server, and tells us the
    // exact URLs a cold sync asks for — the ceiling fetches the same ones.
    log(`patient of ${patient.resources.length} resources; warm-up sync`);
    base.clearRequests();
    await call('sync', syncArgs('warmup'));
    // Every request, `metadata` included, in the order the sync made them.
    const urls = base.requests.filter((r) => r.method === 'GET').map((r) => `${fhir.url}${r.url}`);
    await call('deleteDatabase', 'warmup');

    if (warmOnly) {
      const results = await warmRuns(call, base, syncArgs, page, env);
      process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      return;
    }

    if (profile) {
      await profileCall(page, 'cold sync', 'cold-sync', () => call('sync', syncArgs('profile')));
      await profileCall(page, 'ceiling (overlapped, the store\'s rows and indexes)', 'ceiling', () =>
        call('ceiling', { db: 'profile-ceiling', urls, overlap: true, rows: true, baseUrl: base.url }),
      );
      await profileCall(page, 'bare ceiling (overlapped, no indexes)', 'ceiling-bare', () => call('ceiling', { db: 'profile-ceiling-bare', urls, overlap: true }));
      const filled = await call('fill', { db: 'profile-query', patients: 1, perPatient: 10_000 });
      await profileCall(page, 'Observation search', 'query', () =>
        call('query', { db: 'profile-query', patient: filled.patients[0], type: 'Observation', repeat: 3 }),
      );
      await call('deleteAll');
      return;
    }

    const cold = [];
    /** @type {Array<{ ms: number, resources: number, rate: number }>} */
    const ceiling = [];
    /** @type {typeof ceiling} */
    const sequential = [];
    /** @type {typeof ceiling} */
    const bare = [];
    const warm0 = [];
    const warm100 = [];
    for (let run = 0; run < config.runs; run++) {
      const db = `cold-${run}`;
      // Rotate the order so no side always runs on a warmer server/browser.
      // ceiling: the same work as the engine (its rows, its indexes), overlapped as it is;
      // sequential: the same without read-ahead; bare: overlapped, resources without indexes.
      const sides = ['cold', 'ceiling', 'sequential', 'bare'];
      const order = [...sides.slice(run % sides.length), ...sides.slice(0, run % sides.length)];
      for (const what of order) {
        if (what === 'cold') {
          base.clearRequests();
          const r = await call('sync', syncArgs(db));
          cold.push({ ...r, requests: base.requests.length, rate: r.downloaded / (r.ms / 1000) });
        } else {
          const r = await call('ceiling', { db: `raw-${run}`, urls, overlap: what !== 'sequential', rows: what !== 'bare', baseUrl: base.url });
          (what === 'ceiling' ? ceiling : what === 'bare' ? bare : sequential).push({ ...r, rate: r.resources / (r.ms / 1000) });
          await call('deleteDatabase', `raw-${run}`);
        }
      }
      const w0 = await call('sync', syncArgs(db));
      warm0.push(w0);
      base.seed(amendObservations(patient.resources, config.changed, run));
      const w100 = await call('sync', syncArgs(db));
      warm100.push(w100);
      await call('deleteDatabase', db);
      log(
        `run ${run + 1}/${config.runs}: cold ${round(cold.at(-1).rate, 0)}/s (${round(cold.at(-1).ms, 0)} ms, ${cold.at(-1).downloaded} rows, ${cold.at(-1).requests} requests), ` +
          `ceiling ${round(ceiling[run]?.rate ?? NaN, 0)}/s (sequential ${round(sequential[run]?.rate ?? NaN, 0)}/s, bare ${round(bare[run]?.rate ?? NaN, 0)}/s), warm ${round(w0.ms, 0)} ms, warm+${config.changed} ${round(w100.ms, 0)} ms (${w100.downloaded} new)`,
      );
    }

    log('incremental syncs with nothing changed (a store opened for the sync, and one kept open)');
    const warmZero = await warmRuns(call, base, syncArgs, page, env, config.runs);

    // Query time with many rows cached (no server).
    log(`filling a store with ${config.queryPatients} × ${config.queryPerPatient} resources`);
    const filled = await call('fill', { db: 'query', patients: config.queryPatients, perPatient: config.queryPerPatient });
    log(`filled ${filled.written} rows in ${round(filled.ms, 0)} ms`);
    const qObs = await call('query', { db: 'query', patient: filled.patients[0], type: 'Observation', repeat: config.queryRepeat });
    const qAllergy = await call('query', { db: 'query', patient: filled.patients[0], type: 'AllergyIntolerance', repeat: config.queryRepeat });
    const qCond = await call('query', { db: 'query', patient: filled.patients[0], type: 'Condition', repeat: config.queryRepeat });
    const qCodes = await call('codeQueries', { db: 'query', patient: filled.patients[0], type: 'Observation', repeat: config.queryRepeat });
    log(`code queries: ${qCodes.codes} codes over ${qCodes.rows} Observations; cold ${round(qCodes.coldMs, 1)} ms, summary ${round(median(qCodes.summaryRuns), 1)} ms, window ${round(median(qCodes.windowRuns), 1)} ms`);
    await call('deleteDatabase', 'query');

    // The scales come after the queries: Chromium keeps every database of an origin in one
    // LevelDB, and the space of the large databases deleted here is reclaimed only later, which
    // would slow the query figures.
    // The scales. Peak JS heap is sampled through the DevTools protocol while the sync runs,
    // after a forced garbage collection (the baseline).
    log(`a ${icu.resources.length}-resource patient (long ICU stay)`);
    const icuRun = await withPeakHeap(page, () => call('sync', { db: 'icu', baseUrl: fhir.base('icu').url, patientId: icu.patientId }));
    await call('deleteDatabase', 'icu');
    log(`  ${round(icuRun.result.downloaded / (icuRun.result.ms / 1000), 0)}/s, ${round(icuRun.result.ms, 0)} ms, peak heap ${round(icuRun.peakBytes / 1e6)} MB (baseline ${round(icuRun.baselineBytes / 1e6)} MB)`);
    log(`${morning.length} patients of ${config.morning.each} resources one after another (a clinic's morning list)`);
    await call('deleteAll');
    fhir.base('clinic').clearRequests();
    const list = await call('syncMany', { db: 'morning', baseUrl: fhir.base('clinic').url, patientIds: morning.map((m) => m.patientId) });
    // The local server's own handling time (its request log), to tell its cost from the client's.
    const morningServerMs = fhir.base('clinic').requests.reduce((n, r) => n + (/** @type {{ ms?: number }} */ (r).ms ?? 0), 0);
    await call('deleteDatabase', 'morning');
    log(`  ${round(list.ms / 1000)} s in all (the server's handling ${round(morningServerMs / 1000)} s), median ${round(median(list.perPatient), 0)} ms per patient, ${round(list.usageBytes / 1e6)} MB on disk`);

    const coldRate = median(cold.map((c) => c.rate));
    const ceilingRate = median(ceiling.map((c) => c.rate));
    const sequentialRate = median(sequential.map((c) => c.rate));
    const bareRate = median(bare.map((c) => c.rate));
    const ratio = coldRate / ceilingRate;
    const cached = filled.written;
    /** @type {Array<{ name: string, unit: string, value: number, runs: number[], [key: string]: unknown }>} */
    const results = [
      {
        name: 'cold-sync',
        unit: 'resources/s',
        value: round(coldRate),
        ceiling: round(ceilingRate),
        ratio: round(ratio, 3),
        target: TARGET_RATIO,
        pass: ratio >= TARGET_RATIO,
        sequentialCeiling: round(sequentialRate),
        ratioToSequential: round(coldRate / sequentialRate, 3),
        bareCeiling: round(bareRate),
        ratioToBare: round(coldRate / bareRate, 3),
        runs: cold.map((c) => round(c.rate)),
        ceilingRuns: ceiling.map((c) => round(c.rate)),
        sequentialRuns: sequential.map((c) => round(c.rate)),
        bareRuns: bare.map((c) => round(c.rate)),
        detail: {
          resources: median(cold.map((c) => c.downloaded)),
          ms: cold.map((c) => round(c.ms)),
          ceilingMs: ceiling.map((c) => round(c.ms)),
          sequentialMs: sequential.map((c) => round(c.ms)),
          bareMs: bare.map((c) => round(c.ms)),
          requests: median(cold.map((c) => c.requests)),
          requestsInCeiling: urls.length,
        },
        env,
      },
      {
        name: `warm-sync-${config.changed}-changed`,
        unit: 'ms',
        value: round(median(warm100.map((w) => w.ms))),
        runs: warm100.map((w) => round(w.ms)),
        detail: { downloaded: warm100.map((w) => w.downloaded), rows: median(warm100.map((w) => w.rows)) },
        env,
      },
      ...[
        ['query-observations', qObs],
        ['query-allergies', qAllergy],
        ['query-conditions', qCond],
      ].map(([name, q]) => ({
        name: /** @type {string} */ (name),
        unit: 'ms',
        value: round(median(q.runs), 2),
        runs: q.runs.map((/** @type {number} */ x) => round(x, 2)),
        detail: { rows: q.rows, cached, fillMs: round(filled.ms), fillRate: round(cached / (filled.ms / 1000)) },
        env,
      })),
      // Targets of issue 8 §4 (with ~100,000 resources cached and a 10,000-resource patient).
      ...[
        ['code-summary', median(qCodes.summaryRuns), qCodes.summaryRuns, 30],
        ['code-window-100', median(qCodes.windowRuns), qCodes.windowRuns, 10],
        ['code-window-100-one-code-older', qCodes.codeWindowRuns.length ? median(qCodes.codeWindowRuns) : NaN, qCodes.codeWindowRuns, 10],
        ['code-summary-and-window-cold', qCodes.coldMs, [qCodes.coldMs], 50],
      ]
        // A record too small to have an older window of one code (the quick run) has no figure for it.
        .filter(([, , runs]) => /** @type {number[]} */ (runs).length > 0)
        .map(([name, value, runs, target]) => ({
        name: /** @type {string} */ (name),
        unit: 'ms',
        value: round(/** @type {number} */ (value), 2),
        target,
        pass: /** @type {number} */ (value) <= /** @type {number} */ (target),
        runs: /** @type {number[]} */ (runs).map((x) => round(x, 2)),
        detail: { codes: qCodes.codes, observations: qCodes.rows, windowRows: qCodes.windowRows, cached },
        env,
      })),
    ];
    const perPatient = [...list.perPatient].sort((a, b) => a - b);
    results.splice(1, 0, ...warmZero);
    results.push(
      {
        name: 'cold-sync-50k',
        unit: 'resources/s',
        value: round(icuRun.result.downloaded / (icuRun.result.ms / 1000)),
        runs: [round(icuRun.result.downloaded / (icuRun.result.ms / 1000))],
        peakHeapMB: round(icuRun.peakBytes / 1e6),
        detail: {
          resources: icuRun.result.downloaded,
          ms: round(icuRun.result.ms),
          baselineHeapMB: round(icuRun.baselineBytes / 1e6),
          heapSamples: icuRun.samples,
        },
        env,
      },
      {
        name: 'morning-list',
        unit: 's',
        value: round(list.ms / 1000, 2),
        runs: [round(list.ms / 1000, 2)],
        storeMB: round(list.usageBytes / 1e6),
        detail: {
          patients: morning.length,
          resourcesEach: config.morning.each,
          downloaded: list.downloaded,
          perPatientMedianMs: round(median(perPatient)),
          perPatientP95Ms: round(perPatient[Math.min(perPatient.length - 1, Math.floor(perPatient.length * 0.95))] ?? NaN),
          usageBytes: list.usageBytes,
          serverMs: round(morningServerMs),
          requests: fhir.base('clinic').requests.length,
        },
        env,
      },
    );
    log('first paint of each element from a warm cache');
    results.push(...(await runPaintBench({ browser, devBaseUrl: quick ? undefined : `http://127.0.0.1:${port}`, runs: quick ? 1 : 5, log, env })));
    log(`memory of an incremental sync while _history holds ${config.historyChanges} changes of other patients (bench/history-heap.mjs)`);
    results.push(...(await historyHeap(config.historyChanges, env)));
    const json = JSON.stringify(results, null, 2);
    process.stdout.write(`${json}\n`);
    await mkdir(new URL('./results/', import.meta.url), { recursive: true });
    await writeFile(new URL('./results/latest.json', import.meta.url), `${json}\n`);
    process.stderr.write(`\n${markdownTable(results)}\n\n`);
    log(`done in ${round((Date.now() - started) / 1000)} s; cold/ceiling = ${round(ratio, 3)}, cold/sequential = ${round(coldRate / sequentialRate, 3)} (target ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'pass' : 'MISS'})`);
  } finally {
    await browser?.close();
    await vite?.close();
    await fhir.close();
  }
}

/** Targets for an incremental sync with nothing changed (issue 8 §3), ms. */
const WARM_TARGET_MS = 250;
const WARM_OPEN_STORE_TARGET_MS = 150;

/**
 * Where the time of one sync went: each request as the page saw it (`pageMs`, from Resource
 * Timing: queueing, connection, server, transfer) next to the server's own handling time
 * (`serverMs`, from its request log); `waitMs` is the time at least one request was in flight,
 * `clientMs` the rest of the sync (our JavaScript, Dexie, IndexedDB). Opening the store is apart.
 * @param {{ ms: number, openMs: number, requests: Array<{ url: string, startMs: number, ms: number }> }} r
 * @param {Array<{ url: string, ms?: number, method: string }>} logged the server's log of the same requests
 */
function breakdown(r, logged) {
  const server = logged.filter((e) => e.method === 'GET');
  const requests = r.requests.map((q) => {
    const path = q.url.replace(/\?.*$/, '');
    const i = server.findIndex((e) => e.url.endsWith(q.url) || decodeURIComponent(e.url).endsWith(decodeURIComponent(q.url)));
    const s = i >= 0 ? server.splice(i, 1)[0] : undefined;
    return { path, startMs: round(q.startMs), pageMs: round(q.ms), serverMs: s?.ms };
  });
  // Time with at least one request in flight (intervals merged).
  const spans = r.requests.map((q) => [q.startMs, q.startMs + q.ms]).sort((a, b) => a[0] - b[0]);
  let waitMs = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    waitMs += b - Math.max(a, end);
    end = b;
  }
  const serverMs = requests.reduce((n, q) => n + (q.serverMs ?? 0), 0);
  return { openMs: round(r.openMs), syncMs: round(r.ms), waitMs: round(waitMs), serverMs: round(serverMs), clientMs: round(r.ms - waitMs), requests };
}

/**
 * The two incremental syncs with nothing changed: a store opened for the sync (what a page load
 * costs: open, `metadata`, sync) and one kept open from the sync before (what a host that stays
 * open costs). One cold sync first; then `runs` rounds of both, the second right after the first,
 * in the same store.
 * @param {(name: string, arg?: unknown) => Promise<any>} call
 * @param {import('../demo/fhir-server/server.mjs').FhirBase} base
 * @param {(db: string) => { db: string, baseUrl: string, patientId: string }} syncArgs
 * @param {import('playwright-core').Page} page
 * @param {unknown} env
 * @param {number} [runs]
 */
async function warmRuns(call, base, syncArgs, page, env, runs = 5) {
  const db = 'warm-only';
  await call('sync', syncArgs(db));
  /** @type {any[]} */
  const fresh = [];
  /** @type {any[]} */
  const open = [];
  for (let i = 0; i < runs; i++) {
    base.clearRequests();
    const a = await call('sync', { ...syncArgs(db), keepOpen: true, reopen: true });
    fresh.push({ ms: a.openMs + a.ms, downloaded: a.downloaded, ...breakdown(a, base.requests) });
    base.clearRequests();
    const b = await call('sync', { ...syncArgs(db), keepOpen: i < runs - 1 || profile });
    open.push({ ms: b.ms, downloaded: b.downloaded, ...breakdown(b, base.requests) });
    log(`warm run ${i + 1}/${runs}: open+sync ${round(fresh.at(-1).ms, 0)} ms, store open ${round(open.at(-1).ms, 0)} ms`);
  }
  if (profile) {
    await profileCall(page, 'warm sync, store open', 'warm-sync', () => call('sync', syncArgs(db)));
  }
  await call('deleteDatabase', db);
  const entry = (/** @type {string} */ name, /** @type {any[]} */ list, /** @type {number} */ target) => {
    const value = median(list.map((w) => w.ms));
    const mid = [...list].sort((x, y) => x.ms - y.ms)[Math.floor(list.length / 2)];
    return {
      name,
      unit: 'ms',
      value: round(value),
      target,
      pass: value <= target,
      runs: list.map((w) => round(w.ms)),
      detail: { downloaded: list.map((w) => w.downloaded), median: mid, runs: list.map(({ requests, ...rest }) => rest) },
      env,
    };
  };
  return [entry('warm-sync-0-changed', fresh, WARM_TARGET_MS), entry('warm-sync-0-changed.open-store', open, WARM_OPEN_STORE_TARGET_MS)];
}

/**
 * `bench/history-heap.mjs` in its own process (it needs a Node heap of its own size): its JSON
 * entries, with this run's environment added.
 * @param {number} changes
 * @param {Record<string, unknown>} env
 * @returns {Promise<Array<{ name: string, unit: string, value: number, runs: number[], [key: string]: unknown }>>}
 */
async function historyHeap(changes, env) {
  const script = fileURLToPath(new URL('./history-heap.mjs', import.meta.url));
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, '--changes', String(changes)], { maxBuffer: 16 * 1024 * 1024 });
  for (const line of stderr.split('\n').filter(Boolean)) log(`  ${line}`);
  /** @type {Array<{ name: string, unit: string, value: number, runs?: number[], [key: string]: unknown }>} */
  const entries = JSON.parse(stdout);
  return entries.map((e) => ({ ...e, runs: e.runs ?? [e.value], env: { ...env, ...(/** @type {object} */ (e.env) ?? {}) } }));
}

/**
 * Runs `task` (a call into the page) while sampling the page's JS heap every 50 ms through the
 * DevTools protocol; the baseline is taken after a forced garbage collection.
 * @template T
 * @param {import('playwright-core').Page} page
 * @param {() => Promise<T>} task
 * @returns {Promise<{ result: T, peakBytes: number, baselineBytes: number, samples: number }>}
 */
async function withPeakHeap(page, task) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const baselineBytes = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    let peakBytes = baselineBytes;
    let samples = 0;
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const { usedSize } = await cdp.send('Runtime.getHeapUsage');
        peakBytes = Math.max(peakBytes, usedSize);
        samples++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      const result = await task();
      return { result, peakBytes, baselineBytes, samples };
    } finally {
      done = true;
      await sampler;
    }
  } finally {
    await cdp.detach();
  }
}

/**
 * Runs `task` (a call into the page) under the V8 CPU profiler. Time the page spends waiting
 * (network, IndexedDB in the browser process) shows as "(idle)"/"(program)"; the rest is our
 * JavaScript and Dexie's.
 * @param {import('playwright-core').Page} page
 * @param {string} label
 * @param {string} file
 * @param {() => Promise<any>} task
 */
async function profileCall(page, label, file, task) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const t0 = Date.now();
  await task();
  const wallMs = Date.now() - t0;
  const { profile: prof } = await cdp.send('Profiler.stop');
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL(`./results/${file}.cpuprofile`, import.meta.url), JSON.stringify(prof));
  const dt = new Map();
  const ids = prof.samples ?? [];
  const deltas = prof.timeDeltas ?? [];
  for (let i = 0; i < ids.length; i++) dt.set(ids[i], (dt.get(ids[i]) ?? 0) + (deltas[i] ?? 0) / 1000);
  /** @type {Map<string, number>} */
  const byFn = new Map();
  /** @type {Map<string, number>} */
  const byArea = new Map();
  let totalMs = 0;
  for (const node of prof.nodes) {
    const ms = dt.get(node.id) ?? 0;
    if (!ms) continue;
    totalMs += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '');
    const area = !url ? functionName || '(native)' : /dexie/.test(url) ? 'dexie' : /\/src\/store\//.test(url) ? 'src/store' : /\/src\/sync\//.test(url) ? 'src/sync' : file;
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
  }
  const top = (/** @type {Map<string, number>} */ m, /** @type {number} */ n) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${round(v, 0).toString().padStart(7)} ms  ${k}`).join('\n');
  log(`${label}: ${wallMs} ms; sampled ${round(totalMs, 0)} ms\nby area:\n${top(byArea, 12)}\nby function (self time):\n${top(byFn, 30)}`);
}

main().catch((error) => {
  process.stderr.write(`[bench] failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
