import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AllergyIntolerance } from 'fhir/r4';
import { StoreError, type LocalRecordStore } from '../src/store/index.js';
import { MARGERY_ID, VERSIE_CLINIC, margery, openWithSources, seedTwoSources, servedAll } from './fixtures/store/helpers.js';

const open: LocalRecordStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

const MARGERY = `clinic/Patient/${MARGERY_ID}`;

/** Versie at clinic + hospital (linked), Margery at clinic, checkpoints for each. */
async function arrange() {
  const store = await openWithSources();
  open.push(store);
  await seedTwoSources(store);
  await store.applyPage('clinic', { upserts: servedAll(margery()), checkpoint: { key: `Observation?patient=${MARGERY_ID}`, value: 'T1', patient: MARGERY } });
  await store.applyPage('clinic', { upserts: [], checkpoint: { key: 'Observation?patient=versie', value: 'T1', patient: VERSIE_CLINIC } });
  await store.applyPage('hospital', { upserts: [], checkpoint: { key: '_history', value: 'T1' } });
  return store;
}

describe('purge', () => {
  it('removes everything, keeping the sources but not their sync status', async () => {
    const store = await arrange();
    await store.setSourceStatus('clinic', { status: 'ok', lastSyncAt: 'T1' });
    const result = await store.purge();
    expect(result.writesDropped).toBe(0);
    expect(result.resources).toBeGreaterThan(20);
    expect(await store.search({ patient: VERSIE_CLINIC, includeDeleted: true })).toEqual([]);
    expect(await store.read('clinic/Practitioner/7cdcee56-a0c0-419c-98fd-a7ccc981f650')).toBeUndefined();
    expect(await store.getCheckpoint('clinic', `Observation?patient=${MARGERY_ID}`)).toBeUndefined();
    expect(await store.linkedPatients(VERSIE_CLINIC)).toEqual([VERSIE_CLINIC]);
    const sources = await store.getSources();
    expect(sources.map((s) => s.id)).toEqual(['clinic', 'hospital']);
    expect(sources[0]!.status).toBeUndefined();
  });

  it('refuses to drop unsent writes unless forced', async () => {
    const store = await arrange();
    const [allergy] = await store.search<AllergyIntolerance>({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance' });
    await store.save({ ...allergy!.resource, criticality: 'high' }, { source: allergy!.source });

    const err = await store.purge().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'unsent-writes' });
    expect((err as Error).message).toMatch(/1 local change not yet uploaded/);
    // Nothing removed.
    expect(await store.search({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance' })).toHaveLength(5);
    expect(await store.pendingWrites()).toHaveLength(1);

    expect(await store.purge({ force: true })).toMatchObject({ writesDropped: 1 });
    expect(await store.pendingWrites()).toEqual([]);
    expect(await store.search({ patient: VERSIE_CLINIC })).toEqual([]);
  });

  it('purges one patient with the patients linked to it, and nothing of anyone else', async () => {
    const store = await arrange();
    const result = await store.purge({ patient: 'hospital/Patient/hosp-7731' });
    expect(result.resources).toBe(2 + 1 + 4 + 6 + 3 + 2); // hospital patient+allergy, clinic: patient, allergies, labs, meds, conditions
    expect(await store.search({ patient: VERSIE_CLINIC, includeDeleted: true })).toEqual([]);
    // Margery untouched, her checkpoint too; Versie's and the untagged hospital checkpoint gone.
    expect(await store.search({ patient: MARGERY, type: 'Observation' })).toHaveLength(3);
    expect(await store.getCheckpoint('clinic', `Observation?patient=${MARGERY_ID}`)).toBe('T1');
    expect(await store.getCheckpoint('clinic', 'Observation?patient=versie')).toBeUndefined();
    expect(await store.getCheckpoint('hospital', '_history')).toBeUndefined();
    // Shared resources stay.
    expect((await store.read('clinic/Practitioner/7cdcee56-a0c0-419c-98fd-a7ccc981f650'))?.resource.id).toBe('7cdcee56-a0c0-419c-98fd-a7ccc981f650');
  });

  it("refuses a patient purge only for that patient's unsent writes", async () => {
    const store = await arrange();
    const [lab] = await store.search({ patient: MARGERY, type: 'Observation' });
    await store.remove('clinic', 'Observation', lab!.resource.id!);
    // Versie has no unsent writes: fine.
    await store.purge({ patient: VERSIE_CLINIC });
    await expect(store.purge({ patient: MARGERY })).rejects.toMatchObject({ code: 'unsent-writes' });
    expect(await store.search({ patient: MARGERY, type: 'Observation' })).toHaveLength(2);
    await store.purge({ patient: MARGERY, force: true });
    expect(await store.search({ patient: MARGERY, includeDeleted: true })).toEqual([]);
    expect(await store.listOutbox()).toEqual([]);
  });
});
