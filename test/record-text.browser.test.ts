/**
 * Direction controls and spoofing in record text, across the banner, the allergy panel and the
 * medication list: every record-derived string is its own <bdi>; one holding U+202A–202E or
 * U+2066–2069 is marked; record text inside a localized sentence is a separate node, so it cannot
 * pose as the sentence.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import type { AllergyIntolerance, MedicationRequest, Patient, Resource } from 'fhir/r4';
import { EhrMedicationList } from '../src/elements/medication-list/define.js';
import { EhrAllergyPanel } from '../src/elements/allergy-panel/define.js';
import { EhrPatientBanner } from '../src/elements/patient-banner/define.js';
import { expectNoAxeViolations } from './support/elements.js';
import { fakeClinic, fakeRecordSource, type FakeSource } from './support/fake-record-source.js';

afterEach(() => fixtureCleanup());

const RLO = '\u202E';
const FSI = '\u2068';
const PDI = '\u2069';
const MARK = '(contains text-direction control characters)';
const text = (n: Node | null | undefined) => (n?.textContent ?? '').replace(/\s+/g, ' ').trim();
const PATIENT = 'clinic/Patient/1';

const clinic = fakeClinic;
const failedHospital = (label: string): FakeSource => ({ id: 'hospital', label, status: 'error', lastError: 'HTTP 503' });

/** Every <bdi> in `root` that holds a direction control is marked, and every marked one holds one. */
function expectMarkedExactly(root: ShadowRoot) {
  const bdis = [...root.querySelectorAll('bdi')];
  for (const b of bdis) expect(b.hasAttribute('data-direction-controls')).toBe(/[\u202A-\u202E\u2066-\u2069]/.test(b.textContent ?? ''));
}

/** The marker after a marked value: visible sign, words for screen readers. */
function markerAfter(bdi: Element) {
  const marker = bdi.nextElementSibling!;
  expect(marker.getAttribute('part')).toBe('direction-controls');
  expect(text(marker)).toBe(`⇄${MARK}`);
  expect(marker.querySelector('.visually-hidden')!.textContent).toBe(MARK);
}

