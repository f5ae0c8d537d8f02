/**
 * Clinical-safety predicates: what is entered in error, refuted, active, abnormal, deceased.
 * Every function returns a stable key; unknown or missing values map to an explicit
 * `not-known`/`unknown` key, never to the "safe-looking" answer.
 */
import type {
  AllergyIntolerance,
  CodeableConcept,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Patient,
  Resource,
} from 'fhir/r4';
import { SYSTEMS, canonicalSystem } from './codings.js';
import { parseFhirDate } from './dates.js';
import type { ParsedFhirDate } from './dates.js';
import { own } from './lookup.js';

/**
 * The codes of a status: a CodeableConcept's coding codes (R4), or — with `plainString`, for
 * elements that were a plain `code` in STU3 (`"verificationStatus": "refuted"`) — that string.
 */
function codesOf(cc: unknown, plainString = false): string[] {
  if (typeof cc === 'string') return plainString && cc.trim() ? [cc.trim()] : [];
  if (!cc || typeof cc !== 'object') return [];
  const coding = (cc as CodeableConcept).coding;
  return Array.isArray(coding)
    ? coding.map((c) => (c && typeof c.code === 'string' ? c.code.trim() : '')).filter(Boolean)
    : [];
}

/** Resources whose verification/clinical status was a plain code string in STU3. */
const STU3_STRING_STATUS_TYPES: ReadonlySet<string> = new Set(['AllergyIntolerance', 'Condition']);

/**
 * Whether a resource was recorded in error and must not be shown as clinical fact. Checks every
 * place FHIR R4 puts that state: `status` (most request/event resources), `verificationStatus`
 * (AllergyIntolerance, Condition), `clinicalStatus`, `docStatus` (DocumentReference),
 * `lifecycleStatus` (Goal). On AllergyIntolerance and Condition, verification/clinical status may
 * be a CodeableConcept (R4) or a plain code string (STU3); elsewhere a string there is malformed.
 */
export function isEnteredInError(resource: Resource | undefined | null): boolean {
  if (!resource || typeof resource !== 'object') return false;
  const r = resource as unknown as Record<string, unknown>;
  for (const key of ['status', 'docStatus', 'lifecycleStatus']) {
    if (r[key] === 'entered-in-error') return true;
  }
  const stu3Strings = STU3_STRING_STATUS_TYPES.has(r.resourceType as string);
  for (const key of ['verificationStatus', 'clinicalStatus']) {
    if (codesOf(r[key], stu3Strings).includes('entered-in-error')) return true;
  }
  return false;
}

/** AllergyIntolerance/Condition verification, as a key. */
export type VerificationKey = 'confirmed' | 'unconfirmed' | 'presumed' | 'refuted' | 'entered-in-error' | 'not-known';
/** AllergyIntolerance clinical status, as a key. */
export type AllergyClinicalKey = 'active' | 'inactive' | 'resolved' | 'not-known';

const VERIFICATION: ReadonlySet<string> = new Set(['confirmed', 'unconfirmed', 'presumed', 'refuted', 'entered-in-error']);
const ALLERGY_CLINICAL: ReadonlySet<string> = new Set(['active', 'inactive', 'resolved']);

/**
 * The verification status of an allergy (`presumed` is R5's refinement of unconfirmed). Reads an
 * R4 CodeableConcept or an STU3 plain code string.
 */
export function allergyVerification(a: AllergyIntolerance | undefined | null): VerificationKey {
  const code = codesOf(a?.verificationStatus, true).find((c) => VERIFICATION.has(c));
  return (code as VerificationKey | undefined) ?? 'not-known';
}

/** The clinical status of an allergy (R4 CodeableConcept or STU3 plain code string). */
export function allergyClinicalStatus(a: AllergyIntolerance | undefined | null): AllergyClinicalKey {
  const code = codesOf(a?.clinicalStatus, true).find((c) => ALLERGY_CLINICAL.has(c));
  return (code as AllergyClinicalKey | undefined) ?? 'not-known';
}

/** One combined state for an allergy row. */
export type AllergyState = 'entered-in-error' | 'refuted' | 'resolved' | 'inactive' | 'unconfirmed' | 'active';

/**
 * The combined state of an allergy, most decisive first: entered-in-error, refuted, resolved,
 * inactive, unconfirmed (incl. presumed), active. A record with no clinical status is treated as
 * active (FHIR requires one unless in error; hiding an allergy is the riskier mistake), and its
 * missing verification is not taken as confirmation — see {@link allergyVerification}.
 */
