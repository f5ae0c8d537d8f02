/**
 * Quantities, ranges, ratios and reference ranges for display.
 *
 * Values are shown as recorded: never rounded to fewer digits than the record holds. FHIR JSON
 * parsers turn `5.0` into `5`, so trailing zeros are already lost by the time a number reaches
 * us; a decimal passed as a string (`"5.0"`) keeps them. Unrounded machine values such as
 * Synthea's `175.96112001234565` are shown in full unless the caller opts in to a cap with
 * `maximumFractionDigits` (a display choice the element must make knowingly). Thousands
 * separators are off by default, because `12.000` reads as twelve in many locales.
 * Units are shown exactly as recorded (`unit`, else `code`); they are never converted.
 */
import type { CodeableConcept, Quantity, Range, Ratio, ObservationReferenceRange } from 'fhir/r4';
import { conceptText } from './codings.js';
import { own } from './lookup.js';

/** Options for number display. */
export interface NumberDisplayOptions {
  /** BCP 47 locale for Intl; default `en-GB`. */
  readonly locale?: string;
  /** Group thousands (`12,000`). Default `false`. */
  readonly useGrouping?: boolean;
  /**
   * Opt-in cap on decimals shown (values with fewer decimals are never padded or cut).
   * Default: no cap — the value is shown as recorded.
   */
  readonly maximumFractionDigits?: number;
}

const DECIMAL_STRING = /^[+-]?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Number of digits after the decimal point in the shortest exact form of a decimal. */
function fractionDigits(repr: string): number {
  const m = DECIMAL_STRING.exec(repr);
  if (!m) return 0;
  const frac = m[2]?.length ?? 0;
  const exp = m[3] ? Number(m[3]) : 0;
  return Math.max(0, frac - exp);
}

/**
 * Formats a FHIR decimal for display in a locale, keeping every recorded digit.
 * Accepts a number, or a decimal string (keeps trailing zeros: `"5.0"` → `5.0`).
 * Returns `null` for anything that is not a finite decimal.
 */
export function formatDecimal(value: unknown, options: NumberDisplayOptions = {}): string | null {
  let repr: string;
  let num: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    num = value;
    repr = String(value);
  } else if (typeof value === 'string' && value.length <= 64 && DECIMAL_STRING.test(value.trim())) {
    repr = value.trim();
    num = Number(repr);
    if (!Number.isFinite(num)) return null;
  } else {
    return null;
  }
  let digits = Math.min(fractionDigits(repr), 100);
  if (options.maximumFractionDigits !== undefined && options.maximumFractionDigits >= 0) {
    digits = Math.min(digits, Math.floor(options.maximumFractionDigits));
  }
  try {
    return decimalFormat(options.locale ?? 'en-GB', digits, options.useGrouping ?? false).format(num);
  } catch {
    return repr;
  }
}

const decimalCache = new Map<string, Intl.NumberFormat>();

/**
 * The formatter for `digits` fraction digits in `locale`, built once per combination (a list of
 * doses asks for one per number). A locale `Intl` rejects throws on every call and is not cached.
 */
function decimalFormat(locale: string, digits: number, useGrouping: boolean): Intl.NumberFormat {
  const key = `${locale}|${digits}|${useGrouping}`;
  let fmt = decimalCache.get(key);
  if (!fmt) {
    fmt = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping });
    decimalCache.set(key, fmt);
  }
  return fmt;
}

const COMPARATORS: Readonly<Record<string, string>> = { '<': '<', '<=': '≤', '>=': '≥', '>': '>', ad: 'ad ' };

/** The unit to show for a quantity: `unit` as recorded, else `code`; `''` when neither. */
export function quantityUnit(q: Quantity | undefined | null): string {
  const pick = (s: unknown): string => (typeof s === 'string' ? s.trim() : '');
  return pick(q?.unit) || pick(q?.code);
}

/**
 * Formats a Quantity: comparator, value, and unit as recorded (`<5 mmol/L`, `6.3 mmol/l`,
 * `≤2 g`). Returns `null` when there is no value (the caller shows why, e.g. dataAbsentReason).
 */
export function formatQuantity(q: Quantity | undefined | null, options: NumberDisplayOptions = {}): string | null {
  if (!q || typeof q !== 'object') return null;
  const raw = (q as { value?: unknown }).value;
  const num = formatDecimal(raw, options);
  if (num === null) return null;
  const comparator = own(COMPARATORS, q.comparator) ?? '';
  const unit = quantityUnit(q);
  return `${comparator}${num}${unit ? ` ${unit}` : ''}`;
}

function sameUnit(a: Quantity | undefined, b: Quantity | undefined): boolean {
  return quantityUnit(a) === quantityUnit(b);
}

/** How a range is bounded. */
export type RangeKind = 'both' | 'low-only' | 'high-only' | 'empty';

