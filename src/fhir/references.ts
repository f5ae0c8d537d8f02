/**
 * FHIR references: parsing, contained resources, the patient a resource belongs to, and a
 * deep list of every reference a resource makes.
 */
import type { FhirResource, Reference, Resource } from 'fhir/r4';
import { own } from './lookup.js';

/** A reference string taken apart. */
export type ParsedReference =
  | {
      /** `Type/id`, `Type/id/_history/v`, or an absolute URL ending that way. */
      readonly kind: 'relative' | 'absolute';
      readonly type: string;
      readonly id: string;
      readonly version?: string;
      /** For absolute references: the server base, without a trailing slash. */
      readonly base?: string;
      readonly contained?: false;
    }
  | {
      /** `#id`: a resource contained in the referring resource (`#` alone is the container). */
      readonly kind: 'contained';
      readonly id: string;
      readonly contained: true;
    }
  | {
      /** `urn:uuid:…` or `urn:oid:…`: a bundle-local identity; the type is not known. */
      readonly kind: 'urn';
      readonly urn: string;
      readonly contained?: false;
    };

const TYPE = '[A-Z][A-Za-z]{1,63}';
const ID = '[A-Za-z0-9\\-.]{1,64}';
const RELATIVE = new RegExp(`^(${TYPE})/(${ID})(?:/_history/(${ID}))?$`);
const ABSOLUTE = new RegExp(`^(https?://\\S+?)/(${TYPE})/(${ID})(?:/_history/(${ID}))?$`);
const URN = /^urn:(?:uuid:[0-9a-fA-F-]{36}|oid:[0-2](?:\.(?:0|[1-9]\d*))+)$/;

/**
 * Parses a reference string: relative (`Patient/123`), versioned (`Patient/123/_history/2`),
 * absolute (`https://server/fhir/Patient/123`), contained (`#med0309`) or a URN
 * (`urn:uuid:…`). Returns `null` for anything else (including conditional references such as
 * `Patient?identifier=…`, which only make sense inside a transaction being processed).
 */
export function parseReference(reference: unknown): ParsedReference | null {
  if (typeof reference !== 'string') return null;
  const ref = reference.trim();
  if (!ref || ref.length > 4096) return null;
  if (ref.startsWith('#')) {
    const id = ref.slice(1);
    return id === '' || FHIR_ID.test(id) ? { kind: 'contained', id, contained: true } : null;
  }
  if (/^urn:/i.test(ref)) return URN.test(ref) ? { kind: 'urn', urn: ref } : null;
  let m = RELATIVE.exec(ref);
  if (m) return { kind: 'relative', type: m[1]!, id: m[2]!, ...(m[3] ? { version: m[3] } : {}) };
  m = ABSOLUTE.exec(ref);
  if (m) return { kind: 'absolute', base: m[1]!, type: m[2]!, id: m[3]!, ...(m[4] ? { version: m[4] } : {}) };
  return null;
}

const FHIR_ID = new RegExp(`^${ID}$`);
const TYPE_AND_ID = new RegExp(`(?:^|/)(${TYPE})/(${ID})(?:/_history/(${ID}))?$`);
const PATIENT_KEY = new RegExp(`^([^/]+)/Patient/(${ID})$`);

/** Whether `id` is a valid FHIR logical id (1–64 letters, digits, `-` or `.`). */
export function isFhirId(id: unknown): id is string {
  return typeof id === 'string' && FHIR_ID.test(id);
}

/**
 * `{ type, id }` from anything that ends in `Type/id` or `Type/id/_history/v`: a relative
 * reference, an absolute URL, a `Location` header or a Bundle `fullUrl` (a query string is
 * ignored). `undefined` otherwise.
 */
export function typeAndIdOf(url: unknown): { type: string; id: string } | undefined {
  if (typeof url !== 'string' || !url || url.length > 4096) return undefined;
  const m = TYPE_AND_ID.exec(url.split('?')[0]!);
  return m ? { type: m[1]!, id: m[2]! } : undefined;
}

/** Splits a patient key `<source>/Patient/<id>`; `undefined` for anything else. */
export function parsePatientKey(key: unknown): { source: string; id: string } | undefined {
  const m = typeof key === 'string' ? PATIENT_KEY.exec(key) : null;
  return m ? { source: m[1]!, id: m[2]! } : undefined;
}

/**
 * The Patients a Patient's `link`s name (`other` references to a Patient, relative or absolute;
 * RelatedPerson links and unreadable references are left out), as `{ id, base? }` with an
 * absolute reference's base without its trailing slash. The one reading of `Patient.link` that
 * the store's linking rule and the sync's candidate fetching share.
 */
export function patientLinkTargets(patient: unknown): Array<{ id: string; base?: string }> {
  const links = (patient as { link?: unknown } | null | undefined)?.link;
  const out: Array<{ id: string; base?: string }> = [];
  for (const link of Array.isArray(links) ? links : []) {
    const parsed = parseReference((link as { other?: { reference?: unknown } } | null)?.other?.reference);
    if (!parsed || parsed.kind === 'contained' || parsed.kind === 'urn' || parsed.type !== 'Patient') continue;
    out.push(parsed.base ? { id: parsed.id, base: parsed.base.replace(/\/+$/, '') } : { id: parsed.id });
  }
  return out;
}

/** The reference string of a Reference (or a bare string), or `undefined`. */
function referenceString(ref: Reference | string | undefined | null): string | undefined {
  if (typeof ref === 'string') return ref;
  return ref && typeof ref === 'object' && typeof ref.reference === 'string' ? ref.reference : undefined;
}

/**
 * Finds the resource a `#id` reference points to inside `container.contained`. A bare `#`
 * is the container itself. Returns `undefined` for non-contained references or missing ids.
 */
