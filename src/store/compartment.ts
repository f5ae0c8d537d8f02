/**
 * Which patient a resource belongs to, and how references are turned into patient keys.
 *
 * Reference parsing and the Patient compartment table come from `src/fhir/references.ts`
 * (store → fhir is allowed); what is here is the store's own part: patient keys, the mapping of
 * absolute base URLs to sources, and the few places where the store files a resource differently
 * from `patientReferenceOf` (listed in {@link STORE_PATIENT_PATHS}).
 */
import type { Resource } from 'fhir/r4';
import { PATIENT_REFERENCE_PATHS, parseReference, referencesAtPath } from '../fhir/references.js';

/**
 * Elements that hold the owning patient, per resource type, first match wins: `src/fhir`'s
 * Patient compartment table with the store's differences below. They decide the stored
 * `patient` index, so they must not change without a schema upgrade that recomputes it.
 * Types not listed (and not shared) fall back to `subject`, then `patient`, when those
 * reference a Patient.
 */
const STORE_PATIENT_PATHS: Readonly<Record<string, readonly string[]>> = {
  // src/fhir also reads `SupplyRequest.deliverTo`; the store leaves SupplyRequest to the fallback.
  ...Object.fromEntries(Object.entries(PATIENT_REFERENCE_PATHS).filter(([type]) => type !== 'SupplyRequest')),
  // Types src/fhir's table does not list.
  Basic: ['subject'],
  EnrollmentRequest: ['candidate'],
  GuidanceResponse: ['subject'],
  MeasureReport: ['subject'],
  RequestGroup: ['subject'],
  ResearchSubject: ['individual'],
  // src/fhir falls back to `subscriber` and `policyHolder`; the store files a Coverage under
  // its beneficiary only.
  Coverage: ['beneficiary'],
};

/** Types that never belong to one patient even if they happen to have a `patient`/`subject`. */
const SHARED_TYPES = new Set([
  'Medication',
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'Endpoint',
  'HealthcareService',
  'Group',
  'Provenance',
  'Substance',
]);

/** A reference that points at a Patient, split into where and which. */
export interface PatientRef {
  /** Absolute base URL when the reference was absolute, e.g. `http://host/fhir`. */
  base?: string;
  id: string;
}

export { isFhirId, parsePatientKey } from '../fhir/references.js';

