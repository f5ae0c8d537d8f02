// @ts-check
/**
 * Where first paint's time goes: `node bench/paint.mjs --profile` builds the paint page for
 * production but unminified (readable function names), seeds the warm cache, warms up, then runs
 * the provider with all three elements a few times under Chromium's tracing (main-thread work by
 * kind: script, style, layout, paint) and the V8 CPU profiler (script time by area and function).
 * Prints the tables on stderr and writes bench/results/paint.cpuprofile and paint-trace.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { buildPaintPage, serveDir } from './paint-build.mjs';

const ALL = ['ehr-patient-banner', 'ehr-allergy-panel', 'ehr-medication-list'];

/** @param {number} x */
const round = (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * @param {Map<string, number>} m @param {number} n @param {number} [per] divide by (runs)
 */
const top = (m, n, per = 1) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${round(v / per, 1).toString().padStart(7)} ms  ${k}`)
    .join('\n');

/** Which part of the bundle a (non-minified) module URL or function belongs to. */
function areaOf(/** @type {string} */ url, /** @type {string} */ fn) {
  if (!url) return fn || '(native)';
  return '(bundle)';
}

/**
 * @param {{ browser: import('playwright-core').Browser, runs?: number, log: (msg: string) => void }} options
 */
export async function profilePaint({ browser, runs = 3, log }) {
  const built = await buildPaintPage({ minify: false });
  const server = await serveDir(built.dir);
  const page = await browser.newPage();
  page.on('pageerror', (e) => log(`paint page error: ${e.message}`));
  try {
    await page.goto(`${server.url}/bench/pages/paint.html`);
    await page.waitForFunction(() => 'paint' in window, null, { timeout: 60_000 });
    /** @param {string} name @param {unknown} [arg] @returns {Promise<any>} */
    const call = (name, arg) =>
      page.evaluate(([n, a]) => /** @type {any} */ (window).paint[/** @type {string} */ (n)](a), /** @type {[string, unknown]} */ ([name, arg]));
    const db = `paint-profile-${Date.now().toString(36)}`;
    const seeded = await call('seed', { db });
    try {
      for (const tags of [...ALL.map((t) => [t]), ALL, ALL]) await call('measure', { db, patient: seeded.patient, tags });

      // Main-thread work by trace event, top-level events only (their durations include children).
      await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'] });
      /** @type {any[]} */
      const measured = [];
      for (let i = 0; i < runs; i++) measured.push(await call('measure', { db, patient: seeded.patient, tags: ALL }));
      const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
      await mkdir(new URL('./results/', import.meta.url), { recursive: true });
      await writeFile(new URL('./results/paint-trace.json', import.meta.url), JSON.stringify(trace));
      const events = /** @type {any[]} */ (trace.traceEvents ?? trace);
      const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
      /** @type {Map<string, number>} */
      const byKind = new Map();
      /** @type {Array<[number, number]>} */
      const spans = [];
      for (const e of events) {
        if (e.pid !== main?.pid || e.tid !== main?.tid || e.ph !== 'X' || typeof e.dur !== 'number') continue;
        spans.push([e.ts, e.ts + e.dur]);
        byKind.set(e.name, (byKind.get(e.name) ?? 0) + e.dur / 1000);
      }
      log(
        `provider with all three, ${runs} runs: ${measured.map((m) => round(m.ms)).join(', ')} ms\n` +
          `main-thread trace events (ms per run; nested events counted in their parents too):\n${top(byKind, 20, runs)}`,
      );

      // Script time by function (self time), from the V8 sampling profiler.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
      const t0 = Date.now();
      for (let i = 0; i < runs; i++) await call('measure', { db, patient: seeded.patient, tags: ALL });
      const wallMs = Date.now() - t0;
      const { profile } = await cdp.send('Profiler.stop');
      await writeFile(new URL('./results/paint.cpuprofile', import.meta.url), JSON.stringify(profile));
      const dt = new Map();
      const ids = profile.samples ?? [];
      const deltas = profile.timeDeltas ?? [];
      for (let i = 0; i < ids.length; i++) dt.set(ids[i], (dt.get(ids[i]) ?? 0) + (deltas[i] ?? 0) / 1000);
      /** @type {Map<string, number>} */
      const byFn = new Map();
      /** @type {Map<string, number>} */
      const byArea = new Map();
      for (const node of profile.nodes) {
        const ms = dt.get(node.id) ?? 0;
        if (!ms) continue;
        const { functionName, url, lineNumber } = node.callFrame;
        const area = areaOf(url, functionName);
        byArea.set(area, (byArea.get(area) ?? 0) + ms);
        const key = `${functionName || '(anonymous)'} ${url.replace(/^https?:\/\/[^/]+/, '')}:${lineNumber + 1}`;
        byFn.set(key, (byFn.get(key) ?? 0) + ms);
      }
      log(`CPU profile, ${runs} runs in ${wallMs} ms (ms per run):\n${top(byArea, 8, runs)}\nby function (self time):\n${top(byFn, 40, runs)}`);
      await cdp.detach();
    } finally {
      await call('deleteDatabase', db).catch(() => undefined);
    }
  } finally {
    await page.close();
    await server.close();
    await built.remove();
  }
}
