import type { AllergyIntolerance, Patient, Resource } from 'fhir/r4';
import versieBundle from '../../demo/data/patients/Versie_Botsford_56121408-15fe-47a5-8279-6f05dee51464.json';
import inferno355Bundle from '../../demo/data/patients/uscore_bundle_patient_355.json';
import qualityCoreBundle from '../../demo/data/patients/us_quality_core_bundle_patient.json';
import clientTestBundle from '../../demo/data/patients/uscore_bundle_patient_client_test.json';
import nkdaExample from '../../demo/data/patients/spec-examples/AllergyIntolerance-nkda.json';
import cashewExample from '../fixtures/fhir/AllergyIntolerance-example.json';
import { SSN_SYSTEM } from '../../demo/data/split.mjs';
import { LocalRecordStore } from '../../src/store/index.js';
import { fillSources, splitSample, type SourceSeed } from './seed-store.js';

/**
 * Seeds a real record store for the allergy panel's stories and browser tests: one of the sample
 * patients in `demo/data/patients` split between the clinic and the hospital (as the demo splits
 * it), or a small hand-made patient holding only the allergies a story needs. Resources go in
 * through `applyPage`, as a downloaded page would.
 */

export const ALLERGY_PATIENTS = {
  versie: { bundle: versieBundle, file: 'Versie_Botsford' },
  inferno355: { bundle: inferno355Bundle, file: 'uscore_bundle_patient_355' },
  qualityCore: { bundle: qualityCoreBundle, file: 'us_quality_core_bundle_patient' },
  clientTest: { bundle: clientTestBundle, file: 'uscore_bundle_patient_client_test' },
} as const;

export type AllergyPatientName = keyof typeof ALLERGY_PATIENTS;

/** The spec examples, as stored JSON (`AllergyIntolerance-example`: cashew; `-nkda`). */
export const SPEC_ALLERGIES = {
  cashew: cashewExample as unknown as AllergyIntolerance,
  nkda: nkdaExample as unknown as AllergyIntolerance,
};

export interface AllergySeedOptions {
  /** Partition name; unique per story/test. */
  name: string;
  /** A sample patient; omit for the hand-made patient with only `clinicAllergies`/`hospitalAllergies`. */
  patient?: AllergyPatientName;
  /** Allergies to add at the clinic (their `patient` is set to the clinic's patient). */
  clinicAllergies?: AllergyIntolerance[];
  /** Allergies to add at the hospital. */
  hospitalAllergies?: AllergyIntolerance[];
  clinic?: SourceSeed;
  hospital?: SourceSeed;
}

export interface AllergySeed {
  store: LocalRecordStore;
  /** Patient keys at each source (the hand-made patient exists at both, linked by SSN). */
  patient: { clinic: string; hospital: string };
}

const HANDMADE_SSN = '999-00-4242';

function handmadePatient(id: string): Patient {
  return {
    resourceType: 'Patient',
    id,
    identifier: [{ system: SSN_SYSTEM, value: HANDMADE_SSN }],
    name: [{ family: 'Tester', given: ['Alex'] }],
    // Both providers agree on who this is (family name, birth date, gender), so the SSN links them.
    gender: 'female',
    birthDate: '1980-01-01',
  };
}

function split(name: AllergyPatientName) {
  const { bundle, file } = ALLERGY_PATIENTS[name];
  return splitSample(bundle, file);
}

/** An allergy re-homed to a patient (a fresh copy; the input is not changed). */
export function forPatient(allergy: AllergyIntolerance, patientRef: string): AllergyIntolerance {
  return { ...structuredClone(allergy), patient: { reference: patientRef } };
}

/** Opens a fresh store (deleting any old one of that name) and seeds it. */
export async function seedAllergyStore(options: AllergySeedOptions): Promise<AllergySeed> {
  const name = `allergy-${options.name}`;
  let clinic: Resource[];
  let hospital: Resource[];
  let patient: { clinic: string; hospital: string };
  const linkSystems: string[] = [SSN_SYSTEM];
  if (options.patient) {
    const s = split(options.patient);
    clinic = s.clinic as Resource[];
    hospital = s.hospital as Resource[];
    patient = { clinic: `clinic/${s.patient.clinic}`, hospital: `hospital/${s.patient.hospital ?? s.patient.clinic}` };
    if (s.linkIdentifier && !linkSystems.includes(s.linkIdentifier.system)) linkSystems.push(s.linkIdentifier.system);
  } else {
    clinic = [handmadePatient('allergy-tester')];
    hospital = [handmadePatient('h-allergy-tester')];
    patient = { clinic: 'clinic/Patient/allergy-tester', hospital: 'hospital/Patient/h-allergy-tester' };
  }
  const ref = (key: string) => key.slice(key.indexOf('/') + 1);
  clinic = [...clinic, ...(options.clinicAllergies ?? []).map((a) => forPatient(a, ref(patient.clinic)))];
  hospital = [...hospital, ...(options.hospitalAllergies ?? []).map((a) => forPatient(a, ref(patient.hospital)))];

  await LocalRecordStore.deleteDatabase(name);
  const store = await LocalRecordStore.open({ name, linkIdentifierSystems: linkSystems });
  await fillSources(store, { clinic, hospital }, options);
  return { store, patient };
}

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';

/** A hand-made allergy for stories/tests: substance words, optional SNOMED code and statuses. */
export function makeAllergy(
  id: string,
  substance: string,
  options: {
    code?: string;
    clinical?: 'active' | 'inactive' | 'resolved';
    verification?: 'confirmed' | 'unconfirmed' | 'refuted' | 'entered-in-error';
    criticality?: AllergyIntolerance['criticality'];
    category?: AllergyIntolerance['category'];
    reaction?: AllergyIntolerance['reaction'];
    recordedDate?: string;
  } = {},
): AllergyIntolerance {
  const { code, clinical = 'active', verification = 'confirmed', criticality, category, reaction, recordedDate } = options;
  return {
    resourceType: 'AllergyIntolerance',
    id,
    patient: { reference: 'Patient/placeholder' },
    ...(verification === 'entered-in-error' ? {} : { clinicalStatus: { coding: [{ system: CLINICAL, code: clinical }] } }),
    verificationStatus: { coding: [{ system: VERIFICATION, code: verification }] },
    code: code ? { coding: [{ system: 'http://snomed.info/sct', code, display: substance }], text: substance } : { text: substance },
    ...(criticality ? { criticality } : {}),
    ...(category ? { category } : {}),
    ...(reaction ? { reaction } : {}),
    ...(recordedDate ? { recordedDate } : {}),
  };
}
