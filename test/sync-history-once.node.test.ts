/**
 * An incremental sync reads the server's `_history` once, whatever the number of types it
 * downloads, and the result is still exact. Against the real local server's request log.
 */
import { describe, expect, test } from 'vitest';
import { clinicRecord as serverRecord, http, openStore, samplePatient, snapshot, useWorld, type World } from './support/sync-harness.js';

const world = useWorld();


/** Changes on the server: updates of this patient's and another patient's rows, one delete of this patient's. */
async function changeServer(w: World, patientId: string, otherId: string): Promise<{ deleted: string }> {
  const base = w.server.baseUrl('clinic');
  for (const [type, id, n] of [['Observation', patientId, 8], ['Condition', patientId, 2], ['Observation', otherId, 12]] as const) {
    const { body } = await http(`${base}/${type}?patient=Patient/${id}&_count=${n}`);
    for (const e of body.entry) {
      const changed = { ...e.resource, status: type === 'Observation' ? 'amended' : e.resource.status, note: [{ text: 'corrected' }] };
      delete changed.meta;
      expect((await http(`${base}/${type}/${e.resource.id}`, { method: 'PUT', body: JSON.stringify(changed) })).status).toBe(200);
    }
  }
  const procedure = (await http(`${base}/Procedure?patient=Patient/${patientId}&_count=1`)).body.entry[0].resource;
  expect((await http(`${base}/Procedure/${procedure.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
  return { deleted: procedure.id };
}

describe.each([
  { strategy: 'everything', disable: [] as Array<'everything'> },
  { strategy: 'compartment-search', disable: ['everything'] as Array<'everything'> },
])('incremental sync ($strategy)', ({ strategy, disable }) => {
  test('reads _history once (following its pages) for all types, and ends exact', async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    const neva = samplePatient(world, 'Neva Hyatt');
    world.server.base('clinic').faults.set({ disable });
    const { store } = await openStore(world, { sources: ['clinic'] });
    await store.syncPatient(versie.clinicKey);
    const { deleted } = await changeServer(world, versie.clinicId, neva.clinicId);

    world.server.base('clinic').clearRequests();
    // 5 changes a page: the history (at least the 23 changes) takes several pages.
    world.server.base('clinic').faults.set({ disable, pageSize: 5 });
    const report = await store.syncPatient(versie.clinicKey);
    expect(report.errors).toEqual([]);
    expect(report.sources.clinic).toMatchObject({ status: 'ok', strategy, downloaded: 10, deleted: 1 });

    const history = world.server.base('clinic').requests.filter((r) => r.url.includes('_history')).map((r) => r.url);
    // One listing: its first request, then each of its pages once.
    const starts = history.filter((u) => !u.includes('_cursor='));
    expect(starts.map((u) => decodeURIComponent(u))).toEqual([expect.stringMatching(/^\/clinic\/fhir\/_history\?_since=[^&]+&_count=100$/)]);
    expect(new Set(history).size).toBe(history.length);
    const { total } = (await http(`${world.server.url}${starts[0]}`)).body;
    expect(total).toBeGreaterThanOrEqual(23);
    expect(history).toHaveLength(Math.ceil(total / 5));

    world.server.base('clinic').faults.reset();
    expect(await store.get('clinic', 'Procedure', deleted)).toBeUndefined();
    expect(await snapshot(store, versie.clinicKey)).toEqual(await serverRecord(world, versie.clinicId));
    store.close();
  });
});

test('a history longer than listing the record again (a busy server) is left for a full listing, which ends exact', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const neva = samplePatient(world, 'Neva Hyatt');
  // A host's budget of 1,000 history changes (the default is 5,000).
  const { store } = await openStore(world, { sources: ['clinic'], sync: { limits: { maxHistoryEntries: 1000 } } });
  await store.syncPatient(versie.clinicKey);
  // Versie: 10 changes and a delete; others: many more, as on a busy server.
  const { deleted } = await changeServer(world, versie.clinicId, neva.clinicId);
  const base = world.server.baseUrl('clinic');
  const others = (await http(`${base}/Observation?_count=1000`)).body.entry
    .map((e: { resource: { id: string; subject: { reference: string } } }) => e.resource)
    .filter((r: { subject: { reference: string } }) => r.subject.reference !== `Patient/${versie.clinicId}`)
    .slice(0, 600);
  expect(others).toHaveLength(600);
  for (const r of others) {
    const changed = { ...r, status: 'amended' } as Record<string, unknown>;
    delete changed.meta;
    expect((await http(`${base}/Observation/${r.id}`, { method: 'PUT', body: JSON.stringify(changed) })).status).toBe(200);
  }

  world.server.base('clinic').clearRequests();
  // The history since the last sync holds the server's seeding (within the checkpoint's overlap),
  // 600 changes of others and Versie's: more than the 1,000 allowed (twice her record is fewer).
  world.server.base('clinic').faults.set({ pageSize: 50 });
  const report = await store.syncPatient(versie.clinicKey);
  expect(report.errors).toEqual([]);
  expect(report.sources.clinic!.notes.filter((n) => n.code === 'history-too-long').map((n) => n.message)).toEqual([
    "clinic: the server lists more than 1000 changes since the last sync, far more than this patient's record; listing the record instead.",
  ]);
  // Stopped at the page that passed 1,000 entries (the 21st of 50), not read to its end.
  const history = world.server.base('clinic').requests.filter((r) => r.url.includes('_history'));
  expect(history).toHaveLength(21);
  const { total } = (await http(`${world.server.url}${history[0]!.url}`)).body;
  expect(total).toBeGreaterThan(1050);
  expect(report.sources.clinic).toMatchObject({ status: 'ok', downloaded: 10, deleted: 1 });

  world.server.base('clinic').faults.reset();
  expect(await store.get('clinic', 'Procedure', deleted)).toBeUndefined();
  expect(await snapshot(store, versie.clinicKey)).toEqual(await serverRecord(world, versie.clinicId));
  store.close();
});
