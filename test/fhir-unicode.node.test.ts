/**
 * Normalizing record text for comparison stays linear: runs of combining marks are capped at
 * the stream-safe 30 before `normalize()`, whose reordering is quadratic in a run's length (a
 * hostile 400,000-mark substance name froze the allergy panel for minutes).
 */
import { describe, expect, it } from 'vitest';
import { normalizeConceptName } from '../src/fhir/codings.js';
import { normalizeNamePart } from '../src/fhir/patient-identity.js';
import { streamSafe } from '../src/fhir/unicode.js';

const MARKS = '\u0301\u0336';

describe('streamSafe', () => {
  it('keeps runs of up to 30 combining marks and cuts longer ones to their first 30', () => {
    expect(streamSafe(`e${MARKS.repeat(15)}`)).toBe(`e${MARKS.repeat(15)}`);
    expect(streamSafe(`e${MARKS.repeat(16)}x${'\u0308'.repeat(40)}`)).toBe(`e${MARKS.repeat(15)}x${'\u0308'.repeat(30)}`);
    // Ordinary accented text is untouched.
    expect(streamSafe('Zoë Müller-Łukasik')).toBe('Zoë Müller-Łukasik');
  });

  it('lets a 400,000-mark name be normalized for matching (as "nut", like its short form)', () => {
    const hostile = `Nut${MARKS.repeat(200_000)}`;
    expect(normalizeConceptName(hostile)).toBe('nut');
    expect(normalizeConceptName(`Nút`)).toBe('nut');
    // The identity key of such a name is that of its first 30 marks.
    expect(normalizeNamePart(`Nut${MARKS.repeat(200_000)}`)).toBe(normalizeNamePart(`Nut${MARKS.repeat(15)}`));
    expect(normalizeNamePart(`Nut${MARKS.repeat(15)}`).length).toBe(33);
  });

  it('counts the halfwidth voiced marks U+FF9E/U+FF9F (marks once decomposed) into a run, so they cannot split it', () => {
    // 960,000 characters: runs of 29 marks, each ended by U+FF9E, which NFKD turns into U+3099.
    const hostile = `a${`${'\u0301'.repeat(29)}\uFF9E`.repeat(32_000)}`;
    expect(streamSafe(hostile)).toBe(`a${'\u0301'.repeat(29)}\uFF9E`);
    expect(normalizeConceptName(hostile)).toBe('a');
  });
});
