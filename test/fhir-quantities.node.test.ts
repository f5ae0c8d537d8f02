import { describe, expect, it } from 'vitest';
import type { Medication, Observation, Quantity } from 'fhir/r4';
import { describeReferenceRanges, formatDecimal, formatQuantity, formatRange, formatRatio, quantityUnit } from '../src/fhir/index.js';
import { HOSTILE_STRINGS, fixture } from './fhir-fixtures.js';

describe('formatDecimal', () => {
  it('shows numbers as recorded', () => {
    expect(formatDecimal(6.3)).toBe('6.3');
    expect(formatDecimal(76)).toBe('76');
    expect(formatDecimal(0.0049)).toBe('0.0049');
  });
  it('never rounds unrounded machine values by default', () => {
    expect(formatDecimal(175.96112001234565)).toBe('175.96112001234565');
  });
  it('caps decimals only when asked, and never pads', () => {
    expect(formatDecimal(175.96112001234565, { maximumFractionDigits: 2 })).toBe('175.96');
    expect(formatDecimal(6.3, { maximumFractionDigits: 2 })).toBe('6.3');
  });
  it('keeps trailing zeros of decimal strings', () => {
    expect(formatDecimal('5.0')).toBe('5.0');
    expect(formatDecimal('0.100')).toBe('0.100');
  });
  it('handles tiny and exponent values without losing digits', () => {
    expect(formatDecimal(1e-7)).toBe('0.0000001');
    expect(formatDecimal('1.5e-3')).toBe('0.0015');
  });
  it('does not group thousands unless asked', () => {
    expect(formatDecimal(12000)).toBe('12000');
    expect(formatDecimal(12000, { useGrouping: true })).toBe('12,000');
  });
  it('formats per locale', () => {
    expect(formatDecimal(6.3, { locale: 'de-DE' })).toBe('6,3');
    expect(formatDecimal('5.0', { locale: 'fr-FR' })).toBe('5,0');
  });
  it('returns null for non-numbers', () => {
    for (const v of [undefined, null, Number.NaN, Infinity, 'abc', '', {}, '1,5']) expect(formatDecimal(v)).toBeNull();
    for (const s of HOSTILE_STRINGS) expect(formatDecimal(s)).toBeNull();
  });
  it('falls back when the locale is invalid', () => {
    expect(formatDecimal(1.5, { locale: '!!' })).toBe('1.5');
  });
});

describe('formatQuantity', () => {
  it('uses the recorded unit, not the code', () => {
    const obs = fixture<Observation>('Observation-f001.json');
    expect(formatQuantity(obs.valueQuantity)).toBe('6.3 mmol/l');
  });
  it('falls back to the code when there is no unit', () => {
    expect(formatQuantity({ value: 5, code: 'mmol/L', system: 'http://unitsofmeasure.org' })).toBe('5 mmol/L');
  });
  it('shows a value without unit alone', () => {
    expect(formatQuantity({ value: 1 })).toBe('1');
  });
  it('shows comparators', () => {
    expect(formatQuantity({ value: 5, comparator: '<', unit: 'mmol/L' })).toBe('<5 mmol/L');
    expect(formatQuantity({ value: 5, comparator: '<=', unit: 'mmol/L' })).toBe('≤5 mmol/L');
    expect(formatQuantity({ value: 3, comparator: '>=', unit: 'g' })).toBe('≥3 g');
    expect(formatQuantity({ value: 3, comparator: '>', unit: 'g' })).toBe('>3 g');
  });
  it('keeps Synthea precision', () => {
    const obs = fixture<{ observations: Observation[] }>('synthea-margery-gibson.json').observations[0]!;
    expect(formatQuantity(obs.valueQuantity)).toBe('156.41655037219297 cm');
  });
  it('returns null without a value', () => {
    expect(formatQuantity({ unit: 'mg' })).toBeNull();
    expect(formatQuantity(undefined)).toBeNull();
    expect(formatQuantity({ value: 'x' as unknown as number, unit: 'mg' })).toBeNull();
  });
  it('keeps hostile units as text', () => {
    expect(formatQuantity({ value: 1, unit: '<script>' })).toBe('1 <script>');
    for (const s of HOSTILE_STRINGS) expect(() => formatQuantity({ value: 1, unit: s, code: s, comparator: s as Quantity['comparator'] })).not.toThrow();
  });
  it('quantityUnit prefers unit over code', () => {
    expect(quantityUnit({ unit: 'per HPF', code: '/[HPF]' })).toBe('per HPF');
    expect(quantityUnit({})).toBe('');
  });
});

