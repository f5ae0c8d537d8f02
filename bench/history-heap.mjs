// @ts-check
/**
 * Peak JS heap of an incremental sync while the server's `_history` holds many changes of other
 * patients (issue 8 §2: memory bounded by the patient's changes, not the server's traffic).
 *
 *   node bench/history-heap.mjs                 # 100,000 other changes
 *   node bench/history-heap.mjs --changes 10000 # a smaller run
 *
 * The local FHIR server runs here with a 2,000-resource synthetic patient; the client (RecordStore
 * on fake-indexeddb, the real sync engine) runs in a child Node process with `--expose-gc`, a 1 MB
 * young generation and a 48 MB old generation (`--max-old-space-size=48`): with a roomy heap V8
 * collects lazily and `heapUsed` mostly shows garbage not yet collected; with a tight one, only
 * what the sync keeps alive can push the peak up, and a sync that keeps the server's traffic runs
 * out of memory (reported as a failure). `BENCH_NODE_FLAGS` adds or overrides flags. Steps: a cold
 * sync (unmeasured), then an incremental sync after 20 of the patient's Observations changed (the
 * control), then another after 20 more changed AND N Observations of 500 other patients were
 * written (all in `_history?_since=`). Prints one JSON entry like `run.mjs`'s: `value` is the peak
 * `heapUsed` of the second incremental sync, `detail.control` the first's. Target: within 16 MB of
 * the control.
 */
import { fork } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startFhirServer } from '../demo/fhir-server/server.mjs';
import { amendObservations, syntheticPatient } from './synthetic-patient.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = process.argv.indexOf('--changes');
const changes = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const TARGET_EXTRA_MB = 16;
/** @param {string} line */
const log = (line) => process.stderr.write(`${line}\n`);

const patient = syntheticPatient({ total: 2_000, seed: 11 });
const fhir = await startFhirServer({ port: 0, bases: [{ id: 'bench', label: 'Bench', resources: patient.resources }] });
const base = fhir.base('bench');
const outfile = path.join(root, 'bench/results/history-heap-client.mjs');
await mkdir(path.dirname(outfile), { recursive: true });
await build({
  entryPoints: [path.join(root, 'bench/history-heap-client.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
const child = fork(outfile, [], {
  execArgv: ['--expose-gc', '--max-semi-space-size=1', '--max-old-space-size=48', ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])],
  env: { ...process.env, BENCH_BASE_URL: base.url, BENCH_PATIENT_KEY: `bench/Patient/${patient.patientId}` },
});
/** @type {(value: any) => void} */
let answer = () => undefined;
child.on('message', (m) => answer(m));
// A child that dies (out of memory) answers the step it was on with an error.
child.on('exit', (code, signal) => answer({ error: `the client process ended (${signal ?? `exit ${code}`}), e.g. out of memory` }));
/** @param {string} label @returns {Promise<any>} */
const step = (label) =>
  new Promise((resolve, reject) => {
    answer = (m) => (m.error ? reject(new Error(m.error)) : resolve(m));
    child.send({ step: label, label });
  });
await new Promise((resolve) => (answer = resolve));

try {
  log('cold sync');
  const cold = await step('cold');
  base.seed(amendObservations(patient.resources, 20, 1));
  log('incremental sync, 20 own changes (control)');
  const control = await step('control');
  base.seed(amendObservations(patient.resources, 20, 2));
  log(`writing ${changes} Observations of other patients`);
  const t0 = Date.now();
  const batch = [];
  for (let i = 0; i < changes; i++) {
    batch.push({
      resourceType: 'Observation',
      id: `other-${i}`,
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose' }] },
      subject: { reference: `Patient/other-${i % 500}` },
      effectiveDateTime: '2024-01-01T08:00:00Z',
      valueQuantity: { value: 90 + (i % 40), unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
    });
    if (batch.length === 5_000) base.seed(batch.splice(0));
  }
  base.seed(batch);
  log(`  written in ${Date.now() - t0} ms`);
  log(`incremental sync, 20 own changes + ${changes} other patients' changes in _history`);
  /** @type {any} */
  let busy;
  try {
    busy = await step('busy');
  } catch (error) {
    busy = { error: String(/** @type {Error} */ (error).message) };
  }
  const historyRequests = base.requests.filter((r) => r.url.includes('_history')).length;
  const entry = {
    name: 'incremental-sync.heap-busy-history',
    unit: 'MB',
    value: busy.peakMB ?? null,
    pass: busy.peakMB !== undefined && busy.peakMB <= control.peakMB + TARGET_EXTRA_MB,
    target: `peak ≤ control's + ${TARGET_EXTRA_MB} MB`,
    detail: { otherChanges: changes, busy, control, cold, historyRequests },
    env: { node: process.version },
  };
  process.stdout.write(`${JSON.stringify([entry], null, 2)}\n`);
} finally {
  child.kill();
  await fhir.close();
}
