import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { expectNoAxeViolations, trackSourceReads } from './support/elements.js';
import { fakeRecordSource } from './support/fake-record-source.js';
import type { Medication, MedicationStatement, Resource } from 'fhir/r4';
import example001 from './fixtures/fhir/MedicationStatement-example001.json';
import example003 from './fixtures/fhir/MedicationStatement-example003.json';
import { de, registerTranslation, type RecordSource, type StoredRow } from '../src/elements/base/index.js';
import { EhrMedicationList } from '../src/elements/medication-list/define.js';
import type { MedicationSelectDetail } from '../src/elements/medication-list/index.js';
import { medicationRequest, seedMedicationPatient, type MedicationSeedOptions } from './support/seed-medication-list.js';

registerTranslation(de);

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

afterEach(() => fixtureCleanup());

const root = (el: EhrMedicationList) => el.shadowRoot!;
const text = (el: Element | ShadowRoot) => (el.textContent ?? '').replace(/\s+/g, ' ').trim();

/** Waits until the list has rendered its groups (or the empty/error state). */
async function ready(el: EhrMedicationList) {
  await vi.waitFor(
    () => {
      const r = root(el);
      if (!r.querySelector('[part~="group"], [part~="empty"], [part~="error"]')) throw new Error('still loading');
    },
    { timeout: 10_000 },
  );
  await el.updateComplete;
}

function group(el: EhrMedicationList, name: string): HTMLElement | null {
  return root(el).querySelector<HTMLElement>(`section[data-group="${name}"]`);
}
function rows(el: EhrMedicationList, name: string): HTMLTableRowElement[] {
  return [...(group(el, name)?.querySelectorAll<HTMLTableRowElement>('tr[part~="row"]') ?? [])];
}
function rowNamed(el: EhrMedicationList, groupName: string, name: string): HTMLTableRowElement {
  const row = rows(el, groupName).find((r) => text(r.querySelector('[part~="name"]')!) === name);
  if (!row) throw new Error(`no row "${name}" in ${groupName}: ${rows(el, groupName).map((r) => text(r.querySelector('[part~="name"]')!)).join(' | ')}`);
  return row;
}
const cell = (row: Element, part: string) => text(row.querySelector(`[part~="${part}"]`)!);


async function render(options: MedicationSeedOptions, attrs: { lang?: string; selectable?: boolean; density?: 'compact' | 'dense' } = {}) {
  const seeded = await seedMedicationPatient(options);
  const wrapper = await fixture<HTMLElement>(html`<div lang=${attrs.lang ?? 'en'}>
    <ehr-medication-list .store=${seeded.store} patient=${seeded.patient.clinic} ?selectable=${attrs.selectable ?? false} density=${attrs.density ?? 'dense'}></ehr-medication-list>
  </div>`);
  const el = wrapper.querySelector('ehr-medication-list') as EhrMedicationList;
  await ready(el);
  return { el, ...seeded };
}

