/**
 * Consents in `src/fhir` (reading, "who can see what", recording, status changes) on the six R4
 * example consents and synthetic ones.
 */
import { describe, expect, it } from 'vitest';
import type { Consent } from 'fhir/r4';
import { fixture } from './fhir-fixtures.js';
import { consentView } from '../src/fhir/consent-view.js';
import { decideConsent } from '../src/fhir/consent-decision.js';
import { buildShareConsent, changeConsentStatus, ConsentError, validateConsent, validateShareConsent } from '../src/fhir/consent-build.js';

const NOW = Date.UTC(2026, 11, 4);
const load = (name: string) => consentView(fixture<Consent>(`Consent-consent-example-${name}.json`), 'clinic', NOW);
const ask = (actor: string, purpose: string, dataClass: string) => ({ actor, purpose, dataClass });

describe('reading the R4 example consents', () => {
  it('basic: opt-in whose period ended in 2016 is not in force now', () => {
    const c = load('basic');
    expect(c).toMatchObject({ status: 'active', scope: 'patient-privacy', policyRule: 'OPTIN', reading: 'permit', force: 'ended' });
    expect(c.root!.typeInferred).toBe(true);
  });

  it('Out: an opt-out reads as a deny for its custodian organization', () => {
    const c = load('Out');
    expect(c.reading).toBe('deny');
    expect(c.root!.actors).toMatchObject([{ role: 'CST', reference: 'Organization/f001' }]);
    expect(decideConsent([c], ask('Organization/f001', 'TREAT', 'Observation'), NOW)).toMatchObject({ decision: 'deny', consentKey: 'clinic/Consent/consent-example-Out' });
    expect(decideConsent([c], ask('Organization/other', 'TREAT', 'Observation'), NOW).decision).toBe('not-covered');
  });

  it('notOrg: an explicit deny of access and correction for one organization', () => {
    const c = load('notOrg');
    expect(c.root).toMatchObject({ type: 'deny', typeInferred: false, actions: ['access', 'correct'] });
    expect(decideConsent([c], ask('Organization/f001', 'TREAT', 'MedicationRequest'), NOW).decision).toBe('deny');
  });

  it('notThis: a permit limited to one resource', () => {
    const c = load('notThis');
    expect(c.root!.data).toEqual([{ meaning: 'related', reference: 'Task/example3' }]);
    expect(c.reading).toBe('permit');
  });

  it('pkb: an opt-out with exceptions by security label, read as the opposite of their parent', () => {
    const c = load('pkb');
    expect(c.root!.type).toBe('deny');
    expect(c.root!.children.length).toBe(11);
    expect(c.root!.children.every((k) => k.type === 'permit' && k.typeInferred)).toBe(true);
    expect(c.reading).toBe('opt-in');
    // The root only covers data labelled N; PSY-labelled data is decided by an exception.
    expect(decideConsent([c], ask('Organization/f001', 'TREAT', 'N'), NOW).decision).toBe('permit');
    expect(decideConsent([c], ask('Organization/f001', 'TREAT', 'PSY'), NOW).decision).toBe('not-covered');
  });

  it('smartonfhir: a 30-minute grant with a nested permit of MedicationRequest access', () => {
    const c = load('smartonfhir');
    expect(c.root!.children[0]).toMatchObject({ type: 'permit', classes: ['MedicationRequest'], actions: ['access'] });
    expect(c.force).toBe('ended');
    const during = Date.parse('2016-06-23T17:10:00+10:00');
    const v = consentView(c.resource, 'clinic', during);
    expect(v.force).toBe('in-force');
    expect(decideConsent([v], ask('Organization/any', 'TREAT', 'MedicationRequest'), during)).toMatchObject({ decision: 'permit', provision: { path: '1.1' } });
  });
});

