import { describe, expect, it } from 'vitest';
import type { Identifier, Patient } from 'fhir/r4';
import {
  IDENTIFIER_LABELS_EN,
  NHS_NUMBER_SYSTEM,
  US_SSN_SYSTEM,
  describeIdentifier,
  formatNhsNumber,
  identifierGroups,
  identifierIssuer,
  identifierLabel,
  isValidNhsNumber,
  selectMainIdentifier,
} from '../src/fhir/index.js';
import { HOSTILE_STRINGS, fixture } from './fhir-fixtures.js';

const nhs = (value: string): Identifier => ({ system: NHS_NUMBER_SYSTEM, value });

describe('NHS numbers', () => {
  it('validates the modulus-11 check digit', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('943-476-5919')).toBe(true);
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('4010232137')).toBe(true);
  });
  it('rejects numbers whose check digit would be 10, whatever the last digit', () => {
    // First nine digits 000000006: weighted sum 6 × 2 = 12, 12 mod 11 = 1, 11 − 1 = 10.
    for (let last = 0; last <= 9; last++) expect(isValidNhsNumber(`000000006${last}`)).toBe(false);
  });
  it('accepts a check digit of 0 when 11 − remainder is 11', () => {
    // Nine zeros: remainder 0, so the check digit is 0.
    expect(isValidNhsNumber('0000000000')).toBe(true);
    expect(isValidNhsNumber('0000000001')).toBe(false);
  });
  it('rejects wrong lengths, letters and non-strings', () => {
    for (const v of ['943476591', '94347659190', '94347659I9', '', undefined, 9434765919]) expect(isValidNhsNumber(v)).toBe(false);
    for (const s of HOSTILE_STRINGS) expect(isValidNhsNumber(s)).toBe(false);
  });
  it('formats as 3 3 4 digits', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
    expect(formatNhsNumber(' 943-476-5919 ')).toBe('943 476 5919');
  });
  it('leaves other values as recorded', () => {
    expect(formatNhsNumber(' 12345 ')).toBe('12345');
    for (const s of HOSTILE_STRINGS) expect(() => formatNhsNumber(s)).not.toThrow();
  });
});

describe('identifierLabel', () => {
  it('labels the NHS number by system', () => {
    expect(identifierLabel(nhs('9434765919')).key).toBe('nhs-number');
  });
  it('labels known v2-0203 codes', () => {
    const p = fixture<{ patient: Patient }>('synthea-parker-casper.json').patient;
    const keys = p.identifier!.map((i) => identifierLabel(i).key);
    expect(keys).toEqual(['identifier', 'mrn', 'ssn', 'driver-licence', 'passport']);
    expect(identifierLabel(p.identifier![1]!)).toEqual({ key: 'mrn', text: 'Medical Record Number', code: 'MR' });
  });
  it('labels a coded MR without text (Patient-example)', () => {
    const p = fixture<Patient>('Patient-example.json');
    expect(identifierLabel(p.identifier![0]!)).toEqual({ key: 'mrn', code: 'MR' });
  });
  it('maps NH, MB, PI', () => {
    const t = (code: string): Identifier => ({ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code }] }, value: '1' });
    expect(identifierLabel(t('NH')).key).toBe('national-health-number');
    expect(identifierLabel(t('MB')).key).toBe('member-number');
    expect(identifierLabel(t('PI')).key).toBe('patient-internal-id');
  });
  it('uses a generic key and the recorded text for unknown types', () => {
    expect(identifierLabel({ type: { text: 'Hospital number' }, system: 'http://example.org/hn', value: '1' })).toEqual({ key: 'identifier', text: 'Hospital number' });
  });
  it('never uses a system URI as a label', () => {
    const i: Identifier = { system: 'https://github.com/synthetichealth/synthea', value: 'x' };
    const label = identifierLabel(i);
    expect(label).toEqual({ key: 'identifier' });
    const sneaky: Identifier = { type: { text: 'http://example.org/id', coding: [{ display: 'urn:oid:1.2.3' }] }, value: 'x' };
    expect(identifierLabel(sneaky)).toEqual({ key: 'identifier' });
  });
  it('has English labels for every key', () => {
    expect(IDENTIFIER_LABELS_EN.mrn).toBe('MRN');
    expect(IDENTIFIER_LABELS_EN.ssn).toBe('SSN');
    expect(IDENTIFIER_LABELS_EN['nhs-number']).toBe('NHS No.');
  });
  it('survives missing and hostile input', () => {
    expect(identifierLabel(undefined)).toEqual({ key: 'identifier' });
    for (const s of HOSTILE_STRINGS) expect(() => identifierLabel({ type: { text: s, coding: [{ code: s, display: s }] }, value: s })).not.toThrow();
  });
});

