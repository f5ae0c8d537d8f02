/**
 * What the kit leaves on a shared workstation: database names that name nobody, and a sign-out
 * that removes the user's database in every tab.
 */
import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalRecordStore } from '../src/store/index.js';
import { RecordStore } from '../src/record-store.js';
import { declareV3 } from '../src/store/schema.js';
import { CLINIC_BASE, SSN, VERSIE_CLINIC, servedAll, uniqueName, versie } from './fixtures/store/helpers.js';

const stores: Array<{ close(): void }> = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});
const databaseNames = async () => (await indexedDB.databases()).map((d) => d.name!).sort();

describe('database names', () => {
  it('indexedDB.databases() lists no partition name', async () => {
    const name = uniqueName('dr.jones@clinic.example');
    const store = await LocalRecordStore.open({ name });
    stores.push(store);
    await store.addSource({ id: 'clinic', baseUrl: CLINIC_BASE });
    const names = await databaseNames();
    expect(names).toContain(LocalRecordStore.databaseName(name));
    expect(names.filter((n) => n.includes('jones'))).toEqual([]);
  });

  it('moves a partition stored under its plain name (older versions) into the hashed database', async () => {
    const name = uniqueName('legacy-user');
    // What an older version left: `ehr-elements/<name>` at schema v3, with a patient and a source.
    const old = new Dexie(`ehr-elements/${name}`);
    declareV3(old);
    await old.open();
    await old.table('sources').put({ id: 'clinic', baseUrl: CLINIC_BASE, label: 'Riverside Clinic', addedAt: 1 });
    old.close();
    const seeded = await LocalRecordStore.open({ name: `${name}-seed`, linkIdentifierSystems: [SSN] });
    await seeded.addSource({ id: 'clinic', baseUrl: CLINIC_BASE });
    await seeded.applyPage('clinic', { upserts: servedAll(versie()) });
    const rows = await new Dexie(LocalRecordStore.databaseName(`${name}-seed`)).open().then(async (d) => {
      const r = await d.table('resources').toArray();
      d.close();
      return r;
    });
    seeded.close();
    const again = new Dexie(`ehr-elements/${name}`);
    declareV3(again);
    await again.open();
    await again.table('resources').bulkPut(rows);
    again.close();

    const store = await LocalRecordStore.open({ name, linkIdentifierSystems: [SSN] });
    stores.push(store);
    expect((await store.getSources()).map((s) => s.label)).toEqual(['Riverside Clinic']);
    expect((await store.search({ patient: VERSIE_CLINIC, type: 'Patient' })).map((r) => r.resource.id)).toEqual([VERSIE_CLINIC.split('/')[2]]);
    expect(await databaseNames()).not.toContain(`ehr-elements/${name}`);
  });
});

describe('signOut', () => {
  it('deletes the database and closes the store in every other tab', async () => {
    const name = uniqueName('shared-pc');
    // A record downloaded earlier (written the way the sync engine writes it).
    const seed = await LocalRecordStore.open({ name, linkIdentifierSystems: [SSN] });
    await seed.addSource({ id: 'clinic', baseUrl: CLINIC_BASE });
    await seed.applyPage('clinic', { upserts: servedAll(versie()) });
    seed.close();
    const here = await RecordStore.open({ name, linkIdentifierSystems: [SSN], sync: { broadcast: false } });
    // Another tab: its own connection to the same database.
    const there = await RecordStore.open({ name, linkIdentifierSystems: [SSN], sync: { broadcast: false } });
    stores.push(there);
    const closed: string[] = [];
    there.addEventListener('closed', (e) => closed.push(e.detail.reason));

    await here.signOut();
    expect(await databaseNames()).not.toContain(LocalRecordStore.databaseName(name));
    expect(closed).toEqual(['signed-out']);
    await expect(there.search({ patient: VERSIE_CLINIC })).rejects.toMatchObject({ code: 'closed' });
    await expect(here.getSources()).rejects.toMatchObject({ code: 'closed' });
    // Opening the partition again starts empty.
    const fresh = await LocalRecordStore.open({ name });
    stores.push(fresh);
    expect(await fresh.getSources()).toEqual([]);
  });
});
