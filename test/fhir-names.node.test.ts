import { describe, expect, it } from 'vitest';
import type { HumanName, Patient } from 'fhir/r4';
import { displayName, formatName, isPeriodCurrent, nameParts, selectName } from '../src/fhir/index.js';
import { HOSTILE_STRINGS, fixture } from './fhir-fixtures.js';

const AT_2024 = Date.UTC(2024, 0, 1);

describe('selectName', () => {
  it('prefers the official name of Patient-example (official/usual/maiden)', () => {
    const p = fixture<Patient>('Patient-example.json');
    expect(selectName(p.name, AT_2024)?.use).toBe('official');
    expect(displayName(p, { at: AT_2024 })).toBe('CHALMERS, Peter James');
  });
  it('falls back to usual, then unspecified use, then others', () => {
    const usual: HumanName = { use: 'usual', given: ['Jim'] };
    const plain: HumanName = { family: 'Plain' };
    const nick: HumanName = { use: 'nickname', given: ['Jimbo'] };
    expect(selectName([nick, plain, usual], AT_2024)).toBe(usual);
    expect(selectName([nick, plain], AT_2024)).toBe(plain);
    expect(selectName([nick], AT_2024)).toBe(nick);
  });
  it('skips old names and names whose period has ended', () => {
    const old: HumanName = { use: 'old', family: 'Old' };
    const ended: HumanName = { use: 'official', family: 'Ended', period: { end: '2002' } };
    const current: HumanName = { use: 'usual', family: 'Current' };
    expect(selectName([old, ended, current], AT_2024)).toBe(current);
    expect(selectName([old, ended], AT_2024)).toBeUndefined();
  });
  it('treats a partial period end as the end of that year', () => {
    const n: HumanName = { use: 'official', family: 'X', period: { end: '2002' } };
    expect(selectName([n], Date.UTC(2002, 11, 31))).toBe(n);
    expect(selectName([n], Date.UTC(2003, 0, 1))).toBeUndefined();
  });
  it('skips names whose period has not started', () => {
    const future: HumanName = { use: 'official', family: 'Future', period: { start: '2099-01-01' } };
    const now: HumanName = { use: 'usual', family: 'Now' };
    expect(selectName([future, now], AT_2024)).toBe(now);
  });
  it('skips names with no content', () => {
    const empty: HumanName = { use: 'official', given: ['  '] };
    const usual: HumanName = { use: 'usual', family: 'Ok' };
    expect(selectName([empty, usual], AT_2024)).toBe(usual);
  });
  it('handles the Inferno patient whose second name is old', () => {
    const p = fixture<{ patient: Patient }>('inferno-patient-355.json').patient;
    expect(selectName(p.name, AT_2024)?.given).toEqual(['Dustin31']);
    // Numeric suffixes from Synthea are part of the record and are shown as recorded.
    expect(displayName(p, { at: AT_2024 })).toBe('RITCHIE586, Dustin31 (Mr)');
  });
  it('handles us_quality_core (3 names, suffix Jr)', () => {
    const p = fixture<{ patient: Patient }>('inferno-us-quality-core.json').patient;
    expect(displayName(p, { at: AT_2024 })).toBe('CHALMERS, Peter James Jr');
  });
  it('handles a SMART Synthea patient (no numeric suffixes)', () => {
    const p = fixture<{ patient: Patient }>('synthea-parker-casper.json').patient;
    expect(displayName(p, { at: AT_2024 })).toBe('CASPER, Parker (Mr)');
  });
  it('returns undefined for missing or malformed input', () => {
    expect(selectName(undefined)).toBeUndefined();
    expect(selectName([])).toBeUndefined();
    expect(selectName([null as unknown as HumanName, 'x' as unknown as HumanName])).toBeUndefined();
  });
});

