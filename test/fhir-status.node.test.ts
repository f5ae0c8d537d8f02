import { describe, expect, it } from 'vitest';
import type { AllergyIntolerance, Condition, MedicationRequest, MedicationStatement, Observation, Patient, Resource } from 'fhir/r4';
import {
  allergyClinicalStatus,
  allergyState,
  allergySummary,
  allergyVerification,
  criticalityKey,
  deceasedInfo,
  interpretationOf,
  interpretationsOf,
  isEnteredInError,
  isNoKnownAllergy,
  medicationGroup,
  noKnownAllergyKind,
  observationStatus,
  partitionAllergies,
} from '../src/fhir/index.js';
import { HOSTILE_STRINGS, fixture } from './fhir-fixtures.js';

const VER = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const CLIN = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const SCT = 'http://snomed.info/sct';

function allergy(opts: { clinical?: string; verification?: string; code?: string; text?: string; criticality?: string } = {}): AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    patient: { reference: 'Patient/1' },
    ...(opts.clinical ? { clinicalStatus: { coding: [{ system: CLIN, code: opts.clinical }] } } : {}),
    ...(opts.verification ? { verificationStatus: { coding: [{ system: VER, code: opts.verification }] } } : {}),
    code: { ...(opts.code ? { coding: [{ system: SCT, code: opts.code }] } : {}), ...(opts.text ? { text: opts.text } : {}) },
    ...(opts.criticality ? { criticality: opts.criticality as AllergyIntolerance['criticality'] } : {}),
  };
}

const nkda = (): AllergyIntolerance => fixture<AllergyIntolerance>('AllergyIntolerance-nkda.json');
const cashew = (): AllergyIntolerance => fixture<AllergyIntolerance>('AllergyIntolerance-example.json');

describe('isEnteredInError', () => {
  it('reads status', () => {
    const obs = { ...fixture<Observation>('Observation-f001.json'), status: 'entered-in-error' } as Observation;
    expect(isEnteredInError(obs)).toBe(true);
    expect(isEnteredInError(fixture<Observation>('Observation-f001.json'))).toBe(false);
    expect(isEnteredInError({ resourceType: 'MedicationRequest', status: 'entered-in-error' } as Resource)).toBe(true);
  });
  it('reads verificationStatus of allergies and conditions', () => {
    expect(isEnteredInError(allergy({ verification: 'entered-in-error' }))).toBe(true);
    const cond = {
      resourceType: 'Condition',
      subject: { reference: 'Patient/1' },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }] },
    } as Condition;
    expect(isEnteredInError(cond)).toBe(true);
  });
  it('reads DocumentReference.docStatus and Goal.lifecycleStatus', () => {
    expect(isEnteredInError({ resourceType: 'DocumentReference', status: 'current', docStatus: 'entered-in-error' } as Resource)).toBe(true);
    expect(isEnteredInError({ resourceType: 'Goal', lifecycleStatus: 'entered-in-error' } as Resource)).toBe(true);
  });
  it('is false for ordinary and malformed resources', () => {
    expect(isEnteredInError(cashew())).toBe(false);
    expect(isEnteredInError(undefined)).toBe(false);
    expect(isEnteredInError({ resourceType: 'Basic', verificationStatus: 'entered-in-error' } as Resource)).toBe(false);
  });
});