/** Removes a trailing slash, so base URLs compare equal however they were typed. */
export function normalizeBase(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Parses a reference string to a Patient: `Patient/1`, `Patient/1/_history/2`,
 * `http://host/fhir/Patient/1`. Returns undefined for anything else (contained `#x`,
 * `urn:uuid:`, other types, identifier-only references).
 */
export function parsePatientReference(reference: string | undefined): PatientRef | undefined {
  const parsed = parseReference(reference);
  if (!parsed || parsed.kind === 'contained' || parsed.kind === 'urn' || parsed.type !== 'Patient') return undefined;
  return parsed.base ? { base: normalizeBase(parsed.base), id: parsed.id } : { id: parsed.id };
}

/** Source ids and base URLs, used to map absolute references to sources. */
export type SourceBases = ReadonlyArray<{ id: string; baseUrl: string }>;

/**
 * Resolves a Patient reference found in a resource of `source` to a patient key.
 * Relative references stay in `source`. Absolute ones map to the source with that base URL; an
 * absolute URL of a base we do not know is taken to be the resource's own server (servers often
 * write their own absolute URL under another host name, e.g. behind a proxy).
 */
export function patientKeyFromRef(ref: PatientRef, source: string, sources: SourceBases): string {
  if (ref.base) {
    const match = sources.find((s) => normalizeBase(s.baseUrl) === ref.base);
    if (match) return `${match.id}/Patient/${ref.id}`;
  }
  return `${source}/Patient/${ref.id}`;
}

/**
 * Patient key a resource belongs to: itself for a Patient, the patient its compartment element
 * references otherwise, `''` for shared resources or when no Patient reference can be resolved.
 */
export function patientKeyOf(resource: Resource, source: string, sources: SourceBases): string {
  if (resource.resourceType === 'Patient') return `${source}/Patient/${resource.id}`;
  if (SHARED_TYPES.has(resource.resourceType)) return '';
  const paths = STORE_PATIENT_PATHS[resource.resourceType] ?? ['subject', 'patient'];
  for (const path of paths) {
    for (const ref of referencesAtPath(resource, path)) {
      const parsed = parsePatientReference(ref);
      if (parsed) return patientKeyFromRef(parsed, source, sources);
    }
  }
  return '';
}

/** Why a downloaded resource was not stored (see {@link fileDownloaded}). */
export type RefusalCode = 'refused-foreign-patient' | 'refused-unrequested-patient' | 'refused-no-patient';

/** Where a downloaded resource may be filed, or why it may not be stored at all. */
export type Filing = { patient: string } | { refused: RefusalCode; reason: string };

/**
 * The filing rule for downloads: a source speaks only about its own patients, and only about
 * those this sync asked it for (`asked`, patient keys `<source>/Patient/<id>`).
 *
 * - A Patient is stored only when it is one of `asked` (`refused-unrequested-patient` otherwise:
 *   a page that carries other people, e.g. the linked Patient of `$everything`).
 * - A resource that references its patient is stored only under a patient of `source` in
 *   `asked`. A reference absolute to another registered source's base, or to a base no source
 *   has, or naming a patient of `source` not asked for, is `refused-foreign-patient`.
 *   (Unlike {@link patientKeyFromRef}, which local saves use, an unknown base is not assumed
 *   to be the source itself: a server's proxy name is not worth letting one server speak for
 *   another.)
 * - A resource of a patient-compartment type that names no patient (none, or a Group) is
 *   `refused-no-patient`: no chart would ever show it.
 * - Shared types (Medication, Practitioner, ...) and types outside the patient compartment are
 *   filed under no patient (`''`).
 */
export function fileDownloaded(
  resource: Resource,
  source: { id: string; baseUrl: string },
  sources: SourceBases,
  asked: ReadonlySet<string>,
): Filing {
  if (resource.resourceType === 'Patient') {
    const key = `${source.id}/Patient/${resource.id}`;
    if (asked.has(key)) return { patient: key };
    return { refused: 'refused-unrequested-patient', reason: `${source.id} sent Patient/${resource.id}, which this sync did not ask for` };
  }
  if (SHARED_TYPES.has(resource.resourceType)) return { patient: '' };
  const what = `${resource.resourceType}/${resource.id}`;
  const ownBase = normalizeBase(source.baseUrl);
  const paths = STORE_PATIENT_PATHS[resource.resourceType] ?? ['subject', 'patient'];
  for (const path of paths) {
    for (const ref of referencesAtPath(resource, path)) {
      const parsed = parsePatientReference(ref);
      if (!parsed) continue;
      if (parsed.base && parsed.base !== ownBase) {
        const other = sources.find((s) => s.id !== source.id && normalizeBase(s.baseUrl) === parsed.base);
        return {
          refused: 'refused-foreign-patient',
          reason: other
            ? `${source.id} sent ${what} about ${other.id}/Patient/${parsed.id}, a patient of another source`
            : `${source.id} sent ${what} about a patient on a server that is not a registered source`,
        };
      }
      const key = `${source.id}/Patient/${parsed.id}`;
      if (asked.has(key)) return { patient: key };
      return { refused: 'refused-foreign-patient', reason: `${source.id} sent ${what} about ${key}, which this sync did not ask for` };
    }
  }
  // A type of the patient compartment that names no patient cannot be shown in any chart:
  // refused and reported, not kept as an unfiled row nobody sees.
  if (STORE_PATIENT_PATHS[resource.resourceType]) {
    return { refused: 'refused-no-patient', reason: `${source.id} sent ${what}, which names no patient` };
  }
  return { patient: '' };
}

