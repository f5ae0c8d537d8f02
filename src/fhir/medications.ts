/**
 * Medications: names, strengths, dosage in words, and reconciliation of the same drug (or the
 * same allergy) recorded by several sources.
 */
import type {
  AllergyIntolerance,
  CodeableConcept,
  Coding,
  Dosage,
  Medication,
  MedicationRequest,
  MedicationStatement,
  Reference,
  Timing,
} from 'fhir/r4';
import { SYSTEMS, canonicalSystem, codingKey, conceptText, normalizeConceptName } from './codings.js';
import { formatDecimal, formatQuantity, formatRange, formatRatio } from './quantities.js';
import type { NumberDisplayOptions } from './quantities.js';
import { resolveContained } from './references.js';
import {
  allergyClinicalStatus,
  allergyVerification,
  criticalityKey,
  isEnteredInError,
  medicationGroup,
} from './status.js';
import type { MedicationGroup } from './status.js';
import { own } from './lookup.js';
import { groupByKeys, type MatchInfo } from './match-groups.js';

/**
 * Looks up a Medication by reference (e.g. from the store); `undefined` when not available.
 * `source` is the id of the source the referring record came from, when the caller knows it
 * (`reconcileMedications` passes it): a relative `Medication/x` means that source's Medication.
 */
export type MedicationResolver = (reference: string, source?: string) => Medication | undefined;

/** Drug prescribed or reported: MedicationRequest or MedicationStatement. */
export type MedicationUse = MedicationRequest | MedicationStatement;

/** Where a medication's name came from. */
export type MedicationNameSource = 'concept' | 'contained' | 'resolved' | 'reference-display' | 'none';

/** A medication's name and codes. */
export interface MedicationName {
  /** Display name, or `null` (the caller shows "Not known"). */
  readonly text: string | null;
  /** Codings of the medication, for matching. */
  readonly concept?: CodeableConcept;
  /** The Medication resource, when the name came from one. */
  readonly medication?: Medication;
  readonly source: MedicationNameSource;
}

const MEDICATION_SYSTEMS = [SYSTEMS.RXNORM, SYSTEMS.SNOMED_CT, SYSTEMS.DMD, SYSTEMS.ATC, SYSTEMS.NDC];

/**
 * The Medication a resource refers to: a contained one for `#id`, else whatever `resolve`
 * returns for the reference string. `undefined` when neither finds it.
 */
export function referencedMedication(
  resource: MedicationUse | undefined | null,
  resolve?: MedicationResolver,
): { medication?: Medication; from?: 'contained' | 'resolved' } {
  const ref = resource?.medicationReference as Reference | undefined;
  if (!ref || typeof ref.reference !== 'string') return {};
  const contained = resolveContained<Medication>(resource, ref);
  if (contained?.resourceType === 'Medication') return { medication: contained, from: 'contained' };
  if (ref.reference.startsWith('#') || !resolve) return {};
  try {
    const found = resolve(ref.reference);
    return found && found.resourceType === 'Medication' ? { medication: found, from: 'resolved' } : {};
  } catch {
    return {};
  }
}

/**
 * The name of the drug in a MedicationRequest/MedicationStatement: from
 * `medicationCodeableConcept`, else from the referenced Medication (contained, or through
 * `resolve`), else the reference's `display`. Text is chosen as in `conceptText`, preferring
 * RxNorm/SNOMED CT/dm+d displays over local codes.
 */
export function medicationName(resource: MedicationUse | undefined | null, resolve?: MedicationResolver): MedicationName {
  const concept = resource?.medicationCodeableConcept;
  if (concept && typeof concept === 'object') {
    const text = conceptText(concept, { preferredSystems: MEDICATION_SYSTEMS });
    if (text) return { text, concept, source: 'concept' };
  }
  const { medication, from } = referencedMedication(resource, resolve);
  if (medication && from) {
    const text = conceptText(medication.code, { preferredSystems: MEDICATION_SYSTEMS });
    return { text, ...(medication.code ? { concept: medication.code } : {}), medication, source: from };
  }
  const display = resource?.medicationReference?.display;
  if (typeof display === 'string' && display.trim()) {
    return { text: display.replace(/\s+/g, ' ').trim(), source: 'reference-display' };
  }
  return { text: null, ...(concept ? { concept } : {}), source: 'none' };
}

