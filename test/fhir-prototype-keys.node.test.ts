/**
 * Record data used as a lookup key: a status, unit, comparator, code or system spelled like a
 * built-in property of every object must read as "not a known value", never as the built-in.
 */
import { describe, expect, it } from 'vitest';
import type { AllergyIntolerance, Identifier, MedicationRequest, Patient } from 'fhir/r4';
import { allergyVerification, interpretationOf, medicationGroup, noKnownAllergyKind } from '../src/fhir/status.js';
import { formatQuantity } from '../src/fhir/quantities.js';
import { canonicalSystem, systemShortName } from '../src/fhir/codings.js';
import { dosageSummary, dosageText, timingText } from '../src/fhir/medications.js';
import { buildMedicationList } from '../src/fhir/medication-rows.js';
import { buildAllergyPanel } from '../src/fhir/allergy-rows.js';
import { identifierLabel } from '../src/fhir/identifiers.js';
import { patientContacts } from '../src/fhir/patient-details.js';
import { selectName } from '../src/fhir/names.js';
import { patientReferenceOf } from '../src/fhir/references.js';

const KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'] as const;
const SCT = 'http://snomed.info/sct';

function request(id: string, over: Record<string, unknown>): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/p' },
    medicationCodeableConcept: { text: `Drug ${id}` },
    ...over,
  } as MedicationRequest;
}

describe.each(KEYS)('record key %j', (key) => {
  it('status: medication group "unknown", allergy verification / NKA kind / interpretation not known', () => {
    expect(medicationGroup(request('a', { status: key })).group).toBe('unknown');
    expect(medicationGroup({ ...request('a', {}), resourceType: 'MedicationStatement', status: key } as never).group).toBe('unknown');
    const a = { resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/p' }, verificationStatus: { coding: [{ code: key }] }, code: { coding: [{ system: SCT, code: key }] } };
    expect(allergyVerification(a as AllergyIntolerance)).toBe('not-known');
    expect(noKnownAllergyKind(a as AllergyIntolerance)).toBeNull();
    expect(noKnownAllergyKind({ ...a, code: { coding: [{ system: 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips', code: key }] } } as AllergyIntolerance)).toBeNull();
    expect(interpretationOf({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: key }] })?.key).toBe('unknown-code');
  });

  it('quantities: the comparator is dropped, the unit is shown as recorded text', () => {
    expect(formatQuantity({ value: 5, comparator: key as never, unit: key })).toBe(`5 ${key}`);
  });

  it('codings: a system of that name is itself, with no short name', () => {
    expect(canonicalSystem(key)).toBe(key);
    expect(systemShortName(key)).toBeUndefined();
  });

  it('dosages: unknown period units, timing codes, "when" codes, routes and duration units are not words', () => {
    // Read like any unknown code ("xyz"): shown as recorded or left out, never a built-in's text.
    const same = (f: (code: string) => string | null) => expect(f(key)).toBe(f('xyz')?.replaceAll('xyz', key) ?? null);
    same((k) => timingText({ repeat: { frequency: 2, period: 1, periodUnit: k as never } }));
    same((k) => timingText({ code: { coding: [{ code: k }] } }));
    same((k) => timingText({ repeat: { when: [k as never] } }));
    same((k) => timingText({ repeat: { boundsDuration: { value: 3, code: k } } }));
    same((k) => dosageText({ route: { coding: [{ system: SCT, code: k }], text: 'by the recorded route' } }));
    expect(dosageSummary({ doseAndRate: [{ doseQuantity: { value: 2, unit: key } }] }).text).toBe(`2 ${key}`);
  });

  it('medication rows: a row with that status/code/system is "Other or unknown status"; every other row is still grouped', () => {
    const list = buildMedicationList([
      { source: 'c', resource: request('odd', { status: key, medicationCodeableConcept: { coding: [{ system: key, code: key, display: 'Odd drug' }] } }) },
      { source: 'c', resource: request('warfarin', { medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '855332', display: 'Warfarin 5 MG' }] } }) },
      { source: 'c', resource: request('stopped', { status: 'stopped' }) },
    ]);
    const groups = Object.fromEntries(list.groups.map((g) => [g.group, g.rows.map((r) => r.name)]));
    expect(groups).toEqual({ active: ['Warfarin 5 MG'], unknown: ['Odd drug'], stopped: ['Drug stopped'] });
  });

  it('allergy rows: category, severity and criticality of that name are not known values; the row is kept', () => {
    const odd = {
      resourceType: 'AllergyIntolerance',
      id: 'odd',
      patient: { reference: 'Patient/p' },
      category: [key],
      type: key,
      criticality: key,
      code: { coding: [{ system: key, code: key }], text: 'Odd substance' },
      reaction: [{ severity: key, manifestation: [{ text: 'Rash' }] }],
    };
    const view = buildAllergyPanel([{ source: 'c', resource: odd as unknown as AllergyIntolerance }]);
    expect(view.current.map((r) => [r.substance, r.criticality, r.categories, r.types, r.reactions[0]!.severity])).toEqual([
      ['Odd substance', 'not-known', [key], [], undefined],
    ]);
    expect(view.current[0]!.recordsPerSource).toEqual({ c: 1 });
  });

  it('identifiers, contacts, names and references: not a known type, role, use or resource type', () => {
    const id: Identifier = { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: key }] }, value: '1' };
    expect(identifierLabel(id).key).toBe('identifier');
    const patient: Patient = {
      resourceType: 'Patient',
      contact: [{ relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: key }], text: 'Neighbour' }], name: { text: 'Ann' } }],
    };
    expect(patientContacts(patient).map((c) => c.roles)).toEqual([[{ text: 'Neighbour' }]]);
    const names = [{ use: key as never, family: 'Odd' }, { use: 'official' as const, family: 'Official' }];
    expect(selectName(names)?.family).toBe('Official');
    expect(patientReferenceOf({ resourceType: key as never, id: 'x' })).toBeUndefined();
  });
});
