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
import { SYSTEMS, canonicalSystem, codingKey, conceptKeys, conceptText, normalizeConceptName } from './codings.js';
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
  const unit = typeof r?.periodUnit === 'string' ? UNIT_WORDS[r.periodUnit] : undefined;
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
    const code = timing.code?.coding?.find((c) => c && typeof c.code === 'string' && TIMING_CODE_WORDS[c.code]);
    if (code) parts.push(TIMING_CODE_WORDS[code.code!]!);
    else {
      const text = conceptText(timing.code);
      if (text) parts.push(text);
    }
  }
  const when = Array.isArray(r?.when) ? r!.when!.map((w) => WHEN_WORDS[w]).filter(Boolean) : [];
  if (when.length) parts.push(when.join(' and '));
  if (Array.isArray(r?.timeOfDay) && r!.timeOfDay!.length) {
    const times = r!.timeOfDay!.filter((t) => typeof t === 'string' && /^\d{2}:\d{2}/.test(t)).map((t) => t.slice(0, 5));
    if (times.length) parts.push(`at ${times.join(', ')}`);
  }
  const bd = r?.boundsDuration;
  if (bd && num(bd.value) && typeof bd.code === 'string' && UNIT_WORDS[bd.code]) {
    const u = UNIT_WORDS[bd.code]!;
    parts.push(`for ${formatDecimal(bd.value)} ${bd.value === 1 ? u[0] : u[1]}`);
  }
  return parts.length ? parts.join(' ') : null;
}

/** The parts of a dosage instruction, each in words (English) or as recorded. */
export interface DosageParts {
  /** Dose as recorded (`1 TAB`, `1–2 TAB`, `5 ml`), or `null`. */
  readonly dose: string | null;
  /** Route phrase (`by mouth`) or the route as recorded, or `null`. */
  readonly route: string | null;
  /** Frequency (`twice a day`, `every 8 hours`), or `null`. */
  readonly frequency: string | null;
  /** `as needed`, `as needed for <reason>`, or `null`. */
  readonly asNeeded: string | null;
  /** Free-text instruction recorded by the prescriber, if any. */
  readonly text: string | null;
}

/** Splits a Dosage into display parts (English phrases for route/frequency/as-needed). */
export function dosageParts(dosage: Dosage | undefined | null, options: NumberDisplayOptions = {}): DosageParts {
  const d = dosage && typeof dosage === 'object' ? dosage : undefined;
  const dr = Array.isArray(d?.doseAndRate) ? d!.doseAndRate!.find((x) => x && (x.doseQuantity || x.doseRange)) : undefined;
  let dose: string | null = null;
  if (dr?.doseQuantity) dose = formatQuantity(dr.doseQuantity, options);
  else if (dr?.doseRange) dose = formatRange(dr.doseRange, options).text;
  let route: string | null = null;
  if (d?.route) {
    const coded = d.route.coding?.find((c) => canonicalSystem(c?.system) === SYSTEMS.SNOMED_CT && typeof c.code === 'string' && ROUTE_WORDS[c.code]);
    route = coded ? ROUTE_WORDS[coded.code!]! : conceptText(d.route);
  }
  let asNeeded: string | null = null;
  if (d?.asNeededBoolean === true) asNeeded = 'as needed';
  else if (d?.asNeededCodeableConcept) {
    const reason = conceptText(d.asNeededCodeableConcept);
    asNeeded = reason ? `as needed for ${reason}` : 'as needed';
  }
  const text = typeof d?.text === 'string' && d.text.trim() ? d.text.replace(/\s+/g, ' ').trim() : null;
  return { dose, route, frequency: timingText(d?.timing), asNeeded, text };
}

/**
 * A dosage instruction in words: the prescriber's `text` when recorded (it is what they
 * wrote), else built from the structured parts: `1 TAB by mouth twice a day`,
 * `every 8 hours as needed`. `null` when there is nothing at all (common in Synthea data).
 */
export function dosageText(dosage: Dosage | undefined | null, options: NumberDisplayOptions = {}): string | null {
  const p = dosageParts(dosage, options);
  if (p.text) return p.text;
  let route = p.route;
  if (route && !/^(by|into|under|to|through|in|intra|sub|buccal|rectal|vaginal)/i.test(route)) route = `(${route})`;
  const built = [p.dose, route, p.frequency, p.asNeeded].filter(Boolean).join(' ');
  return built || null;
}

/** Dosage of a MedicationRequest (`dosageInstruction`) or MedicationStatement (`dosage`), joined with `; `. */
export function medicationDosageText(resource: MedicationUse | undefined | null, options: NumberDisplayOptions = {}): string | null {
  const list =
    resource?.resourceType === 'MedicationStatement'
      ? resource.dosage
      : resource?.resourceType === 'MedicationRequest'
        ? resource.dosageInstruction
        : undefined;
  if (!Array.isArray(list)) return null;
  const texts = list.map((d) => dosageText(d, options)).filter((t): t is string => t !== null);
  return texts.length ? texts.join('; ') : null;
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

/** ATC codes below substance level (fewer than 7 characters) name drug classes, not drugs. */
function matchKeys(concept: CodeableConcept | undefined, name: string | null): string[] {
  const keys = (concept ? (concept.coding ?? []) : [])
    .filter((c): c is Coding => Boolean(c))
    .filter((c) => canonicalSystem(c.system) !== SYSTEMS.ATC || (typeof c.code === 'string' && c.code.trim().length >= 7))
    .map(codingKey)
    .filter((k): k is string => k !== undefined);
  const n = normalizeConceptName(name);
  if (n) keys.push(`name:${n}`);
  return keys;
}

/** Union-find grouping of items that share any key. */
function groupByKeys<T>(items: readonly T[], keysOf: (item: T) => string[]): T[][] {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const owner = new Map<string, number>();
  items.forEach((item, i) => {
    for (const k of keysOf(item)) {
      const j = owner.get(k);
      if (j === undefined) owner.set(k, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, T[]>();
  items.forEach((item, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(item);
    else groups.set(root, [item]);
  });
  return [...groups.values()];
}

/**
 * Groups medication records from several sources that are the same drug: they share a coding
 * (RxNorm, SNOMED CT, dm+d, NDC, or a substance-level ATC code — ATC class codes are ignored so
 * two different penicillins never merge) or have the same normalized name. Each group lists its
 * sources and flags differing dose text or status. Entered-in-error records are left out: they
 * are not clinical fact and must not vouch for a drug. Items with no name and no code stay alone.
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
  const grouped = groupByKeys(usable, (i) => {
    const n = names.get(i)!;
    return matchKeys(n.concept, n.text);
  });
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
 * Groups allergy records that name the same substance (a shared coding, or the same normalized
 * text), so one allergy reported by three sources — or copied twenty times — is shown once with
 * all its sources. Entered-in-error records are left out. Disagreements (criticality,
 * verification, clinical status) are flagged so the panel can show each version.
 */
export function groupDuplicateAllergies(items: ReadonlyArray<SourcedItem<AllergyIntolerance>>): AllergyGroup[] {
  const usable = (Array.isArray(items) ? items : []).filter(
    (i) => i && i.resource && typeof i.resource === 'object' && !isEnteredInError(i.resource),
  );
  const grouped = groupByKeys(usable, (i) => {
    const keys = conceptKeys(i.resource.code);
    const n = normalizeConceptName(conceptText(i.resource.code));
    if (n) keys.push(`name:${n}`);
    return keys;
  });
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
