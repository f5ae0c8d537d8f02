/**
 * Shared set-up for the sync tests: the real local FHIR server with the sample data (clinic +
 * hospital), and record stores on fake-indexeddb whose sync waits are recorded instead of slept.
 */
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, onTestFinished } from 'vitest';
import { loadSampleData } from '../../demo/data/load.mjs';
import { startFhirServer, type FhirServer } from '../../demo/fhir-server/server.mjs';
import { RecordStore } from '../../src/record-store.js';
import { LocalRecordStore } from '../../src/store/index.js';
import type { SyncEngineOptions } from '../../src/sync/engine.js';
import { DEFAULT_TYPES } from '../../src/sync/download.js';

import { SSN } from './constants.js';
import { uniqueName } from './names.js';
export { SSN };

export interface World {
  server: FhirServer;
  data: Awaited<ReturnType<typeof loadSampleData>>;
}

export async function startWorld(): Promise<World> {
  const data = await loadSampleData();
  const server = await startFhirServer({ port: 0, bases: data.bases as never });
  return { server, data };
}

/**
 * Starts the world once for the calling test file (before all its tests), resets the server's
 * data (back to the sample patients), faults and request logs after each test, and closes the
 * server after all. So every test starts from the same server data and may change any row. The
 * returned object is filled in by `beforeAll`, so read its properties inside tests, not at
 * module level.
 */
export function useWorld(): World {
  const world = {} as World;
  beforeAll(async () => {
    Object.assign(world, await startWorld());
  });
  afterAll(async () => {
    await world.server?.close();
  });
  afterEach(() => {
    for (const b of world.server.bases) {
      b.faults.reset();
      b.clearRequests();
      b.reset();
    }
  });
  return world;
}

export interface SamplePatient {
  name: string;
  clinicId: string;
  hospitalId?: string;
  clinicKey: string;
  hospitalKey?: string;
}

export function samplePatient(world: World, name: string): SamplePatient {
  const p = world.data.patients.find((x) => x.name === name);
  if (!p?.clinic) throw new Error(`no sample patient ${name}`);
  const clinicId = p.clinic.split('/')[1]!;
  const hospitalId = p.hospital?.split('/')[1];
  return {
    name,
    clinicId,
    hospitalId,
    clinicKey: `clinic/Patient/${clinicId}`,
    ...(hospitalId ? { hospitalKey: `hospital/Patient/${hospitalId}` } : {}),
  };
}

export interface TestStore {
  store: RecordStore;
  /**
   * The same partition opened as a `LocalRecordStore` (another connection, as another tab
   * would hold), for what only the sync engine sees and `RecordStore` does not offer:
   * checkpoints, pending writes. Closed when the test ends.
   */
  local: LocalRecordStore;
  /** Every wait the HTTP client asked for, ms (nothing is actually slept). */
  sleeps: number[];
}

export async function openStore(
  world: World,
  options: { sync?: SyncEngineOptions; fetch?: Record<string, typeof fetch>; sources?: string[]; linkIdentifierSystems?: string[] } = {},
): Promise<TestStore> {
  const sleeps: number[] = [];
  const name = uniqueName(`sync-test-${process.pid}`);
  const linkIdentifierSystems = options.linkIdentifierSystems ?? [SSN];
  const store = await RecordStore.open({
    name,
    linkIdentifierSystems,
    indexedDB,
    IDBKeyRange,
    sync: {
      ...options.sync,
      http: {
        timeoutMs: 10_000,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        ...options.sync?.http,
      },
    },
  });
  for (const id of options.sources ?? ['clinic', 'hospital']) {
    await store.addSource({
      id,
      baseUrl: world.server.baseUrl(id),
      label: id === 'clinic' ? 'Riverside Clinic' : 'County Hospital',
      ...(options.fetch?.[id] ? { fetch: options.fetch[id] } : {}),
    });
  }
  const local = await LocalRecordStore.open({ name, linkIdentifierSystems, indexedDB, IDBKeyRange });
  onTestFinished(() => local.close());
  return { store, local, sleeps };
}

/** Requests the server logged for a base, as `METHOD url` strings (decoded for readability). */
export function requestLines(world: World, base: string): string[] {
  return world.server.base(base).requests.map((r) => `${r.method} ${decodeURIComponent(r.url)}`);
}

/** Direct HTTP to the server (as another client would), returning status and JSON body. */
export async function http(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    ...init,
    headers: { accept: 'application/fhir+json', 'content-type': 'application/fhir+json', ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** How many resources of `type` the server holds for a patient (its own search). */
export async function serverCount(world: World, base: string, type: string, patientId: string): Promise<number> {
  const q = type === 'Patient' ? `_id=${patientId}` : `patient=Patient/${patientId}`;
  const { body } = await http(`${world.server.baseUrl(base)}/${type}?${q}&_count=1000`);
  return body.total ?? (body.entry ?? []).length;
}

/** The resources of `type` the server holds for a patient. */
export async function serverResources(world: World, base: string, type: string, patientId: string): Promise<any[]> {
  const { body } = await http(`${world.server.baseUrl(base)}/${type}?patient=Patient/${patientId}&_count=1000`);
  return (body.entry ?? []).map((e: any) => e.resource);
}

/** Sorted `source/Type/id@versionId` lines of every row of a patient's record (for comparisons). */
export async function snapshot(store: RecordStore, patient: string, includeDeleted = false): Promise<string[]> {
  const rows = await store.search({ patient, includeDeleted });
  return rows.map((r) => `${r.source}/${r.resource.resourceType}/${r.resource.id}@${r.versionId ?? '-'}${r.deleted ? ' (deleted)' : ''}`).sort();
}

/** `clinic/Type/id@versionId` of every resource the clinic holds for a patient (the types the engine downloads), sorted. */
export async function clinicRecord(w: World, patientId: string): Promise<string[]> {
  const base = w.server.baseUrl('clinic');
  const patient = (await http(`${base}/Patient/${patientId}`)).body;
  const lines = [`clinic/Patient/${patient.id}@${patient.meta.versionId}`];
  for (const type of DEFAULT_TYPES.filter((t) => t !== 'Patient')) {
    const { body } = await http(`${base}/${type}?patient=Patient/${patientId}&_count=1000`);
    for (const e of body.entry ?? []) lines.push(`clinic/${type}/${e.resource.id}@${e.resource.meta.versionId}`);
  }
  return lines.sort();
}