describe('<ehr-medication-list density="compact">', () => {
  it('Parker Casper: name, dose and source on the line, prescriber and start date behind More details; the death still said', async () => {
    const { el } = await render({ name: 'parker-compact', patient: 'parker' }, { density: 'compact' });
    const active = group(el, 'active')!;
    expect([...active.querySelectorAll('thead th')].map((th) => text(th))).toEqual(['Medication', 'Dose, route and frequency', 'Source']);
    const row = rows(el, 'active')[0]!;
    expect(row.querySelector(':scope > [part~="prescriber"]')).toBeNull();
    const more = row.querySelector<HTMLDetailsElement>('details[part~="more"]')!;
    expect(more.open).toBe(false);
    expect(more.querySelector('summary')!.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
    expect(text(more.querySelector('[part~="prescriber"]')!)).toContain('TORPHY, Tyron (Dr)');
    // Every safety marker stays on the line: one deceased note, each row's quiet marker.
    expect(root(el).querySelectorAll('[part~="deceased-note"]').length).toBe(1);
    for (const r of rows(el, 'active')) expect(r.querySelector('[part~="after-death-mark"]')).not.toBeNull();
    await expectNoAxeViolations(el);
  });
});

describe('<ehr-medication-list> with Margery Gibson (polypharmacy)', () => {
  it('lists her seven active medicines with dose, prescriber and prescribed date; stopped ones apart', async () => {
    const { el } = await render({ name: 'margery', patient: 'margery' });

    const heading = root(el).querySelector('[part~="heading"]')!;
    expect(heading.tagName).toBe('H2');
    expect(text(heading)).toBe('Medications');
    expect(root(el).querySelector('section[part~="base"]')!.getAttribute('aria-labelledby')).toBe(heading.id);

    const active = rows(el, 'active');
    expect(active).toHaveLength(7);
    expect(text(group(el, 'active')!.querySelector('[part~="group-heading"]')!)).toBe('Active (7 medications)');

    const simva = rowNamed(el, 'active', 'Simvistatin 10 mg');
    // Synthea records the dose as a bare number (no unit): shown exactly as recorded.
    expect(cell(simva, 'dose')).toBe('1 once a day');
    expect(cell(simva, 'date')).toBe('30-Dec-2020');
    // The heading says "Active": no Status column repeating it on each row.
    expect(simva.querySelector('[part~="status"]')).toBeNull();

    const hctz = rowNamed(el, 'active', 'Hydrochlorothiazide 25 mg');
    expect(cell(hctz, 'dose')).toBe('Dose not recorded');
    expect(cell(hctz, 'date')).toBe('19-Jun-1967');

    for (const row of active) {
      // A named prescriber (the resolved Practitioner), never blank and never "Not known" here.
      expect(cell(row, 'prescriber')).toMatch(/^[A-Z][A-Za-z0-9'-]+, \S+/);
      expect(cell(row, 'dose')).not.toBe('');
      expect(row.querySelector('ehr-source-badge')!.getAttribute('source')).toBe('clinic');
    }

    // Stopped: clopidogrel and alteplase, and the old yearly simvastatin as one history row.
    const stoppedNames = rows(el, 'stopped').map((r) => text(r.querySelector('[part~="name"]')!));
    expect(stoppedNames).toEqual(expect.arrayContaining(['Clopidogrel 75 mg Oral Tablet', 'Alteplase 100 mg Injection', 'Simvistatin 10 mg']));
    expect(text(group(el, 'stopped')!.querySelector('[part~="group-heading"]')!)).toMatch(/^Stopped \/ completed \(\d+ medications\)$/);
    const oldSimva = rowNamed(el, 'stopped', 'Simvistatin 10 mg');
    expect(oldSimva.querySelector('[part~="status"]')).toBeNull();
    expect(text(oldSimva.querySelector('[part~="history"] summary')!)).toMatch(/^\d+ earlier records$/);
    // Renewals at one provider are not a disagreement.
    expect(root(el).querySelector('[part~="difference"]')).toBeNull();

    const table = group(el, 'active')!.querySelector('table')!;
    expect(table.getAttribute('aria-labelledby')).toBe('group-active');
    expect([...table.querySelectorAll('thead th')].map((th) => th.getAttribute('scope'))).toEqual(Array(5).fill('col'));
    expect([...table.querySelectorAll('thead th')].map((th) => text(th))).toEqual(['Medication', 'Dose, route and frequency', 'Prescriber', 'Started / issued', 'Source']);

    await expectNoAxeViolations(el);
  });

  it('updates in place when a new record lands in the store', async () => {
    const { el, store, refs } = await render({ name: 'margery-live', patient: 'margery' });
    expect(rows(el, 'active')).toHaveLength(7);
    await store.applyPage('hospital', {
      upserts: [
        medicationRequest('live-new', refs.hospital, {
          medicationCodeableConcept: { text: 'Amoxicillin 500 MG Oral Capsule' },
          dosageInstruction: [{ text: '1 capsule three times a day for 7 days' }],
          meta: { versionId: '1', lastUpdated: new Date().toISOString() },
        }),
      ],
      fetchedAt: Date.now(),
    });
    await vi.waitFor(() => expect(rows(el, 'active')).toHaveLength(8));
    const amox = rowNamed(el, 'active', 'Amoxicillin 500 mg Oral Capsule');
    expect(cell(amox, 'dose')).toBe('1 capsule three times a day for 7 days');
    expect(amox.querySelector('ehr-source-badge')!.getAttribute('source')).toBe('hospital');
    expect(text(group(el, 'active')!.querySelector('[part~="group-heading"]')!)).toBe('Active (8 medications)');
  });

  it('never shows an entered-in-error record', async () => {
    const { el } = await render({
      name: 'margery-eie',
      patient: 'margery',
      extra: {
        clinic: (p) => [
          medicationRequest('eie', p, { status: 'entered-in-error', medicationCodeableConcept: { text: 'Warfarin 5 MG (recorded in error)' } }),
        ],
      },
    });
    expect(rows(el, 'active')).toHaveLength(7);
    expect(text(root(el))).not.toContain('Warfarin');
  });
});

describe('<ehr-medication-list> with Parker Casper (deceased)', () => {
  it('says once that prescriptions were not stopped at death: in the heading and one warning note; a quiet marker per row', async () => {
    const { el } = await render({ name: 'parker', patient: 'parker' });
    const active = group(el, 'active')!;
    expect(text(active.querySelector('[part~="group-heading"]')!)).toBe('Recorded as active — not stopped at death on 21-Feb-2021 (12 medications)');
    // Exactly one warning in the whole list: the shared warning callout.
    const warnings = root(el).querySelectorAll('[part~="warning"]');
    expect(warnings).toHaveLength(1);
    const note = warnings[0]!;
    expect(note.matches('.callout.callout-warning[part~="deceased-note"][role="note"]')).toBe(true);
    expect(text(note)).toContain('This patient died on 21-Feb-2021');
    expect(text(note)).toContain('not stopped at death');
    expect(text(note)).toContain('not current therapy');
    expect(text(root(el))).not.toMatch(/active after death/i);
    const list = rows(el, 'active');
    expect(list).toHaveLength(12);
    for (const row of list) {
      // No badge, no status cell, no hatching: a small muted mark, in words for screen readers.
      expect(row.querySelector('[part~="status"]')).toBeNull();
      const mark = row.querySelector<HTMLElement>('[part~="after-death-mark"]')!;
      expect(mark.querySelector('.visually-hidden')!.textContent).toBe('Not stopped at death');
      expect(mark.querySelector('[aria-hidden="true"]')!.textContent).toBe('◆');
      expect(getComputedStyle(mark).borderStyle).toBe('none');
      expect(parseFloat(getComputedStyle(mark).fontSize)).toBeLessThan(parseFloat(getComputedStyle(row.querySelector('[part~="name"]')!).fontSize));
      for (const td of row.querySelectorAll('td')) expect(getComputedStyle(td).backgroundImage).toBe('none');
    }
    // Stopped ones are not marked.
    for (const row of rows(el, 'stopped')) expect(row.querySelector('[part~="after-death-mark"]')).toBeNull();
    // Both headings say the status: no Status column in Active or Stopped.
    for (const g of ['active', 'stopped']) {
      expect([...group(el, g)!.querySelectorAll('thead th')].map((th) => text(th))).toEqual([
        'Medication',
        'Dose, route and frequency',
        'Prescriber',
        'Started / issued',
        'Source',
      ]);
    }
    // His stopped ibuprofen: "as needed" with no amount.
    expect(cell(rowNamed(el, 'stopped', 'Ibuprofen 200 mg Oral Tablet'), 'dose')).toBe('Dose not recorded · as needed');
    // The hospital's furosemide (from his last stay) is in the same list with its source.
    expect(rowNamed(el, 'active', 'Furosemide 10 mg/mL Injection · 10 mL').querySelector('ehr-source-badge')!.getAttribute('source')).toBe('hospital');
    await expectNoAxeViolations(el);
  });

  it('speaks German: "beim Tod nicht abgesetzt" in the heading, the one note and each row’s marker', async () => {
    const { el } = await render({ name: 'parker-de', patient: 'parker' }, { lang: 'de' });
    const heading = text(group(el, 'active')!.querySelector('[part~="group-heading"]')!);
    expect(heading).toMatch(/^Als aktiv dokumentiert – beim Tod am .*2021 nicht abgesetzt \(12 Medikamente\)$/);
    const warnings = root(el).querySelectorAll('[part~="warning"]');
    expect(warnings).toHaveLength(1);
    expect(text(warnings[0]!)).toContain('beim Tod nicht abgesetzt');
    expect(text(root(el))).not.toContain('Aktiv nach dem Tod');
    for (const row of rows(el, 'active')) expect(text(row.querySelector('[part~="after-death-mark"] .visually-hidden')!)).toBe('Beim Tod nicht abgesetzt');
    await expectNoAxeViolations(el);
  });

  it('shows RxNorm names with the ingredient first, sorted by ingredient; the recorded name on demand', async () => {
    const { el } = await render({ name: 'parker-names', patient: 'parker' });
    const names = rows(el, 'active').map((r) => text(r.querySelector('[part~="name"]')!));
    expect(names).toEqual([
      'Amlodipine 5 mg Oral Tablet',
      'Clopidogrel 75 mg Oral Tablet',
      'Digoxin 0.125 mg Oral Tablet',
      'Furosemide 10 mg/mL Injection · 10 mL',
      'Hydrochlorothiazide 25 mg',
      'Lasix 40mg',
      'Metformin hydrochloride 500 mg Extended Release Oral Tablet · 24 hr',
      'metoprolol succinate 100 mg Extended Release Oral Tablet [Toprol] · 24 hr',
      'Nitroglycerin 0.4 mg/ACTUAT Mucosal Spray',
      'Simvastatin 20 mg Oral Tablet',
      'Verapamil Hydrochloride 40 mg',
      'Warfarin Sodium 5 mg Oral Tablet',
    ]);
    const furosemide = rowNamed(el, 'active', 'Furosemide 10 mg/mL Injection · 10 mL');
    // The moved qualifier is quiet (not bold like the ingredient).
    const qualifier = furosemide.querySelector<HTMLElement>('[part~="name"] .qualifier')!;
    expect(Number(getComputedStyle(qualifier).fontWeight)).toBeLessThan(Number(getComputedStyle(furosemide.querySelector('[part~="name"]')!).fontWeight));
    // The recorded name: the tooltip, and text for screen readers (visually hidden, not aria-hidden).
    expect(furosemide.querySelector('[part~="name"]')!.getAttribute('title')).toBe('Recorded as: 10 ML Furosemide 10 MG/ML Injection');
    const recorded = furosemide.querySelector<HTMLElement>('[part~="recorded-name"]')!;
    expect(text(recorded)).toBe('Recorded as: 10 ML Furosemide 10 MG/ML Injection');
    expect(recorded.closest('[aria-hidden="true"]')).toBeNull();
    expect(recorded.getBoundingClientRect().width).toBeLessThanOrEqual(1);
    // A name that does not start with a qualifier and has no RxNorm unit stays as recorded, without the extra text.
    const lasix = rowNamed(el, 'active', 'Lasix 40mg');
    expect(lasix.querySelector('[part~="recorded-name"]')).toBeNull();
    expect(lasix.querySelector('[part~="name"]')!.hasAttribute('title')).toBe(false);
  });
});

describe('<ehr-medication-list> with Peter James Chalmers (us_quality_core)', () => {
  it('resolves a referenced Medication, says when one is missing, and lists "do not give" apart', async () => {
    const { el } = await render({
      name: 'usqc',
      patient: 'usqc',
      extra: {
        clinic: (p) => [
          medicationRequest('by-reference', p, {
            medicationCodeableConcept: undefined,
            medicationReference: { reference: 'Medication/usqualitycore-medication' },
            authoredOn: '2024-06-01',
          }),
        ],
        hospital: (p) => [
          medicationRequest('missing-with-display', p, {
            medicationCodeableConcept: undefined,
            medicationReference: { reference: 'Medication/not-stored', display: 'Amoxicillin 250 MG (as written)' },
          }),
          medicationRequest('missing-bare', p, { medicationCodeableConcept: undefined, medicationReference: { reference: 'Medication/also-not-stored' } }),
        ],
      },
    });
    // The request by reference names the drug from the stored Medication (and shows its form).
    const alemtuzumab = rowNamed(el, 'active', 'alemtuzumab 10 mg/mL [Lemtrada]');
    expect(cell(alemtuzumab, 'strength')).toMatch(/\S/);
    expect(cell(alemtuzumab, 'date')).toBe('01-Jun-2024');
    expect(cell(alemtuzumab, 'prescriber')).toBe('Not known');
    rowNamed(el, 'active', 'Amoxicillin 250 mg (as written)');
    rowNamed(el, 'active', 'Medication details not available');

    const dnt = group(el, 'do-not-take')!;
    expect(text(dnt.querySelector('[part~="group-heading"]')!)).toBe('Do not take / not to be given (1 medication)');
    const heparin = 'Not Done Value Set: Low Dose Unfractionated Heparin for VTE Prophylaxis';
    expect(cell(rowNamed(el, 'do-not-take', heparin), 'status')).toContain('Do not give');
    expect(text(group(el, 'active')!)).not.toContain('Heparin');
    // "Do not take" comes first.
    expect(root(el).querySelector('section[data-group]')!.getAttribute('data-group')).toBe('do-not-take');
    await expectNoAxeViolations(el);
  });
});

describe('<ehr-medication-list> with specification examples', () => {
  it('names a contained Medication (#med0309) and shows a statement’s dosage and dates', async () => {
    const asStatement = (r: unknown, patient: string, id: string) =>
      ({ ...(r as MedicationStatement), id, subject: { reference: patient }, informationSource: undefined }) as Resource;
    const { el } = await render({
      name: 'spec',
      patient: 'margery',
      extra: { clinic: (p) => [asStatement(example001, p, 'example001'), asStatement(example003, p, 'example003')] },
    });
    const tylenol = rowNamed(el, 'active', 'Tylenol PM');
    expect(cell(tylenol, 'strength')).toContain('Acetaminophen 500 MG 500 mg/Tab');
    expect(cell(tylenol, 'strength')).toContain('Film-coated tablet');
    expect(cell(tylenol, 'dose')).toBe('1-2 tablets once daily at bedtime as needed for restless legs');
    // The statement's effective date, in the same "Started / issued" column as a prescription's authoredOn, with no label of its own.
    expect(cell(tylenol, 'date')).toBe('23-Jan-2015');
    const pill = rowNamed(el, 'active', 'Little Pink Pill for water retention');
    expect(cell(pill, 'dose')).toBe('1 tablet per day');
  });
});

describe('<ehr-medication-list> reconciliation across providers', () => {
  it('shows the same RxNorm drug once with both sources and flags the dose difference', async () => {
    const simvastatinAt = (p: string, id: string, tablets: number) =>
      medicationRequest(id, p, {
        medicationCodeableConcept: { coding: [{ system: RXNORM, code: '314231', display: 'Simvastatin 10 MG Oral Tablet' }] },
        authoredOn: '2024-01-10',
        dosageInstruction: [{ text: `${tablets} tablet${tablets > 1 ? 's' : ''} daily` }],
      });
    const { el } = await render({
      name: 'reconcile',
      patient: 'margery',
      extra: { clinic: (p) => [simvastatinAt(p, 'rec-c', 1)], hospital: (p) => [simvastatinAt(p, 'rec-h', 2)] },
    });
    const matching = rows(el, 'active').filter((r) => text(r.querySelector('[part~="name"]')!) === 'Simvastatin 10 mg Oral Tablet');
    expect(matching).toHaveLength(1);
    const row = matching[0]!;
    expect([...row.querySelectorAll('ehr-source-badge')].map((b) => b.getAttribute('source')).sort()).toEqual(['clinic', 'hospital']);
    const diff = row.querySelector('[part~="difference"]')!;
    // A reworded dose is info, not a warning: the shared info callout.
    expect(diff.matches('.callout.callout-info[part~="info"]')).toBe(true);
    expect(row.querySelector('[part~="warning"]')).toBeNull();
    expect(text(diff)).toMatch(/^ℹ Differs between sources: dose /);
    expect(text(diff)).toContain('1 tablet daily at Riverside Clinic');
    expect(text(diff)).toContain('2 tablets daily at St Elsewhere Hospital');
    await expectNoAxeViolations(el);
  });
});

describe('<ehr-medication-list> one visual language for safety messages', () => {
  it('"do not give" at one record and prescribed at another: a warning callout on both rows', async () => {
    const warfarin = { coding: [{ system: RXNORM, code: '855332', display: 'Warfarin Sodium 5 MG Oral Tablet' }] };
    const store = fakeRecordSource([
      medicationRequest('given', 'Patient/1', { medicationCodeableConcept: warfarin }),
      medicationRequest('not-given', 'Patient/1', { medicationCodeableConcept: warfarin, doNotPerform: true }),
    ]);
    const el = await fixture<EhrMedicationList>(html`<ehr-medication-list .store=${store} patient="clinic/Patient/1"></ehr-medication-list>`);
    await ready(el);
    for (const g of ['active', 'do-not-take']) {
      const note = rows(el, g)[0]!.querySelector('[part~="difference"]')!;
      expect(note.matches('.callout.callout-warning[part~="warning"]')).toBe(true);
      expect(text(note)).toMatch(/^⚠ (Also prescribed by|Also recorded as not to be given by) Riverside Clinic/);
    }
    await expectNoAxeViolations(el);
  });
});

describe('<ehr-medication-list> safety of record text', () => {
  it('renders hostile record text as inert text', async () => {
    const long = 'Paracetamol '.repeat(900);
    const { el } = await render({
      name: 'hostile',
      patient: 'margery',
      extra: {
        clinic: (p) => [
          medicationRequest('x1', p, { medicationCodeableConcept: { text: '<img src=x onerror="window.__pwned=1">' } }),
          medicationRequest('x2', p, {
            medicationCodeableConcept: { text: '<script>window.__pwned=2</script>' },
            dosageInstruction: [{ text: 'javascript:alert(1)' }],
            requester: { display: '\u202Eevil\u202C Dr' },
          }),
          medicationRequest('x3', p, { medicationCodeableConcept: { text: long } }),
        ],
      },
    });
    const r = root(el);
    expect(r.querySelector('img, script, a[href^="javascript"]')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    rowNamed(el, 'active', '<img src=x onerror="window.__pwned=1">');
    const script = rowNamed(el, 'active', '<script>window.__pwned=2</script>');
    expect(cell(script, 'dose')).toBe('javascript:alert(1)');
    expect(script.querySelector('[part~="prescriber"] bdi')!.textContent).toBe('\u202Eevil\u202C Dr');
    expect(script.querySelector('[part~="name"] bdi')).not.toBeNull();
    // 10,799 characters: the first 1,000 shown, the cut said in words.
    rowNamed(el, 'active', `${long.trim().slice(0, 1000)}… (9,799 more characters not shown)`);
  });
});

describe('<ehr-medication-list> bidi isolation of record pieces', () => {
  it('isolates ingredient, strength, form and each dose piece in its own <bdi> (a U+202E cannot reverse a neighbour)', async () => {
    const rlo = '\u202E';
    const { el } = await render({
      name: 'bidi-pieces',
      patient: 'margery',
      extra: {
        clinic: (p) => [
          medicationRequest('bidi-1', p, {
            contained: [
              {
                resourceType: 'Medication',
                id: 'm1',
                code: { text: 'Bidi test drug' },
                form: { text: 'Tablet' },
                ingredient: [{ itemCodeableConcept: { text: `Paracetamol${rlo}` }, strength: { numerator: { value: 500, unit: 'mg' } } }],
              } as Medication,
            ],
            medicationCodeableConcept: undefined,
            medicationReference: { reference: '#m1' },
            dosageInstruction: [
              {
                doseAndRate: [{ doseQuantity: { value: 1, unit: 'tablet' } }],
                route: { text: `Oral${rlo}` },
                timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
              },
            ],
          }),
        ],
      },
    });
    const row = rowNamed(el, 'active', 'Bidi test drug');
    const strength = row.querySelector('[part~="strength"]')!;
    const bdis = [...strength.querySelectorAll('bdi')];
    // Three separate isolates, none nested in another: name, strength, form.
    expect(bdis.map((b) => b.textContent)).toEqual([`Paracetamol${rlo}`, '500 mg', 'Tablet']);
    for (const b of bdis) expect(b.querySelector('bdi')).toBeNull();
    const ingredient = bdis[0]!;
    const dose500 = bdis[1]!;
    expect(ingredient.contains(dose500)).toBe(false);
    expect(dose500.contains(ingredient)).toBe(false);
    // The value holding the control is marked; its neighbours are not.
    expect(ingredient.hasAttribute('data-direction-controls')).toBe(true);
    expect(dose500.hasAttribute('data-direction-controls')).toBe(false);
    expect(text(strength)).toBe(`Paracetamol${rlo}⇄(contains text-direction control characters) 500 mg; Tablet`);

    // The dose: recorded dose, route (as recorded, in brackets) and frequency are separate isolates.
    const dose = row.querySelector('[part~="dose"]')!;
    const doseBdis = [...dose.querySelectorAll('bdi')].map((b) => b.textContent);
    expect(doseBdis).toContain(`Oral${rlo}`);
    expect(doseBdis).toContain('twice a day');
    expect(doseBdis.some((t) => t!.includes(rlo) && t!.includes('twice'))).toBe(false);
    expect(text(dose)).toBe(`1 tablet (Oral${rlo}⇄(contains text-direction control characters)) twice a day`);
  });

  it('isolates each source’s dose and each source name in a difference note', async () => {
    const rlo = '\u202E';
    const at = (p: string, id: string, dose: string) =>
      medicationRequest(id, p, {
        medicationCodeableConcept: { coding: [{ system: RXNORM, code: '314231', display: 'Simvastatin 10 MG Oral Tablet' }] },
        authoredOn: '2024-01-10',
        dosageInstruction: [{ text: dose }],
      });
    const { el } = await render({
      name: 'bidi-diff',
      patient: 'margery',
      extra: { clinic: (p) => [at(p, 'bd-c', `1 tablet daily${rlo}`)], hospital: (p) => [at(p, 'bd-h', '2 tablets daily')] },
    });
    const row = rows(el, 'active').find((r) => text(r.querySelector('[part~="name"]')!) === 'Simvastatin 10 mg Oral Tablet')!;
    const diff = row.querySelector('[part~="difference"]')!;
    const bdis = [...diff.querySelectorAll('bdi')].map((b) => b.textContent);
    expect(bdis).toEqual(expect.arrayContaining([`1 tablet daily${rlo}`, '2 tablets daily', 'Riverside Clinic', 'St Elsewhere Hospital']));
    for (const b of diff.querySelectorAll('bdi')) expect(b.querySelector('bdi')).toBeNull();
    // A reworded dose is info, not a warning: the shared info callout.
    expect(diff.matches('.callout.callout-info[part~="info"]')).toBe(true);
    expect(row.querySelector('[part~="warning"]')).toBeNull();
    expect(text(diff)).toMatch(/^ℹ Differs between sources: dose /);
    expect(text(diff)).toContain(`1 tablet daily${rlo}⇄(contains text-direction control characters) at Riverside Clinic`);
  });
});

describe('<ehr-medication-list> columns', () => {
  const statement = (id: string, over: Partial<MedicationStatement>): MedicationStatement => ({
    resourceType: 'MedicationStatement',
    id,
    status: 'active',
    subject: { reference: 'Patient/1' },
    medicationCodeableConcept: { text: 'Ibuprofen 200 MG Oral Tablet' },
    ...over,
  });
  const records: Resource[] = [
    medicationRequest('by-doctor', 'Patient/1', {
      medicationCodeableConcept: { text: 'Amlodipine 5 MG Oral Tablet' },
      requester: { reference: 'Practitioner/7', display: 'TORPHY, Tyron (Dr)' },
      authoredOn: '2020-08-23',
    }),
    medicationRequest('by-organization', 'Patient/1', {
      medicationCodeableConcept: { text: 'Clopidogrel 75 MG Oral Tablet' },
      requester: { reference: 'Organization/3', display: 'Riverside Pharmacy' },
      authoredOn: '2019-05-02',
    }),
    statement('reported', {
      informationSource: { reference: 'Patient/1', display: 'Parker Casper' },
      effectivePeriod: { start: '2021-01-10' },
      dosage: [{ asNeededBoolean: true }],
    }),
    medicationRequest('draft', 'Patient/1', { status: 'draft', medicationCodeableConcept: { text: 'Digoxin 0.125 MG Oral Tablet' } }),
    medicationRequest('unknown', 'Patient/1', { status: 'unknown', medicationCodeableConcept: { text: 'Warfarin Sodium 5 MG Oral Tablet' } }),
  ];

  it('"Started / issued" for every date; "Recorded by" for an organization or a reporter; "Dose not recorded · as needed"', async () => {
    const el = await fixture<EhrMedicationList>(html`<ehr-medication-list .store=${fakeRecordSource(records)} patient="clinic/Patient/1"></ehr-medication-list>`);
    await ready(el);
    const active = group(el, 'active')!;
    // Prescribers and recorders in one group: the header says both, each recorder's cell says which.
    expect([...active.querySelectorAll('thead th')].map((th) => text(th))).toEqual([
      'Medication',
      'Dose, route and frequency',
      'Prescriber / recorded by',
      'Started / issued',
      'Source',
    ]);
    expect(cell(rowNamed(el, 'active', 'Amlodipine 5 mg Oral Tablet'), 'prescriber')).toBe('TORPHY, Tyron (Dr)');
    expect(cell(rowNamed(el, 'active', 'Clopidogrel 75 mg Oral Tablet'), 'prescriber')).toBe('Recorded by Riverside Pharmacy');
    const ibuprofen = rowNamed(el, 'active', 'Ibuprofen 200 mg Oral Tablet');
    expect(cell(ibuprofen, 'prescriber')).toBe('Recorded by Parker Casper');
    // An authoredOn and an effective period start read the same: a date, no per-cell label.
    expect(cell(rowNamed(el, 'active', 'Amlodipine 5 mg Oral Tablet'), 'date')).toBe('23-Aug-2020');
    expect(cell(ibuprofen, 'date')).toBe('10-Jan-2021');
    expect(cell(ibuprofen, 'dose')).toBe('Dose not recorded · as needed');
    expect(root(el).textContent).not.toMatch(/Taken from|Reported by/);
    // A group that mixes statuses keeps its Status column.
    const unknown = group(el, 'unknown')!;
    expect([...unknown.querySelectorAll('thead th')].map((th) => text(th))).toContain('Status');
    expect(rows(el, 'unknown').map((r) => cell(r, 'status')).sort()).toEqual(['Draft', 'Unknown status']);
    expect(active.querySelector('[part~="status"]')).toBeNull();
    await expectNoAxeViolations(el);
  });

  it('only recorders: the header says "Recorded by" and the cells just the name (de: "Dokumentiert von")', async () => {
    const only = [records[1]!, records[2]!];
    for (const [lang, header] of [
      ['en', 'Recorded by'],
      ['de', 'Dokumentiert von'],
    ] as const) {
      const wrapper = await fixture<HTMLElement>(
        html`<div lang=${lang}><ehr-medication-list .store=${fakeRecordSource(only)} patient="clinic/Patient/1"></ehr-medication-list></div>`,
      );
      const el = wrapper.querySelector('ehr-medication-list') as EhrMedicationList;
      await ready(el);
      expect([...group(el, 'active')!.querySelectorAll('thead th')].map((th) => text(th))[2]).toBe(header);
      expect(rows(el, 'active').map((r) => cell(r, 'prescriber'))).toEqual(['Riverside Pharmacy', 'Parker Casper']);
      fixtureCleanup();
    }
  });
});

describe('<ehr-medication-list> language, keyboard and states', () => {
  it('speaks German', async () => {
    const { el } = await render({ name: 'german', patient: 'margery' }, { lang: 'de' });
    expect(text(root(el).querySelector('[part~="heading"]')!)).toBe('Medikamente');
    expect(text(group(el, 'active')!.querySelector('[part~="group-heading"]')!)).toBe('Aktiv (7 Medikamente)');
    const hctz = rowNamed(el, 'active', 'Hydrochlorothiazide 25 mg');
    expect(cell(hctz, 'dose')).toBe('Dosis nicht dokumentiert');
    expect(hctz.querySelector('[part~="status"]')).toBeNull();
    expect([...group(el, 'active')!.querySelectorAll('thead th')].map((th) => text(th))).toEqual([
      'Medikament',
      'Dosis, Art und Häufigkeit',
      'Verordnet von',
      'Begonnen / ausgestellt',
      'Quelle',
    ]);
    // German dates: "19-Juni-1967" or numeric "19.06.1967" (the date format per locale is being reworked).
    expect(cell(hctz, 'date')).toMatch(/^19(-Juni?-|\.06\.)1967$/);
    expect(text(group(el, 'stopped')!.querySelector('[part~="group-heading"]')!)).toMatch(/^Abgesetzt \/ abgeschlossen/);
    await expectNoAxeViolations(el);
  });

  it('lets a keyboard user pick a medication (selectable)', async () => {
    const { el } = await render({ name: 'keyboard', patient: 'margery' }, { selectable: true });
    const picked: MedicationSelectDetail[] = [];
    el.addEventListener('ehr-medication-select', (e) => picked.push(e.detail));
    const first = root(el).querySelector<HTMLButtonElement>('button[part~="name"]')!;
    for (let i = 0; i < 10 && root(el).activeElement !== first; i++) await userEvent.keyboard('{Tab}');
    expect(root(el).activeElement).toBe(first);
    await userEvent.keyboard('{Enter}');
    expect(picked).toHaveLength(1);
    // Shown with the ingredient first; the event carries the name as recorded.
    expect(text(first)).toBe('Albuterol 0.09 mg/ACTUAT Metered Dose Inhaler · 200 ACTUAT');
    expect(picked[0]!.name).toBe('200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler');
    // A target for ward tablets: at least 44 px tall.
    expect(first.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
    expect(picked[0]!.group).toBe('active');
    expect(picked[0]!.records[0]!.resource.resourceType).toBe('MedicationRequest');
  });

  it('shows an incompletely read structured dose as its own marker, in words (en, de)', async () => {
    const insulin = medicationRequest('ins', 'Patient/1', {
      medicationCodeableConcept: { text: 'Insulin glargine 100 UNT/ML' },
      dosageInstruction: [{ doseAndRate: [{ doseQuantity: { unit: 'units' } }], route: { text: 'subcutaneous' } }],
    });
    const plain = medicationRequest('amox', 'Patient/1', {
      medicationCodeableConcept: { text: 'Amoxicillin 500 MG Oral Capsule' },
      dosageInstruction: [{ text: '1 capsule three times a day' }],
    });
    for (const [lang, marker] of [
      ['en', 'Dose incomplete – check source record'],
      ['de', 'Dosis unvollständig – Quelleintrag prüfen'],
    ] as const) {
      const wrapper = await fixture<HTMLElement>(
        html`<div lang=${lang}><ehr-medication-list .store=${fakeRecordSource([insulin, plain])} patient="clinic/Patient/1"></ehr-medication-list></div>`,
      );
      const el = wrapper.querySelector('ehr-medication-list') as EhrMedicationList;
      await ready(el);
      const row = rowNamed(el, 'active', 'Insulin glargine 100 UNT/mL');
      const incomplete = row.querySelector('[part~="dose-incomplete"]')!;
      expect(text(incomplete)).toBe(`⚠${marker}`);
      // An incomplete record is a warning: the shared inline warning mark.
      expect(incomplete.matches('.callout-mark.callout-warning[part~="warning"]')).toBe(true);
      // The marker is not a repeat of the English prefix inside the dose text.
      expect(cell(row, "dose")).toBe(`⚠${marker} subcutaneous`);
      expect(rowNamed(el, 'active', 'Amoxicillin 500 mg Oral Capsule').querySelector('[part~="dose-incomplete"]')).toBeNull();
    }
  });

  it('record statuses, codes, units and systems named like built-ins (constructor, __proto__, toString, hasOwnProperty) do not blank the list', async () => {
    const keys = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
    const odd = keys.map((k) =>
      medicationRequest(`odd-${k}`, 'Patient/1', {
        status: k as never,
        medicationCodeableConcept: { coding: [{ system: k, code: k, display: `Odd ${k}` }] },
        dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 1, unit: k, comparator: k as never } }], timing: { repeat: { frequency: 1, period: 1, periodUnit: k as never } } }],
      }),
    );
    const normal = medicationRequest('amox', 'Patient/1', {
      medicationCodeableConcept: { text: 'Amoxicillin 500 MG Oral Capsule' },
      dosageInstruction: [{ text: '1 capsule three times a day' }],
    });
    const el = await fixture<EhrMedicationList>(html`<ehr-medication-list .store=${fakeRecordSource([...odd, normal])} patient="clinic/Patient/1"></ehr-medication-list>`);
    await ready(el);
    expect(rows(el, 'active').map((r) => text(r.querySelector('[part~="name"]')!))).toEqual(['Amoxicillin 500 mg Oral Capsule']);
    const unknown = rows(el, 'unknown');
    expect(unknown.map((r) => text(r.querySelector('[part~="name"]')!)).sort()).toEqual(keys.map((k) => `Odd ${k}`).sort());
    // Each status is shown as recorded text, never as a built-in function's source.
    expect(unknown.map((r) => cell(r, 'status')).sort()).toEqual([...keys].sort());
    expect(text(root(el))).not.toContain('native code');
  });

  it('a long group shows its first 50 rows and says so; "Show all N" shows the rest', async () => {
    const many = Array.from({ length: 120 }, (_, i) =>
      medicationRequest(`m${i}`, 'Patient/1', { medicationCodeableConcept: { text: `Medicine ${String(i).padStart(3, '0')}` } }),
    );
    const el = await fixture<EhrMedicationList>(html`<ehr-medication-list .store=${fakeRecordSource(many)} patient="clinic/Patient/1"></ehr-medication-list>`);
    await ready(el);
    expect(rows(el, 'active')).toHaveLength(50);
    expect(text(group(el, 'active')!.querySelector('[part~="group-heading"]')!)).toBe('Active (120 medications)');
    const cut = group(el, 'active')!.querySelector('[part~="show-all"]')!;
    expect(text(cut)).toBe('Showing the first 50 of 120. Show all 120');
    const showAll = cut.querySelector<HTMLButtonElement>('[part~="show-all-button"]')!;
    expect(showAll.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
    expect(showAll.getBoundingClientRect().width).toBeGreaterThanOrEqual(44);
    showAll.click();
    await el.updateComplete;
    expect(rows(el, 'active')).toHaveLength(120);
    expect(group(el, 'active')!.querySelector('[part~="show-all"]')).toBeNull();
    await expectNoAxeViolations(el);
  });

  it('a record with many dosage instructions shows 10 and "and N more"; earlier records likewise', async () => {
    const dosages = Array.from({ length: 25 }, (_, i) => ({ text: `step ${i + 1}` }));
    const taper = medicationRequest('taper', 'Patient/1', { medicationCodeableConcept: { text: 'Prednisolone 5 MG Oral Tablet' }, dosageInstruction: dosages });
    const renewals = Array.from({ length: 16 }, (_, i) =>
      medicationRequest(`r${i}`, 'Patient/1', {
        medicationCodeableConcept: { text: 'Metformin 500 MG Oral Tablet' },
        authoredOn: `20${String(10 + i)}-01-01`,
        dosageInstruction: [{ text: `renewal ${i}` }],
      }),
    );
    const el = await fixture<EhrMedicationList>(html`<ehr-medication-list .store=${fakeRecordSource([taper, ...renewals])} patient="clinic/Patient/1"></ehr-medication-list>`);
    await ready(el);
    const row = rowNamed(el, 'active', 'Prednisolone 5 mg Oral Tablet');
    expect(cell(row, 'dose')).toBe(`${dosages.slice(0, 10).map((d) => d.text).join('; ')} and 15 more`);
    expect(row.querySelector('[part~="dose"] [part~="show-more"]')!.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
    row.querySelector<HTMLButtonElement>('[part~="dose"] [part~="show-more"]')!.click();
    await el.updateComplete;
    expect(cell(rowNamed(el, 'active', 'Prednisolone 5 mg Oral Tablet'), 'dose')).toBe(dosages.map((d) => d.text).join('; '));

    const history = rowNamed(el, 'active', 'Metformin 500 mg Oral Tablet').querySelector('[part~="history"]')!;
    expect(text(history.querySelector('summary')!)).toBe('15 earlier records');
    // Targets for ward tablets: the disclosure and "and N more" are at least 44 px.
    expect(history.querySelector('summary')!.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
    expect(history.querySelector('summary')!.getBoundingClientRect().width).toBeGreaterThanOrEqual(44);
    expect(history.querySelectorAll('li')).toHaveLength(11);
    expect(text(history.querySelector('li:last-child')!)).toBe('and 5 more');
    history.querySelector<HTMLButtonElement>('[part~="show-more"]')!.click();
    await el.updateComplete;
    expect(rowNamed(el, 'active', 'Metformin 500 mg Oral Tablet').querySelectorAll('[part~="history"] li')).toHaveLength(15);
  });

  it('a provider in error and nothing listed: "Medication information unavailable" naming it, never "No medications recorded"', async () => {
    const el = await fixture<EhrMedicationList>(
      html`<ehr-medication-list .store=${emptyStore(CLINIC_OK, HOSPITAL_FAILED)} patient="clinic/Patient/1"></ehr-medication-list>`,
    );
    await ready(el);
    const empty = text(root(el).querySelector('[part~="empty"]')!);
    expect(empty).toBe(
      'Medication information unavailable Not every provider’s data for this patient is here (St Elsewhere Hospital), so it is not known whether the patient takes any medications.',
    );
    expect(root(el).querySelector('[part~="empty"]')!.getAttribute('role')).toBe('status');
    await vi.waitFor(() => expect(text(root(el).querySelector('[part~="notice"]')!)).toContain('St Elsewhere Hospital could not be synced'));
    await expectNoAxeViolations(el);
  });

  it('says "No medications recorded" only when every provider delivered', async () => {
    const el = await fixture<EhrMedicationList>(
      html`<ehr-medication-list .store=${emptyStore(CLINIC_OK, { ...CLINIC_OK, id: 'hospital', label: 'St Elsewhere Hospital' })} patient="clinic/Patient/1"></ehr-medication-list>`,
    );
    await ready(el);
    expect(text(root(el).querySelector('[part~="empty"]')!)).toBe('No medications recorded');
    expect(root(el).querySelector('[part~="incomplete"]')).toBeNull();
    expect(root(el).querySelector('[part~="no-record"]')).toBeNull();
  });

  it('a provider with no record of the patient counts as delivered and is named (en, de)', async () => {
    for (const [lang, none, at] of [
      ['en', 'No medications recorded', 'No record at St Elsewhere Hospital'],
      ['de', 'Keine Medikamente dokumentiert', 'Kein Eintrag bei St Elsewhere Hospital'],
    ] as const) {
      const wrapper = await fixture<HTMLElement>(
        html`<div lang=${lang}><ehr-medication-list .store=${emptyStore(CLINIC_OK, HOSPITAL_NO_RECORD)} patient="clinic/Patient/1"></ehr-medication-list></div>`,
      );
      const el = wrapper.querySelector('ehr-medication-list') as EhrMedicationList;
      await ready(el);
      expect(text(root(el).querySelector('[part~="empty"]')!)).toBe(none);
      expect([...root(el).querySelectorAll('[part~="no-record"]')].map(text)).toEqual([at]);
      // The provider's name is its own node, not part of the translated sentence.
      expect(root(el).querySelector('[part~="no-record"] bdi')!.textContent).toBe('St Elsewhere Hospital');
    }
  });

  it('medicines listed while a provider is in error: "May be incomplete" names it above the groups', async () => {
    const store = fakeRecordSource([medicationRequest('one', 'Patient/1', { medicationCodeableConcept: { text: 'Amoxicillin 500 MG Oral Capsule' } })], [CLINIC_OK, HOSPITAL_FAILED]);
    const el = await fixture<EhrMedicationList>(html`<ehr-medication-list .store=${store} patient="clinic/Patient/1"></ehr-medication-list>`);
    await ready(el);
    expect(rows(el, 'active')).toHaveLength(1);
    const caveat = root(el).querySelector('[part~="incomplete"]')!;
    expect(text(caveat)).toBe('⚠ May be incomplete: St Elsewhere Hospital could not be checked.');
    expect(caveat.getAttribute('role')).toBe('note');
    expect(caveat.compareDocumentPosition(group(el, 'active')!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('reports a failed query with role="alert" and retries', async () => {
    let calls = 0;
    const failing: RecordSource = {
      search: async () => [],
      live: () => ({
        subscribe: (o) => {
          calls++;
          queueMicrotask(() => (calls <= 2 ? o.error?.(new Error('IndexedDB is not available')) : o.next?.([])));
          return { unsubscribe() {} };
        },
      }),
    };
    const el = await fixture<EhrMedicationList>(html`<ehr-medication-list .store=${failing} patient="clinic/Patient/1"></ehr-medication-list>`);
    await ready(el);
    const alert = root(el).querySelector('[role="alert"]')!;
    expect(text(alert)).toContain('Medications could not be loaded');
    expect(text(alert)).toContain('IndexedDB is not available');
    root(el).querySelector<HTMLButtonElement>('[part~="retry-button"]')!.click();
    await vi.waitFor(() => expect(root(el).querySelector('[part~="empty"]')).not.toBeNull());
  });
});


type FakeSource = { id: string; label: string; status: string; lastSyncAt?: number; lastError?: string; noRecord?: boolean };
const CLINIC_OK: FakeSource = { id: 'clinic', label: 'Riverside Clinic', lastSyncAt: Date.now(), status: 'ok' };
const HOSPITAL_FAILED: FakeSource = { id: 'hospital', label: 'St Elsewhere Hospital', status: 'error', lastError: 'HTTP 503' };
/** Searched by the engine, no record of this patient: the fake store's `coverage()` says `no-record`. */
const HOSPITAL_NO_RECORD: FakeSource = { id: 'hospital', label: 'St Elsewhere Hospital', lastSyncAt: Date.now(), status: 'ok', noRecord: true };

/** A store with no medications for the patient and the given providers. */
function emptyStore(...sources: FakeSource[]): RecordSource {
  return {
    search: async () => [],
    live: () => ({ subscribe: (o) => (queueMicrotask(() => o.next?.([] as StoredRow[])), { unsubscribe() {} }) }),
    getSources: async () => sources.map(({ noRecord: _, ...s }) => s) as never,
    // What the real store's coverage() answers for such sources.
    coverage: async () =>
      sources.map((s) => ({
        source: s.id,
        state: s.noRecord ? ('no-record' as const) : s.status === 'ok' ? ('delivered' as const) : s.status === 'error' ? ('failed' as const) : ('not-synced' as const),
      })),
  };
}

/** Renders Parker Casper (deceased, long table) with the host at a fixed width. */
async function renderAtWidth(name: string, width: number) {
  const seeded = await seedMedicationPatient({ name, patient: 'parker' });
  const wrapper = await fixture<HTMLElement>(html`<div lang="en" style="inline-size: ${width}px">
    <ehr-medication-list .store=${seeded.store} patient=${seeded.patient.clinic}></ehr-medication-list>
  </div>`);
  const el = wrapper.querySelector('ehr-medication-list') as EhrMedicationList;
  await ready(el);
  // Badges take their provider names from the store after the rows render.
  await vi.waitFor(() => {
    for (const b of root(el).querySelectorAll('ehr-source-badge')) expect(b.shadowRoot?.querySelector('[part~="label"]')?.textContent).toMatch(/Clinic|Hospital/);
  });
  return el;
}

/** Nothing inside the element reaches past its host's edges. */
function expectFits(el: EhrMedicationList) {
  const base = root(el).querySelector<HTMLElement>('[part~="base"]')!;
  expect(base.scrollWidth).toBeLessThanOrEqual(base.clientWidth);
  const host = el.getBoundingClientRect();
  for (const part of root(el).querySelectorAll('table, [part~="warning"], [part~="group-heading"], tr[part~="row"]')) {
    const r = part.getBoundingClientRect();
    expect(r.left, part.tagName).toBeGreaterThanOrEqual(host.left - 0.5);
    expect(r.right, part.tagName).toBeLessThanOrEqual(host.right + 0.5);
  }
}

describe('<ehr-medication-list> layout', () => {
  it('never overflows its host: 700px stacks the rows, 920px keeps the table, both fit', async () => {
    const narrow = await renderAtWidth('layout-700', 700);
    expectFits(narrow);
    expect(tableDisplay(narrow)).toBe('block');
    fixtureCleanup();

    const medium = await renderAtWidth('layout-920', 920);
    expectFits(medium);
    expect(tableDisplay(medium)).toBe('table');
    // The deceased note stays inside the element.
    const warning = group(medium, 'active')!.querySelector('[part~="deceased-note"][role="note"]')!;
    expect(warning.getBoundingClientRect().right).toBeLessThanOrEqual(medium.getBoundingClientRect().right + 0.5);
  });

  it('is dense at 1,100 px: a medicine with short fields takes one line, the deceased note one block', async () => {
    // 1,052 px: the list full width on the demo page at a 1,100 px window.
    const el = await renderAtWidth('layout-dense', 1052);
    expectFits(el);
    const oneLine = (row: HTMLTableRowElement) => {
      const td = row.querySelector('td')!;
      const cs = getComputedStyle(td);
      const line = parseFloat(cs.lineHeight);
      const chrome = parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom) + parseFloat(cs.borderBottomWidth);
      return row.getBoundingClientRect().height < line * 1.5 + chrome + 1;
    };
    const short = ['Amlodipine 5 mg Oral Tablet', 'Clopidogrel 75 mg Oral Tablet', 'Digoxin 0.125 mg Oral Tablet', 'Lasix 40mg', 'Warfarin Sodium 5 mg Oral Tablet'];
    for (const name of short) expect(oneLine(rowNamed(el, 'active', name)), name).toBe(true);
    // Most of his twelve active medicines are one line each.
    expect(rows(el, 'active').filter(oneLine).length).toBeGreaterThanOrEqual(9);
  });

  it('lines up the columns of every group (one shared column sizing)', async () => {
    const el = await renderAtWidth('layout-align', 1200);
    expectFits(el);
    const headers = (g: string) => [...group(el, g)!.querySelectorAll('thead th')].map((th) => th.getBoundingClientRect());
    const active = headers('active');
    const stopped = headers('stopped');
    // Both groups say their status in the heading: the same five columns.
    expect(active).toHaveLength(5);
    active.forEach((a, i) => {
      expect(Math.abs(a.left - stopped[i]!.left)).toBeLessThan(1);
      expect(Math.abs(a.width - stopped[i]!.width)).toBeLessThan(1);
    });
  });

  it('uses the shared element heading size; group headings are smaller', async () => {
    const { el } = await render({ name: 'heading-size', patient: 'margery' });
    const heading = parseFloat(getComputedStyle(root(el).querySelector('[part~="heading"]')!).fontSize);
    const groupHeading = parseFloat(getComputedStyle(root(el).querySelector('[part~="group-heading"]')!).fontSize);
    expect(heading).toBe(18); // --ehr-font-size-l (1.125rem)
    expect(groupHeading).toBeLessThan(heading);
  });

  it('shows compact source badges in rows: the provider name, the time only for screen readers and as tooltip', async () => {
    const { el } = await render({ name: 'compact-badges', patient: 'margery' });
    const badge = rows(el, 'active')[0]!.querySelector('ehr-source-badge')!;
    expect(badge.hasAttribute('compact')).toBe(true);
    await vi.waitFor(() => expect(badge.shadowRoot!.querySelector('[part~="label"]')!.textContent).toBe('Riverside Clinic'));
    const time = badge.shadowRoot!.querySelector('[part~="time"]')!;
    expect(time.classList.contains('visually-hidden')).toBe(true);
    expect(badge.shadowRoot!.querySelector('[part~="base"]')!.getAttribute('title')).toMatch(/^as of /);
  });
});

/** `table` in the tabular layout, `block` when rows are stacked. */
function tableDisplay(el: EhrMedicationList) {
  return getComputedStyle(group(el, 'active')!.querySelector('table')!).display;
}

describe('<ehr-medication-list> when nothing is active', () => {
  it('says "No active medications recorded" above the stopped group', async () => {
    const patient = { resourceType: 'Patient', id: '1', name: [{ family: 'Tester', given: ['Alex'] }] } as Resource;
    const store = fakeRecordSource([
      patient,
      medicationRequest('old-1', 'Patient/1', { status: 'stopped', medicationCodeableConcept: { text: 'Amoxicillin 500 MG Oral Capsule' } }),
      medicationRequest('old-2', 'Patient/1', { status: 'completed', medicationCodeableConcept: { text: 'Ibuprofen 400 MG Oral Tablet' } }),
    ]);
    for (const lang of ['en', 'de']) {
      const wrapper = await fixture<HTMLElement>(html`<div lang=${lang}><ehr-medication-list .store=${store} patient="clinic/Patient/1"></ehr-medication-list></div>`);
      const el = wrapper.querySelector('ehr-medication-list') as EhrMedicationList;
      await ready(el);
      expect(group(el, 'active')).toBeNull();
      expect(rows(el, 'stopped')).toHaveLength(2);
      const line = root(el).querySelector('[part~="empty"]')!;
      expect(text(line)).toBe(lang === 'en' ? 'No active medications recorded' : 'Keine aktiven Medikamente dokumentiert');
      // Before the groups.
      expect(line.compareDocumentPosition(group(el, 'stopped')!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
      if (lang === 'en') await expectNoAxeViolations(el);
      fixtureCleanup();
    }
  });

  it('does not say it when something is active', async () => {
    const { el } = await render({ name: 'has-active', patient: 'margery' });
    expect(text(root(el))).not.toContain('No active medications recorded');
  });
});

describe('<ehr-medication-list hide-source-notices>', () => {
  const failedHospital = () =>
    fakeRecordSource(
      [],
      [
        { id: 'clinic', label: 'Riverside Clinic', lastSyncAt: Date.now() - 3 * 86_400_000, status: 'ok' },
        { id: 'hospital', label: 'St Elsewhere Hospital', status: 'error', lastError: 'HTTP 503' } as never,
      ],
    );

  it('leaves out the partial and stale notices, which show by default', async () => {
    const shown = await fixture<EhrMedicationList>(html`<ehr-medication-list .store=${failedHospital()} patient="clinic/Patient/1"></ehr-medication-list>`);
    await ready(shown);
    await vi.waitFor(() => expect(root(shown).querySelectorAll('[part~="notice"]')).toHaveLength(2));
    expect(shown.hideSourceNotices).toBe(false);

    // Wait until the list has read the sources' states, so no notice means "hidden", not "not yet".
    const { store: tracked, sourcesRead } = trackSourceReads(failedHospital());
    const hidden = await fixture<EhrMedicationList>(
      html`<ehr-medication-list hide-source-notices .store=${tracked} patient="clinic/Patient/1"></ehr-medication-list>`,
    );
    await ready(hidden);
    expect(hidden.hideSourceNotices).toBe(true);
    await sourcesRead();
    await hidden.updateComplete;
    expect(root(hidden).querySelector('[part~="notice"]')).toBeNull();
    // The completeness caveat is not a sync notice: the hospital failed, so nothing can be called "none".
    expect(text(root(hidden).querySelector('[part~="empty"]')!)).toBe(
      'Medication information unavailable Not every provider’s data for this patient is here (St Elsewhere Hospital), so it is not known whether the patient takes any medications.',
    );
  });

  it('never hides the "May be incomplete" caveat on a list', async () => {
    const store = fakeRecordSource(
      [medicationRequest('one', 'Patient/1', { medicationCodeableConcept: { text: 'Amoxicillin 500 MG Oral Capsule' } })],
      [
        { id: 'clinic', label: 'Riverside Clinic', lastSyncAt: Date.now(), status: 'ok' },
        { id: 'hospital', label: 'St Elsewhere Hospital', status: 'error', lastError: 'HTTP 503' },
      ],
    );
    const el = await fixture<EhrMedicationList>(html`<ehr-medication-list hide-source-notices .store=${store} patient="clinic/Patient/1"></ehr-medication-list>`);
    await ready(el);
    expect(rows(el, 'active')).toHaveLength(1);
    expect(root(el).querySelector('[part~="notice"]')).toBeNull();
    expect(text(root(el).querySelector('[part~="incomplete"]')!)).toBe('⚠ May be incomplete: St Elsewhere Hospital could not be checked.');
  });

  it('still shows an error (role="alert") with Retry', async () => {
    const failing: RecordSource = {
      search: async () => [],
      live: () => ({ subscribe: (o) => (queueMicrotask(() => o.error?.(new Error('IndexedDB is not available'))), { unsubscribe() {} }) }),
    };
    const el = await fixture<EhrMedicationList>(html`<ehr-medication-list hide-source-notices .store=${failing} patient="clinic/Patient/1"></ehr-medication-list>`);
    await ready(el);
    expect(text(root(el).querySelector('[role="alert"]')!)).toContain('Medications could not be loaded');
    expect(root(el).querySelector('[part~="retry-button"]')).not.toBeNull();
  });
});

describe('<ehr-medication-list filter> (host FHIRPath, opt-in)', () => {
  async function filtered(filter: string, name: string) {
    const seeded = await seedMedicationPatient({ name, patient: 'parker' });
    const wrapper = await fixture<HTMLElement>(html`<div lang="en">
      <ehr-medication-list filter=${filter} .store=${seeded.store} patient=${seeded.patient.clinic}></ehr-medication-list>
    </div>`);
    const el = wrapper.querySelector('ehr-medication-list') as EhrMedicationList;
    await vi.waitFor(() => expect(root(el).querySelector('[part~="host-filter"], [part~="error"]')).not.toBeNull(), { timeout: 15_000 });
    return el;
  }

  it('keeps only what the expression selects (Parker Casper, warfarin) and says N of M', async () => {
    const el = await filtered("medicationCodeableConcept.text.contains('Warfarin')", 'meds-filter-warfarin');
    await vi.waitFor(() => expect(rows(el, 'active').length).toBe(1));
    expect(text(rows(el, 'active')[0]!.querySelector('[part~="name"]')!)).toContain('Warfarin');
    expect(text(root(el).querySelector('[part~="host-filter"]')!)).toMatch(/^ℹ Filtered by the host: 1 of \d+ shown\.$/);
    // The death is still said: the filter narrows the list, not the safety notes.
    expect(root(el).querySelectorAll('[part~="deceased-note"]').length).toBe(1);
  });

  it('everything filtered out: the note, never "No medications recorded"; a bad expression: an error naming the attribute', async () => {
    const none = await filtered("status = 'no-such-status'", 'meds-filter-none');
    await vi.waitFor(() => expect(text(root(none))).toMatch(/Filtered by the host: 0 of \d+ shown/));
    expect(text(root(none))).not.toContain('No medications recorded');
    const bad = await filtered('status = ', 'meds-filter-bad');
    await vi.waitFor(() => expect(root(bad).querySelector('[part~="error"]')).not.toBeNull());
    expect(text(root(bad).querySelector('[part~="error"]')!)).toContain('filter: not a valid FHIRPath expression');
  });
});
