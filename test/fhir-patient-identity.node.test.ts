import { describe, expect, it } from 'vitest';
import type { Patient } from 'fhir/r4';
import {
  birthDatesAgree,
  compareLinkedPatients,
  deceasedAcross,
  identityName,
  namesAgree,
  normalizeNamePart,
} from '../src/fhir/patient-identity.js';
import { HOSTILE_STRINGS } from './fhir-fixtures.js';

function patient(p: Partial<Patient> = {}): Patient {
  return { resourceType: 'Patient', ...p };
}
const versie = (p: Partial<Patient> = {}) =>
  patient({ name: [{ use: 'official', family: 'Botsford', given: ['Versie'] }], birthDate: '2018-05-22', gender: 'female', ...p });

describe('linked patient records: do they describe the same person?', () => {
  it('the clinic and hospital copies of Versie agree', () => {
    const result = compareLinkedPatients([
      { source: 'clinic', patient: versie() },
      { source: 'hospital', patient: versie({ identifier: [{ system: 'urn:x', value: 'H1' }] }) },
    ]);
    expect(result).toEqual({ agree: true, differences: [] });
  });

  it('no records or one record always agree', () => {
    expect(compareLinkedPatients([]).agree).toBe(true);
    expect(compareLinkedPatients([{ source: 'clinic', patient: versie() }]).agree).toBe(true);
  });

  it('a hospital copy with another birth date is reported with the sources behind each date', () => {
    const result = compareLinkedPatients([
      { source: 'clinic', patient: versie() },
      { source: 'hospital', patient: versie({ birthDate: '2018-05-23' }) },
    ]);
    expect(result.agree).toBe(false);
    expect(result.differences).toEqual([
      {
        field: 'birthDate',
        values: [
          { value: '2018-05-22', sources: ['clinic'] },
          { value: '2018-05-23', sources: ['hospital'] },
        ],
      },
    ]);
  });

  it('case and whitespace differences in names are not a disagreement', () => {
    const result = compareLinkedPatients([
      { source: 'clinic', patient: versie() },
      { source: 'hospital', patient: versie({ name: [{ use: 'official', family: ' BOTSFORD ', given: ['versie  '] }] }) },
    ]);
    expect(result.agree).toBe(true);
  });

  it('a different family name is a disagreement, shown as the formatted names', () => {
    const result = compareLinkedPatients([
      { source: 'clinic', patient: versie() },
      { source: 'hospital', patient: versie({ name: [{ use: 'official', family: 'Botsfort', given: ['Versie'] }] }) },
    ]);
    expect(result.differences).toEqual([
      {
        field: 'name',
        values: [
          { value: 'BOTSFORD, Versie', sources: ['clinic'] },
          { value: 'BOTSFORT, Versie', sources: ['hospital'] },
        ],
      },
    ]);
  });

  it('compares official names: a usual nickname at one provider is not a conflict', () => {
    const chalmers = patient({
      name: [
        { use: 'usual', family: 'Chalmers', given: ['Jim'] },
        { use: 'official', family: 'Chalmers', given: ['Peter', 'James'] },
      ],
    });
    const plain = patient({ name: [{ use: 'official', family: 'Chalmers', given: ['Peter', 'James'] }] });
    expect(identityName(chalmers)?.given).toEqual(['Peter', 'James']);
    expect(compareLinkedPatients([{ source: 'a', patient: chalmers }, { source: 'b', patient: plain }]).agree).toBe(true);
  });

  it('a missing middle name is not a conflict, a different first name is', () => {
    expect(namesAgree({ family: 'Chalmers', given: ['Peter'] }, { family: 'Chalmers', given: ['Peter', 'James'] })).toBe(true);
    expect(namesAgree({ family: 'Chalmers', given: ['James'] }, { family: 'Chalmers', given: ['Peter', 'James'] })).toBe(false);
  });

  it('titles and suffixes are ignored', () => {
    expect(namesAgree({ family: 'Casper', given: ['Parker'], prefix: ['Mr.'] }, { family: 'Casper', given: ['Parker'], prefix: ['Mr'] })).toBe(true);
  });

  it('text-only names compare as whole text', () => {
    expect(namesAgree({ text: 'Versie  Botsford' }, { family: 'Botsford', given: ['Versie'] })).toBe(true);
    expect(namesAgree({ text: 'Someone Else' }, { family: 'Botsford', given: ['Versie'] })).toBe(false);
  });

  it('a record without a name, birth date or gender does not contradict one that has them', () => {
    const result = compareLinkedPatients([
      { source: 'clinic', patient: versie() },
      { source: 'hospital', patient: patient({ gender: 'unknown' }) },
    ]);
    expect(result.agree).toBe(true);
  });

  it('partial birth dates agree when they match at their common precision', () => {
    expect(birthDatesAgree('1974', '1974-12-25')).toBe(true);
    expect(birthDatesAgree('1974-12', '1974-12-25')).toBe(true);
    expect(birthDatesAgree('1974-11', '1974-12-25')).toBe(false);
    expect(birthDatesAgree('1973', '1974-12-25')).toBe(false);
    expect(birthDatesAgree(undefined, '1974-12-25')).toBe(true);
    expect(birthDatesAgree('not a date', 'not a date')).toBe(true);
    expect(birthDatesAgree('not a date', '1974-12-25')).toBe(false);
  });

  it('three records: a year-only date agrees with both, but the two full dates disagree', () => {
    const result = compareLinkedPatients([
      { source: 'a', patient: patient({ birthDate: '1974' }) },
      { source: 'b', patient: patient({ birthDate: '1974-12-25' }) },
      { source: 'c', patient: patient({ birthDate: '1974-11-02' }) },
    ]);
    expect(result.differences.map((d) => d.field)).toEqual(['birthDate']);
    expect(result.differences[0]!.values.map((v) => v.value)).toEqual(['1974', '1974-12-25', '1974-11-02']);
  });

  it('different genders are a disagreement; "unknown" is not', () => {
    const result = compareLinkedPatients([
      { source: 'a', patient: patient({ gender: 'female' }) },
      { source: 'b', patient: patient({ gender: 'male' }) },
      { source: 'c', patient: patient({ gender: 'unknown' }) },
    ]);
    expect(result.differences).toEqual([
      { field: 'gender', values: [{ value: 'female', sources: ['a'] }, { value: 'male', sources: ['b'] }] },
    ]);
  });

  it('one provider recording a death that another says has not happened is a disagreement', () => {
    const records = [
      { source: 'clinic', patient: patient({ deceasedBoolean: false }) },
      { source: 'hospital', patient: patient({ deceasedDateTime: '2021-02-21T19:27:45+00:00' }) },
    ];
    expect(compareLinkedPatients(records).differences).toEqual([
      { field: 'deceased', values: [{ value: 'alive', sources: ['clinic'] }, { value: 'deceased', sources: ['hospital'] }] },
    ]);
    expect(deceasedAcross(records)?.source).toBe('hospital');
  });

  it('the deceased record with a date wins over one without', () => {
    const records = [
      { source: 'a', patient: patient({ deceasedBoolean: true }) },
      { source: 'b', patient: patient({ deceasedDateTime: '2021-02-21' }) },
    ];
    expect(deceasedAcross(records)?.source).toBe('b');
    expect(deceasedAcross([{ source: 'a', patient: patient() }])).toBeUndefined();
  });

  it('normalises case and whitespace only', () => {
    expect(normalizeNamePart('  Du   MARCHÉ ')).toBe('du marché');
    expect(normalizeNamePart(42)).toBe('');
  });

  it('hostile or malformed input never throws', () => {
    for (const s of HOSTILE_STRINGS) {
      expect(() =>
        compareLinkedPatients([
          { source: 'a', patient: patient({ name: [{ family: s, given: [s] }], birthDate: s, gender: s as never }) },
          { source: 'b', patient: { name: 'x', birthDate: 5 } as unknown as Patient },
          null as never,
        ]),
      ).not.toThrow();
    }
  });
});
