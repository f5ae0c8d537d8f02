import type { MedicationRequest, Resource } from 'fhir/r4';
import margeryBundle from '../../demo/data/patients/Margery_Gibson_cdb2d67c-173f-42e7-859a-d04a8088680e.json';
import parkerBundle from '../../demo/data/patients/Parker_Casper_6d0c6969-6843-47e1-9921-d9bf11b1df31.json';
import usqcBundle from '../../demo/data/patients/us_quality_core_bundle_patient.json';
import nevaBundle from '../../demo/data/patients/Neva_Hyatt_e6a7ccbf-70a6-45c8-905a-5f55a98c3a4f.json';
import { SSN_SYSTEM } from '../../demo/data/split.mjs';
import { LocalRecordStore } from '../../src/store/index.js';
import { fillSources, splitSample, type SourceSeed } from './seed-store.js';

/**
 * Seeds a real record store with one of the demo patients for the medication list's stories and
 * browser tests, the way `seed-store.ts` does for Versie Botsford: the bundle is split between
 * the clinic and the hospital as the demo splits it, and goes in through `applyPage`.
 * `extra` adds hand-made resources to one side (a test that needs an odd case adds one resource).
 */
export type MedicationPatient = 'margery' | 'parker' | 'usqc' | 'neva';

const BUNDLES: Record<MedicationPatient, { bundle: unknown; file: string }> = {
  margery: { bundle: margeryBundle, file: 'Margery_Gibson' },
  parker: { bundle: parkerBundle, file: 'Parker_Casper' },
  usqc: { bundle: usqcBundle, file: 'us_quality_core_bundle_patient' },
  neva: { bundle: nevaBundle, file: 'Neva_Hyatt' },
};

// Peter James Chalmers (us_quality_core) has no SSN: the demo links his copies by his MR number.
const LINK_SYSTEMS = [SSN_SYSTEM, 'urn:oid:1.2.36.146.595.217.0.1'];

export interface MedicationSeedOptions {
  /** Database name (each story/test its own). */
  name: string;
  /** Prefix of the database name (default `meds`; the lab timeline's seeds use `labs`). */
  prefix?: string;
  patient: MedicationPatient;
  clinic?: SourceSeed;
  hospital?: SourceSeed;
  /** Extra resources per side, given the side's patient reference (`Patient/<id>`). */
  extra?: { clinic?: (patientRef: string) => Resource[]; hospital?: (patientRef: string) => Resource[] };
}

export type MedicationSeededStore = Awaited<ReturnType<typeof LocalRecordStore.open>>;

export interface MedicationSeeded {
  store: MedicationSeededStore;
  patient: { clinic: string; hospital: string };
  /** Each side's `Patient/<id>` reference. */
  refs: { clinic: string; hospital: string };
}

function split(patient: MedicationPatient) {
  const { bundle, file } = BUNDLES[patient];
  return splitSample(bundle, file);
}

/** Opens a fresh store named `options.name` (deleting an old one) with the patient at both providers. */
export async function seedMedicationPatient(options: MedicationSeedOptions): Promise<MedicationSeeded> {
  const name = `${options.prefix ?? 'meds'}-${options.name}`;
  await LocalRecordStore.deleteDatabase(name);
  const store = await LocalRecordStore.open({ name, linkIdentifierSystems: LINK_SYSTEMS });
  const data = split(options.patient);
  const refs = { clinic: data.patient.clinic!, hospital: data.patient.hospital ?? data.patient.clinic! };
  const side = (id: 'clinic' | 'hospital') => [...(data[id] as Resource[]), ...(options.extra?.[id]?.(refs[id]) ?? [])];
  await fillSources(store, { clinic: side('clinic'), hospital: side('hospital') }, options);
  return { store, patient: { clinic: `clinic/${refs.clinic}`, hospital: `hospital/${refs.hospital}` }, refs };
}

/** A hand-made MedicationRequest for `patientRef` (RxNorm-coded), for odd cases and long lists. */
export function medicationRequest(id: string, patientRef: string, over: Partial<MedicationRequest> = {}): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'active',
    intent: 'order',
    subject: { reference: patientRef },
    medicationCodeableConcept: {
      coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '314076', display: 'lisinopril 10 MG Oral Tablet' }],
      text: 'lisinopril 10 MG Oral Tablet',
    },
    authoredOn: '2024-03-01',
    ...over,
  };
}

/** `count` distinct synthetic prescriptions (for the many-rows story). */
export function manyRequests(patientRef: string, count: number): MedicationRequest[] {
  const statuses: MedicationRequest['status'][] = ['active', 'stopped', 'completed', 'on-hold'];
  return Array.from({ length: count }, (_, i) =>
    medicationRequest(`synthetic-${i}`, patientRef, {
      status: statuses[i % statuses.length]!,
      medicationCodeableConcept: { text: `Synthetic medicine ${String(i + 1).padStart(3, '0')} ${(i % 9) + 1}0 MG Oral Tablet` },
      authoredOn: `20${10 + (i % 14)}-0${(i % 9) + 1}-1${i % 10}`,
      dosageInstruction: [{ text: `${(i % 3) + 1} tablet(s) ${i % 2 ? 'twice' : 'once'} a day` }],
    }),
  );
}
