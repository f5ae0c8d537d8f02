/**
 * A resource the server still lists, but in a shape we cannot store (here `meta.versionId` a
 * number), is an invalid entry, and never a delete: the cached version stays in the chart. Real
 * local server, full listings (history switched off, so deletes come from comparing ids).
 */
import { expect, test } from 'vitest';
import { http, openStore, samplePatient, useWorld } from './support/sync-harness.js';

const world = useWorld();

test('a cached allergy the server now sends unreadably is kept, reported, not deleted', async () => {
  const versie = samplePatient(world, 'Versie Botsford');
  const base = world.server.baseUrl('clinic');
  world.server.base('clinic').faults.set({ disable: ['history'] });
  const { store } = await openStore(world, { sources: ['clinic'] });
  expect((await store.syncPatient(versie.clinicKey)).sources.clinic!.status).toBe('ok');
  const allergy = (await http(`${base}/AllergyIntolerance?patient=Patient/${versie.clinicId}&_count=1`)).body.entry[0].resource;
  expect(await store.get('clinic', 'AllergyIntolerance', allergy.id)).toMatchObject({ versionId: allergy.meta.versionId });

  // The server's own copy goes; every listing and every `_id=` re-check now carries a copy of it
  // whose versionId is a number (a broken server).
  expect((await http(`${base}/AllergyIntolerance/${allergy.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
  world.server.base('clinic').faults.set({ disable: ['history'], inject: { resources: [{ ...allergy, meta: { versionId: 3 } }] } });
  const report = await store.syncPatient(versie.clinicKey);

  expect(report.sources.clinic).toMatchObject({ status: 'ok', deleted: 0 });
  // Said for every page that carried it (the listing's pages, each with the injected copy).
  const notes = report.sources.clinic!.notes.filter((n) => n.code === 'invalid-entry').map((n) => n.message);
  expect(notes.length).toBeGreaterThan(0);
  for (const m of notes) expect(m).toMatch(new RegExp(`^clinic: skipped entry \\d+ of a page \\(AllergyIntolerance/${allergy.id} with a meta.versionId that is not a string\\)`));
  expect(await store.get('clinic', 'AllergyIntolerance', allergy.id)).toMatchObject({ versionId: allergy.meta.versionId });
  store.close();
});
