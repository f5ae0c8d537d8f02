import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AllergyIntolerance, Observation, Resource } from 'fhir/r4';
import type { LocalRecordStore } from '../src/store/index.js';
import { HOSPITAL_BASE, VERSIE_CLINIC, VERSIE_ID, openWithSources, served, servedAll, versie } from './fixtures/store/helpers.js';

const open: LocalRecordStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
async function arrange() {
  const store = await openWithSources();
  open.push(store);
  return store;
}
const labs = () => versie().filter((r): r is Observation => r.resourceType === 'Observation');
const allergies = () => versie().filter((r): r is AllergyIntolerance => r.resourceType === 'AllergyIntolerance');

describe('applyPage', () => {
  it("with `patients`, refuses rows about any other patient (another source's, an unknown server's, a Patient not listed) and writes the rest", async () => {
    const store = await arrange();
    const allergy = allergies()[0]!;
    const result = await store.applyPage('clinic', {
      upserts: [
        ...servedAll(versie()),
        served({ ...allergy, id: 'to-hospital', patient: { reference: `${HOSPITAL_BASE}/Patient/456` } }, '1', '2024-03-01T10:00:00Z'),
        served({ ...allergy, id: 'to-unknown', patient: { reference: 'https://elsewhere.example/fhir/Patient/1' } }, '1', '2024-03-01T10:00:00Z'),
        served({ resourceType: 'Patient', id: 'someone-else', deceasedBoolean: true }, '1', '2024-03-01T10:00:00Z'),
      ],
      patients: [VERSIE_CLINIC],
    });
    expect(result).toEqual({ written: versie().length, skipped: 0, deleted: 0, held: 0, invalid: 0, refused: 3 });
    expect(await store.search({ patient: 'hospital/Patient/456' })).toEqual([]);
    expect(await store.get('clinic', 'AllergyIntolerance', 'to-unknown')).toBeUndefined();
    expect(await store.get('clinic', 'Patient', 'someone-else')).toBeUndefined();
  });

  it('writes a page and its checkpoint, and skips overlap by versionId', async () => {
    const store = await arrange();
    const page1 = servedAll(versie(), '1', '2024-03-01T10:00:00Z');
    const first = await store.applyPage('clinic', {
      upserts: page1,
      checkpoint: { key: 'Observation?patient', value: '2024-03-01T10:00:05Z', patient: VERSIE_CLINIC },
    });
    expect(first).toEqual({ written: page1.length, skipped: 0, deleted: 0, held: 0, invalid: 0, refused: 0 });
    expect(await store.getCheckpoint('clinic', 'Observation?patient')).toBe('2024-03-01T10:00:05Z');

    // Re-asked with overlap: the same versions come back, plus one new version of one lab.
    const changed = served({ ...labs()[0]!, status: 'amended' as const }, '2', '2024-03-01T11:00:00Z');
    const second = await store.applyPage('clinic', {
      upserts: [...page1.filter((r) => r.resourceType === 'Observation').slice(1), changed],
      checkpoint: { key: 'Observation?patient', value: '2024-03-01T11:00:02Z' },
    });
    expect(second).toMatchObject({ written: 1, skipped: 5 });
    const row = await store.get<Observation>('clinic', 'Observation', changed.id!);
    expect(row).toMatchObject({ versionId: '2', lastUpdated: '2024-03-01T11:00:00Z' });
    expect(row!.resource.status).toBe('amended');
    expect(await store.getCheckpoint('clinic', 'Observation?patient')).toBe('2024-03-01T11:00:02Z');
  });

  it('never lets an older version replace a newer one (history pages list several versions)', async () => {
    const store = await arrange();
    const lab = labs()[0]!;
    const v3 = served({ ...lab, status: 'corrected' as const }, 'c3', '2024-03-03T10:00:00Z');
    const v2 = served({ ...lab, status: 'amended' as const }, 'b2', '2024-03-02T10:00:00Z');
    const result = await store.applyPage('clinic', { upserts: [v3, v2] });
    expect(result).toMatchObject({ written: 1, skipped: 1 });
    expect((await store.get<Observation>('clinic', 'Observation', lab.id!))!.resource.status).toBe('corrected');
  });

  it('writes tombstones that search hides, keeping their version and time', async () => {
    const store = await arrange();
    await store.applyPage('clinic', { upserts: servedAll(versie()) });
    const gone = allergies()[0]!;
    const result = await store.applyPage('clinic', {
      upserts: [],
      deletes: [
        { type: 'AllergyIntolerance', id: gone.id!, versionId: '2', at: '2024-03-05T08:00:00Z' },
        { type: 'AllergyIntolerance', id: 'never-seen-here' },
      ],
    });
    expect(result).toMatchObject({ deleted: 2 });
    const visible = await store.search({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance' });
    expect(visible.map((r) => r.resource.id)).not.toContain(gone.id);
    expect(visible).toHaveLength(3);
    const withDeleted = await store.search({ patient: VERSIE_CLINIC, type: 'AllergyIntolerance', includeDeleted: true });
    expect(withDeleted.find((r) => r.resource.id === gone.id)).toMatchObject({ deleted: true, versionId: '2', lastUpdated: '2024-03-05T08:00:00Z' });
    expect(await store.get('clinic', 'AllergyIntolerance', gone.id!)).toBeUndefined();

    // An overlapping older copy does not bring it back; a newer version (re-created) does.
    expect(await store.applyPage('clinic', { upserts: [served(gone, '1', '2024-03-01T10:00:00Z')] })).toMatchObject({ skipped: 1, written: 0 });
    expect(await store.get('clinic', 'AllergyIntolerance', gone.id!)).toBeUndefined();
    await store.applyPage('clinic', { upserts: [served(gone, '3', '2024-03-06T10:00:00Z')] });
    expect(await store.get('clinic', 'AllergyIntolerance', gone.id!)).toMatchObject({ versionId: '3' });
    // Delete and then an older-stamped delete: the second is skipped.
    expect(await store.applyPage('clinic', { upserts: [], deletes: [{ type: 'AllergyIntolerance', id: gone.id!, at: '2024-03-05T00:00:00Z' }] })).toMatchObject({ skipped: 1 });
  });

  it('stores nothing of a page that fails midway, checkpoint included', async () => {
    const store = await arrange();
    await store.applyPage('clinic', { upserts: servedAll(versie()).slice(0, 3), checkpoint: { key: 'all', value: 'T1' } });
    const before = await store.search({ patient: VERSIE_CLINIC, includeDeleted: true });

    // A resource IndexedDB cannot store (structured clone fails) in the middle of the page.
    const poison = { ...labs()[4]!, valueString: (() => 1) as unknown as string } as Resource;
    const page = [...servedAll(labs().slice(0, 3), '9', '2024-04-01T00:00:00Z'), poison, servedAll(labs().slice(5))[0]!];
    const err = await store.applyPage('clinic', { upserts: page, checkpoint: { key: 'all', value: 'T2' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'StoreError', code: 'storage-failed' });

    expect(await store.getCheckpoint('clinic', 'all')).toBe('T1');
    expect(await store.search({ patient: VERSIE_CLINIC, includeDeleted: true })).toEqual(before);
  });

  it('counts unstorable upserts as invalid without failing the page', async () => {
    const store = await arrange();
    const result = await store.applyPage('clinic', {
      upserts: [{ resourceType: 'Observation' } as Resource, ...servedAll(labs().slice(0, 1))],
    });
    expect(result).toMatchObject({ written: 1, invalid: 1 });
    await expect(store.applyPage('nowhere', { upserts: [] })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('keeps a pending local write visible and holds the server version aside', async () => {
    const store = await arrange();
    await store.applyPage('clinic', { upserts: servedAll(versie()) });
    const allergy = allergies()[1]!;
    await store.save({ ...allergy, criticality: 'high' }, { source: 'clinic' });

    const serverEdit = served({ ...allergy, criticality: 'unable-to-assess' as const }, '2', '2024-03-02T10:00:00Z');
    const result = await store.applyPage('clinic', {
      upserts: [serverEdit],
      deletes: [],
      checkpoint: { key: 'AllergyIntolerance', value: '2024-03-02T10:00:01Z' },
    });
    expect(result).toMatchObject({ written: 0, held: 1 });
    const row = await store.get<AllergyIntolerance>('clinic', 'AllergyIntolerance', allergy.id!);
    expect(row).toMatchObject({ local: 'pending', versionId: '1' });
    expect(row!.resource.criticality).toBe('high');
    // Not exposed to callers.
    expect(Object.keys(row!)).not.toContain('server');
    // A server delete is held the same way.
    expect(await store.applyPage('clinic', { upserts: [], deletes: [{ type: 'AllergyIntolerance', id: allergy.id!, versionId: '3', at: '2024-03-03T00:00:00Z' }] })).toMatchObject({ held: 1, deleted: 0 });
    expect(await store.get('clinic', 'AllergyIntolerance', allergy.id!)).toMatchObject({ local: 'pending' });
  });

  it('insert-first (expectNew) ends exactly like reading first: skips, held versions, tombstones, repeats, links', async () => {
    // The same history applied to two stores; only the last page's hint differs.
    const arrangeState = async () => {
      const store = await arrange();
      await store.applyPage('clinic', { upserts: servedAll(versie(), '1', '2024-03-01T10:00:00Z'), fetchedAt: 1 });
      const [gone, edited] = allergies();
      await store.applyPage('clinic', { upserts: [], deletes: [{ type: 'AllergyIntolerance', id: gone!.id!, versionId: '2', at: '2024-03-02T10:00:00Z' }], fetchedAt: 2 });
      await store.save({ ...edited!, criticality: 'high' }, { source: 'clinic' });
      return store;
    };
    const [gone, edited] = allergies();
    const [lab0, lab1] = labs();
    const patient = versie().find((r) => r.resourceType === 'Patient')!;
    const page = () => ({
      upserts: [
        ...servedAll(versie(), '1', '2024-03-01T10:00:00Z').filter((r) => r.resourceType === 'Condition'), // stored: skipped
        served(gone!, '1', '2024-03-01T10:00:00Z'), // older than its tombstone: not revived
        served({ ...edited!, criticality: 'low' as const }, '3', '2024-03-03T10:00:00Z'), // local edit pending: held
        served({ ...lab0!, status: 'amended' as const }, '4', '2024-03-04T10:00:00Z'), // stored, newer: written
        served({ ...lab1!, id: 'lab-new', status: 'preliminary' as const }, '1', '2024-03-04T10:00:00Z'), // new
        served({ ...lab1!, id: 'lab-new', status: 'final' as const }, '2', '2024-03-04T11:00:00Z'), // listed twice
        served({ ...lab1!, id: 'lab-newer' }, '1', '2024-03-04T10:00:00Z'), // new
        served({ ...patient, id: 'p-new', identifier: [{ system: 'http://hl7.org/fhir/sid/us-ssn', value: '999-00-1234' }] }, '1', '2024-03-04T10:00:00Z'),
        { resourceType: 'Observation' } as Resource, // invalid
      ],
      deletes: [{ type: 'Observation', id: 'lab-newer', versionId: '2', at: '2024-03-04T12:00:00Z' }],
      checkpoint: { key: 'everything', value: '2024-03-04T12:00:01Z', patient: VERSIE_CLINIC },
      fetchedAt: 3,
    });
    const plain = await arrangeState();
    const hinted = await arrangeState();
    const expected = await plain.applyPage('clinic', page());
    expect(expected).toEqual({ written: 5, skipped: versie().filter((r) => r.resourceType === 'Condition').length + 1, deleted: 1, held: 1, invalid: 1, refused: 0 });
    expect(await hinted.applyPage('clinic', { ...page(), expectNew: true })).toEqual(expected);

    const state = async (store: LocalRecordStore) => ({
      // The local save's own time differs between the two stores; everything else must not.
      versie: (await store.search({ patient: VERSIE_CLINIC, includeDeleted: true })).map((r) => (r.local ? { ...r, fetchedAt: 0 } : r)),
      other: await store.search({ patient: 'clinic/Patient/p-new', includeDeleted: true }),
      linked: await store.linkedPatients('clinic/Patient/p-new'),
      writes: (await store.listOutbox()).map(({ createdAt: _c, ...e }) => e),
      checkpoint: await store.getCheckpointRecord('clinic', 'everything'),
    });
    const a = await state(plain);
    const b = await state(hinted);
    expect(b.checkpoint).toMatchObject({ value: '2024-03-04T12:00:01Z' });
    expect({ ...b, checkpoint: { ...b.checkpoint, savedAt: 0 } }).toEqual({ ...a, checkpoint: { ...a.checkpoint, savedAt: 0 } });
    // Spot checks of the state both reached.
    const byId = new Map(b.versie.map((r) => [r.resource.id, r]));
    expect(byId.get(gone!.id!)).toMatchObject({ deleted: true, versionId: '2' });
    expect(byId.get(edited!.id!)).toMatchObject({ local: 'pending', resource: { criticality: 'high' } });
    expect(byId.get(lab0!.id!)).toMatchObject({ versionId: '4', resource: { status: 'amended' } });
    expect(byId.get('lab-new')).toMatchObject({ versionId: '2', resource: { status: 'final' } });
    expect(byId.get('lab-newer')).toMatchObject({ deleted: true });
    expect(b.other.map((r) => r.resource.id)).toEqual(['p-new']);
  });
});

describe('upload bookkeeping', () => {
  it('lists pending writes in order and completes them with the server version', async () => {
    const store = await arrange();
    await store.applyPage('clinic', { upserts: servedAll(versie()) });
    const [a1, a2] = allergies();
    await store.save({ ...a1!, criticality: 'high' }, { source: 'clinic' });
    await store.save({ ...a2!, criticality: 'high' }, { source: 'clinic' });
    const pending = await store.pendingWrites('clinic');
    expect(pending.map((e) => e.id)).toEqual([a1!.id, a2!.id]);
    expect(pending[0]!.seq).toBeLessThan(pending[1]!.seq);
    expect(await store.pendingWrites('hospital')).toEqual([]);

    await store.failWrite(pending[0]!.seq, 'HTTP 503 Service Unavailable');
    expect((await store.pendingWrites())[0]).toMatchObject({ attempts: 1, lastError: 'HTTP 503 Service Unavailable' });

    const fromServer = served({ ...a1!, criticality: 'high' as const }, '2', '2024-03-02T12:00:00Z');
    await store.completeWrite(pending[0]!.seq, fromServer);
    expect((await store.pendingWrites()).map((e) => e.id)).toEqual([a2!.id]);
    const row = await store.get('clinic', 'AllergyIntolerance', a1!.id!);
    expect(row).toMatchObject({ versionId: '2', lastUpdated: '2024-03-02T12:00:00Z', resource: fromServer });
    expect(row!.local).toBeUndefined();
    await expect(store.completeWrite(pending[0]!.seq, fromServer)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('re-bases later writes of the same resource on the version the server returned', async () => {
    const store = await arrange();
    const note = await store.save(
      { resourceType: 'Observation', status: 'preliminary', code: { text: 'Parent reports rash' }, subject: { reference: `Patient/${VERSIE_ID}` } } as Observation,
      { source: 'clinic' },
    );
    await store.save({ ...note.resource, status: 'final' }, { source: 'clinic' });
    const [create, second] = await store.pendingWrites();
    expect([create!.operation, second!.operation]).toEqual(['create', 'create']);

    await store.completeWrite(create!.seq, served(create!.body!, 'v1', '2024-03-02T09:00:00Z'));
    const [rebased] = await store.pendingWrites();
    expect(rebased).toMatchObject({ seq: second!.seq, operation: 'update', baseVersionId: 'v1' });
    // The row still shows the newest local version.
    expect(await store.get<Observation>('clinic', 'Observation', note.resource.id!)).toMatchObject({ local: 'pending', versionId: 'v1', resource: { status: 'final' } });

    await store.completeWrite(rebased!.seq, served({ ...note.resource, status: 'final' } as Observation, 'v2', '2024-03-02T09:01:00Z'));
    expect(await store.get('clinic', 'Observation', note.resource.id!)).toMatchObject({ versionId: 'v2', resource: { status: 'final' } });
    expect(await store.pendingWrites()).toEqual([]);
  });

  it('completes a delete as a clean tombstone', async () => {
    const store = await arrange();
    await store.applyPage('clinic', { upserts: servedAll(versie()) });
    const lab = labs()[0]!;
    await store.remove('clinic', 'Observation', lab.id!);
    const [entry] = await store.pendingWrites();
    await store.completeWrite(entry!.seq, null);
    const row = await store.get('clinic', 'Observation', lab.id!, { includeDeleted: true });
    expect(row).toMatchObject({ deleted: true });
    expect(row!.local).toBeUndefined();
  });

  it('reports local ids for delete detection, leaving out tombstones and local changes', async () => {
    const store = await arrange();
    await store.applyPage('clinic', { upserts: servedAll(versie()) });
    const ids = allergies().map((a) => a.id!).sort();
    expect(await store.localIds('clinic', 'AllergyIntolerance', VERSIE_CLINIC)).toEqual(ids);
    await store.applyPage('clinic', { upserts: [], deletes: [{ type: 'AllergyIntolerance', id: ids[0]! }] });
    await store.save({ ...allergies().find((a) => a.id === ids[1])!, criticality: 'high' }, { source: 'clinic' });
    expect(await store.localIds('clinic', 'AllergyIntolerance', VERSIE_CLINIC)).toEqual(ids.slice(2));
    expect(await store.localIds('hospital', 'AllergyIntolerance', VERSIE_CLINIC)).toEqual([]);
  });
});
