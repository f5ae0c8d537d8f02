/**
 * Calls `visit` for every Reference-shaped object (an object with a string `reference`) anywhere
 * inside `value`, at any depth (extensions, contained resources, backbone elements, ...).
 * @param {unknown} value
 * @param {(ref: { reference: string, [k: string]: unknown }) => void} visit
 */
export function forEachReference(value: unknown, visit: (ref: {
    reference: string;
    [k: string]: unknown;
}) => void): void;
/**
 * Splits a relative reference into type and id, or returns undefined when it is not of the form
 * `Type/id` (optionally with `/_history/n`).
 * @param {string} reference
 * @returns {{ type: string, id: string } | undefined}
 */
export function parseRelativeReference(reference: string): {
    type: string;
    id: string;
} | undefined;
/**
 * Small stable string hash (FNV-1a, 32 bit) as 8 hex digits. Used for generated ids so they are
 * the same on every run without depending on Node's crypto.
 * @param {string} text
 */
export function stableHash(text: string): string;
/**
 * Resolves every reference in a Bundle against the bundle's own entries and rewrites it to
 * relative `Type/id`. A lone resource (not a Bundle) is returned as is (copied): its references
 * can only be checked against the other data it is loaded with, which the caller does.
 *
 * Never throws for bad data: unresolvable references are left as written and reported as
 * `dangling-reference`; entries without a resource or with a DELETE/GET request are reported as
 * `unsupported-entry` and skipped.
 *
 * The input is not modified; the returned resources are deep copies.
 *
 * @param {unknown} input  a parsed JSON document
 * @param {{ file?: string }} [options]
 * @returns {{ resources: Resource[], problems: Problem[] }}
 */
export function bundleToResources(input: unknown, { file }?: {
    file?: string;
}): {
    resources: Resource[];
    problems: Problem[];
};
/**
 * Turning a FHIR Bundle (or a lone resource) into a flat list of resources whose references are
 * all in relative `Type/id` form.
 *
 * Pure functions only: no file system, no Node built-ins, so stories and browser tests can use
 * them too.
 *
 * Reference styles handled (all of them occur in the sample data):
 * - `urn:uuid:` fullUrl, `urn:uuid:` references (Synthea transaction bundles, POST entries);
 * - no fullUrl, relative `Type/id` references, `PUT Type/id` requests;
 * - absolute fullUrls (`https://server/base/Type/id`) with relative references, resolved against
 *   the referencing entry's base as the FHIR bundle rules say;
 * - `PUT Type/id` with a `urn:uuid:` fullUrl: the id comes from the request URL;
 * - conditional references (`Type?identifier=system|value`), resolved against the bundle;
 * - contained references (`#id`), which are left exactly as they are;
 * - version-specific references (`Type/id/_history/n`) that point into the bundle.
 */
/** @typedef {import('fhir/r4').FhirResource} Resource */
/** @typedef {import('fhir/r4').Bundle} Bundle */
/**
 * One thing the loader could not do, or noticed and worked around. Loading never throws for bad
 * data: it reports here and carries on.
 * @typedef {object} Problem
 * @property {string} file  the data file the problem was found in
 * @property {string} kind  'dangling-reference' | 'unsupported-entry' | 'unsupported-conditional-reference'
 *   | 'invalid-json' | 'not-fhir' | 'duplicate-id' | 'conflicting-duplicate' | 'id-from-request'
 *   | 'unlinkable-patient'
 * @property {string} [reference]  the reference as written in the data
 * @property {string} [resource]  `Type/id` of the resource concerned
 * @property {'clinic' | 'hospital'} [base]  the provider base, when the problem is about one
 * @property {string} message
 */
/** A valid FHIR id: letters, digits, `-` and `.`, 1 to 64 characters. */
export const FHIR_ID: RegExp;
export type Resource = import("fhir/r4").FhirResource;
export type Bundle = import("fhir/r4").Bundle;
/**
 * One thing the loader could not do, or noticed and worked around. Loading never throws for bad
 * data: it reports here and carries on.
 */
export type Problem = {
    /**
     * the data file the problem was found in
     */
    file: string;
    /**
     * 'dangling-reference' | 'unsupported-entry' | 'unsupported-conditional-reference'
     * | 'invalid-json' | 'not-fhir' | 'duplicate-id' | 'conflicting-duplicate' | 'id-from-request'
     * | 'unlinkable-patient'
     */
    kind: string;
    /**
     * the reference as written in the data
     */
    reference?: string | undefined;
    /**
     * `Type/id` of the resource concerned
     */
    resource?: string | undefined;
    /**
     * the provider base, when the problem is about one
     */
    base?: "clinic" | "hospital" | undefined;
    message: string;
};
