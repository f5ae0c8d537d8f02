import type { Resource } from 'fhir/r4';
import versieBundle from '../../demo/data/patients/Versie_Botsford_56121408-15fe-47a5-8279-6f05dee51464.json';
import { bundleToResources } from '../../demo/data/references.mjs';
import { SSN_SYSTEM, splitAcrossProviders } from '../../demo/data/split.mjs';
import { LocalRecordStore } from '../../src/store/index.js';
import type { RecordSource, SourceInfo } from '../../src/elements/base/store-types.js';

/**
 * Seeds a record store for stories and browser tests with Versie Botsford (a synthetic toddler
 * with allergies, medications, immunizations and labs; `demo/data/patients/`, see its NOTICE for
 * origin and license), split between two simulated providers the way the demo splits it.
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
  /**
   * Patient key the completed download (a checkpoint, as sync writes it) is tagged with, which is
   * what makes the source "complete for this patient" in the elements. Default: this side's
   * patient whenever `syncedAgo` is set; `null` writes no checkpoint. Give another patient's key
   * for "the source synced, but for someone else".
   */
  syncedPatient?: string | null;
  /**
   * The source was searched for the other side's patient and has no record of them (what the
   * sync engine records with `recordNoRecord`): its resources are left out, no checkpoint is
   * written, and the finding is stored with the sync time.
   */
  noRecord?: boolean;
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

const splits = new Map<string, ReturnType<typeof splitAcrossProviders>>();

/**
 * A sample bundle split between the clinic and the hospital as the demo splits it (`file` names
 * the bundle for the splitter). Computed once per `file`; callers copy before changing anything.
 */
export function splitSample(bundle: unknown, file: string): ReturnType<typeof splitAcrossProviders> {
  let s = splits.get(file);
  if (!s) {
    const { resources } = bundleToResources(bundle as never, { file });
    s = splitAcrossProviders(resources as never, { file });
    splits.set(file, s);
  }
  return s;
}

const sample = () => splitSample(versieBundle, 'Versie_Botsford');

/**
 * One seeding per key: `seed(key, build)` runs `build` the first time it sees `key` and hands every
 * later call the same promise, so a story rendered again reuses its store. A seeding that fails
 * is forgotten, and the next call builds again.
 */
export function seedOncePerKey<T>(): (key: string, build: () => Promise<T>) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key, build) => {
    let pending = cache.get(key);
    if (!pending) {
      pending = build();
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
    }
    return pending;
  };
}

const seeded = seedOncePerKey<SeededRecord>();

/**
 * Opens a fresh store named `options.name` (its old database is deleted first) holding the
 * sample patient at both providers. Calls with the same options share one store.
 */
export function seedStore(options: SeedOptions): Promise<SeededRecord> {
  return seeded(JSON.stringify(options), () => build(options));
}

async function build(options: SeedOptions): Promise<SeededRecord> {
  const name = `story-${options.name}`;
  await LocalRecordStore.deleteDatabase(name);
  const store = await openStore(name);
  const data = sample();
  await fillSources(store, { clinic: data.clinic as Resource[], hospital: data.hospital as Resource[] }, options);
  return {
    store,
    patient: {
      clinic: `clinic/${data.patient.clinic}`,
      hospital: `hospital/${data.patient.hospital}`,
    },
    sources: SOURCES.map(({ id, label }) => ({ id, label })),
  };
}

/** Gives each resource the `meta.versionId` / `lastUpdated` a server would have added, keeping any it has. */
function withMeta(resources: Resource[], at: number): Resource[] {
  const lastUpdated = new Date(at).toISOString();
  return resources.map((r) => ({ ...r, meta: { versionId: '1', lastUpdated, ...r.meta } }));
}

/**
 * Adds the clinic and the hospital (`SOURCES`) to `store`, puts each side's resources in through
 * `applyPage` as a page downloaded `syncedAgo` ago would arrive (unless the side is `empty` or
 * has nothing), and sets each source's sync status by hand. Defaults: both synced and `ok`, the
 * clinic 5 minutes ago, the hospital 12.
 */
