// @ts-check
/**
 * Where first paint's time goes: `node bench/paint.mjs --profile` builds the paint page for
 * production but unminified and with source maps, seeds the warm cache, warms up, then runs the
 * provider holding all three elements a few times
 * - under Chromium's tracing: the renderer main thread's CPU time (trace `tdur`, so time other
 *   processes took from it on a shared machine is left out), split by kind of work (script in
 *   tasks and microtasks, style, layout, paint; self time, children subtracted);
 * - under the V8 CPU profiler: script self time by source area (src/store, each element,
 *   src/fhir, Lit, Dexie...), found through the source map, and by function.
 * Prints the tables on stderr and writes bench/results/paint-trace.json and paint.cpuprofile.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildPaintPage, serveDir } from './paint-build.mjs';

const ALL = ['ehr-patient-banner', 'ehr-allergy-panel', 'ehr-medication-list'];

/** @param {number} x */
const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** @param {Map<string, number>} m @param {number} n @param {number} per divide every figure by this (runs) */
const top = (m, n, per) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${round(v / per).toString().padStart(7)} ms  ${k}`)
    .join('\n');

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes a source map's `mappings` to, per generated line, the segments [column, source index]
 * (sorted by column), which is all the attribution needs.
 * @param {string} mappings @returns {Array<Array<[number, number]>>}
 */
function decodeMappings(mappings) {
  /** @type {Array<Array<[number, number]>>} */
  const lines = [];
  let source = 0;
  for (const line of mappings.split(';')) {
    /** @type {Array<[number, number]>} */
    const segs = [];
    let col = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      /** @type {number[]} */
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      col += fields[0] ?? 0;
      if (fields.length >= 4) {
        source += fields[1] ?? 0;
        segs.push([col, source]);
      }
    }
    lines.push(segs);
  }
  return lines;
}

/**
 * The source files of every built chunk, by chunk file name, for `sourceOf`.
 * @param {string} dir @returns {Promise<Map<string, { sources: string[], lines: Array<Array<[number, number]>> }>>}
 */
async function loadMaps(dir) {
  const maps = new Map();
  const assets = path.join(dir, 'assets');
  for (const f of await readdir(assets)) {
    if (!f.endsWith('.js.map')) continue;
    const map = JSON.parse(await readFile(path.join(assets, f), 'utf8'));
    maps.set(f.slice(0, -'.map'.length), { sources: map.sources, lines: decodeMappings(map.mappings) });
  }
  return maps;
}

/** A source path as an area: `src/store`, `src/elements/medication-list`, `lit-html`, `dexie`... */
function areaOfSource(/** @type {string} */ source) {
  const s = source.replace(/\\/g, '/');
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(s);
  if (nm) return nm[1];
  const src = /(?:^|\/)(src\/elements\/[^/]+|src\/[^/]+|bench|demo)\//.exec(s);
  return src ? src[1] : s.replace(/^(\.\.\/)+/, '');
}

/**
 * @param {{ browser: import('playwright-core').Browser, runs?: number, lab?: boolean, log: (msg: string) => void }} options
 * `lab`: the lab timeline alone on its 10,000 results (`node bench/paint.mjs --profile --lab`).
 */
export async function profilePaint({ browser, runs = 3, lab = false, log }) {
  const tagsOf = lab ? ['ehr-lab-timeline'] : ALL;
  const built = await buildPaintPage({ minify: false, sourcemap: true });
  const maps = await loadMaps(built.dir);
  /** The source area of a position in a built chunk (0-based line and column, as V8 gives them). */
  const sourceOf = (/** @type {string} */ url, /** @type {number} */ line, /** @type {number} */ col) => {
    const map = maps.get(url.replace(/^.*\//, '').replace(/\?.*$/, ''));
    const segs = map?.lines[line];
    if (!map || !segs?.length) return undefined;
    let found = segs[0];
    for (const seg of segs) {
      if (seg[0] > col) break;
      found = seg;
    }
    return found ? map.sources[found[1]] : undefined;
  };
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
    const seeded = await call(lab ? 'seedLabs' : 'seed', { db });
    try {
      for (const tags of [...tagsOf.map((t) => [t]), tagsOf, tagsOf]) await call('measure', { db, patient: seeded.patient, tags });

      // Tracing and the CPU profiler together, over the same runs: both clocks are the browser's
      // monotonic clock in µs, so the trace's `paint:start`/`paint:end` marks (console.timeStamp
      // in bench/paint-page.ts) cut the timed windows out of both.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
      await cdp.send('Profiler.start');
      /** @type {number[]} */
      const walls = [];
      for (let i = 0; i < runs; i++) walls.push((await call('measure', { db, patient: seeded.patient, tags: tagsOf })).ms);
      const { profile } = await cdp.send('Profiler.stop');
      const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
      await cdp.detach();
      await mkdir(new URL('./results/', import.meta.url), { recursive: true });
      await writeFile(new URL('./results/paint-trace.json', import.meta.url), JSON.stringify(trace));
      await writeFile(new URL('./results/paint.cpuprofile', import.meta.url), JSON.stringify(profile));

      const events = /** @type {any[]} */ (trace.traceEvents ?? trace);
      const marks = events
        .filter((e) => e.name === 'TimeStamp' && /^paint:(start|end)$/.test(e.args?.data?.message ?? ''))
        .sort((a, b) => a.ts - b.ts);
      /** @type {Array<[number, number]>} */
      const windows = [];
      for (let i = 0; i < marks.length; i++) {
        if (marks[i].args.data.message === 'paint:start' && marks[i + 1]?.args.data.message === 'paint:end') windows.push([marks[i].ts, marks[i + 1].ts]);
      }
      if (windows.length !== runs) throw new Error(`profile: found ${windows.length} timed windows in the trace, expected ${runs}`);
      const inWindow = (/** @type {number} */ ts) => windows.some(([a, b]) => ts >= a && ts < b);
      const windowMs = windows.reduce((a, [s0, s1]) => a + (s1 - s0) / 1000, 0);
      const mainPid = marks[0].pid;
      const mainTid = marks[0].tid;
      // Self CPU per event name on the renderer main thread, inside the windows.
      const main = events.filter((e) => e.pid === mainPid && e.tid === mainTid && e.ph === 'X' && typeof e.dur === 'number');
      /** @type {Map<string, number>} */
      const selfCpu = new Map();
      let mainCpu = 0;
      /** @type {any[]} */
      const stack = [];
      for (const e of main.sort((a, b) => a.ts - b.ts || b.dur - a.dur)) {
        while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
        const parent = stack.at(-1);
        stack.push(e);
        if (!inWindow(e.ts)) continue;
        const cpu = (e.tdur ?? 0) / 1000;
        if (parent) selfCpu.set(parent.name, (selfCpu.get(parent.name) ?? 0) - cpu);
        else mainCpu += cpu;
        selfCpu.set(e.name, (selfCpu.get(e.name) ?? 0) + cpu);
      }
      log(
        `provider with all three, ${runs} runs under tracing and the profiler: ${walls.map((x) => round(x, 0)).join(', ')} ms wall ` +
          `(${round(windowMs / runs)} ms per run between the marks); renderer main thread CPU in them ${round(mainCpu / runs)} ms per run.\n` +
          `By kind (self CPU; FunctionCall / RunMicrotasks / RunTask: script, IndexedDB callbacks and the task work around them):\n${top(selfCpu, 12, runs)}`,
      );

      /** @type {Map<number, number>} */
      const self = new Map();
      const ids = profile.samples ?? [];
      const deltas = profile.timeDeltas ?? [];
      let ts = profile.startTime;
      for (let i = 0; i < ids.length; i++) {
        ts += deltas[i] ?? 0;
        const next = i + 1 < ids.length ? (deltas[i + 1] ?? 0) / 1000 : 0;
        if (inWindow(ts)) self.set(ids[i], (self.get(ids[i]) ?? 0) + next);
      }
      /** @type {Map<number, any>} */
      const nodes = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
      /** @type {Map<number, number>} */
      const parentOf = new Map();
      for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
      /** A node's area; a native function (no URL) counts for the script that called it. */
      const areaOf = (/** @type {number} */ id) => {
        for (let cur = /** @type {number | undefined} */ (id); cur !== undefined; cur = parentOf.get(cur)) {
          const f = nodes.get(cur).callFrame;
          if (f.url) {
            const source = sourceOf(f.url, f.lineNumber, f.columnNumber);
            return source ? areaOfSource(source) : f.url.replace(/^https?:\/\/[^/]+/, '');
          }
          if (cur === id && /^\((program|idle|garbage collector|root)\)$/.test(f.functionName)) return f.functionName;
        }
        return '(native, no script caller)';
      };
      /** @type {Map<string, number>} */
      const byArea = new Map();
      /** @type {Map<string, number>} */
      const byFn = new Map();
      for (const [id, ms] of self) {
        const area = areaOf(id);
        byArea.set(area, (byArea.get(area) ?? 0) + ms);
        const f = nodes.get(id).callFrame;
        const source = f.url ? sourceOf(f.url, f.lineNumber, f.columnNumber) : undefined;
        const where = source ? source.replace(/^(\.\.\/)+/, '').replace(/^.*node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/') : `native, from ${area}`;
        const key = `${f.functionName || '(anonymous)'}  ${where}`;
        byFn.set(key, (byFn.get(key) ?? 0) + ms);
      }
      log(
        `CPU profile samples in the same windows, self time per run; a native call counts for the area that made it; ` +
          `"(program)" is the browser's own work on the thread outside script (task and IPC handling, IndexedDB results), "(idle)" waiting:\n` +
          `by area:\n${top(byArea, 16, runs)}\nby function:\n${top(byFn, 30, runs)}`,
      );
    } finally {
      await call('deleteDatabase', db).catch(() => undefined);
    }
  } finally {
    await page.close();
    await server.close();
    await built.remove();
  }
}