export function allergyState(a: AllergyIntolerance | undefined | null): AllergyState {
  if (!a) return 'entered-in-error';
  if (isEnteredInError(a)) return 'entered-in-error';
  const v = allergyVerification(a);
  if (v === 'refuted') return 'refuted';
  const c = allergyClinicalStatus(a);
  if (c === 'resolved' || c === 'inactive') return c;
  if (v === 'unconfirmed' || v === 'presumed') return 'unconfirmed';
  return 'active';
}

/** Which "no known …" statement a coded negation makes. */
export type NoKnownAllergyKind =
  | 'no-known-allergies'
  | 'no-known-drug-allergies'
  | 'no-known-food-allergies'
  | 'no-known-environmental-allergies'
  | 'no-known-latex-allergies'
  | 'no-known-insect-allergies'
  | 'no-known-animal-allergies'
  | 'no-allergy-information';

/** SNOMED CT situation codes that state the absence of allergies. */
export const NO_KNOWN_ALLERGY_SNOMED: Readonly<Record<string, NoKnownAllergyKind>> = {
  '716186003': 'no-known-allergies',
  '409137002': 'no-known-drug-allergies',
  '429625007': 'no-known-food-allergies',
  '428607008': 'no-known-environmental-allergies',
  '1003774007': 'no-known-latex-allergies',
  '428197003': 'no-known-insect-allergies',
  '716220001': 'no-known-animal-allergies',
};

/** The IPS "absent or unknown" code system and what its codes state. */
export const IPS_ABSENT_UNKNOWN_SYSTEM = 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips';
const IPS_ABSENT: Readonly<Record<string, NoKnownAllergyKind>> = {
  'no-known-allergies': 'no-known-allergies',
  'no-known-medication-allergies': 'no-known-drug-allergies',
  'no-known-food-allergies': 'no-known-food-allergies',
  'no-known-environmental-allergies': 'no-known-environmental-allergies',
  'no-allergy-info': 'no-allergy-information',
};

/**
 * Which coded "no known allergy" statement an AllergyIntolerance makes (SNOMED CT 716186003,
 * 409137002 NKDA, 429625007, 428607008 …, or the IPS absent/unknown codes), or `null` if it
 * is an ordinary allergy. Only codes count: text such as "NKDA" alone is not recognised.
 */
export function noKnownAllergyKind(a: AllergyIntolerance | undefined | null): NoKnownAllergyKind | null {
  const codings = Array.isArray(a?.code?.coding) ? a!.code!.coding! : [];
  for (const c of codings) {
    if (!c || typeof c.code !== 'string') continue;
    const system = canonicalSystem(c.system);
    const kind = system === SYSTEMS.SNOMED_CT ? own(NO_KNOWN_ALLERGY_SNOMED, c.code) : system === IPS_ABSENT_UNKNOWN_SYSTEM ? own(IPS_ABSENT, c.code) : undefined;
    if (kind) return kind;
  }
  return null;
}

/**
 * Whether an AllergyIntolerance is a coded statement that there are no known allergies of some
 * kind (not "no information", which says nothing either way).
 */
export function isNoKnownAllergy(a: AllergyIntolerance | undefined | null): boolean {
  const kind = noKnownAllergyKind(a);
  return kind !== null && kind !== 'no-allergy-information';
}

/** Allergies sorted into what a clinician needs to see. */
export interface AllergyPartition {
  /** Real allergies in force (active, confirmed or of unknown verification). */
  readonly active: AllergyIntolerance[];
  /** Real allergies in force but unconfirmed/presumed: show, visibly unconfirmed. */
  readonly unconfirmed: AllergyIntolerance[];
  /** Real allergies that are resolved or inactive. */
  readonly inactive: AllergyIntolerance[];
  /** Refuted: never shown as allergies. */
  readonly refuted: AllergyIntolerance[];
  /** Entered in error: never shown as clinical fact. */
  readonly enteredInError: AllergyIntolerance[];
  /** Coded "no known …" statements in force (not refuted, in error, resolved or inactive). */
  readonly noKnown: AllergyIntolerance[];
}

/** Splits a list of allergies into the buckets of {@link AllergyPartition}. */
export function partitionAllergies(allergies: readonly AllergyIntolerance[] | undefined | null): AllergyPartition {
  const out = { active: [], unconfirmed: [], inactive: [], refuted: [], enteredInError: [], noKnown: [] } as {
    [K in keyof AllergyPartition]: AllergyIntolerance[];
  };
  for (const a of Array.isArray(allergies) ? allergies : []) {
    if (!a || typeof a !== 'object') continue;
    const state = allergyState(a);
    if (state === 'entered-in-error') out.enteredInError.push(a);
    else if (state === 'refuted') out.refuted.push(a);
    else if (noKnownAllergyKind(a) !== null) {
      if ((state === 'active' || state === 'unconfirmed') && isNoKnownAllergy(a)) out.noKnown.push(a);
    } else if (state === 'resolved' || state === 'inactive') out.inactive.push(a);
    else if (state === 'unconfirmed') out.unconfirmed.push(a);
    else out.active.push(a);
  }
  return out;
}