export function resolveContained<T extends Resource = FhirResource>(
  container: Resource | undefined | null,
  ref: Reference | string | undefined | null,
): T | undefined {
  const parsed = parseReference(referenceString(ref));
  if (!container || !parsed || parsed.kind !== 'contained') return undefined;
  if (parsed.id === '') return container as T;
  const list = (container as { contained?: unknown }).contained;
  if (!Array.isArray(list)) return undefined;
  return list.find((r): r is T => r && typeof r === 'object' && (r as Resource).id === parsed.id);
}

/**
 * Where each resource type points at its patient (the main entries of the FHIR Patient
 * compartment, first match wins). Types with no patient element (e.g. Provenance, Medication,
 * Organization) are absent.
 */
export const PATIENT_REFERENCE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Account: ['subject'],
  AdverseEvent: ['subject'],
  AllergyIntolerance: ['patient'],
  Appointment: ['participant.actor'],
  AppointmentResponse: ['actor'],
  BodyStructure: ['patient'],
  CarePlan: ['subject'],
  CareTeam: ['subject'],
  ChargeItem: ['subject'],
  Claim: ['patient'],
  ClaimResponse: ['patient'],
  ClinicalImpression: ['subject'],
  Communication: ['subject'],
  CommunicationRequest: ['subject'],
  Composition: ['subject'],
  Condition: ['subject'],
  Consent: ['patient'],
  Coverage: ['beneficiary', 'subscriber', 'policyHolder'],
  CoverageEligibilityRequest: ['patient'],
  CoverageEligibilityResponse: ['patient'],
  DetectedIssue: ['patient'],
  Device: ['patient'],
  DeviceRequest: ['subject'],
  DeviceUseStatement: ['subject'],
  DiagnosticReport: ['subject'],
  DocumentManifest: ['subject'],
  DocumentReference: ['subject'],
  Encounter: ['subject'],
  EpisodeOfCare: ['patient'],
  ExplanationOfBenefit: ['patient'],
  FamilyMemberHistory: ['patient'],
  Flag: ['subject'],
  Goal: ['subject'],
  ImagingStudy: ['subject'],
  Immunization: ['patient'],
  ImmunizationEvaluation: ['patient'],
  ImmunizationRecommendation: ['patient'],
  Invoice: ['subject'],
  List: ['subject'],
  Media: ['subject'],
  MedicationAdministration: ['subject'],
  MedicationDispense: ['subject'],
  MedicationRequest: ['subject'],
  MedicationStatement: ['subject'],
  MolecularSequence: ['patient'],
  NutritionOrder: ['patient'],
  Observation: ['subject'],
  Procedure: ['subject'],
  QuestionnaireResponse: ['subject'],
  RelatedPerson: ['patient'],
  RiskAssessment: ['subject'],
  ServiceRequest: ['subject'],
  Specimen: ['subject'],
  SupplyDelivery: ['patient'],
  SupplyRequest: ['deliverTo'],
  Task: ['for'],
  VisionPrescription: ['patient'],
};

/**
 * The non-empty reference strings at a dotted element path (`participant.actor`), stepping
 * through arrays at every level. Bare strings at the path are taken as references too.
 */
export function referencesAtPath(resource: unknown, path: string): string[] {
  let nodes: unknown[] = [resource];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const n of nodes) {
      if (!n || typeof n !== 'object') continue;
      const v = (n as Record<string, unknown>)[key];
      if (Array.isArray(v)) next.push(...v);
      else if (v !== undefined) next.push(v);
    }
    nodes = next;
  }
  return nodes.map((n) => referenceString(n as Reference)).filter((s): s is string => typeof s === 'string' && s.trim() !== '');
}

/**
 * The reference to the patient a resource is about (e.g. `MedicationRequest.subject`,
 * `AllergyIntolerance.patient`, `Coverage.beneficiary`). References that clearly point at
 * something other than a Patient (`Group/herd1`, `Device/…`) are skipped; `urn:uuid:`
 * references are returned as they are, since their type cannot be told from the string.
 * A Patient returns `Patient/<id>`. `undefined` when there is none.
 */
export function patientReferenceOf(resource: Resource | undefined | null): string | undefined {
  if (!resource || typeof resource !== 'object') return undefined;
  if (resource.resourceType === 'Patient') return typeof resource.id === 'string' ? `Patient/${resource.id}` : undefined;
  const paths = own(PATIENT_REFERENCE_PATHS, resource.resourceType);
  if (!paths) return undefined;
  for (const path of paths) {
    for (const ref of referencesAtPath(resource, path)) {
      const parsed = parseReference(ref);
      if (parsed && (parsed.kind === 'urn' || (parsed.kind !== 'contained' && parsed.type === 'Patient'))) return ref.trim();
    }
  }
  return undefined;
}

/**
 * Every reference string a resource makes, found by walking it deeply (including extensions
 * and contained resources), in order of first appearance, without duplicates. Only string
 * `reference` properties of objects are collected; identifiers and canonicals are not.
 */
export function referencesOf(resource: unknown): string[] {
  const found = new Set<string>();
  const seen = new WeakSet<object>();
  const stack: Array<{ node: unknown; depth: number }> = [{ node: resource, depth: 0 }];
  // Depth-first, preserving document order by pushing children in reverse.
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (!node || typeof node !== 'object' || depth > 64 || seen.has(node)) continue;
    seen.add(node);
    const children: unknown[] = [];
    if (Array.isArray(node)) {
      children.push(...node);
    } else {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'reference' && typeof value === 'string') {
          if (value.trim()) found.add(value.trim());
        } else if (value && typeof value === 'object') {
          children.push(value);
        }
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], depth: depth + 1 });
  }
  return [...found];
}