describe('allergy status', () => {
  it('reads verification and clinical status of fixtures', () => {
    expect(allergyVerification(cashew())).toBe('confirmed');
    expect(allergyClinicalStatus(cashew())).toBe('active');
    const penicillin = fixture<AllergyIntolerance>('AllergyIntolerance-medication.json');
    expect(allergyVerification(penicillin)).toBe('unconfirmed');
    expect(allergyState(penicillin)).toBe('unconfirmed');
  });
  it('says not-known when absent or unrecognised', () => {
    expect(allergyVerification(allergy())).toBe('not-known');
    expect(allergyClinicalStatus(allergy())).toBe('not-known');
    expect(allergyVerification(allergy({ verification: 'maybe' }))).toBe('not-known');
  });
  it('orders states most decisive first', () => {
    expect(allergyState(allergy({ clinical: 'active', verification: 'entered-in-error' }))).toBe('entered-in-error');
    expect(allergyState(allergy({ clinical: 'active', verification: 'refuted' }))).toBe('refuted');
    expect(allergyState(allergy({ clinical: 'resolved', verification: 'confirmed' }))).toBe('resolved');
    expect(allergyState(allergy({ clinical: 'inactive', verification: 'unconfirmed' }))).toBe('inactive');
    expect(allergyState(allergy({ clinical: 'active', verification: 'presumed' }))).toBe('unconfirmed');
    expect(allergyState(allergy({ clinical: 'active', verification: 'confirmed' }))).toBe('active');
  });
  it('treats an allergy with no statuses as active (never hidden)', () => {
    expect(allergyState(allergy({ code: '227493005' }))).toBe('active');
  });
  it('reads criticality', () => {
    expect(criticalityKey(cashew())).toBe('high');
    expect(criticalityKey(allergy({ criticality: 'low' }))).toBe('low');
    expect(criticalityKey(allergy({ criticality: 'unable-to-assess' }))).toBe('unable-to-assess');
    expect(criticalityKey(allergy())).toBe('not-known');
    expect(criticalityKey(allergy({ criticality: 'HIGH' }))).toBe('not-known');
  });
});

