// @ts-check
/**
 * Splitting one patient's record between two simulated providers, the way care usually splits:
 * a community clinic (ambulatory care, chronic medication, allergies, immunizations, plans) and a
 * hospital (emergency and inpatient stays, and what was done and found during them).
 *
 * Pure functions only (no Node built-ins). See README.md next to this file for the rules in prose.
 */

import { FHIR_ID, forEachReference, parseRelativeReference, stableHash } from './references.mjs';

/** @typedef {import('fhir/r4').FhirResource} Resource */
/** @typedef {import('./references.mjs').Problem} Problem */

/** Encounter.class codes (v3 ActCode) that mean the hospital: emergency, inpatient, observation, short stay. */
export const HOSPITAL_ENCOUNTER_CLASSES = new Set(['EMER', 'IMP', 'ACUTE', 'NONAC', 'OBSENC', 'SS', 'PRENC']);

/**
 * Resource types that describe people, places, organisations and products rather than care.
 * They are not split: each provider gets its own copy of every one its records refer to.
 */
export const SHARED_TYPES = new Set([
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'Medication',
  'Substance',
  'Endpoint',
  'HealthcareService',
  'RelatedPerson',
  'Coverage',
  'Group',
]);

/** Identifier system of the hospital's own medical record numbers (made up for the demo). */
export const HOSPITAL_MRN_SYSTEM = 'urn:ehr-elements:demo:hospital-mrn';

/** Identifier system of US social security numbers: the identifier that links the two copies. */
export const SSN_SYSTEM = 'http://hl7.org/fhir/sid/us-ssn';

/** Lab results from clinic visits on or after this date were done by the hospital laboratory. */
export const HOSPITAL_LAB_FROM = '2019-01-01';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/**
 * @typedef {object} SplitOptions
 * @property {string} [file]  for problem reports
 * @property {number} [hospitalAllergyCopies]  how many allergies the hospital re-records for a
 *   patient with at least `allergyCopyThreshold` allergies (default 2)
 * @property {number} [allergyCopyThreshold]  default 10
 * @property {string | null} [hospitalLabFrom]  ISO date; lab reports of clinic encounters from this
 *   date on go to the hospital (the hospital laboratory did them). `null` turns the rule off.
 */

/**
 * @typedef {object} SplitResult
 * @property {Resource[]} clinic
 * @property {Resource[]} hospital
 * @property {Problem[]} problems
 * @property {{ clinic?: string, hospital?: string }} patient  `Patient/<id>` in each base
 * @property {{ system: string, value: string } | undefined} linkIdentifier
 * @property {{ clinic: string[], hospital: string[] }} copiedAcross  clinical resources of one side
 *   copied into the other because something there refers to them (rule 10)
 * @property {{ clinic: number, hospital: number }} droppedEncounterRefs  references to encounters
 *   held only by the other side, removed from each side's copies
 */

/** @param {any} r */
const keyOf = (r) => `${r.resourceType}/${r.id}`;

/**
 * A valid FHIR id for the hospital's copy of something the clinic also holds.
 * @param {string} id
 */
export function hospitalId(id) {
  const candidate = `h-${id}`;
  return FHIR_ID.test(candidate) ? candidate : `h-${stableHash(id)}-${id.slice(0, 50)}`.replace(/[^A-Za-z0-9\-.]/g, '-');
}

/**
 * The identifier the two copies of a patient share, so a client can link them:
 * the SSN when there is one, otherwise the first MR-typed identifier, otherwise the first
 * identifier with a system and value.
 * @param {any} patient
 * @returns {{ system: string, value: string } | undefined}
 */
export function linkIdentifierOf(patient) {
  /** @type {any[]} */
  const ids = (Array.isArray(patient?.identifier) ? patient.identifier : []).filter(
    (/** @type {any} */ i) => typeof i?.system === 'string' && typeof i?.value === 'string',
  );
  const typed = (/** @type {string} */ code) =>
    ids.find((i) => i.type?.coding?.some((/** @type {any} */ c) => c.system === V2_0203 && c.code === code));
  const pick = ids.find((i) => i.system === SSN_SYSTEM) ?? typed('MR') ?? ids[0];
  return pick ? { system: pick.system, value: pick.value } : undefined;
}