/** A Range ready for display. */
export interface RangeDisplay {
  readonly kind: RangeKind;
  /** `3.1–6.2 mmol/L`, `≥ 3 mmol/L`, `≤ 5 per HPF`; `null` when empty. */
  readonly text: string | null;
}

/**
 * Formats a Range. Both bounds: `low–high unit` (units repeated if they differ). One bound:
 * `≥ low` or `≤ high` (FHIR range bounds are inclusive).
 */
export function formatRange(range: Range | undefined | null, options: NumberDisplayOptions = {}): RangeDisplay {
  const low = range?.low ? formatDecimal((range.low as { value?: unknown }).value, options) : null;
  const high = range?.high ? formatDecimal((range.high as { value?: unknown }).value, options) : null;
  if (low !== null && high !== null) {
    if (sameUnit(range!.low, range!.high)) {
      const unit = quantityUnit(range!.low);
      return { kind: 'both', text: `${low}–${high}${unit ? ` ${unit}` : ''}` };
    }
    return { kind: 'both', text: `${formatQuantity(range!.low, options)} – ${formatQuantity(range!.high, options)}` };
  }
  if (low !== null) return { kind: 'low-only', text: `≥ ${formatQuantity(range!.low, options)}` };
  if (high !== null) return { kind: 'high-only', text: `≤ ${formatQuantity(range!.high, options)}` };
  return { kind: 'empty', text: null };
}

/**
 * Formats a Ratio as `numerator/denominator` (`12 mg/1.2 mL`). A denominator of exactly 1 with
 * a unit is shown as the unit alone (`500 mg/Tab`). `null` when the numerator is missing.
 */
export function formatRatio(ratio: Ratio | undefined | null, options: NumberDisplayOptions = {}): string | null {
  const num = formatQuantity(ratio?.numerator, options);
  if (num === null) return null;
  const den = ratio?.denominator;
  if (!den) return num;
  const denValue = (den as { value?: unknown }).value;
  const unit = quantityUnit(den);
  if (denValue === 1 && unit) return `${num}/${unit}`;
  const denText = formatQuantity(den, options);
  return denText === null ? num : `${num}/${denText}`;
}

/** One reference range, ready for display. */
export interface ReferenceRangeDisplay {
  /** `both`, `low-only`, `high-only`, `text-only`, or `empty`. */
  readonly kind: RangeKind | 'text-only';
  /** The numeric range (`0.76–1.27 mg/dL`, `≤ 5 per HPF`), else the range's text; `null` if none. */
  readonly text: string | null;
  /** The range's own `text` when it also has numbers (often a note), else absent. */
  readonly note?: string;
  /** Range meaning (e.g. `Normal Range`), when recorded. */
  readonly type?: string;
  /** Populations it applies to (e.g. `Male`), as recorded. */
  readonly appliesTo: readonly string[];
  /** Age band (`≥ 15 yrs`, `18–65 a`), when recorded. */
  readonly age?: string;
  /** Numeric bounds, for charting; absent when not numbers. */
  readonly low?: number;
  readonly high?: number;
}

/**
 * Describes each reference range of an Observation for display: numeric (two-sided or one-sided),
 * text-only, with its meaning, the populations it applies to (sex, ethnicity …) and age band.
 * Ranges are returned in recorded order; choosing the one for this patient is the caller's job.
 */
export function describeReferenceRanges(
  ranges: readonly ObservationReferenceRange[] | undefined | null,
  options: NumberDisplayOptions = {},
): ReferenceRangeDisplay[] {
  if (!Array.isArray(ranges)) return [];
  return ranges
    .filter((r) => r && typeof r === 'object')
    .map((r) => {
      const numeric = formatRange({ low: r.low, high: r.high }, options);
      const text = typeof r.text === 'string' ? r.text.replace(/\s+/g, ' ').trim() : '';
      const type = conceptText(r.type as CodeableConcept | undefined);
      const appliesToList: CodeableConcept[] = Array.isArray(r.appliesTo) ? r.appliesTo : [];
      const appliesTo = appliesToList
        .map((c) => conceptText(c))
        .filter((s): s is string => s !== null);
      const age = r.age ? formatRange(r.age, options).text : null;
      const lowValue = (r.low as { value?: unknown } | undefined)?.value;
      const highValue = (r.high as { value?: unknown } | undefined)?.value;
      const base = {
        appliesTo,
        ...(type ? { type } : {}),
        ...(age ? { age } : {}),
        ...(typeof lowValue === 'number' && Number.isFinite(lowValue) ? { low: lowValue } : {}),
        ...(typeof highValue === 'number' && Number.isFinite(highValue) ? { high: highValue } : {}),
      };
      if (numeric.kind !== 'empty') return { ...base, kind: numeric.kind, text: numeric.text, ...(text ? { note: text } : {}) };
      if (text) return { ...base, kind: 'text-only' as const, text };
      return { ...base, kind: 'empty' as const, text: null };
    });
}
