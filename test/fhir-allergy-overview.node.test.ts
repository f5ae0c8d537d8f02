import { describe, expect, it } from 'vitest';
import type { AllergyIntolerance } from 'fhir/r4';
import { allergyOverview } from '../src/fhir/allergy-overview.js';
import { buildAllergyPanel } from '../src/fhir/allergy-rows.js';

const VER = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const CLIN = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const SCT = 'http://snomed.info/sct';

function allergy(code: string, text: string, opts: { verification?: string; clinical?: string; criticality?: 'high' | 'low' | 'unable-to-assess' } = {}): AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    patient: { reference: 'Patient/1' },
    clinicalStatus: { coding: [{ system: CLIN, code: opts.clinical ?? 'active' }] },
    verificationStatus: { coding: [{ system: VER, code: opts.verification ?? 'confirmed' }] },
    code: { coding: [{ system: SCT, code, display: text }] },
    ...(opts.criticality ? { criticality: opts.criticality } : {}),
  };
}
const peanut = allergy('91935009', 'Allergy to peanuts');
const latex = allergy('300916003', 'Latex allergy', { verification: 'unconfirmed' });
const nkda = allergy('409137002', 'No Known Drug Allergy (situation)');

describe('allergy overview for the banner', () => {
  it('names the "no known …" statements no source confirms', () => {
    const unconfirmedNkda = { ...nkda, id: 'u', verificationStatus: { coding: [{ system: VER, code: 'presumed' }] } };
    const o = allergyOverview([{ source: 'clinic', resource: unconfirmedNkda }], { queryOk: true });
    expect([o.state, o.noKnownKinds, o.noKnownUnconfirmed]).toEqual(['no-known-allergies', ['no-known-drug-allergies'], ['no-known-drug-allergies']]);
    expect(allergyOverview([{ source: 'clinic', resource: nkda }], { queryOk: true }).noKnownUnconfirmed).toEqual([]);
  });

  it('the same allergy from the clinic and the hospital counts once, with both sources', () => {
    const o = allergyOverview(
      [
        { source: 'clinic', resource: peanut },
        { source: 'hospital', resource: { ...peanut, id: 'h-1' } },
        { source: 'clinic', resource: latex },
      ],
      { queryOk: true },
    );
    expect(o.state).toBe('known-allergies');
    expect(o.items).toEqual([
      { substance: 'Latex allergy', unconfirmed: true, criticality: 'not-known', sources: ['clinic'] },
      { substance: 'Allergy to peanuts', unconfirmed: false, criticality: 'not-known', sources: ['clinic', 'hospital'] },
    ]);
    expect([o.activeCount, o.unconfirmedCount]).toEqual([1, 1]);
  });

  it('confirmed by one source and unconfirmed by another is shown as confirmed, highest criticality kept', () => {
    const o = allergyOverview(
      [
        { source: 'clinic', resource: allergy('91935009', 'Allergy to peanuts', { verification: 'unconfirmed', criticality: 'high' }) },
        { source: 'hospital', resource: allergy('91935009', 'Allergy to peanuts', { criticality: 'low' }) },
      ],
      { queryOk: true },
    );
    expect(o.items[0]).toMatchObject({ unconfirmed: false, criticality: 'high' });
  });

  it('refuted, resolved and entered-in-error records are not listed', () => {
    const o = allergyOverview(
      [
        { source: 'clinic', resource: allergy('1', 'Refuted', { verification: 'refuted' }) },
        { source: 'clinic', resource: allergy('2', 'Resolved', { clinical: 'resolved' }) },
        { source: 'clinic', resource: allergy('3', 'Error', { verification: 'entered-in-error' }) },
      ],
      { queryOk: true },
    );
    expect(o.state).toBe('not-recorded');
    expect(o.items).toEqual([]);
  });

  it('coded NKDA is "no known allergies" of the drug kind, not an allergy', () => {
    const o = allergyOverview([{ source: 'clinic', resource: nkda }], { queryOk: true });
    expect(o.state).toBe('no-known-allergies');
    expect(o.noKnownKinds).toEqual(['no-known-drug-allergies']);
    expect(o.items).toEqual([]);
  });

  it('nothing recorded and every provider synced: not recorded', () => {
    expect(allergyOverview([], { queryOk: true, missingSources: [] }).state).toBe('not-recorded');
  });

  it('a failed query is unavailable, whatever was cached', () => {
    const o = allergyOverview([{ source: 'clinic', resource: peanut }], { queryOk: false });
    expect(o).toMatchObject({ state: 'unavailable', reason: 'query-failed', items: [] });
  });

  it('nothing here but a provider failed or never synced: unavailable, never "not recorded" or NKDA', () => {
    expect(allergyOverview([], { queryOk: true, missingSources: ['St Elsewhere Hospital'] })).toMatchObject({
      state: 'unavailable',
      reason: 'sources-missing',
    });
    expect(allergyOverview([{ source: 'clinic', resource: nkda }], { queryOk: true, missingSources: ['hospital'] }).state).toBe('unavailable');
  });

  it('known allergies are still shown when a provider failed, marked incomplete', () => {
    const o = allergyOverview([{ source: 'clinic', resource: peanut }], { queryOk: true, missingSources: ['hospital'] });
    expect(o).toMatchObject({ state: 'known-allergies', incomplete: true });
  });

  it('lists allergies in the allergy panel\'s order: by substance name without "Allergy to"', () => {
    const rows = [
      { source: 'clinic', resource: allergy('1', 'Zinc oxide', { criticality: 'low' }) },
      { source: 'clinic', resource: allergy('2', 'Allergy to bee venom', { verification: 'unconfirmed', criticality: 'high' }) },
      { source: 'clinic', resource: allergy('3', 'Walnut') },
      { source: 'clinic', resource: allergy('4', 'Amoxicillin', { criticality: 'low' }) },
      { source: 'hospital', resource: allergy('5', 'Penicillin', { criticality: 'high' }) },
      { source: 'clinic', resource: allergy('6', 'Aspirin', { criticality: 'unable-to-assess' }) },
      { source: 'clinic', resource: allergy('7', 'Cats', { verification: 'unconfirmed' }) },
      { source: 'clinic', resource: allergy('8', 'Allergy to egg', { verification: 'unconfirmed', criticality: 'low' }) },
    ];
    const o = allergyOverview(rows, { queryOk: true });
    expect(o.items.map((i) => [i.substance, i.criticality, i.unconfirmed])).toEqual([
      ['Amoxicillin', 'low', false],
      ['Aspirin', 'not-known', false],
      ['Allergy to bee venom', 'high', true],
      ['Cats', 'not-known', true],
      ['Allergy to egg', 'low', true],
      ['Penicillin', 'high', false],
      ['Walnut', 'not-known', false],
      ['Zinc oxide', 'low', false],
    ]);
    // The very same order the panel gives its current list.
    expect(o.items.map((i) => i.substance)).toEqual(buildAllergyPanel(rows).current.map((r) => r.substance));
  });

  it('takes the most cautious criticality across sources, even from a record no longer in force', () => {
    const rows = [
      { source: 'clinic', resource: allergy('91935009', 'Allergy to peanuts', { criticality: 'low' }) },
      { source: 'hospital', resource: allergy('91935009', 'Allergy to peanuts', { clinical: 'resolved', criticality: 'high' }) },
    ];
    const o = allergyOverview(rows, { queryOk: true });
    // Listed because the clinic's record is in force; high because the hospital said so.
    expect(o.items).toEqual([{ substance: 'Allergy to peanuts', unconfirmed: false, criticality: 'high', sources: ['clinic'] }]);
    expect(o.items[0]!.criticality).toBe(buildAllergyPanel(rows).current[0]!.criticality);
  });

  it('ignores refuted and entered-in-error copies when merging criticality', () => {
    const o = allergyOverview(
      [
        { source: 'clinic', resource: allergy('91935009', 'Allergy to peanuts', { criticality: 'low' }) },
        { source: 'hospital', resource: allergy('91935009', 'Allergy to peanuts', { verification: 'refuted', criticality: 'high' }) },
        { source: 'lab', resource: allergy('91935009', 'Allergy to peanuts', { verification: 'entered-in-error', criticality: 'high' }) },
      ],
      { queryOk: true },
    );
    expect(o.items).toEqual([{ substance: 'Allergy to peanuts', unconfirmed: false, criticality: 'low', sources: ['clinic'] }]);
  });

  it('"unable to assess" outranks low and reads as not known', () => {
    const o = allergyOverview(
      [
        { source: 'clinic', resource: allergy('91935009', 'Allergy to peanuts', { criticality: 'low' }) },
        { source: 'hospital', resource: allergy('91935009', 'Allergy to peanuts', { criticality: 'unable-to-assess' }) },
      ],
      { queryOk: true },
    );
    expect(o.items[0]!.criticality).toBe('not-known');
  });

  it('a substance resolved everywhere is not listed, however critical', () => {
    const o = allergyOverview(
      [{ source: 'hospital', resource: allergy('91935009', 'Allergy to peanuts', { clinical: 'resolved', criticality: 'high' }) }],
      { queryOk: true },
    );
    expect(o.items).toEqual([]);
  });

  it('malformed rows are skipped', () => {
    expect(() => allergyOverview([null as never, { source: 'x', resource: 5 as never }], { queryOk: true })).not.toThrow();
  });
});