/**
 * The hospital's own medical record number for a patient: stable, derived from the clinic's id.
 * @param {string} patientId
 */
export function hospitalMrn(patientId) {
  const digits = String(parseInt(stableHash(`mrn:${patientId}`), 16) % 100_000_000).padStart(8, '0');
  return `H${digits}`;
}

/**
 * Is this Observation or DiagnosticReport a laboratory result?
 * @param {any} r
 */
function isLab(r) {
  const cats = Array.isArray(r.category) ? r.category : r.category ? [r.category] : [];
  return cats.some((/** @type {any} */ c) =>
    c?.coding?.some((/** @type {any} */ k) => k.code === 'laboratory' || k.code === 'LAB'),
  );
}

/**
 * The date a report or result is about (effective, else issued), as an ISO string or ''.
 * @param {any} r
 */
function clinicalDate(r) {
  return r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.issued ?? '';
}

/**
 * References from `resource` to other resources (relative `Type/id` only; contained and
 * external references are skipped).
 * @param {any} resource
 * @returns {string[]}
 */
function outgoing(resource) {
  /** @type {string[]} */
  const out = [];
  forEachReference(resource, (ref) => {
    const p = parseRelativeReference(ref.reference);
    if (p) out.push(`${p.type}/${p.id}`);
  });
  return out;
}

/**
 * Splits one patient's resources (references already in `Type/id` form, e.g. the output of
 * `bundleToResources`) between the clinic and the hospital.
 *
 * Rules, in order:
 * 1. Encounters whose class is emergency, inpatient, observation or short stay are the hospital's;
 *    all other encounters are the clinic's.
 * 2. A clinical resource that refers to an encounter goes where that encounter is (a hospital
 *    encounter wins if it refers to several).
 * 3. Lab DiagnosticReports (and their result Observations) of clinic encounters on or after
 *    `hospitalLabFrom` go to the hospital: from that date the clinic sent its lab work to the
 *    hospital laboratory. The encounter itself stays at the clinic, so the hospital's copies lose
 *    their `encounter` reference (see rule 10).
 * 4. A clinical resource with no encounter follows the resources that refer to it when all of
 *    those are at the hospital (e.g. a Goal only a hospital CarePlan points at); otherwise it is
 *    the clinic's (allergies, immunizations, problem-list conditions, goals, devices...).
 * 5. DiagnosticReport results and panel members go with their report/panel.
 * 6. A Provenance goes with its targets; when they are split, each side gets a copy that names
 *    only its own targets (the hospital copy with a new id).
 * 7. People, places, organisations, medications and coverage (`SHARED_TYPES`) are copied into
 *    every base whose records refer to them.
 * 8. The Patient is in both bases: the clinic keeps it as it is; the hospital copy gets id
 *    `h-<id>` and, first in its identifier list, a hospital MRN. Every hospital resource refers
 *    to the hospital copy. This happens only when the hospital holds something for the patient
 *    and the patient has an identifier to link the two copies by; otherwise all stays at the
 *    clinic.
 * 9. A patient with many allergies (>= `allergyCopyThreshold`) has a few of them
 *    (`hospitalAllergyCopies`, the first ones with distinct codes) also recorded at the
 *    hospital, under ids `h-<id>`: the same allergy known to two providers.
 * 10. When a resource in one base still refers to a clinical resource kept in the other, the
 *    referenced resource is copied too (same id), as one provider keeps a copy of what another
 *    told it (e.g. the clinic's copy of a diagnosis made in the emergency department); copies
 *    are made until nothing points across. Encounters are never copied: a reference to a visit
 *    the base does not hold is removed from that base's copy instead.
 *
 * Bundles with no Patient or with several are not split: everything goes to the clinic.
 *
 * @param {Resource[]} resources
 * @param {SplitOptions} [options]
 * @returns {SplitResult}
 */
