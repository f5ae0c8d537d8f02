/**
 * Index values derived from a resource: its clinical date and its main codes.
 *
 * These feed the `[patient+type+date]` and `*codes` indexes and the v2 schema upgrade. If what
 * they compute changes, add a schema version whose upgrade recomputes the stored values, because
 * rows written by older code keep the old values otherwise.
 *
 * That is why these do not use `src/fhir`'s look-alikes, whose results differ: `fhirDateSortKey`
 * gives a number, not a sortable string, and reads an offset-less dateTime as UTC where
 * `normalizeDate` (through `Date.parse`) reads it as local time; `conceptKeys` canonicalizes the
 * system (OIDs, trailing slash, `https`) and drops codings without one, where `codesOf` keeps the
 * system as written (`|code` when absent).
 */
import type { CodeableConcept, Resource } from 'fhir/r4';

/**
 * Candidate elements for the clinical date, per type, first present wins. `x.start` means the
 * start of a Period.
 */
const DATE_ELEMENTS: Record<string, string[]> = {
  AllergyIntolerance: ['onsetDateTime', 'onsetPeriod.start', 'recordedDate'],
  CarePlan: ['period.start', 'created'],
  CareTeam: ['period.start'],
  Claim: ['billablePeriod.start', 'created'],
  Condition: ['onsetDateTime', 'onsetPeriod.start', 'recordedDate'],
  Consent: ['dateTime'],
  Coverage: ['period.start'],
  DeviceRequest: ['occurrenceDateTime', 'occurrencePeriod.start', 'authoredOn'],
  DiagnosticReport: ['effectiveDateTime', 'effectivePeriod.start', 'issued'],
  DocumentReference: ['context.period.start', 'date'],
  Encounter: ['period.start'],
  ExplanationOfBenefit: ['billablePeriod.start', 'created'],
  Goal: ['startDate', 'statusDate'],
  ImagingStudy: ['started'],
  Immunization: ['occurrenceDateTime', 'recorded'],
  MedicationAdministration: ['effectiveDateTime', 'effectivePeriod.start'],
  MedicationDispense: ['whenHandedOver', 'whenPrepared'],
  MedicationRequest: ['authoredOn'],
  MedicationStatement: ['effectiveDateTime', 'effectivePeriod.start', 'dateAsserted'],
  Observation: ['effectiveDateTime', 'effectivePeriod.start', 'effectiveInstant', 'issued'],
  Procedure: ['performedDateTime', 'performedPeriod.start'],
  ServiceRequest: ['occurrenceDateTime', 'occurrencePeriod.start', 'authoredOn'],
};

/** Main CodeableConcept(s) per type, for the `*codes` index. */
const CODE_ELEMENTS: Record<string, string[]> = {
  AllergyIntolerance: ['code'],
  Condition: ['code'],
  DiagnosticReport: ['code'],
  Immunization: ['vaccineCode'],
  Medication: ['code'],
  MedicationAdministration: ['medicationCodeableConcept'],
  MedicationDispense: ['medicationCodeableConcept'],
  MedicationRequest: ['medicationCodeableConcept'],
  MedicationStatement: ['medicationCodeableConcept'],
  Observation: ['code'],
  Procedure: ['code'],
  ServiceRequest: ['code'],
};

function valueAt(resource: Resource, path: string): unknown {
  let v: unknown = resource;
  for (const step of path.split('.')) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[step];
  }
  return v;
}

/**
 * Makes FHIR date/dateTime/instant values sort correctly as strings: a dateTime with a time zone
 * becomes UTC ISO (`2019-05-22T08:00:00.000Z`); partial dates (`2019`, `2019-05`, `2019-05-22`)
 * stay as they are, which sorts them before the full values they contain.
 */
export function normalizeDate(value: string): string | undefined {
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(value)) return value;
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  return undefined;
}

/** Clinical date of a resource (normalized), or undefined when it has none we know of. */
export function clinicalDate(resource: Resource): string | undefined {
  for (const path of DATE_ELEMENTS[resource.resourceType] ?? []) {
    const v = valueAt(resource, path);
    if (typeof v === 'string') {
      const d = normalizeDate(v);
      if (d) return d;
    }
  }
  return undefined;
}

/** Codes and systems longer than this are not indexed (no real one is; a hostile one bloats the index). */
const MAX_INDEXED_CODE = 1000;
/** Codings indexed per resource at most (real ones have a handful; 100,000 would bloat the index). */
const MAX_INDEXED_CODINGS = 50;

/** `"<system>|<code>"` for every coding of the resource's main code(s); no duplicates. */
export function codesOf(resource: Resource): string[] {
  const out = new Set<string>();
  for (const path of CODE_ELEMENTS[resource.resourceType] ?? []) {
    // Server data: `coding` may be anything, its entries too (null, numbers, strings).
    const codings = (valueAt(resource, path) as CodeableConcept | undefined)?.coding;
    if (!Array.isArray(codings)) continue;
    for (const coding of codings as unknown[]) {
      if (!coding || typeof coding !== 'object') continue;
      const { system, code } = coding as { system?: unknown; code?: unknown };
      if (typeof code !== 'string' || !code || code.length > MAX_INDEXED_CODE) continue;
      // An over-long system is skipped with its code: indexed system-less it would merge with
      // codes that really have no system.
      if (typeof system === 'string' && system.length > MAX_INDEXED_CODE) continue;
      out.add(`${typeof system === 'string' ? system : ''}|${code}`);
      if (out.size >= MAX_INDEXED_CODINGS) return [...out];
    }
  }
  return [...out];
}

/** Milliseconds of a FHIR instant, or undefined. Used to order server versions. */
export function instantMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
