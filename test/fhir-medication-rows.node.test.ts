import { describe, expect, it } from 'vitest';
import type { Medication, MedicationRequest, MedicationStatement, Patient, Practitioner, Resource } from 'fhir/r4';
import {
  buildMedicationList,
  deceasedAcrossCopies,
  prescriberOf,
  referencedKeys,
  storeKeyOf,
  type MedicationRecord,
} from '../src/fhir/medication-rows.js';
import { displayName } from '../src/fhir/names.js';
import { HOSTILE_STRINGS, fixture } from './fhir-fixtures.js';
import { readFileSync } from 'node:fs';
import { bundleToResources } from '../demo/data/references.mjs';
import { splitAcrossProviders } from '../demo/data/split.mjs';

/** Margery Gibson's whole record at the clinic, as the demo splits it (ids and references resolved). */
const margeryClinic = (() => {
  let cached: Resource[] | undefined;
  return () => {
    if (!cached) {
      const file = 'Margery_Gibson_cdb2d67c-173f-42e7-859a-d04a8088680e.json';
      const bundle = JSON.parse(readFileSync(new URL(`../demo/data/patients/${file}`, import.meta.url), 'utf8'));
      const { resources } = bundleToResources(bundle, { file });
      cached = splitAcrossProviders(resources, { file }).clinic as Resource[];
    }
    return cached;
  };
})();
const margery = () => margeryClinic().filter((r): r is MedicationRequest => r.resourceType === 'MedicationRequest');
const parker = () => fixture<{ patient: Patient; medicationRequests: MedicationRequest[] }>('synthea-parker-casper.json');
const usqc = () => fixture<{ medication: Medication; medicationRequests: MedicationRequest[] }>('inferno-us-quality-core.json');

const at = (source: string, resource: MedicationRequest | MedicationStatement): MedicationRecord => ({ source, resource });
const lookupOf = (entries: Record<string, Resource>) => (key: string) => entries[key];

const rxRequest = (id: string, over: Partial<MedicationRequest> = {}): MedicationRequest => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p' },
  medicationCodeableConcept: {
    coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '314076', display: 'lisinopril 10 MG Oral Tablet' }],
  },
  authoredOn: '2024-03-01',
  ...over,
});

const names = (list: ReturnType<typeof buildMedicationList>, group: string) =>
  list.groups.find((g) => g.group === group)?.rows.map((r) => r.name) ?? [];

describe('storeKeyOf', () => {
  it('keeps relative references in the record’s source', () => {
    expect(storeKeyOf('Medication/abc', 'hospital')).toBe('hospital/Medication/abc');
  });
  it('maps absolute references to the source with that base, else the record’s own', () => {
    const sources = [{ id: 'clinic', baseUrl: 'https://clinic.example.org/fhir/' }];
    expect(storeKeyOf('https://clinic.example.org/fhir/Practitioner/9', 'hospital', sources)).toBe('clinic/Practitioner/9');
    expect(storeKeyOf('https://elsewhere.org/fhir/Practitioner/9', 'hospital', sources)).toBe('hospital/Practitioner/9');
  });
  it('cannot look up contained, urn or junk references', () => {
    for (const ref of ['#med0309', 'urn:uuid:6f1e5c1a-7d9b-4a4f-9a7e-0d3c8f9e2b11', 'Practitioner?identifier=x', ...HOSTILE_STRINGS]) {
      expect(storeKeyOf(ref, 'clinic')).toBeUndefined();
    }
  });
});

describe('buildMedicationList: Margery Gibson (polypharmacy)', () => {
  const list = () => buildMedicationList(margery().map((r) => at('clinic', r)));

  it('lists the seven active prescriptions as active, alphabetically', () => {
    const active = names(list(), 'active');
    expect(active).toHaveLength(7);
    expect(active).toContain('Simvistatin 10 MG');
    expect(active).toContain('Hydrochlorothiazide 25 MG');
  });

  it('puts stopped prescriptions under stopped; old yearly simvastatin is one history row', () => {
    const stopped = list().groups.find((g) => g.group === 'stopped')!.rows;
    const simva = stopped.find((r) => r.name === 'Simvistatin 10 MG')!;
    expect(simva.history).toBe(true);
    expect(simva.primary.date.value).toMatch(/^2019-12-31/);
    expect(simva.earlier.length).toBe(15);
    expect(stopped.map((r) => r.name)).toContain('Clopidogrel 75 MG Oral Tablet');
    // Newest first under stopped.
    expect(stopped[0]!.name).toBe('Simvistatin 10 MG');
  });

  it('never flags a difference within one source (renewals are not disagreements)', () => {
    for (const g of list().groups) for (const r of g.rows) expect(r.doseDiffers || r.statusDiffers).toBe(false);
  });

  it('gives "no dosage" as null, not an empty string', () => {
    const hctz = list().groups[0]!.rows.find((r) => r.name === 'Hydrochlorothiazide 25 MG')!;
    expect(hctz.primary.dose).toBeNull();
  });

  it('names the prescriber from the loaded Practitioner', () => {
    const first = margery()[0]!;
    const ref = first.requester!.reference!;
    const doc = margeryClinic().find((r) => `Practitioner/${r.id}` === ref) as Practitioner;
    const view = prescriberOf(at('clinic', first), lookupOf({ [`clinic/${ref}`]: doc }));
    expect(view.text).toMatch(/^[A-Z]+, \w+/);
    expect(view.text).toBe(displayName(doc));
    expect(prescriberOf(at('clinic', first)).text).toBeNull();
    expect(referencedKeys([at('clinic', first)])).toEqual([`clinic/${ref}`]);
  });
});

