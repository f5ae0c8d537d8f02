import type { AllergyIntolerance, Patient, Resource } from 'fhir/r4';
import { SSN_SYSTEM } from '../../demo/data/split.mjs';
import { LocalRecordStore } from '../../src/store/index.js';
import type { RecordQuery, RecordSource } from '../../src/elements/base/store-types.js';
import { fillSources, seedOncePerKey, splitSample, type SourceSeed } from './seed-store.js';

/**
 * Stores for the patient banner's stories and browser tests, seeded the way `seed-store.ts` does
 * (a real LocalRecordStore, resources through `applyPage`, source status set by hand), but for
 * any of the sample patients, or for a few hand-made resources when a story needs one odd case.
 * Only Patient and AllergyIntolerance rows are stored: that is all the banner reads.
 */

/** Sample bundles, loaded on demand (they are large). */
const BUNDLES = {
  versie: () => import('../../demo/data/patients/Versie_Botsford_56121408-15fe-47a5-8279-6f05dee51464.json'),
  parker: () => import('../../demo/data/patients/Parker_Casper_6d0c6969-6843-47e1-9921-d9bf11b1df31.json'),
  chalmers: () => import('../../demo/data/patients/us_quality_core_bundle_patient.json'),
} as const;

export type BannerSample = keyof typeof BUNDLES;

export interface BannerSeedOptions {
  /** Partition name (unique per story/test). */
  name: string;
  /** A sample patient split between clinic and hospital… */
  sample?: BannerSample;
  /** …or hand-made resources, all at the clinic (a Patient first, then anything else). */
  resources?: Resource[];
  /** Extra resources for one side (e.g. the NKDA example), referring to that side's patient. */
  extra?: { clinic?: Resource[]; hospital?: Resource[] };
  /** Change the hospital's copy of the Patient (e.g. another birth date). */
  editHospitalPatient?: (patient: Patient) => Patient;
  /** Drop all allergies (to show "not recorded" / "unavailable"). */
  withoutAllergies?: boolean;
  /**
   * A person confirmed that the clinic's and the hospital's records are one person (through
   * `confirmLink`, as a review screen would): needed when `editHospitalPatient` makes the copies
   * disagree, because disagreeing copies are never linked on their own.
   */
  confirmLink?: boolean;
  clinic?: SourceSeed;
  hospital?: SourceSeed;
}

export interface BannerSeed {
  store: LocalRecordStore;
  /** Patient keys at each side (hospital absent for hand-made resources). */
  patient: { clinic: string; hospital?: string };
}

const KEEP = new Set(['Patient', 'AllergyIntolerance']);
const seeded = seedOncePerKey<BannerSeed>();

/** Opens a fresh store named `banner-<name>` with the requested data. Same options → same store. */
export function seedBannerStore(options: BannerSeedOptions): Promise<BannerSeed> {
  return seeded(options.name, () => build(options));
}

function refer(resources: Resource[] | undefined, patientId: string): Resource[] {
  return (resources ?? []).map((r) =>
    r.resourceType === 'AllergyIntolerance' ? ({ ...r, patient: { reference: `Patient/${patientId}` } } as AllergyIntolerance) : r,
  );
}

async function build(options: BannerSeedOptions): Promise<BannerSeed> {
  const name = `banner-${options.name}`;
  await LocalRecordStore.deleteDatabase(name);
  const store = await LocalRecordStore.open({ name, linkIdentifierSystems: [SSN_SYSTEM] });
  let clinic: Resource[];
  let hospital: Resource[] = [];
  let keys: BannerSeed['patient'];
  if (options.sample) {
    const bundle = (await BUNDLES[options.sample]()).default;
    const split = splitSample(bundle, options.sample);
    clinic = (split.clinic as Resource[]).filter((r) => KEEP.has(r.resourceType));
    hospital = (split.hospital as Resource[]).filter((r) => KEEP.has(r.resourceType));
    if (options.editHospitalPatient) {
      hospital = hospital.map((r) => (r.resourceType === 'Patient' ? options.editHospitalPatient!(structuredClone(r as Patient)) : r));
    }
    keys = { clinic: `clinic/${split.patient.clinic}`, ...(split.patient.hospital ? { hospital: `hospital/${split.patient.hospital}` } : {}) };
  } else {
    clinic = options.resources ?? [];
    const p = clinic.find((r) => r.resourceType === 'Patient');
    keys = { clinic: `clinic/Patient/${p?.id ?? 'missing'}` };
  }
  if (options.withoutAllergies) {
    clinic = clinic.filter((r) => r.resourceType !== 'AllergyIntolerance');
    hospital = hospital.filter((r) => r.resourceType !== 'AllergyIntolerance');
  }
  const idOf = (key: string | undefined) => key?.split('/').pop() ?? 'missing';
  clinic = [...clinic, ...refer(options.extra?.clinic, idOf(keys.clinic))];
  hospital = [...hospital, ...refer(options.extra?.hospital, idOf(keys.hospital))];

  await fillSources(store, { clinic, hospital }, options);
  if (options.confirmLink && keys.hospital) await store.confirmLink([keys.clinic, keys.hospital].sort().join('~'));
  return { store, patient: keys };
}

/**
 * Wraps a store so live queries of one resource type fail (as a broken index or a storage
 * error would), everything else passing through. For the "allergy information unavailable"
 * and error stories.
 */
export function failingType(store: RecordSource, type: string, message = 'Storage read failed'): RecordSource {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'live') {
        return (query: RecordQuery) => {
          if (query.type === type) {
            return { subscribe: (o: { error?: (e: unknown) => void }) => (queueMicrotask(() => o.error?.(new Error(message))), { unsubscribe() {} }) };
          }
          return target.live(query);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A store whose Patient query never answers: the loading skeleton. */
export function neverAnswers(store: RecordSource): RecordSource {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'live') return () => ({ subscribe: () => ({ unsubscribe() {} }) });
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