export function splitAcrossProviders(resources, options = {}) {
  const {
    file = '(memory)',
    hospitalAllergyCopies = 2,
    allergyCopyThreshold = 10,
    hospitalLabFrom = HOSPITAL_LAB_FROM,
  } = options;
  /** @type {Problem[]} */
  const problems = [];
  /** @type {Map<string, any>} */
  const byKey = new Map();
  for (const r of resources) byKey.set(keyOf(r), r);

  const patients = resources.filter((r) => r.resourceType === 'Patient');
  if (patients.length !== 1) {
    return {
      clinic: resources.map((r) => structuredClone(r)),
      hospital: [],
      problems,
      patient: {},
      linkIdentifier: undefined,
      copiedAcross: { clinic: [], hospital: [] },
      droppedEncounterRefs: { clinic: 0, hospital: 0 },
    };
  }
  const patient = /** @type {any} */ (patients[0]);
  const patientKey = keyOf(patient);
  const linkIdentifier = linkIdentifierOf(patient);

  /** @type {Map<string, string[]>} */
  const refsOf = new Map();
  /** @type {Map<string, string[]>} who refers to a key */
  const referrers = new Map();
  for (const r of resources) {
    const k = keyOf(r);
    const outs = outgoing(r);
    refsOf.set(k, outs);
    if (r.resourceType === 'Provenance') continue;
    for (const t of outs) {
      let list = referrers.get(t);
      if (!list) referrers.set(t, (list = []));
      list.push(k);
    }
  }

  /** @param {any} r */
  const isClinical = (r) =>
    r.resourceType !== 'Patient' && r.resourceType !== 'Provenance' && !SHARED_TYPES.has(r.resourceType);

  /** @type {Map<string, 'clinic' | 'hospital'>} */
  const home = new Map();

  // 1. Encounters.
  for (const r of resources) {
    if (r.resourceType !== 'Encounter') continue;
    const code = /** @type {any} */ (r).class?.code;
    home.set(keyOf(r), HOSPITAL_ENCOUNTER_CLASSES.has(code) ? 'hospital' : 'clinic');
  }
  for (const r of resources) {
    // An encounter that is part of a hospital stay is the hospital's too.
    const parent = /** @type {any} */ (r).partOf?.reference;
    if (r.resourceType === 'Encounter' && parent && home.get(parent) === 'hospital') home.set(keyOf(r), 'hospital');
  }

  // 2. Anything tied to an encounter.
  for (const r of resources) {
    if (!isClinical(r) || r.resourceType === 'Encounter') continue;
    const encs = (refsOf.get(keyOf(r)) ?? []).filter((t) => home.has(t) && t.startsWith('Encounter/'));
    if (encs.length === 0) continue;
    home.set(keyOf(r), encs.some((t) => home.get(t) === 'hospital') ? 'hospital' : 'clinic');
  }

  // 3. Send-out labs: the hospital laboratory's reports for clinic visits.
  if (hospitalLabFrom) {
    for (const r of resources) {
      if (r.resourceType !== 'DiagnosticReport' || !isLab(r)) continue;
      if (home.get(keyOf(r)) !== 'clinic') continue;
      if (clinicalDate(r) >= hospitalLabFrom) home.set(keyOf(r), 'hospital');
    }
  }

  // 5. Report results and panel members follow their report or panel (before rule 4, so that a
  //    result without an encounter of its own ends up with its report).
  /** @param {string} parentKey */
  const pullChildren = (parentKey) => {
    const parent = byKey.get(parentKey);
    const where = home.get(parentKey);
    if (!parent || !where) return;
    /** @type {any[]} */
    const children = [...(parent.result ?? []), ...(parent.hasMember ?? [])];
    for (const c of children) {
      const ck = c?.reference;
      if (typeof ck !== 'string' || !byKey.has(ck) || home.get(ck) === where) continue;
      home.set(ck, where);
      pullChildren(ck);
    }
  };
  for (const r of resources) {
    if (r.resourceType === 'DiagnosticReport' || r.resourceType === 'Observation') pullChildren(keyOf(r));
  }

  // 4. Clinical resources with no encounter: follow their referrers when all are at the hospital.
  for (let changed = true, rounds = 0; changed && rounds < 10; rounds++) {
    changed = false;
    for (const r of resources) {
      const k = keyOf(r);
      if (!isClinical(r) || home.has(k)) continue;
      const from = (referrers.get(k) ?? []).filter((f) => isClinical(byKey.get(f)));
      if (from.length > 0 && from.every((f) => home.get(f) === 'hospital')) {
        home.set(k, 'hospital');
        changed = true;
      }
    }
  }
  for (const r of resources) if (isClinical(r) && !home.has(keyOf(r))) home.set(keyOf(r), 'clinic');

  const hospitalKeys = resources.filter((r) => home.get(keyOf(r)) === 'hospital').map(keyOf);
  const hospitalPatientId = hospitalId(patient.id);
  const useHospital = hospitalKeys.length > 0 && linkIdentifier !== undefined;
  if (hospitalKeys.length > 0 && !useHospital) {
    for (const k of hospitalKeys) home.set(k, 'clinic');
    problems.push({
      file,
      kind: 'unlinkable-patient',
      resource: patientKey,
      message: `${patientKey} has no identifier to link a hospital copy by; the whole record stays at the clinic`,
    });
  }

  /** @type {Map<string, any>} */
  const clinic = new Map();
  /** @type {Map<string, any>} */
  const hospital = new Map();
  const hospitalPatientKey = `Patient/${hospitalPatientId}`;

  /** Copy for the hospital: its references to the patient point at the hospital's patient. */
  const forHospital = (/** @type {any} */ r) => {
    const copy = structuredClone(r);
    forEachReference(copy, (ref) => {
      if (ref.reference === patientKey) ref.reference = hospitalPatientKey;
    });
    return copy;
  };

  clinic.set(patientKey, structuredClone(patient));
  for (const r of resources) {
    const k = keyOf(r);
    const where = home.get(k);
    if (where === 'clinic') clinic.set(k, structuredClone(r));
    else if (where === 'hospital') hospital.set(k, forHospital(r));
  }

  if (useHospital && linkIdentifier) {
    const hp = forHospital(patient);
    hp.id = hospitalPatientId;
    hp.identifier = [
      {
        use: 'usual',
        type: { coding: [{ system: V2_0203, code: 'MR', display: 'Medical record number' }], text: 'Hospital MRN' },
        system: HOSPITAL_MRN_SYSTEM,
        value: hospitalMrn(patient.id),
        assigner: { display: 'St Elsewhere Hospital' },
      },
      ...(Array.isArray(hp.identifier) ? hp.identifier : []),
    ];
    // Insert the patient first in the hospital list, like the clinic's.
    const rest = [...hospital.entries()];
    hospital.clear();
    hospital.set(hospitalPatientKey, hp);
    for (const [k, v] of rest) hospital.set(k, v);

    // 9. Allergies also known to the hospital.
    const allergies = resources.filter((r) => r.resourceType === 'AllergyIntolerance' && home.get(keyOf(r)) === 'clinic');
    if (allergies.length >= allergyCopyThreshold && hospitalAllergyCopies > 0) {
      const seen = new Set();
      let copied = 0;
      for (const a of allergies) {
        const code = JSON.stringify(/** @type {any} */ (a).code?.coding?.map((/** @type {any} */ c) => [c.system, c.code]) ?? a.id);
        if (seen.has(code)) continue;
        seen.add(code);
        const copy = forHospital(a);
        copy.id = hospitalId(/** @type {string} */ (a.id));
        hospital.set(keyOf(copy), copy);
        if (++copied >= hospitalAllergyCopies) break;
      }
    }
  }

  // 6. Provenance: with its targets.
  for (const r of resources) {
    if (r.resourceType !== 'Provenance') continue;
    const prov = /** @type {any} */ (r);
    const targets = Array.isArray(prov.target) ? prov.target : [];
    const where = (/** @type {any} */ t) => {
      const k = t?.reference;
      if (k === patientKey) return 'both';
      return home.get(k) ?? (byKey.has(k) && SHARED_TYPES.has(k.split('/')[0]) ? 'both' : 'clinic');
    };
    const toClinic = targets.filter((/** @type {any} */ t) => where(t) !== 'hospital');
    const toHospital = useHospital ? targets.filter((/** @type {any} */ t) => where(t) !== 'clinic') : [];
    const clinicalIn = (/** @type {any[]} */ list, /** @type {string} */ side) =>
      list.some((t) => where(t) === side);
    const hospitalHasOwn = clinicalIn(toHospital, 'hospital');
    const clinicHasOwn = clinicalIn(toClinic, 'clinic') || !hospitalHasOwn;
    if (clinicHasOwn) {
      const c = structuredClone(prov);
      if (hospitalHasOwn) c.target = structuredClone(toClinic);
      clinic.set(keyOf(c), c);
    }
    if (hospitalHasOwn) {
      const h = forHospital(prov);
      if (clinicHasOwn) {
        h.id = hospitalId(prov.id);
        h.target = forHospital({ t: toHospital }).t;
      }
      hospital.set(keyOf(h), h);
    }
  }

  // 7 + 10. Copy in whatever each base refers to but does not hold yet. Encounters are never
  // copied: a reference to a visit the base does not hold is removed instead.
  /**
   * @param {Map<string, any>} base
   * @param {'clinic' | 'hospital'} side
   */
  const complete = (base, side) => {
    const isHospital = side === 'hospital';
    /** @param {string} k */
    const missingEncounter = (k) => k.startsWith('Encounter/') && !base.has(k) && byKey.has(k);
    const queue = [...base.values()];
    while (queue.length > 0) {
      const r = queue.shift();
      const dropped = removeReferences(r, missingEncounter);
      if (dropped > 0) droppedEncounterRefs[side] += dropped;
      forEachReference(r, (ref) => {
        const k = ref.reference;
        if (base.has(k)) return;
        const original = byKey.get(k);
        if (!original || original.resourceType === 'Patient') return;
        const copy = isHospital ? forHospital(original) : structuredClone(original);
        base.set(k, copy);
        if (isClinical(original) && home.get(k) !== side) copiedAcross[side].push(k);
        queue.push(copy);
      });
    }
  };
  /** @type {{ clinic: string[], hospital: string[] }} */
  const copiedAcross = { clinic: [], hospital: [] };
  const droppedEncounterRefs = { clinic: 0, hospital: 0 };
  complete(clinic, 'clinic');
  if (useHospital) complete(hospital, 'hospital');

  return {
    clinic: [...clinic.values()],
    hospital: useHospital ? [...hospital.values()] : [],
    problems,
    patient: { clinic: patientKey, ...(useHospital ? { hospital: hospitalPatientKey } : {}) },
    linkIdentifier,
    copiedAcross,
    droppedEncounterRefs,
  };
}

/**
 * Removes, in place, every Reference inside `value` whose target matches `drop`: an array item
 * is spliced out (and an array left empty is deleted), a single-valued element is deleted.
 * Contained resources are left alone. Returns how many references were removed.
 * @param {any} value
 * @param {(reference: string) => boolean} drop
 */
export function removeReferences(value, drop) {
  let count = 0;
  /** @param {any} node */
  const isDropped = (node) =>
    node !== null && typeof node === 'object' && typeof node.reference === 'string' && drop(node.reference);
  /** @param {any} node */
  const walk = (node) => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      if (key === 'contained') continue;
      const child = node[key];
      if (Array.isArray(child)) {
        const kept = child.filter((item) => !isDropped(item));
        count += child.length - kept.length;
        if (kept.length === 0 && child.length > 0) delete node[key];
        else {
          if (kept.length !== child.length) node[key] = kept;
          walk(kept);
        }
      } else if (isDropped(child)) {
        delete node[key];
        count++;
      } else if (child !== null && typeof child === 'object') {
        walk(child);
      }
    }
  };
  walk(value);
  return count;
}
