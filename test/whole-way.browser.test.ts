/**
 * The whole way, nothing seeded: the real local FHIR server → `syncPatient` → the allergy panel
 * and the medication list, for a clinic-only patient, a patient of both providers, and that
 * patient with the second provider down. What a clinician reads about completeness must follow
 * from what the providers actually delivered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing-helpers';
import type { Bundle } from 'fhir/r4';
import { RecordStore } from '../src/record-store.js';
import '../src/elements/allergy-panel/define.js';
import '../src/elements/medication-list/define.js';
import type { EhrAllergyPanel } from '../src/elements/allergy-panel/allergy-panel.js';
import type { EhrMedicationList } from '../src/elements/medication-list/medication-list.js';
import { visibleText } from './support/elements.js';
import { baseUrl, getJson, resetFaults, resetServerData, setFaults, SSN, uniqueName } from './support/browser-sync.js';

const NHI = 'https://standards.digital.health.nz/ns/nhi-id';
const PATRICIA = 'clinic/Patient/d174bd1a-b368-41e6-83a2-af77f2b3c60f';
const PATRICIA_ALLERGY = 'AllergyIntolerance/9838cf73-c30d-4aa5-8ed8-36a079060b81';
const VERSIE = 'clinic/Patient/8a6f7e61-55dc-4dc3-bf12-b3531b690b05';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  fixtureCleanup();
  for (const c of cleanup.splice(0)) await c();
});

const words = visibleText;

async function syncedStore(patient: string): Promise<{ store: RecordStore; report: Awaited<ReturnType<RecordStore['syncPatient']>> }> {
  const name = uniqueName('whole-way');
  const store = await RecordStore.open({ name, linkIdentifierSystems: [SSN, NHI], sync: { broadcast: false, http: { retry: { retries: 0 } } } });
  cleanup.push(() => store.signOut());
  await store.addSource({ id: 'clinic', baseUrl: baseUrl('clinic'), label: 'Riverside Clinic' });
  await store.addSource({ id: 'hospital', baseUrl: baseUrl('hospital'), label: 'St Elsewhere Hospital' });
  const report = await store.syncPatient(patient);
  return { store, report };
}

async function panels(store: RecordStore, patient: string) {
  const wrapper = await fixture<HTMLDivElement>(html`<div lang="en">
    <ehr-allergy-panel .store=${store} patient=${patient}></ehr-allergy-panel>
    <ehr-medication-list .store=${store} patient=${patient}></ehr-medication-list>
  </div>`);
  const allergy = wrapper.querySelector('ehr-allergy-panel') as EhrAllergyPanel;
  const meds = wrapper.querySelector('ehr-medication-list') as EhrMedicationList;
  // Loaded: no skeleton, and the per-patient coverage has been read (rows or a statement shown).
  for (const el of [allergy, meds]) {
    await waitUntil(() => !el.shadowRoot!.querySelector('[part~="skeleton"]') && el.shadowRoot!.querySelector('section'), 'element did not load', { timeout: 15_000 });
  }
  return { allergy, meds };
}

describe('real server → syncPatient → panels', () => {
  it('a clinic-only patient: the hospital is searched, has no record, and the negative stands with "No record at"', async () => {
    // Patricia's one allergy is removed at the clinic, so the panel has nothing to list.
    const before = await getJson<Bundle>(`${baseUrl('clinic')}/AllergyIntolerance?patient=${PATRICIA.split('/').slice(1).join('/')}`);
    expect(before.entry?.map((e) => `AllergyIntolerance/${e.resource!.id}`)).toEqual([PATRICIA_ALLERGY]);
    await fetch(`${baseUrl('clinic')}/${PATRICIA_ALLERGY}`, { method: 'DELETE' });
    cleanup.push(() => resetServerData('clinic'));

    const { store, report } = await syncedStore(PATRICIA);
    expect(report.errors).toEqual([]);
    expect(report.sources.hospital).toMatchObject({ status: 'ok', noRecord: true });
    const { allergy, meds } = await panels(store, PATRICIA);
    await waitUntil(() => words(allergy).includes('Allergies not recorded'), 'no negative', { timeout: 10_000 });
    expect(words(allergy)).toContain('No record at St Elsewhere Hospital');
    expect(allergy.shadowRoot!.querySelector('[part~="incomplete"]')).toBeNull();
    // Her three medication statements, from the clinic, with no caveat.
    await waitUntil(() => words(meds).includes('No record at St Elsewhere Hospital'), 'no no-record note in the list', { timeout: 10_000 });
    expect(meds.shadowRoot!.querySelector('[part~="incomplete"]')).toBeNull();
  });

  it('a patient of both providers: rows from both, no caveat', async () => {
    const { store, report } = await syncedStore(VERSIE);
    expect(report.errors).toEqual([]);
    expect(report.sources.hospital!.patients).toEqual(['hospital/Patient/h-8a6f7e61-55dc-4dc3-bf12-b3531b690b05']);
    const { allergy, meds } = await panels(store, VERSIE);
    await waitUntil(() => words(allergy).includes('St Elsewhere Hospital'), 'no hospital row', { timeout: 10_000 });
    expect(words(allergy)).toContain('Riverside Clinic');
    expect(allergy.shadowRoot!.querySelector('[part~="incomplete"]')).toBeNull();
    expect(words(allergy)).not.toContain('No record at');
    expect(meds.shadowRoot!.querySelector('[part~="incomplete"]')).toBeNull();
  });

  it('the second provider down: what the clinic has, marked "may be incomplete", naming the hospital', async () => {
    await setFaults('hospital', { errors: { status: 503 } });
    cleanup.push(() => resetFaults('hospital'));
    const { store, report } = await syncedStore(VERSIE);
    expect(report.sources.hospital!.status).toBe('error');
    const { allergy, meds } = await panels(store, VERSIE);
    for (const el of [allergy, meds]) {
      await waitUntil(() => el.shadowRoot!.querySelector('[part~="incomplete"]'), 'no caveat', { timeout: 10_000 });
      expect(words(el.shadowRoot!.querySelector('[part~="incomplete"]')!)).toContain('St Elsewhere Hospital');
      expect(words(el)).not.toMatch(/No (allergies|medications) recorded/);
    }
    expect(words(allergy)).toContain('Riverside Clinic');
  });
});