describe('prescriberOf: prescriber or recorded by', () => {
  const req = (requester: MedicationRequest['requester'], contained?: Resource[]) =>
    at('clinic', rxRequest('r', { requester, ...(contained ? { contained: contained as MedicationRequest['contained'] } : {}) }));
  it('a practitioner (or a requester of unknown type) is the prescriber', () => {
    expect(prescriberOf(req({ reference: 'Practitioner/1', display: 'TORPHY, Tyron' }))).toEqual({ text: 'TORPHY, Tyron', role: 'prescriber' });
    expect(prescriberOf(req({ reference: 'PractitionerRole/1', display: 'GP' })).role).toBe('prescriber');
    expect(prescriberOf(req({ display: 'Dr Who' })).role).toBe('prescriber');
  });
  it('an organization, the patient or a related person recorded it: "recorded-by"', () => {
    expect(prescriberOf(req({ reference: 'Organization/1', display: 'Riverside Pharmacy' }))).toEqual({ text: 'Riverside Pharmacy', role: 'recorded-by' });
    expect(prescriberOf(req({ type: 'Organization', display: 'Riverside Pharmacy' })).role).toBe('recorded-by');
    expect(prescriberOf(req({ reference: 'https://x.example/fhir/Patient/9', display: 'The patient' })).role).toBe('recorded-by');
    const org = { resourceType: 'Organization', id: 'o', name: 'St Elsewhere Pharmacy' } as Resource;
    expect(prescriberOf(req({ reference: '#o' }, [org]))).toEqual({ text: 'St Elsewhere Pharmacy', role: 'recorded-by' });
    expect(prescriberOf(req({ reference: 'Organization/5' }), lookupOf({ 'clinic/Organization/5': { ...org, id: '5' } as Resource }))).toEqual({
      text: 'St Elsewhere Pharmacy',
      role: 'recorded-by',
    });
  });
  it('whoever reported a MedicationStatement recorded it', () => {
    const ms = { resourceType: 'MedicationStatement', id: 's', status: 'active', subject: { reference: 'Patient/p' }, informationSource: { reference: 'Practitioner/1', display: 'Dr A' } } as MedicationStatement;
    expect(prescriberOf(at('clinic', ms))).toEqual({ text: 'Dr A', role: 'recorded-by' });
    expect(prescriberOf(at('clinic', { ...ms, informationSource: undefined }))).toEqual({ text: null, role: 'recorded-by' });
  });
});

describe('buildMedicationList: ingredient-first names', () => {
  it('shows RxNorm names with the ingredient first and sorts by it, keeping the recorded name', () => {
    const named = (id: string, text: string) => rxRequest(id, { medicationCodeableConcept: { text } });
    const list = buildMedicationList([
      at('clinic', named('a', '24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet')),
      at('clinic', named('b', 'Warfarin Sodium 5 MG Oral Tablet')),
      at('hospital', named('c', '10 ML Furosemide 10 MG/ML Injection')),
      at('clinic', named('d', 'NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector')),
      at('clinic', named('e', 'Amlodipine 5 MG Oral Tablet')),
    ]);
    const active = list.groups.find((g) => g.group === 'active')!.rows;
    expect(active.map((r) => r.shownName?.main)).toEqual([
      'Amlodipine 5 mg Oral Tablet',
      'Epinephrine 1 mg/mL Auto-Injector',
      'Furosemide 10 mg/mL Injection',
      'Metformin hydrochloride 500 mg Extended Release Oral Tablet',
      'Warfarin Sodium 5 mg Oral Tablet',
    ]);
    expect(active.map((r) => r.shownName?.qualifier ?? null)).toEqual([null, '0.3 mL · NDA020800', '10 mL', '24 hr', null]);
    // The recorded name stays available (the select event and the "recorded as" text use it).
    expect(active[2]!.name).toBe('10 ML Furosemide 10 MG/ML Injection');
  });
});