/** The four allergy summary states: they are different messages and must never be merged. */
export type AllergySummaryState = 'known-allergies' | 'no-known-allergies' | 'not-recorded' | 'unavailable';

/** An allergy summary for a banner. */
export interface AllergySummary {
  readonly state: AllergySummaryState;
  /** For `no-known-allergies`: which statements were made (e.g. only "no known drug allergies"). */
  readonly noKnownKinds: readonly NoKnownAllergyKind[];
  /** Allergies in force, confirmed or not verified. */
  readonly activeCount: number;
  /** Allergies in force but unconfirmed/presumed. */
  readonly unconfirmedCount: number;
  /** True when a coded "no known allergies" statement sits beside real allergies in force. */
  readonly conflicting: boolean;
}

/**
 * Summarises a patient's allergies into one of four states:
 * `unavailable` — the allergies could not be fetched (`fetched: false`), whatever is cached;
 * `known-allergies` — at least one allergy in force (unconfirmed ones count);
 * `no-known-allergies` — a coded "no known …" statement and no allergy in force (see
 * `noKnownKinds`: "no known drug allergies" is narrower than "no known allergies");
 * `not-recorded` — nothing that says either way (resolved/refuted/in-error entries do not count).
 */
export function allergySummary(
  allergies: readonly AllergyIntolerance[] | undefined | null,
  options: { fetched: boolean },
): AllergySummary {
  const p = partitionAllergies(allergies);
  const noKnownKinds = [...new Set(p.noKnown.map((a) => noKnownAllergyKind(a)!))];
  const inForce = p.active.length + p.unconfirmed.length;
  const base = {
    noKnownKinds,
    activeCount: p.active.length,
    unconfirmedCount: p.unconfirmed.length,
    conflicting: inForce > 0 && p.noKnown.length > 0,
  };
  if (!options?.fetched) return { ...base, state: 'unavailable' };
  if (inForce > 0) return { ...base, state: 'known-allergies' };
  if (p.noKnown.length > 0) return { ...base, state: 'no-known-allergies' };
  return { ...base, state: 'not-recorded' };
}

/** Criticality of an allergy, as a key. */
export type CriticalityKey = 'high' | 'low' | 'unable-to-assess' | 'not-known';

/** The criticality of an allergy (`not-known` when absent or not a FHIR code). */
export function criticalityKey(a: AllergyIntolerance | undefined | null): CriticalityKey {
  const c = a?.criticality as unknown;
  return c === 'high' || c === 'low' || c === 'unable-to-assess' ? c : 'not-known';
}

/** Medication list groups. */
export type MedicationGroup =
  | 'active'
  | 'on-hold'
  | 'stopped'
  | 'completed'
  | 'entered-in-error'
  | 'do-not-take'
  | 'unknown';

/** What the medication list needs to know about one MedicationRequest/MedicationStatement. */
export interface MedicationGroupInfo {
  readonly group: MedicationGroup;
  /** The recorded status code, as written. */
  readonly status?: string;
  /** True when the patient is deceased but the record still says active/on-hold: flag it. */
  readonly activeAfterDeath: boolean;
}

const REQUEST_GROUPS: Readonly<Record<string, MedicationGroup>> = {
  active: 'active',
  'on-hold': 'on-hold',
  cancelled: 'stopped',
  stopped: 'stopped',
  completed: 'completed',
  'entered-in-error': 'entered-in-error',
  draft: 'unknown',
  unknown: 'unknown',
};
const STATEMENT_GROUPS: Readonly<Record<string, MedicationGroup>> = {
  active: 'active',
  'on-hold': 'on-hold',
  stopped: 'stopped',
  'not-taken': 'stopped',
  completed: 'completed',
  'entered-in-error': 'entered-in-error',
  intended: 'unknown',
  unknown: 'unknown',
};

/**
 * The list group of a MedicationRequest or MedicationStatement. `cancelled` groups with
 * stopped, MedicationStatement `not-taken` with stopped, `draft`/`intended`/unknown codes with
 * unknown. A MedicationRequest with `doNotPerform: true` is an instruction *not* to give the
 * drug and goes in `do-not-take`, never in active. If the patient is deceased, an active or
 * on-hold entry keeps its group but is flagged `activeAfterDeath`.
 */
