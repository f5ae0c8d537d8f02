import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AllergyIntolerance, Bundle } from 'fhir/r4';
import { buildAllergyPanel, contradicts, mergedCriticality, type AllergyRecord } from '../src/fhir/allergy-rows.js';
import { fixture } from './fhir-fixtures.js';

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';

function allergy(id: string, over: Partial<AllergyIntolerance> & { clinical?: string; verification?: string; snomed?: [string, string] } = {}): AllergyIntolerance {
  const { clinical = 'active', verification = 'confirmed', snomed = ['300916003', 'Latex allergy'], ...rest } = over;
  return {
    resourceType: 'AllergyIntolerance',
    id,
    patient: { reference: 'Patient/p' },
    clinicalStatus: { coding: [{ system: CLINICAL, code: clinical }] },
    verificationStatus: { coding: [{ system: VERIFICATION, code: verification }] },
    code: { coding: [{ system: 'http://snomed.info/sct', code: snomed[0], display: snomed[1] }] },
    ...rest,
  };
}
const at = (source: string, resource: AllergyIntolerance): AllergyRecord => ({ source, resource });

/** AllergyIntolerance entries of a sample patient bundle in demo/data/patients. */
function allergiesOf(name: string): AllergyIntolerance[] {
  const bundle = JSON.parse(readFileSync(new URL(`../demo/data/patients/${name}`, import.meta.url), 'utf8')) as Bundle;
  return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is AllergyIntolerance => r?.resourceType === 'AllergyIntolerance');
}

