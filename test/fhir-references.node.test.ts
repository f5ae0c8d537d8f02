import { describe, expect, it } from 'vitest';
import type {
  AllergyIntolerance,
  Claim,
  Coverage,
  ExplanationOfBenefit,
  Medication,
  MedicationStatement,
  Observation,
  Patient,
  Provenance,
  Resource,
} from 'fhir/r4';
import { PATIENT_REFERENCE_PATHS, parseReference, patientReferenceOf, referencesOf, resolveContained } from '../src/fhir/index.js';
import { isFhirId, parsePatientKey, patientLinkTargets, typeAndIdOf } from '../src/fhir/references.js';
import { HOSTILE_STRINGS, fixture } from './fhir-fixtures.js';

describe('parseReference', () => {
  it('relative', () => {
    expect(parseReference('Patient/123')).toEqual({ kind: 'relative', type: 'Patient', id: '123' });
  });
  it('relative with version', () => {
    expect(parseReference('Observation/abc-1.2/_history/7')).toEqual({ kind: 'relative', type: 'Observation', id: 'abc-1.2', version: '7' });
  });
  it('absolute', () => {
    expect(parseReference('https://fhir.example.com/Patient/eumfh-39-07')).toEqual({
      kind: 'absolute',
      base: 'https://fhir.example.com',
      type: 'Patient',
      id: 'eumfh-39-07',
    });
    expect(parseReference('http://127.0.0.1:8103/clinic/fhir/MedicationRequest/1/_history/2')).toEqual({
      kind: 'absolute',
      base: 'http://127.0.0.1:8103/clinic/fhir',
      type: 'MedicationRequest',
      id: '1',
      version: '2',
    });
  });
  it('contained', () => {
    expect(parseReference('#med0309')).toEqual({ kind: 'contained', id: 'med0309', contained: true });
    expect(parseReference('#')).toEqual({ kind: 'contained', id: '', contained: true });
  });
  it('urn:uuid and urn:oid', () => {
    expect(parseReference('urn:uuid:ec6a274e-5090-45c9-b153-e40418f6fa3d')).toEqual({ kind: 'urn', urn: 'urn:uuid:ec6a274e-5090-45c9-b153-e40418f6fa3d' });
    expect(parseReference('urn:oid:1.2.36.146.595.217.0.1')).toMatchObject({ kind: 'urn' });
    expect(parseReference('urn:uuid:not-a-uuid')).toBeNull();
  });
  it('rejects conditional references, garbage and hostile strings', () => {
    for (const s of ['Patient?identifier=x|1', 'patient/1', 'Patient/', '/Patient/1', 'Patient/1/2', 'Patient/a b', 42, null, undefined]) {
      expect(parseReference(s)).toBeNull();
    }
    for (const s of HOSTILE_STRINGS) expect(parseReference(s)).toBeNull();
  });
});

describe('resolveContained', () => {
  it('finds the contained Medication of MedicationStatement-example001', () => {
    const ms = fixture<MedicationStatement>('MedicationStatement-example001.json');
    const med = resolveContained<Medication>(ms, ms.medicationReference);
    expect(med?.resourceType).toBe('Medication');
    expect(med?.id).toBe('med0309');
  });
  it('finds the contained Coverage and ServiceRequest of a Synthea ExplanationOfBenefit', () => {
    const eob = fixture<{ explanationOfBenefit: ExplanationOfBenefit }>('synthea-parker-casper.json').explanationOfBenefit;
    expect(resolveContained(eob, eob.insurance[0]!.coverage)?.resourceType).toBe('Coverage');
    expect(resolveContained(eob, eob.referral)?.resourceType).toBe('ServiceRequest');
  });
  it('returns the container for "#"', () => {
    const ms = fixture<MedicationStatement>('MedicationStatement-example001.json');
    expect(resolveContained(ms, '#')).toBe(ms);
  });
  it('returns undefined for missing ids and non-contained references', () => {
    const ms = fixture<MedicationStatement>('MedicationStatement-example001.json');
    expect(resolveContained(ms, '#nope')).toBeUndefined();
    expect(resolveContained(ms, 'Medication/med0309')).toBeUndefined();
    expect(resolveContained(undefined, '#x')).toBeUndefined();
    expect(resolveContained({ resourceType: 'Basic', contained: 'x' } as unknown as Resource, '#x')).toBeUndefined();
  });
});