export function medicationGroup(
  resource: MedicationRequest | MedicationStatement | undefined | null,
  options: { deceased?: boolean | DeceasedInfo } = {},
): MedicationGroupInfo {
  const status = typeof resource?.status === 'string' ? resource.status : undefined;
  const table = resource?.resourceType === 'MedicationStatement' ? STATEMENT_GROUPS : REQUEST_GROUPS;
  let group: MedicationGroup = own(table, status) ?? 'unknown';
  if (group !== 'entered-in-error' && resource?.resourceType === 'MedicationRequest' && resource.doNotPerform === true) {
    group = 'do-not-take';
  }
  const d = options.deceased;
  const deceased = typeof d === 'object' && d !== null ? d.deceased === true : d === true;
  return {
    group,
    ...(status ? { status } : {}),
    activeAfterDeath: deceased && (group === 'active' || group === 'on-hold'),
  };
}

/** Observation status keys. */
export type ObservationStatusKey =
  | 'registered'
  | 'preliminary'
  | 'final'
  | 'amended'
  | 'corrected'
  | 'cancelled'
  | 'entered-in-error'
  | 'unknown';

/** An Observation's status, with what it means for display. */
export interface ObservationStatusInfo {
  readonly key: ObservationStatusKey;
  /** A result to show as a value (final, amended, corrected, preliminary). */
  readonly hasResult: boolean;
  /** The result may still change: label it. */
  readonly preliminary: boolean;
  /** The result replaced an earlier one (amended/corrected): label it. */
  readonly revised: boolean;
}

/** Status of an Observation (or DiagnosticReport, which shares the main codes). */
export function observationStatus(obs: Pick<Observation, 'status'> | undefined | null): ObservationStatusInfo {
  const s = obs?.status as unknown;
  const known: readonly string[] = ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error'];
  const key = (typeof s === 'string' && known.includes(s) ? s : 'unknown') as ObservationStatusKey;
  return {
    key,
    hasResult: key === 'final' || key === 'amended' || key === 'corrected' || key === 'preliminary',
    preliminary: key === 'preliminary',
    revised: key === 'amended' || key === 'corrected',
  };
}

/** A non-colour cue for an interpretation (shape/arrow), so meaning never rests on colour. */
export type InterpretationShape = 'up' | 'down' | 'double-up' | 'double-down' | 'abnormal' | 'normal' | 'none';

/** One interpretation flag, ready for display. */
export interface InterpretationInfo {
  /** A stable key (`high`, `critical-low`, `positive` …) or `unknown-code`. */
  readonly key: string;
  /** The code as recorded (`H`, `LL`), if any. */
  readonly code?: string;
  readonly shape: InterpretationShape;
  /** Recorded words (text or display), if any. */
  readonly text?: string;
  /** Whether the flag calls for attention (abnormal or critical). */
  readonly abnormal: boolean;
  /** Whether the flag is critical (HH, LL, AA, HU, LU). */
  readonly critical: boolean;
}

const INTERPRETATIONS: Readonly<Record<string, { key: string; shape: InterpretationShape; abnormal: boolean; critical?: boolean }>> = {
  H: { key: 'high', shape: 'up', abnormal: true },
  HH: { key: 'critical-high', shape: 'double-up', abnormal: true, critical: true },
  HU: { key: 'significantly-high', shape: 'double-up', abnormal: true, critical: true },
  HX: { key: 'above-high-threshold', shape: 'double-up', abnormal: true, critical: true },
  '>': { key: 'off-scale-high', shape: 'up', abnormal: true },
  L: { key: 'low', shape: 'down', abnormal: true },
  LL: { key: 'critical-low', shape: 'double-down', abnormal: true, critical: true },
  LU: { key: 'significantly-low', shape: 'double-down', abnormal: true, critical: true },
  LX: { key: 'below-low-threshold', shape: 'double-down', abnormal: true, critical: true },
  '<': { key: 'off-scale-low', shape: 'down', abnormal: true },
  A: { key: 'abnormal', shape: 'abnormal', abnormal: true },
  AA: { key: 'critical-abnormal', shape: 'abnormal', abnormal: true, critical: true },
  N: { key: 'normal', shape: 'normal', abnormal: false },
  POS: { key: 'positive', shape: 'none', abnormal: false },
  NEG: { key: 'negative', shape: 'none', abnormal: false },
  DET: { key: 'detected', shape: 'none', abnormal: false },
  ND: { key: 'not-detected', shape: 'none', abnormal: false },
  IND: { key: 'indeterminate', shape: 'none', abnormal: false },
  E: { key: 'equivocal', shape: 'none', abnormal: false },
  RR: { key: 'reactive', shape: 'none', abnormal: false },
  WR: { key: 'weakly-reactive', shape: 'none', abnormal: false },
  NR: { key: 'non-reactive', shape: 'none', abnormal: false },
  R: { key: 'resistant', shape: 'none', abnormal: false },
  I: { key: 'intermediate', shape: 'none', abnormal: false },
  S: { key: 'susceptible', shape: 'none', abnormal: false },
  NS: { key: 'not-susceptible', shape: 'none', abnormal: false },
  SDD: { key: 'susceptible-dose-dependent', shape: 'none', abnormal: false },
  U: { key: 'significant-change-up', shape: 'up', abnormal: false },
  D: { key: 'significant-change-down', shape: 'down', abnormal: false },
  B: { key: 'better', shape: 'none', abnormal: false },
  W: { key: 'worse', shape: 'none', abnormal: false },
  EXP: { key: 'expected', shape: 'none', abnormal: false },
  UNE: { key: 'unexpected', shape: 'none', abnormal: true },
  CAR: { key: 'carrier', shape: 'none', abnormal: false },
};

