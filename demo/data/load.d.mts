/**
 * Reads every FHIR JSON file in `dir`, resolves references, splits each patient between the clinic
 * and the hospital, and checks that every reference resolves within its base.
 *
 * Deterministic: the same folder gives the same output (ids, order, problems) on every run.
 *
 * @param {{ dir?: string, hospitalLabFrom?: string | null }} [options]
 *   `hospitalLabFrom`: see `splitAcrossProviders` (`null` keeps every clinic lab at the clinic)
 * @returns {Promise<SampleData>}
 */
export function loadSampleData(options?: {
    dir?: string;
    hospitalLabFrom?: string | null;
}): Promise<SampleData>;
/** @typedef {import('fhir/r4').FhirResource} Resource */
/** @typedef {import('./references.mjs').Problem} Problem */
/**
 * @typedef {object} Base
 * @property {'clinic' | 'hospital'} id
 * @property {string} label
 * @property {Resource[]} resources
 */
/**
 * @typedef {object} PatientSummary
 * @property {string} name  e.g. "Parker Casper"
 * @property {string} file  the data file, relative to the data folder
 * @property {string} [clinic]  `Patient/<id>` in the clinic base
 * @property {string} [hospital]  `Patient/<id>` in the hospital base, when the hospital knows the patient
 * @property {{ system: string, value: string }} [linkIdentifier]  the identifier both copies share
 * @property {boolean} deceased
 * @property {Record<string, number>} counts  resources per base made from this patient's file
 *   (shared ones such as Organizations included, even when another file brought them first)
 */
/**
 * @typedef {object} SampleData
 * @property {Base[]} bases  clinic first, then hospital
 * @property {Problem[]} problems
 * @property {PatientSummary[]} patients
 * @property {string[]} linkIdentifierSystems  every identifier system used for linking, for
 *   `RecordStore.open({ linkIdentifierSystems })`
 */
export const DEFAULT_DIR: string;
export namespace BASE_LABELS {
    let clinic: "Riverside Clinic";
    let hospital: "St Elsewhere Hospital";
}
export type Resource = import("fhir/r4").FhirResource;
export type Problem = import("./references.mjs").Problem;
export type Base = {
    id: "clinic" | "hospital";
    label: string;
    resources: Resource[];
};
export type PatientSummary = {
    /**
     * e.g. "Parker Casper"
     */
    name: string;
    /**
     * the data file, relative to the data folder
     */
    file: string;
    /**
     * `Patient/<id>` in the clinic base
     */
    clinic?: string | undefined;
    /**
     * `Patient/<id>` in the hospital base, when the hospital knows the patient
     */
    hospital?: string | undefined;
    /**
     * the identifier both copies share
     */
    linkIdentifier?: {
        system: string;
        value: string;
    } | undefined;
    deceased: boolean;
    /**
     * resources per base made from this patient's file
     * (shared ones such as Organizations included, even when another file brought them first)
     */
    counts: Record<string, number>;
};
export type SampleData = {
    /**
     * clinic first, then hospital
     */
    bases: Base[];
    problems: Problem[];
    patients: PatientSummary[];
    /**
     * every identifier system used for linking, for
     * `RecordStore.open({ linkIdentifierSystems })`
     */
    linkIdentifierSystems: string[];
};
export { bundleToResources, forEachReference, parseRelativeReference } from "./references.mjs";
export { splitAcrossProviders, linkIdentifierOf, hospitalId, hospitalMrn, removeReferences, HOSPITAL_ENCOUNTER_CLASSES, HOSPITAL_LAB_FROM, HOSPITAL_MRN_SYSTEM, SHARED_TYPES, SSN_SYSTEM } from "./split.mjs";