describe('patientReferenceOf', () => {
  it('reads AllergyIntolerance.patient', () => {
    expect(patientReferenceOf(fixture<AllergyIntolerance>('AllergyIntolerance-nkda.json'))).toBe('Patient/mom');
  });
  it('reads urn:uuid subjects in Synthea bundles', () => {
    const mr = fixture<{ medicationRequests: Resource[] }>('synthea-parker-casper.json').medicationRequests[0]!;
    expect(patientReferenceOf(mr)).toBe('urn:uuid:ec6a274e-5090-45c9-b153-e40418f6fa3d');
  });
  it('reads Coverage.beneficiary and Claim.patient', () => {
    expect(patientReferenceOf(fixture<{ coverage: Coverage }>('inferno-client-test.json').coverage)).toBe('Patient/us-core-client-tests-patient');
    expect(patientReferenceOf(fixture<{ claim: Claim }>('synthea-parker-casper.json').claim)).toMatch(/^urn:uuid:/);
    const eob = fixture<{ explanationOfBenefit: ExplanationOfBenefit }>('synthea-parker-casper.json').explanationOfBenefit;
    expect(patientReferenceOf(eob)).toBe('urn:uuid:ec6a274e-5090-45c9-b153-e40418f6fa3d');
  });
  it('skips subjects that are not patients (Group/herd1)', () => {
    expect(patientReferenceOf(fixture<Observation>('Observation-herd1.json'))).toBeUndefined();
  });
  it('gives a Patient its own reference', () => {
    expect(patientReferenceOf(fixture<Patient>('Patient-example.json'))).toBe('Patient/example');
  });
  it('has no patient for Provenance and unknown types', () => {
    const prov: Provenance = { resourceType: 'Provenance', target: [{ reference: 'Patient/1' }], recorded: '2020-01-01T00:00:00Z', agent: [] };
    expect(patientReferenceOf(prov)).toBeUndefined();
    expect(patientReferenceOf({ resourceType: 'Medication' } as Resource)).toBeUndefined();
  });
  it('covers the main types in the brief', () => {
    for (const t of ['AllergyIntolerance', 'MedicationRequest', 'MedicationStatement', 'Observation', 'DiagnosticReport', 'Condition', 'Encounter', 'Immunization', 'Procedure', 'Consent', 'Claim', 'ExplanationOfBenefit', 'CarePlan', 'Goal', 'CareTeam', 'DocumentReference', 'ImagingStudy', 'MedicationAdministration', 'MedicationDispense', 'ServiceRequest', 'Coverage', 'DeviceRequest']) {
      expect(PATIENT_REFERENCE_PATHS[t]?.length, t).toBeGreaterThanOrEqual(1);
    }
    expect(PATIENT_REFERENCE_PATHS.Provenance).toBeUndefined();
  });
  it('handles array-valued paths (Appointment.participant.actor)', () => {
    const appt = { resourceType: 'Appointment', participant: [{ actor: { reference: 'Practitioner/1' } }, { actor: { reference: 'Patient/p1' } }] } as Resource;
    expect(patientReferenceOf(appt)).toBe('Patient/p1');
  });
  it('returns undefined for missing data', () => {
    expect(patientReferenceOf(undefined)).toBeUndefined();
    expect(patientReferenceOf({ resourceType: 'Observation' } as Resource)).toBeUndefined();
    expect(patientReferenceOf({ resourceType: 'Observation', subject: { display: 'x' } } as Resource)).toBeUndefined();
  });
});

