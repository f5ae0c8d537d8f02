import { describe, expect, it } from 'vitest';
import { completenessVerdict, delivered } from '../src/fhir/completeness.js';

const clinic = { name: 'Riverside Clinic', complete: true, noRecord: false };
const hospital = { name: 'St Elsewhere Hospital', complete: true, noRecord: false };

describe('completenessVerdict: when a list may say "nothing recorded"', () => {
  it('every provider delivered: "none recorded", no caveat', () => {
    expect(completenessVerdict(true, [clinic, hospital])).toEqual({
      state: 'complete',
      missing: [],
      noRecord: [],
      empty: 'none-recorded',
      caveat: false,
    });
  });

  it('a provider searched with no record of the patient counts as delivered and is named', () => {
    const none = { ...hospital, complete: false, noRecord: true };
    expect(delivered(none)).toBe(true);
    expect(completenessVerdict(true, [clinic, none])).toEqual({
      state: 'complete',
      missing: [],
      noRecord: ['St Elsewhere Hospital'],
      empty: 'none-recorded',
      caveat: false,
    });
  });

  it('a provider in error: "unavailable" naming it, caveat on a list — also when it once had no record', () => {
    const failing = { ...hospital, complete: false, noRecord: true, failed: true };
    expect(delivered(failing)).toBe(false);
    expect(completenessVerdict(true, [clinic, failing])).toEqual({
      state: 'incomplete',
      missing: ['St Elsewhere Hospital'],
      noRecord: [],
      empty: 'unavailable',
      caveat: true,
    });
  });

  it('names every provider that did not deliver, in order', () => {
    const v = completenessVerdict(true, [
      { ...clinic, complete: false },
      hospital,
      { name: 'Lab', complete: false, noRecord: false },
    ]);
    expect(v.missing).toEqual(['Riverside Clinic', 'Lab']);
    expect(v.empty).toBe('unavailable');
  });

  it('providers unknown, or none: never "none recorded", nothing named', () => {
    for (const v of [completenessVerdict(false, [clinic]), completenessVerdict(true, [])]) {
      expect(v).toEqual({ state: 'unknown', missing: [], noRecord: [], empty: 'unavailable', caveat: true });
    }
  });
});
