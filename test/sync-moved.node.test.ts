/**
 * A wrong-chart correction on the server: a resource filed under patient A is moved to patient
 * B (its `subject` changed). The next incremental sync of A takes it out of A's record; the next
 * sync of B files it there. Against the real local server, with `$everything` and with one
 * search per type (both learning about changes from `_history`) and, with no history at all,
 * from the full listing's id comparison.
 */
import { describe, expect, test } from 'vitest';
import type { Capability } from '../demo/fhir-server/server.mjs';
import { clinicRecord as serverRecord, http, openStore, requestLines, samplePatient, snapshot, useWorld } from './support/sync-harness.js';

const world = useWorld();


const ways: Array<{ name: string; disable: Capability[]; asks: string }> = [
  { name: '$everything with _history', disable: [], asks: '/clinic/fhir/_history?' },
  { name: 'one search per type with _history', disable: ['everything'], asks: 'Condition?patient=' },
  { name: 'no history: full listing and id comparison', disable: ['history'], asks: 'Condition?_id=' },
];

describe.each(ways)('a resource moved to another patient ($name)', ({ disable, asks }) => {
  test("leaves A's record on A's next sync and appears in B's on B's next sync", async () => {
    const versie = samplePatient(world, 'Versie Botsford');
    const neva = samplePatient(world, 'Neva Hyatt');
    world.server.base('clinic').faults.set({ disable });
    const { store } = await openStore(world, { sources: ['clinic'] });
    await store.syncPatient(versie.clinicKey);
    await store.syncPatient(neva.clinicKey);

    // On the server, one of Versie's conditions was filed in the wrong chart: it is Neva's.
    const base = world.server.baseUrl('clinic');
    const condition = (await http(`${base}/Condition?patient=Patient/${versie.clinicId}`)).body.entry[0].resource;
    const moved = { ...condition, subject: { reference: `Patient/${neva.clinicId}` } };
    delete moved.meta;
    expect((await http(`${base}/Condition/${condition.id}`, { method: 'PUT', body: JSON.stringify(moved) })).status).toBe(200);
    expect(await store.search({ patient: versie.clinicKey, type: 'Condition' })).toContainEqual(
      expect.objectContaining({ resource: expect.objectContaining({ id: condition.id }) }),
    );

    world.server.base('clinic').clearRequests();
    const a = await store.syncPatient(versie.clinicKey);
    expect(a.errors).toEqual([]);
    expect(requestLines(world, 'clinic').some((l) => l.includes(asks))).toBe(true);
    const versieConditions = (await store.search({ patient: versie.clinicKey, type: 'Condition' })).map((r) => r.resource.id);
    expect(versieConditions).not.toContain(condition.id);
    expect(await snapshot(store, versie.clinicKey)).toEqual(await serverRecord(world, versie.clinicId));
    expect(a.sources.clinic!.notes.filter((n) => n.code === 'moved-to-other-patient').map((n) => n.message)).toEqual([
      `clinic: Condition/${condition.id} now belongs to another patient on the server; removed from ${versie.clinicKey}.`,
    ]);

    const b = await store.syncPatient(neva.clinicKey);
    expect(b.errors).toEqual([]);
    const row = await store.get('clinic', 'Condition', condition.id);
    expect(row).toMatchObject({ patient: neva.clinicKey, resource: { subject: { reference: `Patient/${neva.clinicId}` } } });
    expect(await snapshot(store, neva.clinicKey)).toEqual(await serverRecord(world, neva.clinicId));
    // Versie's record still does not show it.
    expect(await snapshot(store, versie.clinicKey)).toEqual(await serverRecord(world, versie.clinicId));
    store.close();
  });
});
