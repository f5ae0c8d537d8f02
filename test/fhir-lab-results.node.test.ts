/**
 * The lab timeline's logic in `src/fhir` (values, ranges, results, grouping, duplicates,
 * filters) on the FHIR R4 examples, US Core (Inferno) and Synthea data, plus synthetic cases for
 * what those do not contain (comparators, several qualified ranges, masked values, corrections).
 */
import { describe, expect, it } from 'vitest';
import type { DiagnosticReport, Observation, Patient, Resource } from 'fhir/r4';
import { bundleToResources } from '../demo/data/references.mjs';
import { readFileSync } from 'node:fs';
import { fixture } from './fhir-fixtures.js';
import { displayDigits, labValueOf } from '../src/fhir/lab-values.js';
import { chooseRange, rangesOf, rangeVerdict } from '../src/fhir/lab-ranges.js';
import { DEFAULT_LAB_CATEGORIES, filterLabGroups, findDuplicateTests, groupLabResults, inCategories, labResultOf, testKey, type LabResult } from '../src/fhir/lab-results.js';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const V3 = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

// Margery Gibson's Synthea bundle as the demo's server holds it: `urn:uuid:` references resolved to `Type/id`.
const margery = bundleToResources(
  JSON.parse(readFileSync(new URL('../demo/data/patients/Margery_Gibson_cdb2d67c-173f-42e7-859a-d04a8088680e.json', import.meta.url), 'utf8')) as never,
  { file: 'Margery_Gibson' },
).resources as Resource[];
const resourcesOf = <T>(list: Resource[], type: string) => list.filter((r) => r.resourceType === type) as T[];

function obs(id: string, over: Partial<Observation> = {}): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: LOINC, code: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma' }] },
    subject: { reference: 'Patient/p' },
    effectiveDateTime: '2024-05-01T08:00:00Z',
    valueQuantity: { value: 4.1, unit: 'mmol/L', system: UCUM, code: 'mmol/L' },
    referenceRange: [{ low: { value: 3.5, unit: 'mmol/L' }, high: { value: 5.1, unit: 'mmol/L' } }],
    ...over,
  } as Observation;
}

describe('lab values', () => {
  it('shows Synthea’s unrounded numbers with four significant digits and keeps the stored value', () => {
    const height = resourcesOf<Observation>(margery, 'Observation').find((o) => o.valueQuantity && String(o.valueQuantity.value).length > 12)!;
    const v = labValueOf(height);
    expect(v.kind).toBe('quantity');
    if (v.kind !== 'quantity') return;
    expect(v.stored).toBe(String(height.valueQuantity!.value));
    expect(v.rounded).toBe(true);
    expect(v.text.replace(/[^\d]/g, '').length).toBeLessThanOrEqual(4);
    expect(displayDigits('175.96112001234565')).toBe(1);
    expect(labValueOf({ valueQuantity: { value: 175.96112001234565, unit: 'cm' } }).kind === 'quantity' && (labValueOf({ valueQuantity: { value: 175.96112001234565, unit: 'cm' } }) as { text: string }).text).toBe('176.0');
    expect(displayDigits('0.0123456')).toBe(5); // 0.01235
    expect(displayDigits('13.5')).toBe(1);
    expect(displayDigits('0.125')).toBe(3);
  });

  it('keeps the comparator as part of the value and the unit exactly as recorded', () => {
    const v = labValueOf({ valueQuantity: { value: 5, comparator: '<', unit: 'mg/L', system: UCUM, code: 'mg/L' } });
    expect(v).toMatchObject({ kind: 'quantity', text: '<5', value: 5, comparator: '<', unit: 'mg/L', unitKey: `${UCUM}|mg/L` });
    const le = labValueOf({ valueQuantity: { value: 0.5, comparator: '<=', unit: 'mmol/l' } });
    expect(le).toMatchObject({ text: '≤0.5', unit: 'mmol/l', unitKey: 'mmol/l' });
  });

  it('reads masked, other absent reasons, text, booleans, concepts, ranges and ratios', () => {
    expect(labValueOf({ dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'masked' }] } })).toMatchObject({ kind: 'absent', masked: true, reason: 'masked' });
    const unsat = fixture<Observation>('Observation-unsat.json');
    expect(labValueOf(unsat)).toEqual({ kind: 'absent', reason: '', masked: false, text: 'Specimen unsatisfactory for evaluation' });
    expect(labValueOf({ valueString: 'Trace' })).toEqual({ kind: 'string', text: 'Trace' });
    expect(labValueOf({ valueBoolean: false })).toMatchObject({ kind: 'boolean', value: false });
    expect(labValueOf({ valueCodeableConcept: { text: 'Positive' } })).toEqual({ kind: 'concept', text: 'Positive' });
    expect(labValueOf({ valueRange: { low: { value: 2, unit: 'g' }, high: { value: 4, unit: 'g' } } })).toEqual({ kind: 'range', text: '2–4 g' });
    expect(labValueOf({ valueRatio: { numerator: { value: 1 }, denominator: { value: 128 } } })).toMatchObject({ kind: 'ratio' });
    expect(labValueOf({})).toEqual({ kind: 'none' });
  });

  it('formats numbers in the page’s language', () => {
    expect((labValueOf({ valueQuantity: { value: 4.25, unit: 'mmol/L' } }, { locale: 'de' }) as { text: string }).text).toBe('4,25');
  });
});