describe('selectMainIdentifier', () => {
  const mr: Identifier = { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: 'urn:mrn', value: 'M1' };
  const ssn: Identifier = { system: US_SSN_SYSTEM, value: '999-61-9797' };
  const plain: Identifier = { system: 'urn:x', value: 'P1' };
  it('puts the NHS number first', () => {
    expect(selectMainIdentifier([mr, ssn, nhs('9434765919')])?.system).toBe(NHS_NUMBER_SYSTEM);
  });
  it('then the preferred systems in order', () => {
    expect(selectMainIdentifier([plain, mr, ssn], { preferredSystems: [US_SSN_SYSTEM] })).toBe(ssn);
    expect(selectMainIdentifier([plain, mr, ssn], { preferredSystems: ['urn:x', US_SSN_SYSTEM] })).toBe(plain);
  });
  it('then an MR-typed identifier', () => {
    expect(selectMainIdentifier([plain, ssn, mr])).toBe(mr);
    const p = fixture<{ patient: Patient }>('synthea-parker-casper.json').patient;
    expect(identifierLabel(selectMainIdentifier(p.identifier)).key).toBe('mrn');
  });
  it('skips old, expired and empty identifiers', () => {
    const oldNhs: Identifier = { ...nhs('9434765919'), use: 'old' };
    const expired: Identifier = { ...nhs('4010232137'), period: { end: '2000' } };
    const empty: Identifier = { ...nhs(''), value: '  ' };
    expect(selectMainIdentifier([oldNhs, expired, empty, plain])).toBe(plain);
  });
  it('returns undefined for nothing usable', () => {
    expect(selectMainIdentifier(undefined)).toBeUndefined();
    expect(selectMainIdentifier([{ system: 'x' }])).toBeUndefined();
  });
});

describe('describeIdentifier', () => {
  it('formats and validates NHS numbers', () => {
    expect(describeIdentifier(nhs('9434765919'))).toEqual({ label: { key: 'nhs-number' }, value: '943 476 5919', valid: true });
    expect(describeIdentifier(nhs('9434765918'))).toMatchObject({ value: '943 476 5918', valid: false });
    expect(describeIdentifier(nhs('12345'))).toMatchObject({ value: '12345', valid: false });
  });
  it('keeps other values as recorded, without a validity claim', () => {
    const p = fixture<{ patient: Patient }>('inferno-patient-355.json').patient;
    const d = describeIdentifier(p.identifier![2]);
    expect(d).toEqual({ label: { key: 'ssn', text: 'Social Security number', code: 'SS' }, value: '999-61-9797' });
  });
  it('returns null without a value', () => {
    expect(describeIdentifier(undefined)).toBeNull();
    expect(describeIdentifier({ system: NHS_NUMBER_SYSTEM })).toBeNull();
  });
});

describe('identifierIssuer', () => {
  it("names the assigner's display, whitespace collapsed; never a URI or a non-string", () => {
    expect(identifierIssuer({ value: '1', assigner: { display: '  St  Elsewhere\nHospital ' } })).toBe('St Elsewhere Hospital');
    expect(identifierIssuer({ value: '1', assigner: { display: 'urn:oid:1.2.3' } })).toBeUndefined();
    expect(identifierIssuer({ value: '1', assigner: { reference: 'Organization/1' } })).toBeUndefined();
    expect(identifierIssuer({ value: '1', assigner: { display: 42 as unknown as string } })).toBeUndefined();
    expect(identifierIssuer(undefined)).toBeUndefined();
  });
});

describe('identifierGroups', () => {
  const samples = [
    '56121408-15fe-47a5-8279-6f05dee51464',
    'S99925140',
    'X88251144X',
    '999-75-2421',
    'ABC1234',
    'H40298347',
    'us-core-client-tests-patient',
    '12 34 56',
    'a/b.c',
    '𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟',
    'x'.repeat(5000),
  ];
  it('joins back to exactly the value, for every sample', () => {
    for (const v of samples) expect(identifierGroups(v).join(''), v).toBe(v);
  });
  it('cuts after separators, and long runs without any every four characters', () => {
    expect(identifierGroups('56121408-15fe-47a5-8279-6f05dee51464')).toEqual(['56121408-', '15fe-', '47a5-', '8279-', '6f05dee51464']);
    expect(identifierGroups('S99925140')).toEqual(['S999', '2514', '0']);
    expect(identifierGroups('ABC1234')).toEqual(['ABC1234']);
    expect(identifierGroups('999-75-2421')).toEqual(['999-', '75-', '2421']);
    expect(identifierGroups('')).toEqual([]);
    // Groups are cut between characters, never inside a surrogate pair.
    expect(identifierGroups('𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟')).toEqual(['𝟘𝟙𝟚𝟛', '𝟜𝟝𝟞𝟟']);
  });
});
