import type { Resource } from 'fhir/r4';
import versieBundle from '../fixtures/Versie_Botsford_56121408-15fe-47a5-8279-6f05dee51464.json';
import { bundleToResources } from '../../demo/data/references.mjs';
import { SSN_SYSTEM, splitAcrossProviders } from '../../demo/data/split.mjs';
import { LocalRecordStore } from '../../src/store/index.js';
import type { RecordSource, SourceInfo } from '../../src/elements/base/store-types.js';

/**
 * Seeds a record store for stories and browser tests from the fixture bundle in
 * `stories/fixtures/`, split between two simulated providers the way the demo splits it.
 * Nothing touches the network: resources go in through the store's `applyPage`, exactly as a
 * downloaded page would, and the sources' sync status is set by hand.
 *
 * The store is the real one (IndexedDB via Dexie). To seed something else with the same data,
 * change `openStore` only.
 */
const openStore = (name: string) => LocalRecordStore.open({ name, linkIdentifierSystems: [SSN_SYSTEM] });

export type SeededRecordStore = Awaited<ReturnType<typeof openStore>>;

/** Sync state to give a source: an age ("synced 5 minutes ago"), a failure, or never synced. */
export interface SourceSeed {
  /** How long ago the last successful sync was, in ms. Omit for "never synced". */
  syncedAgo?: number;
  status?: SourceInfo['status'];
  lastError?: string;
  /** Leave this source's resources out of the cache (e.g. it has never been downloaded). */
  empty?: boolean;
}

export interface SeedOptions {
  /** Partition name; each story uses its own so stories never see each other's state. */
  name: string;
  clinic?: SourceSeed;
  hospital?: SourceSeed;
}

export interface SeededRecord {
  store: SeededRecordStore;
  /** Patient keys of the two linked copies of the patient. */
  patient: { clinic: string; hospital: string };
  /** A few source ids and labels, handy in stories. */
  sources: Array<{ id: string; label: string }>;
}

export const SOURCES = [
  { id: 'clinic', baseUrl: 'https://clinic.example.org/fhir', label: 'Riverside Clinic' },
  { id: 'hospital', baseUrl: 'https://hospital.example.org/fhir', label: 'St Elsewhere Hospital' },
] as const;

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

let split: ReturnType<typeof splitAcrossProviders> | undefined;
function sample() {
  if (!split) {
    const { resources } = bundleToResources(versieBundle, { file: 'Versie_Botsford' });
    split = splitAcrossProviders(resources, { file: 'Versie_Botsford' });
  }
  return split;
}

const cache = new Map<string, Promise<SeededRecord>>();

/**
 * Opens a fresh store named `options.name` (its old database is deleted first) holding the
 * sample patient at both providers. Calls with the same options share one store.
 */
export function seedStore(options: SeedOptions): Promise<SeededRecord> {
  const key = JSON.stringify(options);
  let pending = cache.get(key);
  if (!pending) {
    pending = build(options);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

async function build(options: SeedOptions): Promise<SeededRecord> {
  const name = `story-${options.name}`;
  await LocalRecordStore.deleteDatabase(name);
  const store = await openStore(name);
  const data = sample();
  const now = Date.now();
  const seeds: Record<string, SourceSeed> = {
    clinic: options.clinic ?? { syncedAgo: 5 * MINUTE, status: 'ok' },
    hospital: options.hospital ?? { syncedAgo: 12 * MINUTE, status: 'ok' },
  };
  for (const source of SOURCES) {
    await store.addSource({ ...source });
    const seed = seeds[source.id]!;
    const resources = (source.id === 'clinic' ? data.clinic : data.hospital) as Resource[];
    if (!seed.empty) {
      await store.applyPage(source.id, { upserts: withMeta(resources, now - (seed.syncedAgo ?? 0)), fetchedAt: now - (seed.syncedAgo ?? 0) });
    }
    await store.setSourceStatus(source.id, {
      status: seed.status as never,
      lastSyncAt: seed.syncedAgo === undefined ? undefined : new Date(now - seed.syncedAgo).toISOString(),
      lastError: seed.lastError,
    });
  }
  return {
    store,
    patient: {
      clinic: `clinic/${data.patient.clinic}`,
      hospital: `hospital/${data.patient.hospital}`,
    },
    sources: SOURCES.map(({ id, label }) => ({ id, label })),
  };
}

/** Gives each resource the `meta.versionId` / `lastUpdated` a server would have added. */
function withMeta(resources: Resource[], at: number): Resource[] {
  const lastUpdated = new Date(at).toISOString();
  return resources.map((r) => ({ ...r, meta: { versionId: '1', lastUpdated, ...r.meta } }));
}

/** Type check: the seeded store is usable wherever elements expect a store. */
export const asRecordSource = (store: SeededRecordStore): RecordSource => store;