const INTERPRETATION_SYSTEMS: ReadonlySet<string | undefined> = new Set([
  SYSTEMS.V3_INTERPRETATION,
  SYSTEMS.V2_0078,
  'http://hl7.org/fhir/v2/0078',
  'http://hl7.org/fhir/v3/ObservationInterpretation',
  undefined,
]);

/**
 * Reads one interpretation concept (`Observation.interpretation[i]`) into a key and a shape
 * hint. Codes from v3-ObservationInterpretation or v2-0078 (or with no system) are known;
 * anything else becomes `unknown-code` with its recorded words, shape `none`.
 */
export function interpretationOf(cc: CodeableConcept | undefined | null): InterpretationInfo | null {
  if (!cc || typeof cc !== 'object') return null;
  const codings = Array.isArray(cc.coding) ? cc.coding.filter((c) => c && typeof c === 'object') : [];
  const words = [cc.text, ...codings.map((c) => c.display)]
    .map((s) => (typeof s === 'string' ? s.replace(/\s+/g, ' ').trim() : ''))
    .find(Boolean);
  for (const c of codings) {
    if (typeof c.code !== 'string' || !INTERPRETATION_SYSTEMS.has(canonicalSystem(c.system))) continue;
    const known = own(INTERPRETATIONS, c.code.trim());
    if (known) {
      return {
        key: known.key,
        code: c.code.trim(),
        shape: known.shape,
        abnormal: known.abnormal,
        critical: known.critical ?? false,
        ...(words ? { text: words } : {}),
      };
    }
  }
  const code = codings.find((c) => typeof c.code === 'string' && c.code.trim())?.code?.trim();
  if (!code && !words) return null;
  return { key: 'unknown-code', shape: 'none', abnormal: false, critical: false, ...(code ? { code } : {}), ...(words ? { text: words } : {}) };
}

/** All interpretations of an Observation (or of a component), skipping empty ones. */
export function interpretationsOf(obs: { interpretation?: CodeableConcept[] } | undefined | null): InterpretationInfo[] {
  const list = Array.isArray(obs?.interpretation) ? obs!.interpretation! : [];
  return list.map(interpretationOf).filter((x): x is InterpretationInfo => x !== null);
}

/** Whether a patient has died, and when if recorded. */
export interface DeceasedInfo {
  /** `'not-known'` when the record makes no statement either way. */
  readonly deceased: boolean | 'not-known';
  /** Date/time of death as recorded (with its precision), when given and valid. */
  readonly date?: ParsedFhirDate;
}

/**
 * Reads `Patient.deceased[x]`: `deceasedBoolean` as given; a `deceasedDateTime` means deceased
 * (even if the date cannot be parsed — the date is then omitted, the state is not);
 * neither means no statement (`'not-known'`).
 */
export function deceasedInfo(patient: Patient | undefined | null): DeceasedInfo {
  if (!patient || typeof patient !== 'object') return { deceased: 'not-known' };
  const dt = (patient as { deceasedDateTime?: unknown }).deceasedDateTime;
  if (typeof dt === 'string' && dt.trim()) {
    const date = parseFhirDate(dt);
    return date ? { deceased: true, date } : { deceased: true };
  }
  const b = (patient as { deceasedBoolean?: unknown }).deceasedBoolean;
  if (typeof b === 'boolean') return { deceased: b };
  return { deceased: 'not-known' };
}
