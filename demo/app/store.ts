import { RecordStore } from '../../src/record-store.js';
import { bases, linkIdentifierSystems } from './config.js';
import { demoFetch } from './network.js';

let opening: Promise<RecordStore> | undefined;

/**
 * The page's one record store: opened on first use, with a source per FHIR base. Later calls get
 * the same store, so a second visit to a patient reads what the first one cached.
 */
export function recordStore(): Promise<RecordStore> {
  opening ??= (async () => {
    const store = await RecordStore.open({ name: 'demo', linkIdentifierSystems });
    // Awaited so the elements find every source (with its label) on their first read.
    await Promise.all(bases.map((b) => store.addSource({ id: b.id, baseUrl: b.url, label: b.label, fetch: demoFetch(b.id) })));
    return store;
  })();
  opening.catch(() => {
    opening = undefined; // let the next visit try again
  });
  return opening;
}
