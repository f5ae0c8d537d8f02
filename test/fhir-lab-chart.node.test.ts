/**
 * The trend chart's model (`src/fhir/lab-chart.ts`) and the grid's days (`src/fhir/lab-grid.ts`),
 * on Observations shaped as servers send them: what is plotted where, what breaks the line, the
 * band that follows each result's own range, and the notes.
 */
import { describe, expect, it } from 'vitest';
import type { Observation } from 'fhir/r4';
import { chartModel } from '../src/fhir/lab-chart.js';
import { dayPage, gridDays, resultDay, resultsByDay } from '../src/fhir/lab-grid.js';
import { labResultOf } from '../src/fhir/lab-results.js';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';

function crp(id: string, date: string, value: number | undefined, over: Partial<Observation> = {}): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: LOINC, code: '1988-5', display: 'C reactive protein [Mass/volume] in Serum or Plasma' }] },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: date,
    ...(value !== undefined ? { valueQuantity: { value, unit: 'mg/L', system: UCUM, code: 'mg/L' } } : {}),
    referenceRange: [{ high: { value: 5, unit: 'mg/L', system: UCUM, code: 'mg/L' } }],
    ...over,
  } as Observation;
}

const facts = { birthDate: '1970-01-01', gender: 'female' };
const results = (list: Observation[]) => list.map((o) => labResultOf(o, 'clinic', facts));

describe('chartModel', () => {
  it('orders points by date and draws a comparator value as an open marker at its bound, not as a number', () => {
    const model = chartModel(
      results([
        crp('c3', '2024-03-01', 12),
        crp('c1', '2024-01-01', 3),
        crp('c2', '2024-02-01', 5, { valueQuantity: { value: 5, comparator: '<', unit: 'mg/L', system: UCUM, code: 'mg/L' } }),
      ]),
    );
    expect(model.points.map((p) => p.key)).toEqual(['clinic/Observation/c1', 'clinic/Observation/c2', 'clinic/Observation/c3']);
    const bound = model.points[1]!;
    expect(bound.comparator).toBe('<');
    expect(bound.y).toBe(5);
    expect(model.points[0]!.comparator).toBeUndefined();
    // No "large change" is computed to or from a bound: 3 → <5 → 12 has no change notes.
    expect(model.notes.filter((n) => n.kind === 'large-change')).toEqual([]);
  });

  it('breaks the line at a result without a value (withheld) and marks it as a gap', () => {
    const model = chartModel(
      results([
        crp('a', '2024-01-01', 2),
        crp('b', '2024-02-01', 3),
        crp('c', '2024-03-01', undefined, { dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'masked' }] } }),
        crp('d', '2024-04-01', 4),
        crp('e', '2024-05-01', 4.5),
      ]),
    );
    expect(model.gaps).toEqual([{ key: 'clinic/Observation/c', t: Date.UTC(2024, 2, 1), why: 'absent' }]);
    expect(model.segments.map((s) => s.map((p) => p.key.slice(-1)))).toEqual([
      ['a', 'b'],
      ['d', 'e'],
    ]);
  });

  it('never plots a second unit on the same axis: results in another unit are gaps', () => {
    const model = chartModel(
      results([
        crp('a', '2024-01-01', 2),
        crp('b', '2024-02-01', 0.3, { valueQuantity: { value: 0.3, unit: 'mg/dL', system: UCUM, code: 'mg/dL' } }),
        crp('c', '2024-03-01', 4),
      ]),
    );
    expect(model.points.map((p) => p.y)).toEqual([2, 4]);
    expect(model.gaps.map((g) => g.why)).toEqual(['other-unit']);
  });

  it('leaves entered-in-error results out entirely', () => {
    const model = chartModel(results([crp('a', '2024-01-01', 2), crp('b', '2024-02-01', 90, { status: 'entered-in-error' }), crp('c', '2024-03-01', 3)]));
    expect(model.points.map((p) => p.y)).toEqual([2, 3]);
    expect(model.gaps).toEqual([]);
  });

  it('follows each result’s own range in the band and notes crossings and large changes', () => {
    const model = chartModel(
      results([
        crp('a', '2024-01-01', 3),
        crp('b', '2024-02-01', 9),
        crp('c', '2024-03-01', 4, { referenceRange: [{ high: { value: 10, unit: 'mg/L' } }] }),
      ]),
    );
    expect(model.band.map((b) => b.high)).toEqual([5, 5, 10]);
    expect(model.notes.map((n) => [n.key.slice(-1), n.kind])).toEqual([
      ['b', 'out-of-range'],
      ['b', 'large-change'],
      ['c', 'into-range'],
      ['c', 'large-change'],
    ]);
    expect(model.notes[1]!.change).toBe(2);
    expect(model.yExtent).toEqual([3, 10]);
  });
});

describe('results grid days', () => {
  it('uses the calendar day as recorded, never shifted by a time zone', () => {
    expect(resultDay({ date: '2024-03-01T23:30:00-05:00' })).toBe('2024-03-01');
    expect(resultDay({ date: '2024-03' })).toBe('2024-03');
    expect(resultDay({ date: '' })).toBe('');
  });

  it('lists days newest first with undated last, and pages them', () => {
    const days = gridDays([{ date: '2024-01-02' }, { date: '' }, { date: '2024-03-01T10:00:00Z' }, { date: '2024-01-02T08:00:00Z' }]);
    expect(days).toEqual(['2024-03-01', '2024-01-02', '']);
    expect(dayPage(days, 1, 2)).toEqual({ days: [''], first: 2, pages: 2, page: 1 });
    expect(dayPage(days, 9, 2).page).toBe(1);
  });

  it('puts two results of one day in the same cell, newest first', () => {
    const rs = results([crp('a', '2024-01-02T08:00:00Z', 2), crp('b', '2024-01-02T16:00:00Z', 3), crp('c', '2024-01-03', 1)]);
    const cells = resultsByDay(rs);
    expect(cells.get('2024-01-02')!.map((r) => r.id)).toEqual(['b', 'a']);
  });
});
