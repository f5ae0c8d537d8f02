import { describe, expect, test } from 'vitest';
import { retargetReferences } from '../src/fhir/retarget-references.js';

const target = { type: 'Encounter', from: 'local-1', to: 'srv-9', bases: ['https://clinic.example/fhir'] };

describe('retargetReferences', () => {
  test('relative, versioned and absolute references to the old id name the new one; the form is kept', () => {
    const obs = {
      resourceType: 'Observation',
      id: 'o1',
      encounter: { reference: 'Encounter/local-1', display: 'Visit' },
      partOf: [{ reference: 'Encounter/local-1/_history/3' }, { reference: 'https://clinic.example/fhir/Encounter/local-1' }],
      contained: [{ resourceType: 'Provenance', id: 'p', target: [{ reference: 'Encounter/local-1' }] }],
    };
    expect(retargetReferences(obs, target)).toEqual({
      resourceType: 'Observation',
      id: 'o1',
      encounter: { reference: 'Encounter/srv-9', display: 'Visit' },
      partOf: [{ reference: 'Encounter/srv-9/_history/3' }, { reference: 'https://clinic.example/fhir/Encounter/srv-9' }],
      contained: [{ resourceType: 'Provenance', id: 'p', target: [{ reference: 'Encounter/srv-9' }] }],
    });
    // The input is not changed.
    expect(obs.encounter.reference).toBe('Encounter/local-1');
  });

  test('other types, other ids, other servers and non-references are left alone; nothing matched gives the same object', () => {
    const obs = {
      resourceType: 'Observation',
      subject: { reference: 'Patient/local-1' },
      encounter: { reference: 'https://elsewhere.example/fhir/Encounter/local-1' },
      basedOn: [{ reference: 'Encounter/local-10' }, { reference: '#local-1' }],
      note: [{ text: 'Encounter/local-1' }],
    };
    expect(retargetReferences(obs, target)).toBe(obs);
  });

  test('a key named __proto__ in the data stays a plain key', () => {
    const obs = JSON.parse('{"resourceType":"Observation","__proto__":{"x":1},"encounter":{"reference":"Encounter/local-1"}}');
    const out = retargetReferences(obs, target);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['resourceType', '__proto__', 'encounter']);
    expect(out.encounter.reference).toBe('Encounter/srv-9');
  });
});