describe('formatRange', () => {
  it('two-sided with shared unit', () => {
    expect(formatRange({ low: { value: 3.1, unit: 'mmol/l' }, high: { value: 6.2, unit: 'mmol/l' } })).toEqual({ kind: 'both', text: '3.1–6.2 mmol/l' });
  });
  it('two-sided with different units repeats them', () => {
    expect(formatRange({ low: { value: 1, unit: 'g' }, high: { value: 2000, unit: 'mg' } }).text).toBe('1 g – 2000 mg');
  });
  it('one-sided', () => {
    expect(formatRange({ high: { value: 5, unit: 'per HPF' } })).toEqual({ kind: 'high-only', text: '≤ 5 per HPF' });
    expect(formatRange({ low: { value: 3 } })).toEqual({ kind: 'low-only', text: '≥ 3' });
  });
  it('empty', () => {
    expect(formatRange({})).toEqual({ kind: 'empty', text: null });
    expect(formatRange(undefined)).toEqual({ kind: 'empty', text: null });
  });
});

describe('formatRatio', () => {
  it('shows a strength with denominator value', () => {
    const med = fixture<{ medication: Medication }>('inferno-us-quality-core.json').medication;
    expect(formatRatio(med.ingredient![0]!.strength)).toBe('12 mg/1.2 mL');
  });
  it('drops a denominator of exactly 1 with a unit', () => {
    expect(formatRatio({ numerator: { value: 500, code: 'mg' }, denominator: { value: 1, code: 'Tab' } })).toBe('500 mg/Tab');
  });
  it('handles missing parts', () => {
    expect(formatRatio({ numerator: { value: 1 } })).toBe('1');
    expect(formatRatio({ denominator: { value: 1 } })).toBeNull();
    expect(formatRatio({ numerator: { value: 1, unit: 'mg' }, denominator: { unit: 'mL' } })).toBe('1 mg');
  });
});

describe('describeReferenceRanges', () => {
  it('two ranges by sex and age (IPS serum creatinine)', () => {
    const obs = fixture<Observation>('Observation-serum-creatinine-adult.json');
    const r = describeReferenceRanges(obs.referenceRange);
    expect(r).toHaveLength(2);
    expect(r[0]).toEqual({
      kind: 'both',
      text: '0.76–1.27 mg/dL',
      type: 'Normal Range',
      appliesTo: ['Male'],
      age: '≥ 15 yrs',
      low: 0.76,
      high: 1.27,
    });
    expect(r[1]).toMatchObject({ text: '0.57–1 mg/dL', appliesTo: ['Female'] });
  });
  it('high-only range (IPS urine WBC)', () => {
    const obs = fixture<Observation>('Observation-urine-wbc-range.json');
    expect(describeReferenceRanges(obs.referenceRange)).toEqual([
      { kind: 'high-only', text: '≤ 5 per HPF', type: 'Normal Range', appliesTo: [], high: 5 },
    ]);
  });
  it('text-only range (herd1)', () => {
    const obs = fixture<Observation>('Observation-herd1.json');
    expect(describeReferenceRanges(obs.referenceRange)).toEqual([
      { kind: 'text-only', text: '>0.4 Positive; 0.3 to 0.4 Suspect < 0.3 Negative', appliesTo: [] },
    ]);
  });
  it('keeps text beside numbers as a note', () => {
    expect(describeReferenceRanges([{ low: { value: 1 }, high: { value: 2 }, text: 'fasting' }])[0]).toMatchObject({ text: '1–2', note: 'fasting' });
  });
  it('Inferno lab range', () => {
    const obs = fixture<{ labObservation: Observation }>('inferno-client-test.json').labObservation;
    expect(describeReferenceRanges(obs.referenceRange)[0]).toMatchObject({ kind: 'both', text: '2–7 mg/dL', type: 'Normal Range' });
  });
  it('handles empty and malformed input', () => {
    expect(describeReferenceRanges(undefined)).toEqual([]);
    expect(describeReferenceRanges([{}])).toEqual([{ kind: 'empty', text: null, appliesTo: [] }]);
    expect(describeReferenceRanges([null as never, { text: '<script>' }])).toEqual([{ kind: 'text-only', text: '<script>', appliesTo: [] }]);
  });
});
