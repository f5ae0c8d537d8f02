/**
 * A valid FHIR id for the hospital's copy of something the clinic also holds.
 * @param {string} id
 */
export function hospitalId(id: string): string;
/**
 * The identifier the two copies of a patient share, so a client can link them:
 * the SSN when there is one, otherwise the first MR-typed identifier, otherwise the first
 * identifier with a system and value.
 * @param {any} patient
 * @returns {{ system: string, value: string } | undefined}
 */
export function linkIdentifierOf(patient: any): {
    system: string;
    value: string;
} | undefined;
/**
 * The hospital's own medical record number for a patient: stable, derived from the clinic's id.
 * @param {string} patientId
 */
export function hospitalMrn(patientId: string): string;
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
export function splitAcrossProviders(resources: Resource[], options?: SplitOptions): SplitResult;
/**
 * Removes, in place, every Reference inside `value` whose target matches `drop`: an array item
 * is spliced out (and an array left empty is deleted), a single-valued element is deleted.
 * Contained resources are left alone. Returns how many references were removed.
 * @param {any} value
 * @param {(reference: string) => boolean} drop
 */
export function removeReferences(value: any, drop: (reference: string) => boolean): number;
/** @typedef {import('fhir/r4').FhirResource} Resource */
/** @typedef {import('./references.mjs').Problem} Problem */
/** Encounter.class codes (v3 ActCode) that mean the hospital: emergency, inpatient, observation, short stay. */
export const HOSPITAL_ENCOUNTER_CLASSES: Set<string>;
/**
 * Resource types that describe people, places, organisations and products rather than care.
 * They are not split: each provider gets its own copy of every one its records refer to.
 */
export const SHARED_TYPES: Set<string>;
/** Identifier system of the hospital's own medical record numbers (made up for the demo). */
export const HOSPITAL_MRN_SYSTEM: "urn:ehr-elements:demo:hospital-mrn";
/** Identifier system of US social security numbers: the identifier that links the two copies. */
export const SSN_SYSTEM: "http://hl7.org/fhir/sid/us-ssn";
/** Lab results from clinic visits on or after this date were done by the hospital laboratory. */
export const HOSPITAL_LAB_FROM: "2019-01-01";
export type Resource = import("fhir/r4").FhirResource;
export type Problem = import("./references.mjs").Problem;
export type SplitOptions = {
    /**
     * for problem reports
     */
    file?: string | undefined;
    /**
     * how many allergies the hospital re-records for a
     * patient with at least `allergyCopyThreshold` allergies (default 2)
     */
    hospitalAllergyCopies?: number | undefined;
    /**
     * default 10
     */
    allergyCopyThreshold?: number | undefined;
    /**
     * ISO date; lab reports of clinic encounters from this
     * date on go to the hospital (the hospital laboratory did them). `null` turns the rule off.
     */
    hospitalLabFrom?: string | null | undefined;
};
export type SplitResult = {
    clinic: Resource[];
    hospital: Resource[];
    problems: Problem[];
    /**
     * `Patient/<id>` in each base
     */
    patient: {
        clinic?: string;
        hospital?: string;
    };
    linkIdentifier: {
        system: string;
        value: string;
    } | undefined;
    /**
     * clinical resources of one side
     * copied into the other because something there refers to them (rule 10)
     */
    copiedAcross: {
        clinic: string[];
        hospital: string[];
    };
    /**
     * references to encounters
     * held only by the other side, removed from each side's copies
     */
    droppedEncounterRefs: {
        clinic: number;
        hospital: number;
    };
};