export async function fillSources(
  store: Pick<SeededRecordStore, 'addSource' | 'applyPage' | 'setSourceStatus' | 'recordNoRecord'>,
  resources: { clinic: Resource[]; hospital: Resource[] },
  seeds: { clinic?: SourceSeed; hospital?: SourceSeed },
): Promise<void> {
  const now = Date.now();
  const bySource: Record<string, SourceSeed> = {
    clinic: seeds.clinic ?? { syncedAgo: 5 * MINUTE, status: 'ok' },
    hospital: seeds.hospital ?? { syncedAgo: 12 * MINUTE, status: 'ok' },
  };
  for (const source of SOURCES) {
    await store.addSource({ ...source });
    const seed = bySource[source.id]!;
    const list = resources[source.id];
    const at = now - (seed.syncedAgo ?? 0);
    const syncedPatient =
      seed.noRecord || seed.syncedPatient === null
        ? null
        : seed.syncedPatient ?? (seed.syncedAgo === undefined ? null : patientOf(source.id, resources));
    const own = `${source.id}/Patient/${resources[source.id].find((r) => r.resourceType === 'Patient')?.id ?? ''}`;
    // Only states the sync engine can produce: a completed download of a patient always brings
    // that patient's Patient resource; "searched, nothing there" is a no-record finding.
    if (syncedPatient && (seed.empty || seed.noRecord) && syncedPatient === own) {
      throw new Error(`seed: ${source.id} cannot have completed a download of ${own} without its data; use noRecord.`);
    }
    const checkpoint = syncedPatient ? { key: `seed/${syncedPatient}`, value: new Date(at).toISOString(), patient: syncedPatient } : undefined;
    const upserts = !seed.empty && !seed.noRecord && list.length ? withMeta(list, at) : [];
    const someoneElse = syncedPatient && syncedPatient !== own ? /^[^/]+\/Patient\/(.+)$/.exec(syncedPatient)?.[1] : undefined;
    if (someoneElse) upserts.push(...withMeta([{ resourceType: 'Patient', id: someoneElse, name: [{ family: 'Other', given: ['Someone'] }] } as Resource], at));
    if (upserts.length || checkpoint) await store.applyPage(source.id, { upserts, fetchedAt: at, ...(checkpoint ? { checkpoint } : {}) });
    if (seed.noRecord) {
      const other = SOURCES.find((x) => x.id !== source.id)!.id;
      await store.recordNoRecord(source.id, patientOf(other, resources)!, { at: new Date(at).toISOString(), searched: ['http://hl7.org/fhir/sid/us-ssn|seeded'] });
    }
    await store.setSourceStatus(source.id, {
      status: seed.status as never,
      lastSyncAt: seed.syncedAgo === undefined ? undefined : new Date(at).toISOString(),
      lastError: seed.lastError,
    });
  }
}

/**
 * `<source>/Patient/<id>` of the patient a side's resources belong to: its Patient resource, else
 * the patient its other resources point at, else the other side's patient key.
 */
function patientOf(source: 'clinic' | 'hospital', resources: { clinic: Resource[]; hospital: Resource[] }): string | null {
  const own = resources[source].find((r) => r.resourceType === 'Patient')?.id;
  if (own) return `${source}/Patient/${own}`;
  for (const r of resources[source]) {
    const ref = (r as { patient?: { reference?: string }; subject?: { reference?: string } }).patient?.reference ??
      (r as { subject?: { reference?: string } }).subject?.reference;
    const m = ref ? /^Patient\/([^/]+)$/.exec(ref) : null;
    if (m) return `${source}/Patient/${m[1]}`;
  }
  // Nothing of this patient at this side (it holds no record of them): tag the completed search
  // with the other side's patient, so it counts as "synced for this patient, nothing found".
  const otherSide = source === 'clinic' ? 'hospital' : 'clinic';
  const other = resources[otherSide].find((r) => r.resourceType === 'Patient')?.id;
  return other ? `${otherSide}/Patient/${other}` : null;
}

/** Type check: the seeded store is usable wherever elements expect a store. */
export const asRecordSource = (store: SeededRecordStore): RecordSource => store;
