/**
 * Reference ranges of laboratory results: reading them (low/high, one-sided, text-only, several
 * qualified by sex and age), choosing the one that applies to this patient at the result's date,
 * and judging a value against it, comparator-aware.
 */
import type { CodeableConcept, Observation, Quantity } from 'fhir/r4';
import { conceptText } from './codings.js';
import { ageAt } from './dates.js';
import { formatDecimal, formatRange, quantityUnit } from './quantities.js';
import type { LabValue } from './lab-values.js';

/** One reference range, read. */
export interface LabRange {
  low?: number;
  high?: number;
  /** The range's unit as recorded (the low bound's, else the high bound's); absent when none. */
  unit?: string;
  /** The range's own text, when recorded. */
  text?: string;
  kind: 'both' | 'low-only' | 'high-only' | 'text-only';
  /** Populations it applies to, as recorded (`Female`, `pre-puberty`). */
  appliesTo: string[];
  /** The sex it applies to when `appliesTo` codes one (`male`/`female`). */
  sex?: 'male' | 'female';
  /** Age band in years (inclusive), when recorded in years, months, weeks or days. */
  ageLow?: number;
  ageHigh?: number;
  /** Range meaning (`Normal Range`, `Therapeutic`), as recorded. */
  type?: string;
  /** Plain words: `3.5–5.0 mmol/L`, `≤ 5 mg/L`, `Negative`, with the population when qualified: `12.0–15.5 g/dL (Female, 18–65 years)`. */
  label: string;
}

/** What choosing a range needs to know about the patient. */
export interface PatientFacts {
  birthDate?: string;
  gender?: string;
}

const MALE = new Set(['male', 'm', '248153007']);
const FEMALE = new Set(['female', 'f', '248152002']);

function sexOf(concepts: CodeableConcept[]): 'male' | 'female' | undefined {
  for (const c of concepts) {
    const words = [c.text, ...(c.coding ?? []).flatMap((x) => [x.code, x.display])]
      .filter((s): s is string => typeof s === 'string')
      .map((s) => s.trim().toLowerCase());
    if (words.some((w) => MALE.has(w))) return 'male';
    if (words.some((w) => FEMALE.has(w))) return 'female';
  }
  return undefined;
}

const YEAR_UNITS: Readonly<Record<string, number>> = { a: 1, yr: 1, year: 1, years: 1, y: 1, mo: 1 / 12, month: 1 / 12, months: 1 / 12, wk: 7 / 365.25, week: 7 / 365.25, weeks: 7 / 365.25, d: 1 / 365.25, day: 1 / 365.25, days: 1 / 365.25 };

function ageYears(q: Quantity | undefined): number | undefined {
  const v = (q as { value?: unknown } | undefined)?.value;
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  const unit = (q?.code ?? q?.unit ?? 'a').toString().trim().toLowerCase();
  const factor = YEAR_UNITS[unit];
  return factor === undefined ? undefined : v * factor;
}