describe('formatName', () => {
  it('formats FAMILY, Given Middle (Title)', () => {
    expect(formatName({ family: 'Smith', given: ['John', 'Paul'], prefix: ['Mr'] })).toBe('SMITH, John Paul (Mr)');
  });
  it('upper-cases family names with accents and particles', () => {
    expect(formatName({ family: 'du Marché', given: ['Bénédicte'] })).toBe('DU MARCHÉ, Bénédicte');
  });
  it('keeps suffixes after the given names', () => {
    expect(formatName({ family: 'USCore', given: ['ClientTests'], prefix: ['Mr.'], suffix: ['PharmD'] })).toBe('USCORE, ClientTests PharmD (Mr)');
  });
  it("shows titles without an abbreviation's full stop, CUI style, and leaves other titles as recorded", () => {
    expect(formatName({ family: 'Casper', given: ['Parker'], prefix: ['Mr.'] })).toBe('CASPER, Parker (Mr)');
    expect(formatName({ family: 'Bode', given: ['Rex'], prefix: ['Dr.'] })).toBe('BODE, Rex (Dr)');
    expect(formatName({ family: 'Li', given: ['Wei'], prefix: ['Prof.', 'Dr.'] })).toBe('LI, Wei (Prof Dr)');
    expect(formatName({ family: 'Windsor', given: ['Anne'], prefix: ['H.R.H.'] })).toBe('WINDSOR, Anne (H.R.H.)');
    expect(formatName({ family: 'Smith', given: ['Al'], prefix: ['Rev. Dr.'] })).toBe('SMITH, Al (Rev. Dr.)');
    expect(formatName({ family: 'Smith', given: ['Al'], prefix: ['Sr.ª'] })).toBe('SMITH, Al (Sr.ª)');
  });
  it('shows given names alone or family alone', () => {
    expect(formatName({ use: 'usual', given: ['Jim'] })).toBe('Jim');
    expect(formatName({ family: 'Chalmers' })).toBe('CHALMERS');
    expect(formatName({ family: 'Chalmers', prefix: ['Dr'] })).toBe('CHALMERS (Dr)');
  });
  it('falls back to text, then null', () => {
    expect(formatName({ text: 'Peter James Chalmers' })).toBe('Peter James Chalmers');
    expect(formatName({})).toBeNull();
    expect(formatName(undefined)).toBeNull();
    expect(formatName({ prefix: ['Mr'] })).toBeNull();
  });
  it('collapses whitespace and drops empty parts', () => {
    expect(formatName({ family: '  van   Dijk ', given: ['', ' Anna  ', 'Maria'] })).toBe('VAN DIJK, Anna Maria');
  });
  it('uses locale rules for upper case', () => {
    expect(formatName({ family: 'yılmaz', given: ['Ali'] }, 'tr-TR')).toBe('YILMAZ, Ali');
    expect(formatName({ family: 'istanbul', given: ['Ali'] }, 'tr-TR')).toBe('İSTANBUL, Ali');
  });
  it('never throws on hostile strings and keeps them as text', () => {
    for (const s of HOSTILE_STRINGS) {
      expect(() => formatName({ family: s, given: [s], prefix: [s] }, s)).not.toThrow();
    }
    expect(formatName({ family: '<script>', given: ['x'] })).toBe('<SCRIPT>, x');
  });
  it('ignores non-string parts', () => {
    expect(formatName({ family: 42 as unknown as string, given: [null as unknown as string, 'Ann'] })).toBe('Ann');
  });
});

describe('nameParts', () => {
  it('cleans the parts', () => {
    expect(nameParts({ family: ' A ', given: ['B', ''], prefix: undefined })).toEqual({ family: 'A', given: ['B'], prefix: [], suffix: [], text: '' });
  });
});

describe('isPeriodCurrent', () => {
  it('treats a missing or unparseable period as current', () => {
    expect(isPeriodCurrent(undefined)).toBe(true);
    expect(isPeriodCurrent({ end: 'garbage' })).toBe(true);
  });
  it('uses the period bounds', () => {
    expect(isPeriodCurrent({ start: '2001-05-06' }, AT_2024)).toBe(true);
    expect(isPeriodCurrent({ start: '1940-09-05', end: '1962-04-30' }, AT_2024)).toBe(false);
  });
});