/** One ingredient and its strength. */
export interface IngredientStrength {
  readonly ingredient: string | null;
  readonly strength: string | null;
}

/**
 * The strength of each ingredient of a Medication (`Acetaminophen 500 MG`: `500 mg/Tab`).
 * Units as recorded; ingredients referenced by Reference show their display when present.
 */
export function medicationStrengths(medication: Medication | undefined | null, options: NumberDisplayOptions = {}): IngredientStrength[] {
  const list = Array.isArray(medication?.ingredient) ? medication!.ingredient! : [];
  return list
    .filter((i) => i && typeof i === 'object')
    .map((i) => ({
      ingredient:
        conceptText(i.itemCodeableConcept) ??
        (typeof i.itemReference?.display === 'string' && i.itemReference.display.trim() ? i.itemReference.display.trim() : null),
      strength: formatRatio(i.strength, options),
    }));
}

/** Route phrases for common SNOMED CT route codes (English). */
const ROUTE_WORDS: Readonly<Record<string, string>> = {
  '26643006': 'by mouth',
  '260548002': 'by mouth',
  '394899003': 'by mouth',
  '47625008': 'intravenously',
  '78421000': 'intramuscularly',
  '34206005': 'subcutaneously',
  '37161004': 'rectally',
  '46713006': 'into the nose',
  '37839007': 'under the tongue',
  '54471007': 'buccally',
  '6064005': 'to the skin',
  '45890007': 'through the skin',
  '54485002': 'into the eye',
  '10547007': 'into the ear',
  '16857009': 'vaginally',
  '447694001': 'by inhalation',
  '18679011000001101': 'by inhalation',
};

/** Frequency phrases for HL7 timing abbreviations (English). */
const TIMING_CODE_WORDS: Readonly<Record<string, string>> = {
  QD: 'once a day',
  BID: 'twice a day',
  TID: 'three times a day',
  QID: 'four times a day',
  AM: 'in the morning',
  PM: 'in the afternoon or evening',
  QOD: 'every other day',
  Q1H: 'every hour',
  Q2H: 'every 2 hours',
  Q3H: 'every 3 hours',
  Q4H: 'every 4 hours',
  Q6H: 'every 6 hours',
  Q8H: 'every 8 hours',
  BED: 'at bedtime',
  WK: 'once a week',
  MO: 'once a month',
};

const WHEN_WORDS: Readonly<Record<string, string>> = {
  HS: 'at bedtime',
  WAKE: 'on waking',
  C: 'with meals',
  CM: 'with breakfast',
  CD: 'with lunch',
  CV: 'with dinner',
  AC: 'before meals',
  ACM: 'before breakfast',
  ACD: 'before lunch',
  ACV: 'before dinner',
  PC: 'after meals',
  PCM: 'after breakfast',
  PCD: 'after lunch',
  PCV: 'after dinner',
  MORN: 'in the morning',
  AFT: 'in the afternoon',
  EVE: 'in the evening',
  NIGHT: 'at night',
};

const UNIT_WORDS: Readonly<Record<string, [string, string]>> = {
  s: ['second', 'seconds'],
  min: ['minute', 'minutes'],
  h: ['hour', 'hours'],
  d: ['day', 'days'],
  wk: ['week', 'weeks'],
  mo: ['month', 'months'],
  a: ['year', 'years'],
};

const TIMES: readonly string[] = ['', 'once', 'twice', 'three times', 'four times'];