describe('buildAllergyPanel', () => {
  it('shows the same substance from two providers once, listing both sources', () => {
    const view = buildAllergyPanel([at('clinic', allergy('a')), at('hospital', allergy('h-a')), at('clinic', allergy('b', { snomed: ['91935009', 'Allergy to peanuts'] }))]);
    // "Allergy to peanuts" sorts as "peanuts", after "Latex allergy".
    expect(view.current.map((r) => r.substance)).toEqual(['Latex allergy', 'Allergy to peanuts']);
    const latex = view.current.find((r) => r.substance === 'Latex allergy')!;
    expect(latex.sources).toEqual(['clinic', 'hospital']);
    expect(latex.differs).toBe(false);
  });

  it('collapses the 20 identical copies in the US quality core bundle into one row', () => {
    const list = allergiesOf('us_quality_core_bundle_patient.json');
    expect(list.length).toBe(21);
    const view = buildAllergyPanel(list.map((a) => at('clinic', a)));
    expect(view.current).toHaveLength(1);
    const row = view.current[0]!;
    expect(row.substance).toBe('Cashew nuts');
    expect(row.recordsPerSource).toEqual({ clinic: 21 });
    expect(row.criticality).toBe('high');
    // Reactions merged by content, not repeated per copy.
    expect(row.reactions.map((r) => [r.manifestations.join(), r.severity])).toEqual([
      ['Anaphylactic reaction', 'severe'],
      ['Choroidal hemorrhage', 'moderate'],
    ]);
  });

  it('flags differing criticality and shows the more cautious one', () => {
    const view = buildAllergyPanel([at('clinic', allergy('a', { criticality: 'low' })), at('hospital', allergy('h', { criticality: 'high' }))]);
    const row = view.current[0]!;
    expect(row.criticality).toBe('high');
    expect(row.differences.criticality).toEqual([
      { value: 'low', sources: ['clinic'] },
      { value: 'high', sources: ['hospital'] },
    ]);
  });

  it('takes "unable to assess" over "low" and shows it as not known', () => {
    expect(mergedCriticality([allergy('a', { criticality: 'low' }), allergy('b', { criticality: 'unable-to-assess' })])).toBe('not-known');
    expect(mergedCriticality([allergy('a')])).toBe('not-known');
  });

  it('treats an allergy confirmed at one source as confirmed, flagging the unconfirmed copy', () => {
    const view = buildAllergyPanel([at('clinic', allergy('a', { verification: 'unconfirmed' })), at('hospital', allergy('h'))]);
    expect(view.current[0]!.verification).toBe('confirmed');
    expect(view.current[0]!.differences.verification).toHaveLength(2);
  });

  it('never shows refuted or entered-in-error records as allergies, but counts them', () => {
    const view = buildAllergyPanel([
      at('clinic', allergy('r', { verification: 'refuted', snomed: ['91935009', 'Allergy to peanuts'] })),
      at('clinic', allergy('e', { verification: 'entered-in-error', snomed: ['417532002', 'Allergy to fish'] })),
    ]);
    expect(view.current).toEqual([]);
    expect(view.past).toEqual([]);
    expect(view.hiddenRefuted).toBe(1);
    expect(view.hiddenEnteredInError).toBe(1);
  });

  it('names the hidden records for a disclosure: substance, source and mark, identical copies merged, by name', () => {
    const view = buildAllergyPanel([
      at('clinic', allergy('r1', { verification: 'refuted', snomed: ['1', 'Allergy to strawberries'], recordedDate: '2020-02-03' })),
      at('clinic', allergy('r2', { verification: 'refuted', snomed: ['1', 'Allergy to strawberries'], recordedDate: '2019-01-02' })),
      at('hospital', allergy('e1', { verification: 'entered-in-error', snomed: ['2', 'Aspirin'] })),
      at('hospital', allergy('keep', { snomed: ['3', 'Latex allergy'] })),
    ]);
    expect(view.current.map((r) => r.substance)).toEqual(['Latex allergy']);
    expect(view.hidden).toEqual([
      { key: 'hospital/e1', substance: 'Aspirin', source: 'hospital', reason: 'entered-in-error', count: 1 },
      { key: 'clinic/r1', substance: 'Allergy to strawberries', source: 'clinic', reason: 'refuted', count: 2, recordedDate: '2019-01-02' },
    ]);
    expect(view.hiddenRefuted + view.hiddenEnteredInError).toBe(3);
  });

  it('keeps an allergy another source still records, saying where it was refuted', () => {
    const view = buildAllergyPanel([at('clinic', allergy('a')), at('hospital', allergy('h', { verification: 'refuted' }))]);
    expect(view.current).toHaveLength(1);
    expect(view.current[0]!.sources).toEqual(['clinic']);
    expect(view.current[0]!.differences.refutedAt).toEqual(['hospital']);
    expect(view.hiddenRefuted).toBe(0);
  });

  it('sorts by substance name without a leading "Allergy to", ignoring case and accents; criticality does not reorder', () => {
    const view = buildAllergyPanel([
      at('c', allergy('1', { criticality: 'low', snomed: ['1', 'apple'] })),
      at('c', allergy('2', { criticality: 'high', snomed: ['2', 'Zucchini'] })),
      at('c', allergy('3', { snomed: ['3', 'Allergy to mango'] })),
      at('c', allergy('4', { criticality: 'high', verification: 'unconfirmed', snomed: ['4', 'ALLERGY TO banana'] })),
      at('c', allergy('5', { criticality: 'high', snomed: ['5', 'Éclair filling'] })),
      at('c', allergy('6', { snomed: ['6', 'Allergy to'] })),
    ]);
    expect(view.current.map((r) => r.substance)).toEqual(['Allergy to', 'apple', 'ALLERGY TO banana', 'Éclair filling', 'Allergy to mango', 'Zucchini']);
  });

  it('sorts with the collator of the language it is given', () => {
    const rows = [at('c', allergy('1', { snomed: ['1', 'Zimt'] })), at('c', allergy('2', { snomed: ['2', 'Äpfel'] })), at('c', allergy('3', { snomed: ['3', 'Apfelsine'] }))];
    expect(buildAllergyPanel(rows, { locale: 'de' }).current.map((r) => r.substance)).toEqual(['Äpfel', 'Apfelsine', 'Zimt']);
    expect(buildAllergyPanel(rows, { locale: 'sv' }).current.map((r) => r.substance)).toEqual(['Apfelsine', 'Zimt', 'Äpfel']);
  });

  it('says facts every row shares once (clinical status, no reactions, category, type); not when a row differs', () => {
    const same = (id: string, name: string, extra: Record<string, unknown> = {}) => at('c', allergy(id, { snomed: [id, name], category: ['food'], ...extra }));
    const view = buildAllergyPanel([same('1', 'Peanut', { type: 'allergy' }), same('2', 'Egg', { type: 'allergy' })]);
    expect(view.shared.current).toEqual({ clinicalStatus: 'active', noReactions: true, categories: ['food'], types: ['allergy'] });
    const mixed = buildAllergyPanel([
      same('1', 'Peanut'),
      same('2', 'Egg', { category: ['medication'], reaction: [{ manifestation: [{ text: 'Hives' }] }] }),
    ]);
    expect(mixed.shared.current).toEqual({ clinicalStatus: 'active' });
    expect(buildAllergyPanel([same('1', 'Peanut')]).shared.current).toEqual({});
  });

  it('puts inactive and resolved allergies in the past group, unless a source says active', () => {
    const view = buildAllergyPanel([
      at('clinic', allergy('a', { clinical: 'inactive' })),
      at('clinic', allergy('b', { clinical: 'resolved', snomed: ['2', 'Soya'] })),
      at('clinic', allergy('c', { clinical: 'resolved', snomed: ['3', 'Mould'] })),
      at('hospital', allergy('h-c', { snomed: ['3', 'Mould'] })),
    ]);
    expect(view.past.map((r) => r.substance)).toEqual(['Latex allergy', 'Soya']);
    expect(view.current.map((r) => r.substance)).toEqual(['Mould']);
    expect(view.current[0]!.differences.clinicalStatus).toEqual([
      { value: 'resolved', sources: ['clinic'] },
      { value: 'active', sources: ['hospital'] },
    ]);
  });

  it('reads a coded NKDA as a statement, not as an allergy and not as "nothing recorded"', () => {
    const nkda = fixture<AllergyIntolerance>('AllergyIntolerance-nkda.json');
    const view = buildAllergyPanel([at('clinic', nkda)]);
    expect(view.current).toEqual([]);
    expect(view.noKnown).toHaveLength(1);
    expect(view.noKnown[0]).toMatchObject({ kind: 'no-known-drug-allergies', sources: ['clinic'], recordedDate: '2015-08-06T15:37:31-06:00', contradicted: false });
  });

  it('marks a coded "no known allergies" statement unconfirmed only when no source confirms it', () => {
    const nka = (id: string, verification: string) => allergy(id, { verification, snomed: ['716186003', 'No known allergy'] });
    expect(buildAllergyPanel([at('c', nka('a', 'unconfirmed'))]).noKnown.map((s) => s.unconfirmed)).toEqual([true]);
    expect(buildAllergyPanel([at('c', nka('a', 'presumed'))]).noKnown.map((s) => s.unconfirmed)).toEqual([true]);
    expect(buildAllergyPanel([at('c', nka('a', 'confirmed'))]).noKnown.map((s) => s.unconfirmed)).toEqual([false]);
    expect(buildAllergyPanel([at('c', nka('a', 'unconfirmed')), at('h', nka('b', 'confirmed'))]).noKnown.map((s) => s.unconfirmed)).toEqual([false]);
  });

  it('flags NKDA as contradicted by a medication allergy (or one without a category), not by a food allergy', () => {
    const nkda = fixture<AllergyIntolerance>('AllergyIntolerance-nkda.json');
    const food = allergy('f', { category: ['food'], snomed: ['91935009', 'Allergy to peanuts'] });
    expect(buildAllergyPanel([at('c', nkda), at('c', food)]).noKnown[0]!.contradicted).toBe(false);
    const drug = allergy('d', { category: ['medication'], snomed: ['91936005', 'Allergy to penicillin'] });
    expect(buildAllergyPanel([at('c', nkda), at('c', drug)]).noKnown[0]!.contradicted).toBe(true);
    expect(contradicts('no-known-drug-allergies', { categories: [] })).toBe(true);
    expect(contradicts('no-known-allergies', { categories: ['food'] })).toBe(true);
  });

  it('reads the spec example: cashew, high, two reactions with onset and severity', () => {
    const view = buildAllergyPanel([at('clinic', fixture<AllergyIntolerance>('AllergyIntolerance-example.json'))]);
    const row = view.current[0]!;
    expect(row).toMatchObject({ substance: 'Cashew nuts', criticality: 'high', categories: ['food'], types: ['allergy'], onset: { kind: 'date', value: '2004' } });
    expect(row.reactions[0]).toMatchObject({ manifestations: ['Anaphylactic reaction'], severity: 'severe', onset: '2012-06-12', exposureRoute: 'Subcutaneous route' });
    expect(row.reactions[1]).toMatchObject({ manifestations: ['Urticaria'], severity: 'moderate', onset: '2004' });
  });

  it('uses the reaction substance when the allergy has no code, and survives junk', () => {
    const noCode = allergy('x');
    delete noCode.code;
    noCode.reaction = [{ substance: { text: 'Bee venom' }, manifestation: [{ text: 'Hives' }] }];
    const view = buildAllergyPanel([at('c', noCode), null as never, { source: 'c', resource: { resourceType: 'Patient' } } as never]);
    expect(view.current[0]!.substance).toBe('Bee venom');
    expect(view.total).toBe(1);
    expect(buildAllergyPanel(undefined).current).toEqual([]);
  });
});

