import { describe, expect, it } from 'vitest';
import type { AllergyIntolerance, CodeableConcept, MedicationRequest, Observation } from 'fhir/r4';
import {
  SYSTEMS,
  canonicalSystem,
  codingKey,
  codingText,
  conceptKeys,
  conceptText,
  findCoding,
  hasCoding,
  normalizeConceptName,
  sameConcept,
  systemShortName,
} from '../src/fhir/index.js';
import { HOSTILE_STRINGS, fixture } from './fhir-fixtures.js';

describe('conceptText', () => {
  it('prefers text', () => {
    const obs = fixture<Observation>('Observation-herd1.json');
    expect(conceptText(obs.code)).toBe('Mycoplasma hyopneumoniae - MHP');
  });
  it('uses the first coding display without text', () => {
    const a = fixture<AllergyIntolerance>('AllergyIntolerance-example.json');
    expect(conceptText(a.code)).toBe('Cashew nuts');
  });
  it('honours preferred systems', () => {
    const a = fixture<AllergyIntolerance>('AllergyIntolerance-allergyintolerance-multiple-codings.json');
    expect(conceptText(a.code)).toBe('Penicillin');
    expect(conceptText(a.code, { preferredSystems: [SYSTEMS.ATC] })).toBe('Penicillins with extended spectrum');
    expect(conceptText(a.code, { preferredSystems: ['http://example.org/none', SYSTEMS.SNOMED_CT] })).toBe('Penicillin');
  });
  it('falls back to code with the system short name, never the URI', () => {
    expect(conceptText({ coding: [{ system: SYSTEMS.SNOMED_CT, code: '227493005' }] })).toBe('227493005 (SNOMED CT)');
    expect(conceptText({ coding: [{ system: 'http://example.org/local', code: 'X1' }] })).toBe('X1');
    expect(conceptText({ coding: [{ system: 'urn:oid:2.16.840.1.113883.6.88', code: '7980' }] })).toBe('7980 (RxNorm)');
  });
  it('returns null when there is nothing', () => {
    expect(conceptText(undefined)).toBeNull();
    expect(conceptText({})).toBeNull();
    expect(conceptText({ text: '  ', coding: [{ system: SYSTEMS.LOINC }] })).toBeNull();
    expect(conceptText({ coding: 'nope' as unknown as [] })).toBeNull();
  });
  it('keeps hostile text as text', () => {
    for (const s of HOSTILE_STRINGS) expect(() => conceptText({ text: s, coding: [{ code: s, display: s, system: s }] })).not.toThrow();
    expect(conceptText({ text: '<script>alert(1)</script>' })).toBe('<script>alert(1)</script>');
  });
  it('codingText works on a single coding', () => {
    expect(codingText({ system: SYSTEMS.LOINC, code: '2160-0' })).toBe('2160-0 (LOINC)');
    expect(codingText(undefined)).toBeNull();
  });
});

describe('systems', () => {
  it('canonicalises aliases', () => {
    expect(canonicalSystem('http://snomed.info/sct/')).toBe(SYSTEMS.SNOMED_CT);
    expect(canonicalSystem('urn:oid:2.16.840.1.113883.6.96')).toBe(SYSTEMS.SNOMED_CT);
    expect(canonicalSystem(' http://loinc.org ')).toBe(SYSTEMS.LOINC);
    expect(canonicalSystem('')).toBeUndefined();
    expect(canonicalSystem(3)).toBeUndefined();
  });
  it('has short names', () => {
    expect(systemShortName(SYSTEMS.RXNORM)).toBe('RxNorm');
    expect(systemShortName(SYSTEMS.ATC)).toBe('ATC');
    expect(systemShortName('http://example.org')).toBeUndefined();
  });
});

describe('keys and lookups', () => {
  const cc: CodeableConcept = { coding: [{ system: 'urn:oid:2.16.840.1.113883.6.1', code: '2160-0' }, { system: SYSTEMS.SNOMED_CT }] };
  it('builds system|code keys with canonical systems', () => {
    expect(codingKey(cc.coding![0])).toBe('http://loinc.org|2160-0');
    expect(codingKey(cc.coding![1])).toBeUndefined();
    expect(conceptKeys(cc)).toEqual(['http://loinc.org|2160-0']);
  });
  it('finds codings', () => {
    expect(findCoding(cc, SYSTEMS.LOINC)?.code).toBe('2160-0');
    expect(hasCoding(cc, SYSTEMS.LOINC, '2160-0')).toBe(true);
    expect(hasCoding(cc, SYSTEMS.LOINC, '2160-1')).toBe(false);
  });
});

describe('sameConcept', () => {
  it('matches the same RxNorm code from two sources', () => {
    const parker = fixture<{ medicationRequests: MedicationRequest[] }>('synthea-parker-casper.json').medicationRequests;
    const margery = fixture<{ medicationRequests: MedicationRequest[] }>('synthea-margery-gibson.json').medicationRequests;
    const hctzA = parker.find((m) => m.medicationCodeableConcept?.text === 'Hydrochlorothiazide 25 MG')!;
    const hctzB = margery.find((m) => m.medicationCodeableConcept?.text === 'Hydrochlorothiazide 25 MG')!;
    expect(sameConcept(hctzA.medicationCodeableConcept, hctzB.medicationCodeableConcept)).toBe(true);
  });
  it('matches via any shared coding and via OID aliases', () => {
    const a: CodeableConcept = { coding: [{ system: SYSTEMS.ATC, code: 'J01CA04' }, { system: SYSTEMS.SNOMED_CT, code: '764146007' }] };
    const b: CodeableConcept = { coding: [{ system: 'urn:oid:2.16.840.1.113883.6.96', code: '764146007' }] };
    expect(sameConcept(a, b)).toBe(true);
  });
  it('does not match same code in different systems, or text alone', () => {
    expect(sameConcept({ coding: [{ system: SYSTEMS.LOINC, code: '1' }] }, { coding: [{ system: SYSTEMS.SNOMED_CT, code: '1' }] })).toBe(false);
    expect(sameConcept({ text: 'Aspirin' }, { text: 'Aspirin' })).toBe(false);
    expect(sameConcept(undefined, undefined)).toBe(false);
  });
});

describe('normalizeConceptName', () => {
  it('lower-cases, strips punctuation and collapses whitespace', () => {
    expect(normalizeConceptName('Acetaminophen 325 MG / oxyCODONE Hydrochloride 5 MG Oral Tablet')).toBe(
      'acetaminophen 325 mg oxycodone hydrochloride 5 mg oral tablet',
    );
    expect(normalizeConceptName('  Hydrochlorothiazide\t25   MG ')).toBe('hydrochlorothiazide 25 mg');
  });
  it('removes accents and keeps decimal digits apart', () => {
    expect(normalizeConceptName('Crème  Brûlée')).toBe('creme brulee');
    expect(normalizeConceptName('0.09 MG')).toBe('0 09 mg');
    expect(normalizeConceptName('1.5 mg')).not.toBe(normalizeConceptName('15 mg'));
  });
  it('handles non-strings and hostile strings', () => {
    expect(normalizeConceptName(undefined)).toBe('');
    expect(normalizeConceptName('<script>alert(1)</script>')).toBe('script alert 1 script');
    for (const s of HOSTILE_STRINGS) expect(() => normalizeConceptName(s)).not.toThrow();
  });
});