describe('buildMedicationList: deceased patient (Parker Casper)', () => {
  it('flags active prescriptions after death and reports the date', () => {
    const p = parker();
    const list = buildMedicationList(
      p.medicationRequests.map((r) => at('clinic', r)),
      { patients: [{ ...p.patient, deceasedDateTime: undefined } as Patient, p.patient] },
    );
    expect(list.deceased).toBe(true);
    expect(list.deceasedDate?.original).toMatch(/^2021-02-21/);
    const active = list.groups.find((g) => g.group === 'active')!.rows;
    expect(active.length).toBe(3);
    expect(active.every((r) => r.activeAfterDeath)).toBe(true);
    const stopped = list.groups.find((g) => g.group === 'stopped')!.rows;
    expect(stopped.some((r) => r.activeAfterDeath)).toBe(false);
  });
  it('deceased if any copy says so', () => {
    expect(deceasedAcrossCopies([{ resourceType: 'Patient', deceasedBoolean: false }, { resourceType: 'Patient', deceasedBoolean: true }]).deceased).toBe(true);
    expect(deceasedAcrossCopies([{ resourceType: 'Patient' }]).deceased).toBe(false);
  });
});

describe('buildMedicationList: do not take, references, statements', () => {
  it('puts a doNotPerform request in its own group, never under active', () => {
    const list = buildMedicationList(usqc().medicationRequests.map((r) => at('clinic', r)));
    const dnt = list.groups.find((g) => g.group === 'do-not-take')!;
    expect(dnt.rows.map((r) => r.name)).toEqual(['Not Done Value Set: Low Dose Unfractionated Heparin for VTE Prophylaxis']);
    expect(names(list, 'active')).not.toContain(dnt.rows[0]!.name);
  });

  it('flags a drug prescribed at one source and not to be given at another', () => {
    const list = buildMedicationList([at('clinic', rxRequest('a')), at('hospital', rxRequest('b', { doNotPerform: true }))]);
    const dnt = list.groups.find((g) => g.group === 'do-not-take')!.rows[0]!;
    const active = list.groups.find((g) => g.group === 'active')!.rows[0]!;
    expect(dnt.conflictingSources).toEqual(['clinic']);
    expect(active.conflictingSources).toEqual(['hospital']);
  });

  it('resolves a referenced Medication per source; a missing one is marked missing', () => {
    const ref: MedicationRequest = rxRequest('r', { medicationCodeableConcept: undefined, medicationReference: { reference: 'Medication/usqualitycore-medication' } });
    const found = buildMedicationList([at('hospital', ref)], { lookup: lookupOf({ 'hospital/Medication/usqualitycore-medication': usqc().medication }) });
    expect(found.groups[0]!.rows[0]!.name).toBe('alemtuzumab 10 MG/ML [Lemtrada]');
    // The same id at another source is not this source's Medication.
    const wrongSource = buildMedicationList([at('clinic', ref)], { lookup: lookupOf({ 'hospital/Medication/usqualitycore-medication': usqc().medication }) });
    expect(wrongSource.groups[0]!.rows[0]!.name).toBeNull();
    expect(wrongSource.groups[0]!.rows[0]!.primary.medicationMissing).toBe(true);
  });

  it('reads the contained Medication of MedicationStatement-example001 with its strengths and form', () => {
    const ms = fixture<MedicationStatement>('MedicationStatement-example001.json');
    const row = buildMedicationList([at('clinic', ms)]).groups[0]!.rows[0]!;
    expect(row.name).toBe('Tylenol PM');
    expect(row.primary.strengths.map((s) => s.strength)).toEqual(['500 mg/Tab', '25 mg/Tab']);
    expect(row.primary.form).toBe('Film-coated tablet (qualifier value)');
    expect(row.primary.date).toEqual({ value: '2015-01-23', kind: 'effective' });
    expect(row.primary.prescriber).toEqual({ text: 'Donald Duck', role: 'recorded-by' });
  });

  it('reads MedicationStatement-example003: concept text and written dosage', () => {
    const ms = fixture<MedicationStatement>('MedicationStatement-example003.json');
    const row = buildMedicationList([at('clinic', ms)]).groups[0]!.rows[0]!;
    expect(row.name).toBe('Little Pink Pill for water retention');
    expect(row.primary.dose).toBe('1 tablet per day');
    expect(row.primary.doseBuilt).toBe(false);
  });
});