const num = (q: Quantity | undefined): number | undefined => {
  const v = (q as { value?: unknown } | undefined)?.value;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/** Every reference range of an Observation (or component), in recorded order; empty ones skipped. */
export function rangesOf(obs: { referenceRange?: Observation['referenceRange'] } | undefined | null, options: { locale?: string } = {}): LabRange[] {
  const list = Array.isArray(obs?.referenceRange) ? obs!.referenceRange! : [];
  const locale = options.locale ?? 'en-GB';
  const out: LabRange[] = [];
  for (const r of list) {
    if (!r || typeof r !== 'object') continue;
    const low = num(r.low);
    const high = num(r.high);
    const text = typeof r.text === 'string' && r.text.trim() ? r.text.replace(/\s+/g, ' ').trim().slice(0, 500) : undefined;
    const numeric = formatRange({ ...(low !== undefined ? { low: r.low } : {}), ...(high !== undefined ? { high: r.high } : {}) }, { locale });
    const kind: LabRange['kind'] | undefined = numeric.kind === 'empty' ? (text ? 'text-only' : undefined) : numeric.kind;
    if (!kind) continue;
    const appliesToConcepts: CodeableConcept[] = Array.isArray(r.appliesTo) ? r.appliesTo.filter((c) => c && typeof c === 'object') : [];
    const appliesTo = appliesToConcepts.map((c) => conceptText(c)).filter((s): s is string => s !== null);
    const sex = sexOf(appliesToConcepts);
    const ageLow = ageYears(r.age?.low);
    const ageHigh = ageYears(r.age?.high);
    const type = conceptText(r.type as CodeableConcept | undefined) ?? undefined;
    const unit = quantityUnit(low !== undefined ? r.low : r.high) || undefined;
    const ageWords = ageLow !== undefined || ageHigh !== undefined ? ageLabel(ageLow, ageHigh, locale) : '';
    const qualifiers = [...appliesTo, ...(ageWords ? [ageWords] : [])];
    const main = numeric.text ?? text!;
    out.push({
      ...(low !== undefined ? { low } : {}),
      ...(high !== undefined ? { high } : {}),
      ...(unit ? { unit } : {}),
      ...(text ? { text } : {}),
      kind,
      appliesTo,
      ...(sex ? { sex } : {}),
      ...(ageLow !== undefined ? { ageLow } : {}),
      ...(ageHigh !== undefined ? { ageHigh } : {}),
      ...(type ? { type } : {}),
      label: qualifiers.length ? `${main} (${qualifiers.join(', ')})` : main,
    });
  }
  return out;
}

function ageLabel(low: number | undefined, high: number | undefined, locale: string): string {
  const f = (x: number) => formatDecimal(Math.round(x * 10) / 10, { locale }) ?? String(x);
  if (low !== undefined && high !== undefined) return `${f(low)}–${f(high)} y`;
  if (low !== undefined) return `≥ ${f(low)} y`;
  return `≤ ${f(high!)} y`;
}

/**
 * The range that applies to this patient at `at` (the result's date): ranges whose sex and age
 * band match (a qualifier the patient's facts cannot confirm rules a range out), the most
 * specific first (sex and age, then one of them, then none). Ranges whose meaning is not a
 * normal range (e.g. therapeutic) are chosen only when nothing else is. `undefined` when no
 * range applies: a range for another population is never used.
 */
export function chooseRange(ranges: readonly LabRange[], patient: PatientFacts, at: string): LabRange | undefined {
  const gender = typeof patient.gender === 'string' ? patient.gender.toLowerCase() : '';
  // No result date: no age (never "today", which would make the choice depend on when it is read).
  const day = at.slice(0, 10);
  const age = typeof patient.birthDate === 'string' && day ? ageAt(patient.birthDate, day) : null;
  const years = age ? age.years + (age.months ?? 0) / 12 : undefined;
  const fits = (r: LabRange): boolean => {
    if (r.sex && r.sex !== gender) return false;
    // A population we cannot read (e.g. "pre-puberty") is not assumed to include the patient.
    if (r.appliesTo.length && !r.sex) return false;
    if (r.ageLow !== undefined || r.ageHigh !== undefined) {
      if (years === undefined) return false;
      if (r.ageLow !== undefined && years < r.ageLow) return false;
      if (r.ageHigh !== undefined && years > r.ageHigh) return false;
    }
    return true;
  };
  const normalType = (r: LabRange) => !r.type || /normal|reference/i.test(r.type);
  const score = (r: LabRange) => (r.sex ? 2 : 0) + (r.ageLow !== undefined || r.ageHigh !== undefined ? 2 : 0) + (normalType(r) ? 4 : 0) + (r.kind !== 'text-only' ? 1 : 0);
  let best: LabRange | undefined;
  for (const r of ranges) if (fits(r) && (!best || score(r) > score(best))) best = r;
  return best;
}

/** Where a value sits against a range. */
export type RangeVerdict = 'below' | 'within' | 'above' | 'unknown';

/**
 * A value against a range, comparator-aware: `<5` against a low of 10 is below, `<5` against
 * 3–10 is unknown (it may be anywhere under 5). Only quantities in the range's unit are judged
 * (a range without a unit is assumed to be in the value's). Text-only ranges, and anything else,
 * are `unknown`.
 */
export function rangeVerdict(value: LabValue, range: LabRange | undefined): RangeVerdict {
  if (!range || value.kind !== 'quantity' || range.kind === 'text-only') return 'unknown';
  if (range.unit && value.unit && range.unit !== value.unit) return 'unknown';
  const { low, high } = range;
  const v = value.value;
  switch (value.comparator) {
    case '<':
      if (low !== undefined && v <= low) return 'below';
      if (low === undefined && high !== undefined && v <= high) return 'within';
      return 'unknown';
    case '<=':
      if (low !== undefined && v < low) return 'below';
      if (low === undefined && high !== undefined && v <= high) return 'within';
      return 'unknown';
    case '>':
      if (high !== undefined && v >= high) return 'above';
      if (high === undefined && low !== undefined && v >= low) return 'within';
      return 'unknown';
    case '>=':
      if (high !== undefined && v > high) return 'above';
      if (high === undefined && low !== undefined && v >= low) return 'within';
      return 'unknown';
    default:
      if (low !== undefined && v < low) return 'below';
      if (high !== undefined && v > high) return 'above';
      return 'within';
  }
}