describe('buildAllergyPanel: placeholder and category codes never merge substances (clinical-safety review)', () => {
  const withCode = (id: string, text: string, coding: { system: string; code: string; display?: string }, over: Partial<AllergyIntolerance> = {}): AllergyIntolerance => ({
    ...allergy(id, over),
    code: { text, coding: [coding] },
  });
  it('shows Penicillin and Latex as two rows when both are coded 419199007 "allergy to substance"', () => {
    const generic = { system: 'http://snomed.info/sct', code: '419199007', display: 'Allergy to substance' };
    const view = buildAllergyPanel([
      { source: 'hospital', resource: withCode('a1', 'Penicillin', generic, { criticality: 'low' }) },
      { source: 'hospital', resource: withCode('a2', 'Latex', generic, { criticality: 'high' }) },
    ]);
    expect(view.current.map((r) => r.substance).sort()).toEqual(['Latex', 'Penicillin']);
    expect(view.current.every((r) => r.items.length === 1)).toBe(true);
  });
  it('shows two rows for two substances coded data-absent-reason "unknown"', () => {
    const dar = { system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' };
    const view = buildAllergyPanel([
      { source: 'c', resource: withCode('b1', 'Shellfish', dar) },
      { source: 'c', resource: withCode('b2', 'Peanut', dar) },
    ]);
    expect(view.current.map((r) => r.substance).sort()).toEqual(['Peanut', 'Shellfish']);
  });
});
