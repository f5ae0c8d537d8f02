/**
 * The client side of `history-heap.mjs`, run in its own Node process (bundled by esbuild), so the
 * heap measured is the sync engine's and the store's, not the FHIR server's. Talks to the parent
 * over the IPC channel: `{ step: 'cold' | 'incremental', label }` in, one result per step out.
 */
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { RecordStore } from '../src/record-store.js';

const baseUrl = process.env.BENCH_BASE_URL!;
const patientKey = process.env.BENCH_PATIENT_KEY!;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const store = await RecordStore.open({
  name: 'history-heap',
  linkIdentifierSystems: [],
  indexedDB,
  IDBKeyRange,
  // A busy server's history is long: every entry and page of it counts against `maxResources`
  // and `maxPages` (defaults 100,000 and 1,000), and past `maxHistoryEntries` (5,000, or twice
  // the record) the engine gives the history up for a full listing. All three are lifted here,
  // so the heap of reading the whole history is what is measured.
  sync: { limits: { maxPages: 100_000, maxResources: 1_000_000, maxHistoryEntries: 10_000_000 }, broadcast: false, locks: false },
});
await store.addSource({ id: 'bench', baseUrl, label: 'Bench' });

/** Runs one sync, sampling `heapUsed` on every progress event and every 2 ms. */
async function measured(): Promise<Record<string, number | string>> {
  gc!();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sample = () => {
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
  };
  const timer = setInterval(sample, 2);
  const started = performance.now();
  const report = await store.syncPatient(patientKey, { onProgress: sample, upload: false });
  const ms = performance.now() - started;
  clearInterval(timer);
  sample();
  if (report.errors.length) throw new Error(`sync failed: ${JSON.stringify(report.errors)}`);
  const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
  return { baselineMB: mb(baseline), peakMB: mb(peak), growthMB: mb(peak - baseline), ms: Math.round(ms), downloaded: report.downloaded };
}

process.on('message', async (msg: { step: string; label: string }) => {
  try {
    process.send!({ label: msg.label, ...(await measured()) });
  } catch (error) {
    process.send!({ label: msg.label, error: String((error as Error).stack ?? error) });
  }
});
process.send!({ ready: true });
