/**
 * Which patient a resource belongs to, and how references are turned into patient keys.
 *
 * Private to the store on purpose (the store must not depend on `src/fhir/`); once `src/fhir/`
 * has reference helpers these can be deduplicated.
 */
import type { Reference, Resource } from 'fhir/r4';

/**
 * Element that holds the owning patient, per resource type (after the R4 Patient compartment
 * definition, reduced to the one element that names *the* patient of the record). Types not
 * listed fall back to `subject`, then `patient`, when those reference a Patient.
 */
const PATIENT_ELEMENT: Record<string, string> = {
  Account: 'subject',
  AdverseEvent: 'subject',
  AllergyIntolerance: 'patient',
  Appointment: 'participant.actor',
  AppointmentResponse: 'actor',
  Basic: 'subject',
  BodyStructure: 'patient',
  CarePlan: 'subject',
  CareTeam: 'subject',
  ChargeItem: 'subject',
  Claim: 'patient',
  ClaimResponse: 'patient',
  ClinicalImpression: 'subject',
  Communication: 'subject',
  CommunicationRequest: 'subject',
  Composition: 'subject',
  Condition: 'subject',
  Consent: 'patient',
  Coverage: 'beneficiary',
  CoverageEligibilityRequest: 'patient',
  CoverageEligibilityResponse: 'patient',
  DetectedIssue: 'patient',
  Device: 'patient',
  DeviceRequest: 'subject',
  DeviceUseStatement: 'subject',
  DiagnosticReport: 'subject',
  DocumentManifest: 'subject',
  DocumentReference: 'subject',
  Encounter: 'subject',
  EnrollmentRequest: 'candidate',
  EpisodeOfCare: 'patient',
  ExplanationOfBenefit: 'patient',
  FamilyMemberHistory: 'patient',
  Flag: 'subject',
  Goal: 'subject',
  GuidanceResponse: 'subject',
  ImagingStudy: 'subject',
  Immunization: 'patient',
  ImmunizationEvaluation: 'patient',
  ImmunizationRecommendation: 'patient',
  Invoice: 'subject',
  List: 'subject',
  MeasureReport: 'subject',
  Media: 'subject',
  MedicationAdministration: 'subject',
  MedicationDispense: 'subject',
  MedicationRequest: 'subject',
  MedicationStatement: 'subject',
  MolecularSequence: 'patient',
  NutritionOrder: 'patient',
  Observation: 'subject',
  Procedure: 'subject',
  QuestionnaireResponse: 'subject',
  RelatedPerson: 'patient',
  RequestGroup: 'subject',
  ResearchSubject: 'individual',
  RiskAssessment: 'subject',
  ServiceRequest: 'subject',
  Specimen: 'subject',
  SupplyDelivery: 'patient',
  Task: 'for',
  VisionPrescription: 'patient',
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

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Whether `id` is a valid FHIR logical id. */
export function isFhirId(id: unknown): id is string {
  return typeof id === 'string' && FHIR_ID.test(id);
}

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
  if (!reference) return undefined;
  const ref = reference.replace(/\/_history\/[^/]+$/, '');
  const m = /^(?:(https?:\/\/.+)\/)?Patient\/([^/?#]+)$/.exec(ref);
  if (!m || !isFhirId(m[2])) return undefined;
  return m[1] ? { base: normalizeBase(m[1]), id: m[2] } : { id: m[2] };
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

function referencesAt(resource: Resource, path: string): Reference[] {
  let values: unknown[] = [resource];
  for (const step of path.split('.')) {
    const next: unknown[] = [];
    for (const v of values) {
      const child = v && typeof v === 'object' ? (v as Record<string, unknown>)[step] : undefined;
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined) next.push(child);
    }
    values = next;
  }
  return values.filter((v): v is Reference => !!v && typeof v === 'object');
}

/**
 * Patient key a resource belongs to: itself for a Patient, the patient its compartment element
 * references otherwise, `''` for shared resources or when no Patient reference can be resolved.
 */
export function patientKeyOf(resource: Resource, source: string, sources: SourceBases): string {
  if (resource.resourceType === 'Patient') return `${source}/Patient/${resource.id}`;
  if (SHARED_TYPES.has(resource.resourceType)) return '';
  const paths = PATIENT_ELEMENT[resource.resourceType]
    ? [PATIENT_ELEMENT[resource.resourceType]!]
    : ['subject', 'patient'];
  for (const path of paths) {
    for (const ref of referencesAt(resource, path)) {
      const parsed = parsePatientReference(ref.reference);
      if (parsed) return patientKeyFromRef(parsed, source, sources);
    }
  }
  return '';
}

/** Splits a patient key; undefined when it is not `<source>/Patient/<id>`. */
export function parsePatientKey(key: string): { source: string; id: string } | undefined {
  const m = /^([^/]+)\/Patient\/([^/]+)$/.exec(key);
  return m && isFhirId(m[2]) ? { source: m[1]!, id: m[2] } : undefined;
}