describe('<ehr-medication-list> record text', () => {
  async function list(resources: Resource[], sources: FakeSource[]) {
    const el = await fixture<EhrMedicationList>(html`<ehr-medication-list .store=${fakeRecordSource(resources, sources)} patient=${PATIENT}></ehr-medication-list>`);
    await vi.waitFor(() => expect(el.shadowRoot!.querySelector('[part~="group"], [part~="empty"]')).not.toBeNull(), { timeout: 10_000 });
    await el.updateComplete;
    return el;
  }
  const request = (id: string, over: Partial<MedicationRequest>): MedicationRequest => ({
    resourceType: 'MedicationRequest',
    id,
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/1' },
    ...over,
  });

  it('a recorded status FHIR does not define is its own <bdi>, marked when it holds controls; names too', async () => {
    const el = await list(
      [
        request('odd', { status: `on${RLO}hold` as never, medicationCodeableConcept: { text: `Warfarin${RLO} 5 MG` } }),
        request('plain', { medicationCodeableConcept: { text: 'Amoxicillin 500 MG' } }),
      ],
      [clinic()],
    );
    const root = el.shadowRoot!;
    const odd = [...root.querySelectorAll('tr[part~="row"]')].find((r) => r.querySelector('[part~="name"]')!.textContent!.includes('Warfarin'))!;
    const status = odd.querySelector('[part~="status"] bdi')!;
    expect(status.textContent).toBe(`on${RLO}hold`);
    markerAfter(status);
    markerAfter(odd.querySelector('[part~="name"] bdi')!);
    expectMarkedExactly(root);
    // A row without controls carries no marker.
    const plain = [...root.querySelectorAll('tr[part~="row"]')].find((r) => r.textContent!.includes('Amoxicillin'))!;
    expect(plain.querySelector('[part~="direction-controls"]')).toBeNull();
    await expectNoAxeViolations(el);
  });

  it('a provider name that imitates the sentence stays one node inside "May be incomplete"', async () => {
    const spoof = `Lab could not be checked. All providers delivered${FSI}.${PDI} \uE0000\uE001`;
    const el = await list([request('a', { medicationCodeableConcept: { text: 'Amoxicillin 500 MG' } })], [clinic(), failedHospital(spoof)]);
    const caveat = el.shadowRoot!.querySelector('[part~="incomplete"]')!;
    const bdis = [...caveat.querySelectorAll('bdi')];
    expect(bdis.map((b) => b.textContent)).toEqual([spoof]);
    // The translated words are text around the value, never inside it.
    const words = [...caveat.querySelectorAll('.callout-body > p')].map((s) =>
      [...s.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join(''),
    );
    expect(words.join('').replace(/\s+/g, ' ').trim()).toBe('May be incomplete: could not be checked.');
    markerAfter(bdis[0]!);
  });
});

describe('<ehr-allergy-panel> record text', () => {
  const allergy = (over: Partial<AllergyIntolerance>): AllergyIntolerance => ({
    resourceType: 'AllergyIntolerance',
    id: 'a',
    patient: { reference: 'Patient/1' },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }] },
    ...over,
  });

  it('substance, manifestation, a recorded category and the provider name: each its own <bdi>, marked when it holds controls', async () => {
    const store = fakeRecordSource(
      [
        allergy({
          code: { text: `Penicillin${RLO}` },
          category: [`food${RLO}x` as never, 'medication'],
          reaction: [{ manifestation: [{ text: `Hives${FSI}` }, { text: 'Wheeze' }] }],
        }),
      ],
      [clinic(), failedHospital(`St Elsewhere${RLO}`)],
    );
    const el = await fixture<EhrAllergyPanel>(html`<ehr-allergy-panel .store=${store} patient=${PATIENT}></ehr-allergy-panel>`);
    await vi.waitFor(() => expect(el.shadowRoot!.querySelector('[part~="row"]')).not.toBeNull(), { timeout: 10_000 });
    await vi.waitFor(() => expect(el.shadowRoot!.querySelector('[part~="incomplete"]')).not.toBeNull());
    const root = el.shadowRoot!;
    const row = root.querySelector('[part~="row"]')!;
    markerAfter(row.querySelector('[part~="substance"] bdi')!);
    const kind = row.querySelector('.kind')!;
    expect([...kind.querySelectorAll('bdi')].map((b) => b.textContent)).toEqual([`food${RLO}x`]);
    expect(text(kind)).toBe(`food${RLO}x⇄${MARK} · Medication`);
    expect([...row.querySelectorAll('.manifestation bdi')].map((b) => b.textContent)).toEqual([`Hives${FSI}`, 'Wheeze']);
    const caveat = root.querySelector('[part~="incomplete"]')!;
    expect([...caveat.querySelectorAll('bdi')].map((b) => b.textContent)).toEqual([`St Elsewhere${RLO}`]);
    expectMarkedExactly(root);
  });
});

describe('<ehr-patient-banner> record text', () => {
  it('the identifier type label, the name and the provider names are their own <bdi>s, marked when they hold controls', async () => {
    const patient: Patient = {
      resourceType: 'Patient',
      id: '1',
      name: [{ family: `Smith${RLO}`, given: ['Ann'] }],
      identifier: [{ type: { text: `MRN${RLO}` }, system: 'urn:local:mrn', value: '12345' }],
      birthDate: '1970-01-01',
      gender: 'female',
    };
    const store = fakeRecordSource([patient], [clinic(`Riverside${RLO} Clinic`)]);
    const el = await fixture<EhrPatientBanner>(html`<ehr-patient-banner lang="en" .store=${store} patient=${PATIENT}></ehr-patient-banner>`);
    await vi.waitFor(() => expect(el.shadowRoot!.querySelector('[part~="identifier"]')).not.toBeNull(), { timeout: 10_000 });
    await vi.waitFor(() => expect(text(el.shadowRoot!.querySelector('[part~="sources"]'))).toContain('Riverside'));
    const root = el.shadowRoot!;
    const id = root.querySelector('[part~="identifier"]')!;
    const label = id.querySelector('.label bdi')!;
    expect(label.textContent).toBe(`MRN${RLO}`);
    markerAfter(label);
    expect(id.querySelector('.id-value')!.textContent).toBe('12345');
    markerAfter(root.querySelector('[part~="name"] bdi')!);
    expect([...root.querySelectorAll('[part~="sources"] bdi')].map((b) => b.textContent)).toEqual([`Riverside${RLO} Clinic`]);
    expectMarkedExactly(root);
  });
});