describe('no known allergy statements', () => {
  it('recognises the NKDA fixture', () => {
    expect(noKnownAllergyKind(nkda())).toBe('no-known-drug-allergies');
    expect(isNoKnownAllergy(nkda())).toBe(true);
  });
  it.each([
    ['716186003', 'no-known-allergies'],
    ['409137002', 'no-known-drug-allergies'],
    ['429625007', 'no-known-food-allergies'],
    ['428607008', 'no-known-environmental-allergies'],
    ['1003774007', 'no-known-latex-allergies'],
    ['428197003', 'no-known-insect-allergies'],
  ])('SNOMED CT %s → %s', (code, kind) => {
    expect(noKnownAllergyKind(allergy({ code }))).toBe(kind);
  });
  it('recognises IPS absent/unknown codes, with no-allergy-info not counting as a negation', () => {
    const ips = (code: string): AllergyIntolerance => ({
      resourceType: 'AllergyIntolerance',
      patient: { reference: 'Patient/1' },
      code: { coding: [{ system: 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips', code }] },
    });
    expect(noKnownAllergyKind(ips('no-known-allergies'))).toBe('no-known-allergies');
    expect(noKnownAllergyKind(ips('no-allergy-info'))).toBe('no-allergy-information');
    expect(isNoKnownAllergy(ips('no-allergy-info'))).toBe(false);
  });
  it('does not treat real allergies or uncoded text as negations', () => {
    expect(noKnownAllergyKind(cashew())).toBeNull();
    expect(noKnownAllergyKind(allergy({ text: 'NKDA' }))).toBeNull();
    expect(noKnownAllergyKind({ ...allergy(), code: { coding: [{ system: 'http://loinc.org', code: '409137002' }] } })).toBeNull();
  });
});

describe('partitionAllergies / allergySummary', () => {
  const versie = (): AllergyIntolerance[] => fixture<{ allergies: AllergyIntolerance[] }>('synthea-versie-botsford.json').allergies;
  it('the four states are distinct', () => {
    expect(allergySummary(versie(), { fetched: true }).state).toBe('known-allergies');
    expect(allergySummary([nkda()], { fetched: true }).state).toBe('no-known-allergies');
    expect(allergySummary([], { fetched: true }).state).toBe('not-recorded');
    expect(allergySummary(versie(), { fetched: false }).state).toBe('unavailable');
    expect(allergySummary([], { fetched: false }).state).toBe('unavailable');
  });
  it('counts the toddler fixture', () => {
    const s = allergySummary(versie(), { fetched: true });
    expect(s).toMatchObject({ activeCount: 10, unconfirmedCount: 0, conflicting: false, noKnownKinds: [] });
  });
  it('reports which negation was made (NKDA is narrower than NKA)', () => {
    expect(allergySummary([nkda()], { fetched: true }).noKnownKinds).toEqual(['no-known-drug-allergies']);
  });
  it('real allergies beat a coded negation, and the conflict is flagged', () => {
    const s = allergySummary([nkda(), cashew()], { fetched: true });
    expect(s.state).toBe('known-allergies');
    expect(s.conflicting).toBe(true);
  });
  it('unconfirmed allergies count as known allergies', () => {
    const s = allergySummary([fixture<AllergyIntolerance>('AllergyIntolerance-medication.json')], { fetched: true });
    expect(s).toMatchObject({ state: 'known-allergies', activeCount: 0, unconfirmedCount: 1 });
  });
  it('refuted, entered-in-error and resolved entries do not count as allergies', () => {
    const list = [
      allergy({ clinical: 'active', verification: 'refuted', code: '227493005' }),
      allergy({ verification: 'entered-in-error', code: '227493005' }),
      allergy({ clinical: 'resolved', verification: 'confirmed', code: '227493005' }),
    ];
    expect(allergySummary(list, { fetched: true }).state).toBe('not-recorded');
    const p = partitionAllergies(list);
    expect(p.refuted).toHaveLength(1);
    expect(p.enteredInError).toHaveLength(1);
    expect(p.inactive).toHaveLength(1);
    expect(p.active).toHaveLength(0);
  });
  it('a refuted or entered-in-error negation is not a negation', () => {
    const refutedNkda = { ...nkda(), verificationStatus: { coding: [{ system: VER, code: 'refuted' }] } };
    const eieNkda = { ...nkda(), verificationStatus: { coding: [{ system: VER, code: 'entered-in-error' }] } };
    expect(allergySummary([refutedNkda], { fetched: true }).state).toBe('not-recorded');
    expect(allergySummary([eieNkda], { fetched: true }).state).toBe('not-recorded');
  });
  it('an inactive negation is not in force', () => {
    const old = { ...nkda(), clinicalStatus: { coding: [{ system: CLIN, code: 'inactive' }] } };
    expect(partitionAllergies([old]).noKnown).toHaveLength(0);
  });
  it('ignores junk in the list', () => {
    expect(allergySummary([null as never, 'x' as never], { fetched: true }).state).toBe('not-recorded');
    expect(allergySummary(undefined, { fetched: true }).state).toBe('not-recorded');
  });
});

describe('medicationGroup', () => {
  const parker = fixture<{ patient: Patient; medicationRequests: MedicationRequest[] }>('synthea-parker-casper.json');
  it('groups request statuses', () => {
    const req = (status: string): MedicationRequest => ({ resourceType: 'MedicationRequest', status: status as MedicationRequest['status'], intent: 'order', subject: {} });
    expect(medicationGroup(req('active')).group).toBe('active');
    expect(medicationGroup(req('on-hold')).group).toBe('on-hold');
    expect(medicationGroup(req('cancelled')).group).toBe('stopped');
    expect(medicationGroup(req('stopped')).group).toBe('stopped');
    expect(medicationGroup(req('completed')).group).toBe('completed');
    expect(medicationGroup(req('entered-in-error')).group).toBe('entered-in-error');
    expect(medicationGroup(req('draft')).group).toBe('unknown');
    expect(medicationGroup(req('bogus')).group).toBe('unknown');
    expect(medicationGroup(undefined)).toEqual({ group: 'unknown', activeAfterDeath: false });
  });
  it('groups statement statuses', () => {
    const st = (status: string): MedicationStatement => ({ resourceType: 'MedicationStatement', status: status as MedicationStatement['status'], subject: {} });
    expect(medicationGroup(fixture<MedicationStatement>('MedicationStatement-example003.json')).group).toBe('active');
    expect(medicationGroup(st('not-taken')).group).toBe('stopped');
    expect(medicationGroup(st('intended')).group).toBe('unknown');
    expect(medicationGroup(st('completed')).group).toBe('completed');
  });
  it('flags active prescriptions of a deceased patient', () => {
    const deceased = deceasedInfo(parker.patient);
    const active = parker.medicationRequests.filter((m) => m.status === 'active');
    expect(active.length).toBe(3);
    for (const m of active) expect(medicationGroup(m, { deceased })).toMatchObject({ group: 'active', activeAfterDeath: true });
    const stopped = parker.medicationRequests.find((m) => m.status === 'stopped')!;
    expect(medicationGroup(stopped, { deceased }).activeAfterDeath).toBe(false);
    expect(medicationGroup(active[0]!, { deceased: false }).activeAfterDeath).toBe(false);
    expect(medicationGroup(active[0]!, { deceased: { deceased: 'not-known' } }).activeAfterDeath).toBe(false);
  });
  it('never lists a do-not-perform request as active', () => {
    const notRequested = fixture<{ medicationRequests: MedicationRequest[] }>('inferno-us-quality-core.json').medicationRequests.find((m) => m.doNotPerform)!;
    expect(medicationGroup(notRequested)).toMatchObject({ group: 'do-not-take', status: 'active' });
  });
});

describe('observationStatus', () => {
  it.each([
    ['final', true, false, false],
    ['amended', true, false, true],
    ['corrected', true, false, true],
    ['preliminary', true, true, false],
    ['registered', false, false, false],
    ['cancelled', false, false, false],
    ['entered-in-error', false, false, false],
  ])('%s', (status, hasResult, preliminary, revised) => {
    expect(observationStatus({ status: status as Observation['status'] })).toEqual({ key: status, hasResult, preliminary, revised });
  });
  it('unknown codes and missing status', () => {
    expect(observationStatus({ status: 'weird' as Observation['status'] }).key).toBe('unknown');
    expect(observationStatus(undefined)).toMatchObject({ key: 'unknown', hasResult: false });
  });
});

describe('interpretations', () => {
  const v3 = (code: string) => ({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code }] });
  it('reads H from fixtures with shape and text', () => {
    expect(interpretationsOf(fixture<Observation>('Observation-f001.json'))).toEqual([
      { key: 'high', code: 'H', shape: 'up', abnormal: true, critical: false, text: 'High' },
    ]);
    expect(interpretationsOf(fixture<Observation>('Observation-serum-creatinine-adult.json'))[0]).toMatchObject({ key: 'high', shape: 'up' });
  });
  it('reads NEG (herd1) without calling it abnormal', () => {
    expect(interpretationsOf(fixture<Observation>('Observation-herd1.json'))[0]).toMatchObject({ key: 'negative', shape: 'none', text: 'Negative' });
  });
  it.each([
    ['L', 'low', 'down', false],
    ['HH', 'critical-high', 'double-up', true],
    ['LL', 'critical-low', 'double-down', true],
    ['A', 'abnormal', 'abnormal', false],
    ['AA', 'critical-abnormal', 'abnormal', true],
    ['N', 'normal', 'normal', false],
    ['POS', 'positive', 'none', false],
    ['<', 'off-scale-low', 'down', false],
  ])('%s → %s', (code, key, shape, critical) => {
    expect(interpretationOf(v3(code))).toMatchObject({ key, shape, critical });
  });
  it('accepts v2-0078 and system-less codes', () => {
    expect(interpretationOf({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0078', code: 'LL' }] })?.key).toBe('critical-low');
    expect(interpretationOf({ coding: [{ code: 'H' }] })?.key).toBe('high');
  });
  it('does not trust the same letters from another system', () => {
    expect(interpretationOf({ coding: [{ system: 'http://example.org/flags', code: 'H', display: 'Hot' }] })).toEqual({
      key: 'unknown-code',
      code: 'H',
      shape: 'none',
      abnormal: false,
      critical: false,
      text: 'Hot',
    });
  });
  it('handles text-only, empty and hostile interpretations', () => {
    expect(interpretationOf({ text: 'Borderline' })).toMatchObject({ key: 'unknown-code', text: 'Borderline' });
    expect(interpretationOf({})).toBeNull();
    expect(interpretationOf(undefined)).toBeNull();
    expect(interpretationsOf({ interpretation: [{}, v3('H')] })).toHaveLength(1);
    for (const s of HOSTILE_STRINGS) expect(() => interpretationOf({ text: s, coding: [{ code: s, system: s }] })).not.toThrow();
  });
});

describe('deceasedInfo', () => {
  it('reads deceasedDateTime with its precision (Parker Casper)', () => {
    const p = fixture<{ patient: Patient }>('synthea-parker-casper.json').patient;
    const d = deceasedInfo(p);
    expect(d.deceased).toBe(true);
    expect(d.date).toMatchObject({ year: 2021, month: 2, day: 21, precision: 'time' });
  });
  it('reads deceasedBoolean', () => {
    expect(deceasedInfo(fixture<Patient>('Patient-example.json'))).toEqual({ deceased: false });
    expect(deceasedInfo({ resourceType: 'Patient', deceasedBoolean: true })).toEqual({ deceased: true });
  });
  it('keeps deceased true even when the date is unparseable', () => {
    expect(deceasedInfo({ resourceType: 'Patient', deceasedDateTime: 'sometime in 2015' })).toEqual({ deceased: true });
  });
  it('keeps a partial date of death partial', () => {
    expect(deceasedInfo({ resourceType: 'Patient', deceasedDateTime: '2015-02' }).date).toMatchObject({ precision: 'month' });
  });
  it('not-known when nothing is recorded', () => {
    expect(deceasedInfo({ resourceType: 'Patient' })).toEqual({ deceased: 'not-known' });
    expect(deceasedInfo(undefined)).toEqual({ deceased: 'not-known' });
    expect(deceasedInfo({ resourceType: 'Patient', deceasedBoolean: 'yes' as unknown as boolean })).toEqual({ deceased: 'not-known' });
  });
});

describe('STU3 plain-string statuses (clinical-safety review)', () => {
  const stu3 = (over: Record<string, unknown>): AllergyIntolerance => ({ resourceType: 'AllergyIntolerance', patient: {}, ...over }) as unknown as AllergyIntolerance;
  it('reads a refuted verificationStatus string: never an active allergy', () => {
    const a = stu3({ verificationStatus: 'refuted', clinicalStatus: 'active' });
    expect(allergyVerification(a)).toBe('refuted');
    expect(allergyState(a)).toBe('refuted');
    expect(partitionAllergies([a]).active).toHaveLength(0);
    expect(allergySummary([a], { fetched: true }).state).toBe('not-recorded');
  });
  it('reads an entered-in-error verificationStatus string', () => {
    const a = stu3({ verificationStatus: 'entered-in-error' });
    expect(isEnteredInError(a)).toBe(true);
    expect(allergyVerification(a)).toBe('entered-in-error');
    expect(allergyState(a)).toBe('entered-in-error');
    expect(partitionAllergies([a]).enteredInError).toEqual([a]);
  });
  it('reads unconfirmed/confirmed verification and clinical status strings', () => {
    expect(allergyState(stu3({ verificationStatus: 'unconfirmed', clinicalStatus: 'active' }))).toBe('unconfirmed');
    expect(allergyVerification(stu3({ verificationStatus: 'confirmed' }))).toBe('confirmed');
    expect(allergyClinicalStatus(stu3({ clinicalStatus: 'resolved' }))).toBe('resolved');
    expect(allergyState(stu3({ verificationStatus: 'confirmed', clinicalStatus: 'inactive' }))).toBe('inactive');
    expect(allergyState(stu3({ verificationStatus: 'confirmed', clinicalStatus: 'active' }))).toBe('active');
    expect(allergyVerification(stu3({ verificationStatus: '  ' }))).toBe('not-known');
  });
});