function timesWord(n: number, max?: number): string {
  if (max !== undefined && max !== n) return `${n}–${max} times`;
  return TIMES[n] ?? `${n} times`;
}

function num(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Frequency of a Timing in English (`twice a day`, `every 8 hours`, `every 4–6 hours`). */
export function timingText(timing: Timing | undefined | null): string | null {
  if (!timing || typeof timing !== 'object') return null;
  const parts: string[] = [];
  const r = timing.repeat;
  const frequency = num(r?.frequency) ?? (r?.period !== undefined ? 1 : undefined);
  const frequencyMax = num(r?.frequencyMax);
  const period = num(r?.period);
  const periodMax = num(r?.periodMax);
  const unit = own(UNIT_WORDS, r?.periodUnit);
  if (frequency !== undefined && period !== undefined && unit) {
    const periodText = periodMax && periodMax !== period ? `${period}–${periodMax}` : String(period);
    const single = period === 1 && (!periodMax || periodMax === 1);
    if (frequency === 1 && !frequencyMax) {
      parts.push(single ? (r!.periodUnit === 'h' ? 'every hour' : `once a ${unit[0]}`) : `every ${periodText} ${unit[1]}`);
    } else {
      const article = r!.periodUnit === 'h' ? 'an' : 'a';
      parts.push(
        single
          ? `${timesWord(frequency, frequencyMax)} ${article} ${unit[0]}`
          : `${timesWord(frequency, frequencyMax)} every ${periodText} ${unit[1]}`,
      );
    }
  } else {
    const code = timing.code?.coding?.find((c) => c && own(TIMING_CODE_WORDS, c.code) !== undefined);
    if (code) parts.push(own(TIMING_CODE_WORDS, code.code)!);
    else {
      const text = conceptText(timing.code);
      if (text) parts.push(text);
    }
  }
  const when = Array.isArray(r?.when) ? r!.when!.map((w) => own(WHEN_WORDS, w)).filter((w): w is string => !!w) : [];
  if (when.length) parts.push(when.join(' and '));
  if (Array.isArray(r?.timeOfDay) && r!.timeOfDay!.length) {
    const times = r!.timeOfDay!.filter((t) => typeof t === 'string' && /^\d{2}:\d{2}/.test(t)).map((t) => t.slice(0, 5));
    if (times.length) parts.push(`at ${times.join(', ')}`);
  }
  const bd = r?.boundsDuration;
  if (bd && num(bd.value) && own(UNIT_WORDS, bd.code)) {
    const u = own(UNIT_WORDS, bd.code)!;
    parts.push(`for ${formatDecimal(bd.value)} ${bd.value === 1 ? u[0] : u[1]}`);
  }
  return parts.length ? parts.join(' ') : null;
}

/** The parts of a dosage instruction, each in words (English) or as recorded. */
export interface DosageParts {
  /**
   * Dose and/or rate as recorded (`1 TAB`, `1–2 TAB`, `5 ml`, `at 18 units/kg/h`), every
   * `doseAndRate` entry joined with `; ` (each prefixed with its `type` when there are several);
   * or `null`. Maximum doses are not part of it: see {@link maxDoseText}.
   */
  readonly dose: string | null;
  /** Route phrase (`by mouth`) or the route as recorded, or `null`. */
  readonly route: string | null;
  /** Frequency (`twice a day`, `every 8 hours`), or `null`. */
  readonly frequency: string | null;
  /** `as needed`, `as needed for <reason>`, or `null`. */
  readonly asNeeded: string | null;
  /** Free-text instruction recorded by the prescriber, if any. */
  readonly text: string | null;
  /**
   * Present (and `true`) only when a structured dose or rate is recorded but could not be
   * rendered (e.g. a quantity without a value): `dose` then lacks part of the instruction.
   */
  readonly incomplete?: true;
}

/** A dosage instruction in words, and whether part of its structured dose could not be shown. */
export interface DosageSummary {
  /** As {@link dosageText}. */
  readonly text: string | null;
  /** Structured dose/rate/maximum recorded but not renderable: show "check the source record". */
  readonly incomplete: boolean;
}

/** Words put before a built instruction whose structured dose could not be fully rendered. */
export const INCOMPLETE_DOSE_PREFIX = 'Dose incomplete – check source record';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
/** Whether an element is recorded (present and not `null`/`undefined`). */
const has = (o: Record<string, unknown> | undefined, key: string): boolean => o !== undefined && o[key] !== undefined && o[key] !== null;

/** One `doseAndRate` entry in words; `incomplete` when a dose[x]/rate[x] is present but unreadable. */
function doseAndRateText(dr: Record<string, unknown>, options: NumberDisplayOptions): { text: string | null; incomplete: boolean } {
  const parts: string[] = [];
  let incomplete = false;
  const add = (present: boolean, text: string | null): void => {
    if (!present) return;
    if (text) parts.push(text);
    else incomplete = true;
  };
  add(has(dr, 'doseQuantity'), isObject(dr.doseQuantity) ? formatQuantity(dr.doseQuantity, options) : null);
  add(has(dr, 'doseRange'), isObject(dr.doseRange) ? formatRange(dr.doseRange, options).text : null);
  const dose = parts.length ? parts.join(' ') : null;
  parts.length = 0;
  add(has(dr, 'rateQuantity'), isObject(dr.rateQuantity) ? formatQuantity(dr.rateQuantity, options) : null);
  add(has(dr, 'rateRange'), isObject(dr.rateRange) ? formatRange(dr.rateRange, options).text : null);
  add(has(dr, 'rateRatio'), isObject(dr.rateRatio) ? formatRatio(dr.rateRatio, options) : null);
  const rate = parts.length ? parts.join(' ') : null;
  // Any other dose*/rate* element (not R4, or misspelt) is something we cannot show.
  if (Object.keys(dr).some((k) => has(dr, k) && /^(dose|rate)/.test(k) && !/^(doseQuantity|doseRange|rateQuantity|rateRange|rateRatio)$/.test(k))) incomplete = true;
  const text = dose && rate ? `${dose} at ${rate}` : (dose ?? (rate ? `at ${rate}` : null));
  return { text, incomplete };
}

/** `max 4 g per 1 d`: a Ratio whose denominator is shown with its value. */
function perPeriodText(ratio: unknown, options: NumberDisplayOptions): string | null {
  if (!isObject(ratio)) return null;
  const num = formatQuantity(ratio.numerator as never, options);
  if (num === null) return null;
  if (!has(ratio, 'denominator')) return `max ${num}`;
  const den = isObject(ratio.denominator) ? formatQuantity(ratio.denominator, options) : null;
  return den === null ? null : `max ${num} per ${den}`;
}

/**
 * The maximum doses of a Dosage in words (`max 4 g per 1 d`, `max 1 g per dose`,
 * `max 300 mg per lifetime`), joined with `; `, or `null`; `incomplete` when one is recorded but
 * cannot be rendered (e.g. no numerator value).
 */
export function maxDoseText(dosage: Dosage | undefined | null, options: NumberDisplayOptions = {}): { text: string | null; incomplete: boolean } {
  const raw = isObject(dosage) ? (dosage as Record<string, unknown>) : undefined;
  const texts: string[] = [];
  let incomplete = false;
  if (has(raw, 'maxDosePerPeriod')) {
    const max = perPeriodText(raw!.maxDosePerPeriod, options);
    if (max) texts.push(max);
    else incomplete = true;
  }
  for (const [key, per] of [
    ['maxDosePerAdministration', 'per dose'],
    ['maxDosePerLifetime', 'per lifetime'],
  ] as const) {
    if (!has(raw, key)) continue;
    const q = isObject(raw![key]) ? formatQuantity(raw![key] as never, options) : null;
    if (q) texts.push(`max ${q} ${per}`);
    else incomplete = true;
  }
  return { text: texts.length ? texts.join('; ') : null, incomplete };
}

/** Splits a Dosage into display parts (English phrases for route/frequency/as-needed). */
export function dosageParts(dosage: Dosage | undefined | null, options: NumberDisplayOptions = {}): DosageParts {
  const d = dosage && typeof dosage === 'object' ? dosage : undefined;
  let incomplete = false;
  const entries = (Array.isArray(d?.doseAndRate) ? (d!.doseAndRate as unknown[]) : []).filter(isObject);
  const doseTexts: string[] = [];
  for (const dr of entries) {
    const r = doseAndRateText(dr, options);
    if (r.incomplete) incomplete = true;
    if (!r.text) continue;
    const type = entries.length > 1 && isObject(dr.type) ? conceptText(dr.type) : null;
    doseTexts.push(type ? `${type}: ${r.text}` : r.text);
  }
  const dose = doseTexts.length ? doseTexts.join('; ') : null;
  let route: string | null = null;
  if (d?.route) {
    const coded = d.route.coding?.find((c) => canonicalSystem(c?.system) === SYSTEMS.SNOMED_CT && own(ROUTE_WORDS, c.code) !== undefined);
    route = coded ? own(ROUTE_WORDS, coded.code)! : conceptText(d.route);
  }
  let asNeeded: string | null = null;
  if (d?.asNeededBoolean === true) asNeeded = 'as needed';
  else if (d?.asNeededCodeableConcept) {
    const reason = conceptText(d.asNeededCodeableConcept);
    asNeeded = reason ? `as needed for ${reason}` : 'as needed';
  }
  const text = typeof d?.text === 'string' && d.text.trim() ? d.text.replace(/\s+/g, ' ').trim() : null;
  return { dose, route, frequency: timingText(d?.timing), asNeeded, text, ...(incomplete ? { incomplete: true as const } : {}) };
}

/**
 * A dosage instruction in words and whether it is complete. The prescriber's `text` when recorded
 * (it is what they wrote; then `incomplete` is `false`), else built from the structured parts. When
 * a structured dose/rate/maximum cannot be rendered, the built text starts with
 * {@link INCOMPLETE_DOSE_PREFIX} so it is never read as the whole instruction.
 */
export function dosageSummary(dosage: Dosage | undefined | null, options: NumberDisplayOptions = {}): DosageSummary {
  const p = dosageParts(dosage, options);
  if (p.text) return { text: p.text, incomplete: false };
  let route = p.route;
  if (route && !/^(by|into|under|to|through|in|intra|sub|buccal|rectal|vaginal)/i.test(route)) route = `(${route})`;
  const max = maxDoseText(dosage, options);
  const built = [p.dose, route, p.frequency, p.asNeeded].filter(Boolean).join(' ');
  const full = max.text ? (built ? `${built}; ${max.text}` : max.text) : built;
  if (p.incomplete || max.incomplete) return { text: full ? `${INCOMPLETE_DOSE_PREFIX}: ${full}` : INCOMPLETE_DOSE_PREFIX, incomplete: true };
  return { text: full || null, incomplete: false };
}

/**
 * A dosage instruction in words: the prescriber's `text` when recorded (it is what they
 * wrote), else built from the structured parts: `1 TAB by mouth twice a day`,
 * `every 8 hours as needed`, `at 18 units/kg/h intravenously`. `null` when there is nothing at
 * all (common in Synthea data). See {@link dosageSummary} for incomplete structured doses.
 */
export function dosageText(dosage: Dosage | undefined | null, options: NumberDisplayOptions = {}): string | null {
  return dosageSummary(dosage, options).text;
}

/**
 * Dosage of a MedicationRequest (`dosageInstruction`) or MedicationStatement (`dosage`), joined
 * with `; `, and whether any of them has a structured dose that could not be fully rendered.
 */
export function medicationDosageSummary(resource: MedicationUse | undefined | null, options: NumberDisplayOptions = {}): DosageSummary {
  const list =
    resource?.resourceType === 'MedicationStatement'
      ? resource.dosage
      : resource?.resourceType === 'MedicationRequest'
        ? resource.dosageInstruction
        : undefined;
  if (!Array.isArray(list)) return { text: null, incomplete: false };
  const summaries = list.map((d) => dosageSummary(d, options));
  const texts = summaries.map((s) => s.text).filter((t): t is string => t !== null);
  return { text: texts.length ? texts.join('; ') : null, incomplete: summaries.some((s) => s.incomplete) };
}

/** Dosage of a MedicationRequest (`dosageInstruction`) or MedicationStatement (`dosage`), joined with `; `. */
export function medicationDosageText(resource: MedicationUse | undefined | null, options: NumberDisplayOptions = {}): string | null {
  return medicationDosageSummary(resource, options).text;
}

/** One source's record in a reconciliation group. */
export interface SourcedItem<T> {
  /** Which source (server/provider) it came from. */
  readonly source: string;
  readonly resource: T;
}

/** The same drug as recorded by one or more sources. */
export interface ReconciledMedication {
  /** Name to show (the first non-empty name in the group). */
  readonly name: string | null;
  readonly items: ReadonlyArray<SourcedItem<MedicationUse>>;
  /** Distinct sources, in order of first appearance. */
  readonly sources: readonly string[];
  /** The group of each item, same order as `items`. */
  readonly groups: readonly MedicationGroup[];
  /** Distinct dose texts (`null` when an item has none). */
  readonly doses: ReadonlyArray<string | null>;
  /** Items disagree on dose/instructions. */
  readonly doseDiffers: boolean;
  /** Items disagree on list group (e.g. active at one source, stopped at another). */
  readonly statusDiffers: boolean;
}

/**
 * Code systems that only say a value is missing (data-absent-reason, v3 NullFlavor, IPS
 * absent/unknown): two records coded "unknown" are not the same drug or substance, so these
 * codings never join records.
 */
const PLACEHOLDER_SYSTEMS: ReadonlySet<string> = new Set([
  SYSTEMS.DATA_ABSENT_REASON,
  'http://hl7.org/fhir/data-absent-reason',
  'http://terminology.hl7.org/CodeSystem/v3-NullFlavor',
  'http://hl7.org/fhir/v3/NullFlavor',
  'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips',
]);

/**
 * SNOMED CT codes for allergy *categories* ("allergy to substance", "drug allergy", "food
 * intolerance" …) that systems put in `code` beside the real substance in `text`. They name no
 * substance, so they never join two allergy records.
 */
const GENERIC_ALLERGY_SNOMED: ReadonlySet<string> = new Set([
  '419199007', // Allergy to substance
  '609328004', // Allergic disposition
  '420134006', // Propensity to adverse reaction
  '418038007', // Propensity to adverse reaction to substance
  '419511003', // Propensity to adverse reaction to drug
  '418471000', // Propensity to adverse reaction to food
  '416098002', // Allergy to drug
  '414285001', // Allergy to food
  '59037007', // Intolerance to drug
  '235719002', // Intolerance to food
]);

/** Drug codes that identify one drug product/substance (a shared one may join differently named records). */
const DRUG_IDENTITY_SYSTEMS: ReadonlySet<string> = new Set([SYSTEMS.RXNORM, SYSTEMS.DMD, SYSTEMS.NDC]);

/** Substance terminologies whose codes may join allergy records. */
const UNII_SYSTEM = 'http://fdasis.nlm.nih.gov';
const ALLERGY_SUBSTANCE_SYSTEMS: ReadonlySet<string> = new Set([SYSTEMS.SNOMED_CT, SYSTEMS.RXNORM, SYSTEMS.DMD, UNII_SYSTEM]);

function usableCodings(concept: CodeableConcept | undefined | null): Coding[] {
  return concept && typeof concept === 'object' && Array.isArray(concept.coding)
    ? concept.coding.filter((c): c is Coding => Boolean(c) && typeof c === 'object' && !PLACEHOLDER_SYSTEMS.has(canonicalSystem(c.system) ?? ''))
    : [];
}

/**
 * The name a person wrote for a concept (its `text`, else a coding `display`), normalized for
 * matching; `''` when there is none. Placeholder codings' displays ("Unknown") and names made up
 * from a bare code do not count.
 */
function writtenName(concept: CodeableConcept | undefined | null, preferredSystems: readonly string[]): string {
  if (!concept || typeof concept !== 'object') return '';
  const displays = usableCodings(concept)
    .filter((c) => typeof c.display === 'string' && c.display.trim())
    .map((c) => ({ system: c.system, display: c.display }));
  return normalizeConceptName(conceptText({ text: concept.text, coding: displays }, { preferredSystems }));
}


/**
 * Match data of a medication. ATC codes below substance level (fewer than 7 characters) name
 * drug classes, not drugs, and placeholder codings name nothing: neither is a key. Only
 * RxNorm/dm+d/NDC and substance-level ATC codes are strong enough to join two differently named
 * records (SNOMED CT is not: a shared SNOMED CT code may be a parent concept).
 */
function medicationMatchInfo(n: MedicationName): MatchInfo {
  const codings = usableCodings(n.concept).filter(
    (c) => canonicalSystem(c.system) !== SYSTEMS.ATC || (typeof c.code === 'string' && c.code.trim().length >= 7),
  );
  const keys = codings.map(codingKey).filter((k): k is string => k !== undefined);
  const strong = new Set(
    codings
      .filter((c) => DRUG_IDENTITY_SYSTEMS.has(canonicalSystem(c.system) ?? '') || canonicalSystem(c.system) === SYSTEMS.ATC)
      .map(codingKey)
      .filter((k): k is string => k !== undefined),
  );
  const name = n.concept ? writtenName(n.concept, MEDICATION_SYSTEMS) : normalizeConceptName(n.text);
  return { name, keys: name ? [...keys, `name:${name}`] : keys, strong };
}

/**
 * Match data of an allergy. Only SNOMED CT/RxNorm/dm+d/UNII codes that name a substance are
 * keys (not placeholder codes, not category codes such as 419199007 "allergy to substance"), and
 * no code is strong enough to join two records whose written names differ.
 */
function allergyMatchInfo(a: AllergyIntolerance): MatchInfo {
  const keys = usableCodings(a.code)
    .filter((c) => {
      const system = canonicalSystem(c.system) ?? '';
      return ALLERGY_SUBSTANCE_SYSTEMS.has(system) && !(system === SYSTEMS.SNOMED_CT && GENERIC_ALLERGY_SNOMED.has(String(c.code).trim()));
    })
    .map(codingKey)
    .filter((k): k is string => k !== undefined);
  const name = writtenName(a.code, [SYSTEMS.SNOMED_CT, SYSTEMS.RXNORM]);
  return { name, keys: name ? [...keys, `name:${name}`] : keys, strong: new Set() };
}

/**
 * Groups medication records from several sources that are the same drug: they share a coding
 * (RxNorm, SNOMED CT, dm+d, NDC, or a substance-level ATC code — ATC class codes are ignored so
 * two different penicillins never merge) or have the same normalized name. Each group lists its
 * sources and flags differing dose text or status. Entered-in-error records are left out: they
 * are not clinical fact and must not vouch for a drug. Items with no name and no code stay alone.
 *
 * Safety rule (two rows are better than one hidden drug): data-absent-reason / NullFlavor codings
 * ("unknown") never join records, and two records whose written names are both present and
 * differ are joined only by a shared RxNorm, dm+d, NDC or substance-level ATC code — a shared
 * SNOMED CT or local code with different names keeps them apart.
 */
export function reconcileMedications(
  items: ReadonlyArray<SourcedItem<MedicationUse>>,
  options: { resolve?: MedicationResolver; deceased?: boolean } & NumberDisplayOptions = {},
): ReconciledMedication[] {
  const usable = (Array.isArray(items) ? items : []).filter(
    (i) => i && i.resource && typeof i.resource === 'object' && !isEnteredInError(i.resource),
  );
  const names = new Map<SourcedItem<MedicationUse>, MedicationName>();
  const resolve = options.resolve;
  for (const i of usable) names.set(i, medicationName(i.resource, resolve && ((ref) => resolve(ref, i.source))));
  const grouped = groupByKeys(usable, (i) => medicationMatchInfo(names.get(i)!));
  return grouped.map((group) => {
    const doses = group.map((i) => medicationDosageText(i.resource, options));
    const norm = (s: string | null): string => normalizeConceptName(s ?? '');
    const groups = group.map((i) => medicationGroup(i.resource, { deceased: options.deceased ?? false }).group);
    return {
      name: group.map((i) => names.get(i)!.text).find((t) => t) ?? null,
      items: group,
      sources: [...new Set(group.map((i) => i.source))],
      groups,
      doses: [...new Set(doses)],
      doseDiffers: new Set(doses.map(norm)).size > 1,
      statusDiffers: new Set(groups).size > 1,
    };
  });
}

/** The same allergy as recorded by one or more sources. */
export interface AllergyGroup {
  /** Substance to show (the first non-empty one in the group). */
  readonly substance: string | null;
  readonly items: ReadonlyArray<SourcedItem<AllergyIntolerance>>;
  readonly sources: readonly string[];
  /** Items disagree on criticality. */
  readonly criticalityDiffers: boolean;
  /** Items disagree on verification status. */
  readonly verificationDiffers: boolean;
  /** Items disagree on clinical status. */
  readonly clinicalStatusDiffers: boolean;
}

/**
 * Groups allergy records that name the same substance (a shared SNOMED CT/RxNorm/dm+d/UNII
 * coding, or the same normalized text), so one allergy reported by three sources — or copied
 * twenty times — is shown once with all its sources. Entered-in-error records are left out.
 * Disagreements (criticality, verification, clinical status) are flagged so the panel can show
 * each version.
 *
 * Safety rule (two rows are better than one hidden allergy): a shared code joins two records only
 * when their written names (text or display) are equal or one of them has none. Placeholder codes
 * (data-absent-reason, NullFlavor) and SNOMED CT category codes such as 419199007 "allergy to
 * substance" never join records, so Penicillin and Latex both coded 419199007 stay two allergies.
 */
export function groupDuplicateAllergies(items: ReadonlyArray<SourcedItem<AllergyIntolerance>>): AllergyGroup[] {
  const usable = (Array.isArray(items) ? items : []).filter(
    (i) => i && i.resource && typeof i.resource === 'object' && !isEnteredInError(i.resource),
  );
  const grouped = groupByKeys(usable, (i) => allergyMatchInfo(i.resource));
  const differs = <V>(g: ReadonlyArray<SourcedItem<AllergyIntolerance>>, f: (a: AllergyIntolerance) => V): boolean =>
    new Set(g.map((i) => f(i.resource))).size > 1;
  return grouped.map((g) => ({
    substance: g.map((i) => conceptText(i.resource.code, { preferredSystems: [SYSTEMS.SNOMED_CT, SYSTEMS.RXNORM] })).find((t) => t) ?? null,
    items: g,
    sources: [...new Set(g.map((i) => i.source))],
    criticalityDiffers: differs(g, criticalityKey),
    verificationDiffers: differs(g, allergyVerification),
    clinicalStatusDiffers: differs(g, allergyClinicalStatus),
  }));
}