describe('reference ranges', () => {
  const qualified = obs('k', {
    referenceRange: [
      { low: { value: 13.5, unit: 'g/dL' }, high: { value: 17.5, unit: 'g/dL' }, appliesTo: [{ coding: [{ system: 'http://snomed.info/sct', code: '248153007', display: 'Male' }] }], age: { low: { value: 18, unit: 'a', system: UCUM, code: 'a' } } },
      { low: { value: 12.0, unit: 'g/dL' }, high: { value: 15.5, unit: 'g/dL' }, appliesTo: [{ coding: [{ system: 'http://snomed.info/sct', code: '248152002', display: 'Female' }] }], age: { low: { value: 18, unit: 'a', system: UCUM, code: 'a' } } },
      { low: { value: 11.0, unit: 'g/dL' }, high: { value: 14.5, unit: 'g/dL' }, age: { low: { value: 2, unit: 'a', system: UCUM, code: 'a' }, high: { value: 12, unit: 'a', system: UCUM, code: 'a' } } },
    ],
  });

  it('chooses the range by the patient’s sex and age at the result’s date', () => {
    const ranges = rangesOf(qualified);
    expect(ranges.map((r) => r.kind)).toEqual(['both', 'both', 'both']);
    expect(chooseRange(ranges, { gender: 'female', birthDate: '1980-01-01' }, '2024-05-01')?.low).toBe(12);
    expect(chooseRange(ranges, { gender: 'male', birthDate: '1980-01-01' }, '2024-05-01')?.low).toBe(13.5);
    // The same girl at 8 and at 30: the child's range then the adult woman's.
    expect(chooseRange(ranges, { gender: 'female', birthDate: '2010-06-01' }, '2018-07-01')?.low).toBe(11);
    expect(chooseRange(ranges, { gender: 'female', birthDate: '2010-06-01' }, '2040-07-01')?.low).toBe(12);
    // Sex unknown, adult: no range applies (never another population's).
    expect(chooseRange(ranges, { birthDate: '1980-01-01' }, '2024-05-01')).toBeUndefined();
    expect(ranges[1]!.label).toBe('12.0–15.5 g/dL (Female, ≥ 18 y)'.replace('12.0', '12'));
  });

  it('reads one-sided and text-only ranges; the FHIR example with a male adult range', () => {
    const creat = fixture<Observation>('Observation-serum-creatinine-adult.json');
    const r = rangesOf(creat);
    expect(r[0]).toMatchObject({ low: 0.76, high: 1.27, kind: 'both', sex: 'male', unit: 'mg/dL' });
    const wbc = fixture<Observation>('Observation-urine-wbc-range.json');
    expect(rangesOf(wbc)[0]).toMatchObject({ kind: 'high-only', high: 5 });
    expect(rangesOf({ referenceRange: [{ text: 'Negative' }] })[0]).toMatchObject({ kind: 'text-only', label: 'Negative' });
    expect(rangesOf({ referenceRange: [{}] })).toEqual([]);
  });

  it('judges comparator values only when the comparator settles it', () => {
    const [range] = rangesOf({ referenceRange: [{ low: { value: 3 }, high: { value: 10 } }] });
    const v = (value: number, comparator?: '<' | '>' | '<=' | '>=') => labValueOf({ valueQuantity: { value, ...(comparator ? { comparator } : {}) } });
    expect(rangeVerdict(v(2), range)).toBe('below');
    expect(rangeVerdict(v(11), range)).toBe('above');
    expect(rangeVerdict(v(5), range)).toBe('within');
    expect(rangeVerdict(v(5, '<'), range)).toBe('unknown');
    expect(rangeVerdict(v(3, '<'), range)).toBe('below');
    expect(rangeVerdict(v(10, '>'), range)).toBe('above');
    const [upper] = rangesOf({ referenceRange: [{ high: { value: 5 } }] });
    expect(rangeVerdict(v(0.5, '<'), upper)).toBe('within');
    expect(rangeVerdict(labValueOf({ valueString: 'high' }), range)).toBe('unknown');
  });
});

