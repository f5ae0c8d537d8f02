import { describe, expect, it } from 'vitest';
import type { AllergyIntolerance, Dosage, Medication, MedicationRequest, MedicationStatement } from 'fhir/r4';
import {
  dosageParts,
  dosageText,
  groupDuplicateAllergies,
  medicationDosageSummary,
  medicationDosageText,
  medicationName,
  medicationStrengths,
  reconcileMedications,
  referencedMedication,
  timingText,
} from '../src/fhir/index.js';
import type { MedicationUse, SourcedItem } from '../src/fhir/index.js';
import { HOSTILE_STRINGS, fixture } from './fhir-fixtures.js';

const parker = () => fixture<{ medicationRequests: MedicationRequest[] }>('synthea-parker-casper.json').medicationRequests;
const margery = () => fixture<{ medicationRequests: MedicationRequest[] }>('synthea-margery-gibson.json').medicationRequests;
const usqc = () =>
  fixture<{ medication: Medication; medicationRequests: MedicationRequest[]; allergies: AllergyIntolerance[] }>('inferno-us-quality-core.json');
const byText = (list: MedicationRequest[], text: string): MedicationRequest => list.find((m) => m.medicationCodeableConcept?.text === text)!;

describe('medicationName', () => {
  it('reads medicationCodeableConcept', () => {
    expect(medicationName(parker()[0])).toMatchObject({ text: 'Hydrochlorothiazide 25 MG', source: 'concept' });
  });
  it('reads a coded concept without text (us_quality_core)', () => {
    const req = usqc().medicationRequests.find((m) => !m.doNotPerform)!;
    expect(medicationName(req).text).toBe('alemtuzumab 10 MG/ML [Lemtrada]');
  });
  it('reads a contained Medication (MedicationStatement-example001)', () => {
    const ms = fixture<MedicationStatement>('MedicationStatement-example001.json');
    const n = medicationName(ms);
    expect(n).toMatchObject({ text: 'Tylenol PM', source: 'contained' });
    expect(n.medication?.id).toBe('med0309');
  });
  it('resolves a referenced Medication through the resolver', () => {
    const med = usqc().medication;
    const req: MedicationRequest = {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/usqualitycore-patient' },
      medicationReference: { reference: 'Medication/usqualitycore-medication' },
    };
    const seen: string[] = [];
    const n = medicationName(req, (ref) => {
      seen.push(ref);
      return ref === 'Medication/usqualitycore-medication' ? med : undefined;
    });
    expect(seen).toEqual(['Medication/usqualitycore-medication']);
    expect(n).toMatchObject({ text: 'alemtuzumab 10 MG/ML [Lemtrada]', source: 'resolved' });
  });
  it('falls back to reference display, then null', () => {
    const req: MedicationRequest = {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: {},
      medicationReference: { reference: 'Medication/missing', display: 'Amoxicillin 500mg' },
    };
    expect(medicationName(req, () => undefined)).toMatchObject({ text: 'Amoxicillin 500mg', source: 'reference-display' });
    expect(medicationName({ ...req, medicationReference: { reference: 'Medication/missing' } })).toMatchObject({ text: null, source: 'none' });
    expect(medicationName(undefined)).toMatchObject({ text: null, source: 'none' });
  });
  it('survives a resolver that throws or returns the wrong type', () => {
    const req: MedicationRequest = { resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: {}, medicationReference: { reference: 'Medication/x' } };
    expect(medicationName(req, () => { throw new Error('boom'); }).text).toBeNull();
    expect(referencedMedication(req, () => ({ resourceType: 'Patient' }) as unknown as Medication)).toEqual({});
  });
  it('does not send contained references to the resolver', () => {
    const req: MedicationRequest = { resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: {}, medicationReference: { reference: '#nope' } };
    let called = false;
    medicationName(req, () => { called = true; return undefined; });
    expect(called).toBe(false);
  });
});