describe('referencesOf', () => {
  it('lists every reference, deeply, in order, without duplicates', () => {
    const ms = fixture<MedicationStatement>('MedicationStatement-example001.json');
    expect(referencesOf(ms)).toEqual(['#med0309', 'Patient/pat1', 'MedicationRequest/medrx002']);
  });
  it('includes contained resources and extensions', () => {
    const med = fixture<{ medication: Medication }>('inferno-us-quality-core.json').medication;
    expect(referencesOf(med)).toEqual(['#org6']);
    const withExt = { resourceType: 'Basic', extension: [{ url: 'x', valueReference: { reference: 'Practitioner/9' } }] };
    expect(referencesOf(withExt)).toEqual(['Practitioner/9']);
  });
  it('finds the Synthea ExplanationOfBenefit references, contained ones included', () => {
    const eob = fixture<{ explanationOfBenefit: ExplanationOfBenefit }>('synthea-parker-casper.json').explanationOfBenefit;
    const refs = referencesOf(eob);
    expect(refs).toContain('#coverage');
    expect(refs).toContain('#referral');
    expect(refs[0]).toBe('urn:uuid:ec6a274e-5090-45c9-b153-e40418f6fa3d'); // contained ServiceRequest.subject comes first
    expect(new Set(refs).size).toBe(refs.length);
  });
  it('ignores non-string reference values and survives odd input', () => {
    expect(referencesOf({ a: { reference: 5 }, b: [{ reference: '' }] })).toEqual([]);
    expect(referencesOf(null)).toEqual([]);
    expect(referencesOf('Patient/1')).toEqual([]);
    const cyclic: Record<string, unknown> = { reference: 'Patient/1' };
    cyclic.self = cyclic;
    expect(referencesOf(cyclic)).toEqual(['Patient/1']);
  });
  it('survives deep nesting', () => {
    let node: Record<string, unknown> = { reference: 'Patient/deep' };
    for (let i = 0; i < 10_000; i++) node = { child: node };
    expect(() => referencesOf(node)).not.toThrow();
  });
});

describe('ids, keys and Location headers: parsed in one place', () => {
  it('isFhirId: 1–64 letters, digits, "-" or "."', () => {
    expect(['a', 'A-1.b', 'x'.repeat(64)].map(isFhirId)).toEqual([true, true, true]);
    expect(['', 'x'.repeat(65), 'a/b', 'a b', '__proto__', 42, null].map(isFhirId)).toEqual([false, false, false, false, false, false, false]);
  });

  it('typeAndIdOf: relative, versioned, absolute, Location headers and fullUrls; a query string ignored', () => {
    expect(typeAndIdOf('Observation/1')).toEqual({ type: 'Observation', id: '1' });
    expect(typeAndIdOf('https://h.example/fhir/Observation/1/_history/3')).toEqual({ type: 'Observation', id: '1' });
    expect(typeAndIdOf('http://127.0.0.1:1/clinic/fhir/Patient/a-1?x=Patient/evil')).toEqual({ type: 'Patient', id: 'a-1' });
    expect([typeAndIdOf('observation/1'), typeAndIdOf('Observation/'), typeAndIdOf(undefined), typeAndIdOf('Observation/a b')]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('parsePatientKey: "<source>/Patient/<id>" only', () => {
    expect(parsePatientKey('clinic/Patient/123')).toEqual({ source: 'clinic', id: '123' });
    expect([parsePatientKey('Patient/123'), parsePatientKey('clinic/Observation/1'), parsePatientKey('a/b/Patient/1'), parsePatientKey('clinic/Patient/x y'), parsePatientKey(7)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('patientLinkTargets: Patients named by Patient.link, relative or absolute (base without trailing slash); RelatedPerson and junk left out', () => {
    const patient = {
      resourceType: 'Patient',
      link: [
        { other: { reference: 'Patient/p1' }, type: 'seealso' },
        { other: { reference: 'https://hospital.example/fhir/Patient/h9/_history/2' }, type: 'seealso' },
        { other: { reference: 'RelatedPerson/r1' }, type: 'seealso' },
        { other: { reference: 'javascript:alert(1)' } },
        { other: { reference: 42 } },
        null,
        'Patient/p2',
      ],
    };
    expect(patientLinkTargets(patient)).toEqual([{ id: 'p1' }, { id: 'h9', base: 'https://hospital.example/fhir' }]);
    expect(patientLinkTargets({ link: 'Patient/p1' })).toEqual([]);
    expect(patientLinkTargets(undefined)).toEqual([]);
  });
});
