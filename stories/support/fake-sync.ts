import type { RecordSource, SyncOptions, SyncReport } from '../../src/elements/base/store-types.js';
import type { SeededRecordStore } from '../../test/support/seed-store.js';

/**
 * Stand-in for the sync engine in stories: stories have no FHIR server, so `syncPatient` here
 * only waits and marks the sources as the story says (a source can "fail"). The store under it
 * is real. Never use this outside stories and tests.
 */
export function withFakeSync(
  store: SeededRecordStore,
  options: { delay?: number; fail?: Record<string, string> } = {},
): RecordSource {
  const { delay = 600, fail = {} } = options;
  const syncPatient = async (_patient: string, opts: SyncOptions = {}): Promise<SyncReport> => {
    const sources = await store.getSources();
    for (const s of sources) await store.setSourceStatus(s.id, { status: 'syncing' });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, delay);
      opts.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new DOMException('Sync aborted', 'AbortError'));
      });
    });
    const now = new Date().toISOString();
    const errors: Array<{ source: string; message: string }> = [];
    const bySource: Record<string, { status: 'ok' | 'error' }> = {};
    for (const s of sources) {
      const message = fail[s.id];
      if (message) {
        await store.setSourceStatus(s.id, { status: 'error', lastError: message });
        errors.push({ source: s.id, message });
        bySource[s.id] = { status: 'error' };
      } else {
        await store.setSourceStatus(s.id, { status: 'ok', lastSyncAt: now, lastError: undefined });
        bySource[s.id] = { status: 'ok' };
      }
    }
    return { errors, sources: bySource };
  };
  // Everything else goes to the real store, bound so Dexie's `this` stays right.
  return new Proxy(store as unknown as RecordSource, {
    get(target, prop, receiver) {
      if (prop === 'syncPatient') return syncPatient;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