describe('medicationStrengths', () => {
  it('lists each ingredient with its strength', () => {
    const ms = fixture<MedicationStatement>('MedicationStatement-example001.json');
    const med = medicationName(ms).medication!;
    expect(medicationStrengths(med)).toEqual([
      { ingredient: 'Acetaminophen 500 MG', strength: '500 mg/Tab' },
      { ingredient: 'Diphenhydramine Hydrochloride 25 mg', strength: '25 mg/Tab' },
    ]);
  });
  it('keeps a decimal denominator', () => {
    expect(medicationStrengths(usqc().medication)).toEqual([{ ingredient: 'Alemtuzumab (substance)', strength: '12 mg/1.2 mL' }]);
  });
  it('handles missing data', () => {
    expect(medicationStrengths(undefined)).toEqual([]);
    expect(medicationStrengths({ resourceType: 'Medication', ingredient: [{ itemReference: { display: 'X' } } as never] })).toEqual([{ ingredient: 'X', strength: null }]);
  });
});

describe('timingText', () => {
  const t = (repeat: Record<string, unknown>) => timingText({ repeat } as never);
  it('frequencies per day', () => {
    expect(t({ frequency: 1, period: 1, periodUnit: 'd' })).toBe('once a day');
    expect(t({ frequency: 2, period: 1, periodUnit: 'd' })).toBe('twice a day');
    expect(t({ frequency: 3, period: 1, periodUnit: 'd' })).toBe('three times a day');
    expect(t({ frequency: 5, period: 1, periodUnit: 'd' })).toBe('5 times a day');
  });
  it('intervals', () => {
    expect(t({ frequency: 1, period: 8, periodUnit: 'h' })).toBe('every 8 hours');
    expect(t({ frequency: 1, period: 1, periodUnit: 'h' })).toBe('every hour');
    expect(t({ frequency: 1, period: 4, periodMax: 6, periodUnit: 'h' })).toBe('every 4–6 hours');
    expect(t({ frequency: 1, period: 1, periodUnit: 'wk' })).toBe('once a week');
    expect(t({ frequency: 2, period: 1, periodUnit: 'h' })).toBe('twice an hour');
    expect(t({ frequency: 2, period: 3, periodUnit: 'd' })).toBe('twice every 3 days');
  });
  it('ranges of frequency', () => {
    expect(t({ frequency: 3, frequencyMax: 3, period: 1, periodMax: 1, periodUnit: 'd' })).toBe('three times a day');
    expect(t({ frequency: 1, frequencyMax: 2, period: 1, periodUnit: 'd' })).toBe('1–2 times a day');
  });
  it('when, time of day and duration', () => {
    expect(t({ frequency: 1, period: 1, periodUnit: 'd', when: ['HS'] })).toBe('once a day at bedtime');
    expect(t({ timeOfDay: ['08:00:00', '20:00:00'] })).toBe('at 08:00, 20:00');
    expect(t({ frequency: 1, period: 1, periodUnit: 'd', boundsDuration: { value: 7, code: 'd' } })).toBe('once a day for 7 days');
  });
  it('timing codes', () => {
    expect(timingText({ code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', code: 'BID' }] } })).toBe('twice a day');
    expect(timingText({ code: { text: 'with every meal' } })).toBe('with every meal');
  });
  it('nothing usable → null', () => {
    expect(timingText(undefined)).toBeNull();
    expect(timingText({})).toBeNull();
    expect(t({ frequency: -1, period: 0, periodUnit: 'd' })).toBeNull();
    expect(t({ frequency: 1, period: 1, periodUnit: 'fortnight' })).toBeNull();
  });
});

describe('dosageText', () => {
  it('prefers the prescriber text', () => {
    const ms = fixture<MedicationStatement>('MedicationStatement-example001.json');
    expect(dosageText(ms.dosage![0])).toBe('1-2 tablets once daily at bedtime as needed for restless legs');
  });
  it('builds from structure when there is no text', () => {
    const ms = fixture<MedicationStatement>('MedicationStatement-example001.json');
    const { text: _text, ...structured } = ms.dosage![0]!;
    expect(dosageText(structured as Dosage)).toBe('1–2 TAB by mouth once a day as needed for Restless Legs');
  });
  it('builds Synthea dosages (dose without unit)', () => {
    expect(medicationDosageText(byText(parker(), 'Cefuroxime 250 MG Oral Tablet'))).toBe('1 twice a day');
    expect(medicationDosageText(byText(parker(), 'Acetaminophen 325 MG / oxyCODONE Hydrochloride 5 MG Oral Tablet'))).toBe('1 every 6 hours');
    expect(medicationDosageText(byText(parker(), 'Ibuprofen 200 MG Oral Tablet'))).toBe('as needed');
  });
  it('returns null when a Synthea request has no dosage at all', () => {
    expect(medicationDosageText(byText(parker(), 'Hydrochlorothiazide 25 MG'))).toBeNull();
    expect(dosageText({ asNeededBoolean: false })).toBeNull();
    expect(dosageText(undefined)).toBeNull();
  });
  it('puts an unknown route in brackets, a known one in words', () => {
    expect(dosageText({ route: { text: 'Nasogastric tube' }, doseAndRate: [{ doseQuantity: { value: 5, unit: 'mL' } }] })).toBe('5 mL (Nasogastric tube)');
    expect(dosageText({ route: { coding: [{ system: 'http://snomed.info/sct', code: '47625008' }] }, doseAndRate: [{ doseQuantity: { value: 3, unit: 'mg' } }] })).toBe('3 mg intravenously');
  });
  it('dosageParts exposes the structured pieces', () => {
    const ms = fixture<MedicationStatement>('MedicationStatement-example003.json');
    expect(dosageParts(ms.dosage![0])).toEqual({ dose: '1 tab', route: 'by mouth', frequency: null, asNeeded: null, text: '1 tablet per day' });
  });
  it('never throws on hostile dosage strings', () => {
    for (const s of HOSTILE_STRINGS) {
      expect(() => dosageText({ text: s })).not.toThrow();
      expect(() => dosageText({ route: { text: s }, timing: { code: { text: s } }, asNeededCodeableConcept: { text: s } })).not.toThrow();
    }
  });
});

describe('reconcileMedications', () => {
  const item = (source: string, resource: MedicationUse): SourcedItem<MedicationUse> => ({ source, resource });

  it('merges the same RxNorm drug from two sources and lists both sources', () => {
    const a = byText(parker(), 'Hydrochlorothiazide 25 MG');
    const b = byText(margery(), 'Hydrochlorothiazide 25 MG');
    const groups = reconcileMedications([item('hospital', a), item('clinic', b)]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ name: 'Hydrochlorothiazide 25 MG', sources: ['hospital', 'clinic'], doseDiffers: false, statusDiffers: false });
  });
  it('keeps different drugs apart', () => {
    const items = margery().map((m) => item('clinic', m));
    expect(reconcileMedications(items)).toHaveLength(margery().length);
  });
  it('flags a status difference between sources', () => {
    const active = byText(margery(), 'Hydrochlorothiazide 25 MG');
    const stopped: MedicationRequest = { ...active, id: 'x', status: 'stopped' };
    const [g] = reconcileMedications([item('clinic', active), item('hospital', stopped)]);
    expect(g).toMatchObject({ statusDiffers: true, groups: ['active', 'stopped'] });
  });
  it('flags a dose difference, ignoring case and spacing', () => {
    const base = usqc().medicationRequests.find((m) => !m.doNotPerform)!;
    const same: MedicationRequest = { ...base, dosageInstruction: [{ text: '1  TABLET 3 times daily' }] };
    const other: MedicationRequest = { ...base, dosageInstruction: [{ text: '2 tablets twice daily' }] };
    expect(reconcileMedications([item('a', base), item('b', same)])[0]!.doseDiffers).toBe(false);
    const [g] = reconcileMedications([item('a', base), item('b', other)]);
    expect(g!.doseDiffers).toBe(true);
    expect(g!.doses).toEqual(['1 tablet 3 times daily', '2 tablets twice daily']);
  });
  it('matches a coded request with a contained Medication by code, and uncoded ones by name', () => {
    const req = usqc().medicationRequests.find((m) => !m.doNotPerform)!;
    const stmt: MedicationStatement = {
      resourceType: 'MedicationStatement',
      status: 'active',
      subject: {},
      contained: [usqc().medication],
      medicationReference: { reference: '#usqualitycore-medication' },
    };
    expect(reconcileMedications([item('a', req), item('b', stmt)])).toHaveLength(1);
    const n1: MedicationStatement = { resourceType: 'MedicationStatement', status: 'active', subject: {}, medicationCodeableConcept: { text: 'Little Pink Pill' } };
    const n2: MedicationStatement = { ...n1, medicationCodeableConcept: { text: ' little  pink pill.' } };
    expect(reconcileMedications([item('a', n1), item('b', n2)])).toHaveLength(1);
  });
  it('does not merge two drugs that only share an ATC class code', () => {
    const a: MedicationStatement = { resourceType: 'MedicationStatement', status: 'active', subject: {}, medicationCodeableConcept: { text: 'Amoxicillin', coding: [{ system: 'http://www.whocc.no/atc', code: 'J01CA' }] } };
    const b: MedicationStatement = { ...a, medicationCodeableConcept: { text: 'Ampicillin', coding: [{ system: 'http://www.whocc.no/atc', code: 'J01CA' }] } };
    expect(reconcileMedications([item('a', a), item('b', b)])).toHaveLength(2);
    const c: MedicationStatement = { ...a, medicationCodeableConcept: { text: 'Amoxicillin 500', coding: [{ system: 'http://www.whocc.no/atc', code: 'J01CA04' }] } };
    const d: MedicationStatement = { ...a, medicationCodeableConcept: { text: 'Amoxil', coding: [{ system: 'http://www.whocc.no/atc', code: 'J01CA04' }] } };
    expect(reconcileMedications([item('a', c), item('b', d)])).toHaveLength(1);
  });
  it('leaves out entered-in-error records', () => {
    const a = byText(margery(), 'Hydrochlorothiazide 25 MG');
    const eie: MedicationRequest = { ...a, status: 'entered-in-error' };
    const groups = reconcileMedications([item('a', eie), item('b', a)]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.sources).toEqual(['b']);
  });
  it('keeps unnamed, uncoded items apart and survives junk', () => {
    const blank: MedicationStatement = { resourceType: 'MedicationStatement', status: 'active', subject: {} };
    expect(reconcileMedications([item('a', blank), item('b', { ...blank })])).toHaveLength(2);
    expect(reconcileMedications([null as never, { source: 'x' } as never])).toEqual([]);
    expect(reconcileMedications(undefined as never)).toEqual([]);
  });
  it('joins transitively (A~B by code, B~C by name)', () => {
    const a: MedicationStatement = { resourceType: 'MedicationStatement', status: 'active', subject: {}, medicationCodeableConcept: { text: 'Drug A', coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1' }] } };
    const b: MedicationStatement = { ...a, medicationCodeableConcept: { text: 'Drug B', coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1' }] } };
    const c: MedicationStatement = { ...a, medicationCodeableConcept: { text: 'drug b' } };
    expect(reconcileMedications([item('1', a), item('2', c), item('3', b)])).toHaveLength(1);
  });
});

describe('groupDuplicateAllergies', () => {
  const item = (source: string, resource: AllergyIntolerance): SourcedItem<AllergyIntolerance> => ({ source, resource });
  it('collapses the us_quality_core duplicates into one group', () => {
    const list = usqc().allergies.map((a) => item('inferno', a));
    const groups = groupDuplicateAllergies(list);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ substance: 'Cashew nuts', sources: ['inferno'], criticalityDiffers: false });
    expect(groups[0]!.items).toHaveLength(list.length);
  });
  it('groups the same substance across sources and flags differences', () => {
    const cashew = fixture<AllergyIntolerance>('AllergyIntolerance-example.json');
    const lowUnconfirmed: AllergyIntolerance = {
      ...cashew,
      criticality: 'low',
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'unconfirmed' }] },
    };
    const [g] = groupDuplicateAllergies([item('hospital', cashew), item('clinic', lowUnconfirmed)]);
    expect(g).toMatchObject({ sources: ['hospital', 'clinic'], criticalityDiffers: true, verificationDiffers: true, clinicalStatusDiffers: false });
  });
  it('keeps different substances apart (toddler with 10 allergies)', () => {
    const list = fixture<{ allergies: AllergyIntolerance[] }>('synthea-versie-botsford.json').allergies.map((a) => item('s', a));
    expect(groupDuplicateAllergies(list)).toHaveLength(10);
  });
  it('leaves out entered-in-error and survives junk', () => {
    const cashew = fixture<AllergyIntolerance>('AllergyIntolerance-example.json');
    const eie: AllergyIntolerance = { ...cashew, verificationStatus: { coding: [{ code: 'entered-in-error' }] } };
    expect(groupDuplicateAllergies([item('a', eie)])).toEqual([]);
    expect(groupDuplicateAllergies([null as never])).toEqual([]);
  });
});

describe('dosage: rates, several doseAndRate entries and maximum doses (clinical-safety review)', () => {
  it('shows an infusion rate when there is no dose', () => {
    const d: Dosage = {
      route: { text: 'IV' },
      doseAndRate: [{ rateQuantity: { value: 18, unit: 'units/kg/h' } }],
    };
    expect(dosageText(d)).toContain('18 units/kg/h');
    expect(dosageText(d)).toContain('IV');
    expect(dosageText({ doseAndRate: [{ rateRatio: { numerator: { value: 5, unit: 'mL' }, denominator: { value: 1, unit: 'h' } } }] })).toContain('5 mL/h');
    expect(dosageText({ doseAndRate: [{ rateRange: { low: { value: 2, unit: 'mL/h' }, high: { value: 4, unit: 'mL/h' } } }] })).toContain('2–4 mL/h');
  });
  it('shows dose and rate of the same entry', () => {
    expect(dosageText({ doseAndRate: [{ doseQuantity: { value: 500, unit: 'mL' }, rateQuantity: { value: 125, unit: 'mL/h' } }] })).toBe('500 mL at 125 mL/h');
  });
  it('appends the maximum dose per period (paracetamol 1 g every 4–6 h as needed, max 4 g a day)', () => {
    const d: Dosage = {
      doseAndRate: [{ doseQuantity: { value: 1, unit: 'g' } }],
      timing: { repeat: { frequency: 1, period: 4, periodMax: 6, periodUnit: 'h' } },
      asNeededBoolean: true,
      maxDosePerPeriod: { numerator: { value: 4, unit: 'g' }, denominator: { value: 1, unit: 'd' } },
    };
    const text = dosageText(d)!;
    expect(text).toContain('1 g');
    expect(text).toContain('every 4–6 hours');
    expect(text).toContain('as needed');
    expect(text).toContain('max 4 g per 1 d');
    expect(dosageText({ doseAndRate: [{ doseQuantity: { value: 1, unit: 'g' } }], maxDosePerAdministration: { value: 2, unit: 'g' } })).toContain(
      'max 2 g per dose',
    );
  });
  it('shows every doseAndRate entry with its type', () => {
    const text = dosageText({
      doseAndRate: [
        { type: { text: 'calculated' }, doseQuantity: { value: 250, unit: 'mg' } },
        { type: { text: 'ordered' }, doseQuantity: { value: 5, unit: 'mL' } },
      ],
    })!;
    expect(text).toContain('calculated: 250 mg');
    expect(text).toContain('ordered: 5 mL');
  });
  it('says the dose is incomplete instead of showing part of it', () => {
    const d: Dosage = {
      route: { coding: [{ system: 'http://snomed.info/sct', code: '47625008' }] },
      doseAndRate: [{ doseQuantity: { value: 10, unit: 'mg' }, rateQuantity: { unit: 'mg/h' } }],
    };
    expect(dosageParts(d).incomplete).toBe(true);
    expect(dosageText(d)).toMatch(/^Dose incomplete/);
    const max: Dosage = { doseAndRate: [{ doseQuantity: { value: 1, unit: 'g' } }], maxDosePerPeriod: { denominator: { value: 1, unit: 'd' } } };
    expect(dosageText(max)).toMatch(/^Dose incomplete/);
    const req: MedicationRequest = { resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: {}, dosageInstruction: [d] };
    expect(medicationDosageSummary(req)).toMatchObject({ incomplete: true });
    expect(medicationDosageText(req)).toMatch(/^Dose incomplete/);
    // Complete structured doses and written text are not flagged.
    expect(dosageParts({ doseAndRate: [{ doseQuantity: { value: 1, unit: 'g' } }] }).incomplete).toBeUndefined();
    expect(medicationDosageSummary({ ...req, dosageInstruction: [{ ...d, text: '10 mg IV then 2 mg/h' }] })).toEqual({ text: '10 mg IV then 2 mg/h', incomplete: false });
  });
});

describe('reconciliation never merges different drugs/substances through placeholder or category codes', () => {
  const DAR = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
  const NULL_FLAVOR = 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor';
  const SNOMED = 'http://snomed.info/sct';
  const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
  const med = (text: string, coding: { system: string; code: string; display?: string }[]): MedicationRequest => ({
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    subject: {},
    medicationCodeableConcept: { text, coding },
  });
  const allergy = (text: string | undefined, coding: { system: string; code: string; display?: string }[]): AllergyIntolerance => ({
    resourceType: 'AllergyIntolerance',
    patient: {},
    clinicalStatus: { coding: [{ code: 'active' }] },
    code: { ...(text ? { text } : {}), coding },
  });
  const it2 = <T>(a: T, b: T) => [
    { source: 'c', resource: a },
    { source: 'c', resource: b },
  ];

  it('keeps two medications coded data-absent-reason "unknown" apart', () => {
    const groups = reconcileMedications(it2<MedicationUse>(med('Warfarin 5 mg', [{ system: DAR, code: 'unknown' }]), med('Insulin glargine', [{ system: DAR, code: 'unknown' }])));
    expect(groups.map((g) => g.name)).toEqual(['Warfarin 5 mg', 'Insulin glargine']);
  });
  it('keeps two medications coded NullFlavor UNK apart', () => {
    const groups = reconcileMedications(it2<MedicationUse>(med('Warfarin 5 mg', [{ system: NULL_FLAVOR, code: 'UNK' }]), med('Metformin', [{ system: NULL_FLAVOR, code: 'UNK' }])));
    expect(groups).toHaveLength(2);
  });
  it('keeps differently named medications apart when they share only a SNOMED CT code', () => {
    const groups = reconcileMedications(it2<MedicationUse>(med('Amoxicillin', [{ system: SNOMED, code: '763158003' }]), med('Flucloxacillin', [{ system: SNOMED, code: '763158003' }])));
    expect(groups).toHaveLength(2);
  });
  it('still merges the same RxNorm code under different names, and the same name', () => {
    expect(reconcileMedications(it2<MedicationUse>(med('Lisinopril 10 MG Oral Tablet', [{ system: RXNORM, code: '314076' }]), med('Zestril 10mg', [{ system: RXNORM, code: '314076' }])))).toHaveLength(1);
    expect(reconcileMedications(it2<MedicationUse>(med('Warfarin 5 mg', [{ system: DAR, code: 'unknown' }]), med('warfarin  5 MG', [])))).toHaveLength(1);
  });
  it('keeps Penicillin and Latex apart when both are coded 419199007 "allergy to substance"', () => {
    const generic = { system: SNOMED, code: '419199007', display: 'Allergy to substance' };
    const groups = groupDuplicateAllergies(it2(allergy('Penicillin', [generic]), allergy('Latex', [generic])));
    expect(groups.map((g) => g.substance)).toEqual(['Penicillin', 'Latex']);
    // A record carrying only the category code joins neither.
    expect(groupDuplicateAllergies([...it2(allergy('Penicillin', [generic]), allergy('Latex', [generic])), { source: 'd', resource: allergy(undefined, [{ system: SNOMED, code: '419199007' }]) }])).toHaveLength(3);
  });
  it('keeps allergies coded data-absent-reason / NullFlavor apart', () => {
    expect(groupDuplicateAllergies(it2(allergy('Shellfish', [{ system: DAR, code: 'unknown' }]), allergy('Peanut', [{ system: DAR, code: 'unknown' }])))).toHaveLength(2);
    expect(groupDuplicateAllergies(it2(allergy('Shellfish', [{ system: NULL_FLAVOR, code: 'NI' }]), allergy('Peanut', [{ system: NULL_FLAVOR, code: 'NI' }])))).toHaveLength(2);
  });
  it('keeps allergies with different written names apart even with a shared substance code', () => {
    const code = { system: SNOMED, code: '373270004', display: 'Penicillin -class of antibiotic-' };
    expect(groupDuplicateAllergies(it2(allergy('Penicillin', [code]), allergy('Amoxicillin', [code])))).toHaveLength(2);
    // Same substance code, one side with no written name: still one allergy.
    expect(groupDuplicateAllergies(it2(allergy('Penicillin', [code]), allergy(undefined, [{ system: SNOMED, code: '373270004' }])))).toHaveLength(1);
  });
});