describe('lab results', () => {
  it('marks a value outside its range as abnormal even without an interpretation', () => {
    const r = labResultOf(obs('a', { valueQuantity: { value: 6.2, unit: 'mmol/L' } }), 'clinic');
    expect(r.interpretations).toEqual([]);
    expect(r.verdict).toBe('above');
    expect(r.abnormal).toBe(true);
    expect(r.critical).toBe(false);
  });

  it('reads several interpretations, critical ones included', () => {
    const r = labResultOf(obs('b', { valueQuantity: { value: 6.9, unit: 'mmol/L' }, interpretation: [{ coding: [{ system: V3, code: 'HH' }] }, { coding: [{ system: V3, code: 'A' }] }] }), 'lab');
    expect(r.interpretations.map((i) => i.code)).toEqual(['HH', 'A']);
    expect(r.critical).toBe(true);
  });

  it('reads blood pressure as one result with both components, and a missing diastolic as absent', () => {
    const bp = labResultOf(fixture<Observation>('Observation-blood-pressure.json'), 'clinic');
    expect(bp.value.kind).toBe('none');
    expect(bp.components.map((c) => [c.codeKey, c.value.kind === 'quantity' ? c.value.text : c.value.kind])).toEqual([
      [`${LOINC}|8480-6`, '107'],
      [`${LOINC}|8462-4`, '60'],
    ]);
    const dar = labResultOf(fixture<Observation>('Observation-blood-pressure-dar.json'), 'clinic');
    expect(dar.components[1]!.value).toMatchObject({ kind: 'absent', reason: 'not-performed' });
  });

  it('groups by LOINC first, then other codings, then text', () => {
    expect(testKey({ coding: [{ system: 'http://acme.org', code: 'K' }, { system: LOINC, code: '2823-3' }] })).toBe(`${LOINC}|2823-3`);
    expect(testKey({ coding: [{ system: 'http://acme.org', code: 'K' }] })).toBe('http://acme.org|K');
    expect(testKey({ text: '  Potassium, Serum ' })).toBe('text:potassium serum');
  });

  it('groups Margery Gibson’s Synthea labs under their reports, newest first, with no entered-in-error', () => {
    const patient = resourcesOf<Patient>(margery, 'Patient')[0]!;
    const facts = { birthDate: patient.birthDate!, gender: patient.gender! };
    const results = resourcesOf<Observation>(margery, 'Observation').map((o) => labResultOf(o, 'clinic', facts));
    const reports = resourcesOf<DiagnosticReport>(margery, 'DiagnosticReport').map((r) => ({ ...r, source: 'clinic' }));
    const groups = groupLabResults(results, {}, reports);
    expect(groups.length).toBeGreaterThan(20);
    for (const g of groups) {
      const keys = g.results.map((r) => r.dateKey ?? 0);
      expect([...keys].sort((a, b) => b - a)).toEqual(keys);
      expect(g.results.every((r) => !r.enteredInError)).toBe(true);
    }
    const withReport = groups.filter((g) => g.report);
    expect(withReport.length).toBeGreaterThan(5);
    expect(withReport.every((g) => g.report!.status === 'final' && g.report!.name)).toBe(true);
    expect(groups.reduce((n, g) => n + g.results.length, 0)).toBe(results.length);
  });

  it('never joins results in different units; a host’s analyte map joins codes', () => {
    const a = labResultOf(obs('a', { code: { coding: [{ system: LOINC, code: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma' }] }, valueQuantity: { value: 95, unit: 'mg/dL', system: UCUM, code: 'mg/dL' } }), 'clinic');
    const b = labResultOf(obs('b', { code: { coding: [{ system: LOINC, code: '2339-0', display: 'Glucose [Mass/volume] in Blood' }] }, effectiveDateTime: '2024-05-02', valueQuantity: { value: 5.4, unit: 'mmol/L', system: UCUM, code: 'mmol/L' } }), 'hospital');
    const apart = groupLabResults([a, b]);
    expect(apart.length).toBe(2);
    const joined = groupLabResults([a, b], { sameAnalyte: { [`${LOINC}|2345-7`]: 'glucose', [`${LOINC}|2339-0`]: 'glucose' } });
    expect(joined.length).toBe(1);
    expect(joined[0]!.comparable).toBe(false);
    expect(joined[0]!.unitKeys).toEqual([`${UCUM}|mmol/L`, `${UCUM}|mg/dL`]);
  });

  it('links panel members to their panel and does not list the panel as a test', () => {
    const panel = labResultOf(fixture<Observation>('Observation-bgpanel.json'), 'lab');
    const ids = (panel.resource.hasMember ?? []).map((m) => m.reference!.split('/')[1]!);
    const members = ids.map((id, i) => labResultOf(obs(id, { code: { text: `Member ${i}` }, valueCodeableConcept: { text: 'A' } }), 'lab'));
    const groups = groupLabResults([panel, ...members]);
    expect(groups.map((g) => g.name)).toEqual(members.map((m) => m.name));
    expect(groups.every((g) => g.panel === panel.name)).toBe(true);
  });

  it('flags the same test from two providers on the same day, not from one provider twice', () => {
    const a = labResultOf(obs('a', { effectiveDateTime: '2024-05-01T08:00:00Z' }), 'clinic');
    const b = labResultOf(obs('b', { effectiveDateTime: '2024-05-01T17:00:00Z' }), 'hospital');
    const c = labResultOf(obs('c', { effectiveDateTime: '2024-05-01T18:00:00Z' }), 'hospital');
    const d = labResultOf(obs('d', { effectiveDateTime: '2024-05-03T08:00:00Z' }), 'clinic');
    expect(findDuplicateTests([a, b, c, d])).toEqual([
      { a: a.key, b: b.key },
      { a: a.key, b: c.key },
    ]);
    expect(findDuplicateTests([b, d], 3)).toEqual([{ a: b.key, b: d.key }]);
    expect(findDuplicateTests([b, d])).toEqual([]);
  });

  it('marks corrections and keeps entered-in-error out of every group', () => {
    const corrected = labResultOf(obs('a', { status: 'corrected' }), 'clinic');
    const wrong = labResultOf(obs('b', { status: 'entered-in-error', valueQuantity: { value: 60, unit: 'mmol/L' } }), 'clinic');
    expect(corrected.corrected).toBe(true);
    const [g] = groupLabResults([corrected, wrong]);
    expect(g!.results.map((r) => r.id)).toEqual(['a']);
  });

  it('filters by dates, words and abnormal-only and counts what it hid', () => {
    const list: LabResult[] = [
      labResultOf(obs('k1', { effectiveDateTime: '2023-01-01' }), 'clinic'),
      labResultOf(obs('k2', { effectiveDateTime: '2024-01-01', valueQuantity: { value: 6, unit: 'mmol/L' } }), 'clinic'),
      labResultOf(obs('n1', { code: { text: 'Sodium' }, effectiveDateTime: '2024-02-01', valueQuantity: { value: 140, unit: 'mmol/L' }, referenceRange: [] }), 'clinic'),
    ];
    const groups = groupLabResults(list);
    const byDate = filterLabGroups(groups, { from: '2023-06-01' });
    expect(byDate.totalResults).toBe(3);
    expect(byDate.shownResults).toBe(2);
    expect(byDate.groups.find((g) => g.name.startsWith('Potassium'))!.latest!.id).toBe('k2');
    expect(filterLabGroups(groups, { text: 'sodi' }).groups.map((g) => g.name)).toEqual(['Sodium']);
    expect(filterLabGroups(groups, { abnormalOnly: true }).groups.map((g) => g.name)).toEqual([list[0]!.name]);
    expect(filterLabGroups(groups, { to: '2023-12-31', abnormalOnly: true }).groups).toEqual([]);
  });

  it('reads blood pressure systolic over diastolic even when the record lists diastolic first (Synthea)', () => {
    const bp = resourcesOf<Observation>(margery, 'Observation').find((o) => o.code.coding?.some((c) => c.code === '55284-4'))!;
    expect(bp.component![0]!.code.coding![0]!.code).toBe('8462-4');
    expect(labResultOf(bp, 'clinic').components.map((c) => c.codeKey)).toEqual([`${LOINC}|8480-6`, `${LOINC}|8462-4`]);
  });

  it('keeps laboratory and vital signs by default, and results without a category', () => {
    const cats = [...DEFAULT_LAB_CATEGORIES];
    const cat = (code: string) => labResultOf(obs(code, { category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code }] }] }), 'clinic');
    expect(inCategories(cat('laboratory'), cats)).toBe(true);
    expect(inCategories(cat('vital-signs'), cats)).toBe(true);
    expect(inCategories(cat('social-history'), cats)).toBe(false);
    expect(inCategories(cat('social-history'), ['*'])).toBe(true);
    expect(inCategories(labResultOf(obs('none'), 'clinic'), cats)).toBe(true);
  });
});