describe('who can see what', () => {
  const share = (id: string, over: Partial<Consent> = {}) =>
    consentView({ ...buildShareConsent({ patient: { reference: 'Patient/p1' }, recipient: { reference: 'Organization/hosp', display: 'St Elsewhere Hospital' }, start: '2026-01-01', end: '2027-01-01', exclude: ['MedicationRequest'], author: { reference: 'Practitioner/u1' }, now: '2026-12-01T10:00:00Z' }, id).consent, ...over }, 'clinic', NOW);

  it('an outer permit with a nested deny: permitted for treatment, except the excluded class', () => {
    const c = share('c1');
    expect(c.reading).toBe('opt-out');
    expect(decideConsent([c], ask('Organization/hosp', 'TREAT', 'Observation'), NOW)).toMatchObject({ decision: 'permit', provision: { path: '1' } });
    expect(decideConsent([c], ask('Organization/hosp', 'TREAT', 'MedicationRequest'), NOW)).toMatchObject({ decision: 'deny', provision: { path: '1.1' } });
    expect(decideConsent([c], ask('Organization/hosp', 'HRESCH', 'Observation'), NOW).decision).toBe('not-covered');
  });

  it('entered-in-error and inactive consents decide nothing; a deny wins over a permit', () => {
    expect(decideConsent([share('c2', { status: 'entered-in-error' })], ask('Organization/hosp', 'TREAT', 'Observation'), NOW).decision).toBe('not-covered');
    expect(share('c2', { status: 'entered-in-error' }).force).toBe('entered-in-error');
    const deny = consentView(fixture<Consent>('Consent-consent-example-notOrg.json'), 'hospital', NOW);
    const permit = consentView({ ...share('c3').resource, provision: { type: 'permit', actor: [{ role: { coding: [{ code: 'IRCP' }] }, reference: { reference: 'Organization/f001' } }] } }, 'clinic', NOW);
    const d = decideConsent([permit, deny], ask('Organization/f001', 'TREAT', 'Observation'), NOW);
    expect(d).toMatchObject({ decision: 'deny', consentKey: 'hospital/Consent/consent-example-notOrg' });
    expect(d.alsoApplies).toEqual([{ consentKey: 'clinic/Consent/c3', decision: 'permit', path: '1' }]);
  });
});

describe('recording and revoking', () => {
  const input = { patient: { reference: 'Patient/p1' }, recipient: { reference: 'Organization/hosp' }, start: '2026-12-04', author: { reference: 'Practitioner/u1', display: 'Dr A' }, now: '2026-12-04T09:00:00Z' };

  it('builds a PCF basic consent (ppc-1, ppc-2) with a Provenance naming the author', () => {
    const { consent, provenance } = buildShareConsent(input, 'new-1');
    expect(validateConsent(consent)).toEqual([]);
    expect(consent).toMatchObject({ status: 'active', patient: { reference: 'Patient/p1' }, policyRule: { coding: [{ code: 'OPTIN' }] } });
    expect(consent.provision!.purpose).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }]);
    expect(provenance).toMatchObject({ target: [{ reference: 'Consent/new-1' }], recorded: '2026-12-04T09:00:00Z', agent: [{ who: { reference: 'Practitioner/u1' } }] });
  });

  it('says what is wrong, field by field', () => {
    const problems = validateShareConsent({ now: '2026-12-04T09:00:00Z', start: '2026-12-04', end: '2026-01-01' });
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['patient', 'patient-missing'],
      ['recipient', 'recipient-missing'],
      ['end', 'end-before-start'],
      ['author', 'author-missing'],
    ]);
    expect(() => buildShareConsent({ now: 'x' }, 'id')).toThrow(ConsentError);
    expect(validateConsent({ resourceType: 'Consent', status: 'active', scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] }, category: [] }).map((p) => p.code)).toEqual(['ppc-1', 'ppc-2']);
  });

  it('revokes by setting inactive with a Provenance; refuses changes the table does not allow', () => {
    const { consent } = buildShareConsent(input, 'new-2');
    const withVersion = { ...consent, meta: { versionId: '3' } };
    const revoked = changeConsentStatus(withVersion, 'inactive', { reference: 'Practitioner/u2' }, '2026-12-05T10:00:00Z');
    expect(revoked.consent.status).toBe('inactive');
    expect(revoked.provenance).toMatchObject({ target: [{ reference: 'Consent/new-2/_history/3' }], activity: { text: 'Consent revoked' }, agent: [{ who: { reference: 'Practitioner/u2' } }] });
    expect(() => changeConsentStatus(revoked.consent, 'active', { reference: 'Practitioner/u2' }, 'x')).toThrow('A consent that is inactive cannot be made active.');
    expect(changeConsentStatus({ ...consent, status: 'proposed' }, 'rejected', { reference: 'Practitioner/u2' }, 'x').consent.status).toBe('rejected');
    expect(() => changeConsentStatus({ ...consent, status: 'draft' }, 'inactive', { reference: 'Practitioner/u2' }, 'x')).toThrow(ConsentError);
  });
});