describe('buildMedicationList: reconciliation across sources', () => {
  const daily = (value: number) => [
    { timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' as const } }, doseAndRate: [{ doseQuantity: { value, unit: 'tablet' } }] },
  ];

  it('shows the same drug once with both sources, and flags a dose difference per source', () => {
    const list = buildMedicationList([
      at('clinic', rxRequest('c1', { dosageInstruction: daily(1) })),
      at('hospital', rxRequest('h1', { dosageInstruction: daily(2), authoredOn: '2024-05-01' })),
    ]);
    expect(list.total).toBe(1);
    const row = list.groups[0]!.rows[0]!;
    expect(row.sources).toEqual(['hospital', 'clinic']);
    expect(row.doseDiffers).toBe(true);
    expect(row.doses).toEqual([
      { source: 'hospital', value: '2 tablet once a day' },
      { source: 'clinic', value: '1 tablet once a day' },
    ]);
  });

  it('active at one source and stopped at the other: one row under active, status difference flagged', () => {
    const list = buildMedicationList([at('clinic', rxRequest('c1')), at('hospital', rxRequest('h1', { status: 'stopped' }))]);
    expect(list.total).toBe(1);
    const row = list.groups[0]!.rows[0]!;
    expect(row.group).toBe('active');
    expect(row.statusDiffers).toBe(true);
    expect(row.statuses.map((s) => `${s.source}:${s.value.group}`)).toEqual(['clinic:active', 'hospital:stopped']);
    // The active record leads even though the hospital's stop is newer.
    const newer = buildMedicationList([at('clinic', rxRequest('c1')), at('hospital', rxRequest('h1', { status: 'stopped', authoredOn: '2025-01-01' }))]);
    expect(newer.groups[0]!.rows[0]!.primary.source).toBe('clinic');
  });

  it('never shows entered-in-error, and it never vouches for a drug', () => {
    const list = buildMedicationList([at('clinic', rxRequest('c1', { status: 'entered-in-error' })), at('hospital', rxRequest('h1', { status: 'stopped' }))]);
    expect(list.enteredInError).toBe(1);
    expect(list.groups.map((g) => g.group)).toEqual(['stopped']);
    expect(list.groups[0]!.rows[0]!.sources).toEqual(['hospital']);
  });

  it('survives hostile and malformed input', () => {
    const junk = [
      null,
      { source: 'x', resource: null },
      { source: 'x', resource: { resourceType: 'Patient' } },
      ...HOSTILE_STRINGS.map((s, i) => at('clinic', rxRequest(`h${i}`, { medicationCodeableConcept: { text: s }, status: s as never, authoredOn: s }))),
    ] as unknown as MedicationRecord[];
    const list = buildMedicationList(junk);
    // Each hostile request is its own row; the three broken records are dropped.
    expect(list.total).toBe(HOSTILE_STRINGS.length);
  });
});

describe('buildMedicationList: placeholder codes and incomplete doses (clinical-safety review)', () => {
  const DAR = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
  const mr = (id: string, text: string, dosageInstruction: MedicationRequest['dosageInstruction']): MedicationRequest => ({
    resourceType: 'MedicationRequest',
    id,
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/p' },
    medicationCodeableConcept: { coding: [{ system: DAR, code: 'unknown' }], text },
    dosageInstruction,
  });
  it('keeps Warfarin and Insulin coded data-absent-reason "unknown" as two current rows', () => {
    const list = buildMedicationList([
      { source: 'c', resource: mr('m1', 'Warfarin 5 mg', [{ text: 'once daily' }]) },
      { source: 'c', resource: mr('m2', 'Insulin glargine', [{ text: '20 units at night' }]) },
    ]);
    const rows = list.groups.flatMap((g) => g.rows);
    expect(rows.map((r) => r.name).sort()).toEqual(['Insulin glargine', 'Warfarin 5 mg']);
    expect(rows.every((r) => r.earlier.length === 0 && r.current.length === 1)).toBe(true);
  });
  it('flags a structured dose it cannot fully render, and shows infusion rates', () => {
    const list = buildMedicationList([
      { source: 'c', resource: mr('m1', 'Heparin', [{ doseAndRate: [{ rateQuantity: { value: 18, unit: 'units/kg/h' } }], route: { text: 'IV' } }]) },
      { source: 'c', resource: mr('m2', 'Insulin', [{ doseAndRate: [{ doseQuantity: { unit: 'units' } }] }]) },
    ]);
    const rows = list.groups.flatMap((g) => g.rows);
    const heparin = rows.find((r) => r.name === 'Heparin')!;
    expect(heparin.primary.dose).toContain('18 units/kg/h');
    expect(heparin.primary.doseIncomplete).toBe(false);
    const insulin = rows.find((r) => r.name === 'Insulin')!;
    expect(insulin.primary.doseIncomplete).toBe(true);
    expect(insulin.primary.dose).toMatch(/^Dose incomplete/);
  });
});
