import { describe, expect, it } from 'vitest';
import type { Patient } from 'fhir/r4';
import { genderKey } from '../src/fhir/index.js';
import { HOSTILE_STRINGS, fixture } from './fhir-fixtures.js';

describe('genderKey', () => {
  it('maps the four FHIR codes', () => {
    expect(genderKey({ gender: 'male' })).toBe('male');
    expect(genderKey({ gender: 'female' })).toBe('female');
    expect(genderKey({ gender: 'other' })).toBe('other');
    expect(genderKey({ gender: 'unknown' })).toBe('unknown');
  });
  it('accepts a raw code', () => {
    expect(genderKey('female')).toBe('female');
  });
  it('says not-known when absent', () => {
    expect(genderKey({})).toBe('not-known');
    expect(genderKey(undefined)).toBe('not-known');
    expect(genderKey(null)).toBe('not-known');
  });
  it('does not guess from non-FHIR codes', () => {
    expect(genderKey({ gender: 'M' })).toBe('not-known');
    expect(genderKey({ gender: 'Male' })).toBe('not-known');
    expect(genderKey({ gender: 1 })).toBe('not-known');
    for (const s of HOSTILE_STRINGS) expect(genderKey(s)).toBe('not-known');
  });
  it('reads fixture patients', () => {
    expect(genderKey(fixture<Patient>('Patient-example.json'))).toBe('male');
    expect(genderKey(fixture<{ patient: Patient }>('synthea-versie-botsford.json').patient)).toBe('female');
  });
});
