/**
 * The value of a laboratory result (an Observation, or one of its components) for display.
 *
 * - Numbers: shown with a sensible precision (see {@link displayDigits}); the stored value is kept
 *   beside it (`stored`) for "show the stored value" on demand, and `rounded` says when they differ.
 * - Comparators (`<5`) stay part of the value: they are never read as the number alone.
 * - Units are exactly as recorded (`unit`, else `code`); `unitKey` says which values can share an
 *   axis (UCUM code when coded, else the unit's words).
 * - `dataAbsentReason` is a value of its own: `masked` is "withheld", never "no result".
 */
import type { CodeableConcept, Quantity, Range, Ratio } from 'fhir/r4';
import { canonicalSystem, conceptText, SYSTEMS } from './codings.js';
import { formatDecimal, formatRange, formatRatio, quantityUnit } from './quantities.js';

/** A quantity comparator as FHIR records it. */
export type Comparator = '<' | '<=' | '>=' | '>';

/** A result's value, ready for display. */
export type LabValue =
  | {
      kind: 'quantity';
      /** The number as stored (for a comparator value: the bound). */
      value: number;
      comparator?: Comparator;
      /** The unit exactly as recorded (`unit`, else `code`); `''` when none. */
      unit: string;
      /** What must match for two values to share an axis: `system|code` when coded, else the unit text; `''` without a unit. */
      unitKey: string;
      /** The number for display, comparator included (`<5`, `≤0.5`, `176.0`), in the locale. */
      text: string;
      /** The number exactly as stored (`175.96112001234565`). */
      stored: string;
      /** Whether `text` shows fewer digits than `stored`. */
      rounded: boolean;
    }
  | { kind: 'concept'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'boolean'; value: boolean; text: string }
  | { kind: 'range'; text: string }
  | { kind: 'ratio'; text: string }
  | {
      kind: 'absent';
      /** The dataAbsentReason code (`masked`, `not-performed` …), `''` when only words were recorded. */
      reason: string;
      /** `masked`: the value exists but is withheld from this viewer. */
      masked: boolean;
      /** The recorded words or code display, `''` when none. */
      text: string;
    }
  | { kind: 'none' };

/** The value-carrying fields of an Observation or an Observation component. */
export interface ValueCarrier {
  valueQuantity?: Quantity;
  valueCodeableConcept?: CodeableConcept;
  valueString?: string;
  valueBoolean?: boolean;
  valueInteger?: number;
  valueRange?: Range;
  valueRatio?: Ratio;
  valueTime?: string;
  valueDateTime?: string;
  dataAbsentReason?: CodeableConcept;
}

const COMPARATOR_SIGNS: Readonly<Record<Comparator, string>> = { '<': '<', '<=': '≤', '>=': '≥', '>': '>' };
const COMPARATORS = new Set<string>(['<', '<=', '>=', '>']);
const ABSENT_SYSTEM = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';

/** Longest text value kept for display (the element cuts visibly beyond 1,000 characters anyway). */
const MAX_TEXT = 10_000;

/**
 * Decimals to show for a stored number. Values recorded with at most three decimals are shown as
 * recorded (`0.125`, `13.5`, `5`). Longer machine values (Synthea's `175.96112001234565`) get four
 * significant digits, never fewer than the integer part (`176.0`, `37.12`, `1235`, `0.01235`):
 * enough to read a trend, with the stored value available on demand.
 */
export function displayDigits(stored: string): number {
  const m = /^[+-]?(\d+)(?:\.(\d+))?$/.exec(stored);
  if (!m) return 3; // exponent notation: a tiny or huge number; the stored form is kept beside it
  const decimals = m[2]?.length ?? 0;
  if (decimals <= 3) return decimals;
  const integer = m[1]!.replace(/^0+/, '');
  if (integer.length) return Math.max(0, 4 - integer.length);
  // |x| < 1: four significant digits after the leading zeros.
  const leadingZeros = /^0*/.exec(m[2]!)![0].length;
  return Math.min(decimals, leadingZeros + 4);
}

/** Options for value display. */
export interface LabValueOptions {
  /** BCP 47 locale for numbers; default `en-GB`. */
  locale?: string;
}

function unitKeyOf(q: Quantity): string {
  const code = typeof q.code === 'string' ? q.code.trim() : '';
  const system = canonicalSystem(q.system);
  if (code && system) return `${system}|${code}`;
  return quantityUnit(q);
}

function quantityValue(q: Quantity, options: LabValueOptions): LabValue | null {
  const raw = (q as { value?: unknown }).value;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return null;
  const stored = String(raw);
  const locale = options.locale ?? 'en-GB';
  const full = formatDecimal(raw, { locale }) ?? stored;
  const shown = formatDecimal(raw, { locale, maximumFractionDigits: displayDigits(stored) }) ?? full;
  const comparator = typeof q.comparator === 'string' && COMPARATORS.has(q.comparator) ? (q.comparator as Comparator) : undefined;
  return {
    kind: 'quantity',
    value: raw,
    ...(comparator ? { comparator } : {}),
    unit: quantityUnit(q),
    unitKey: unitKeyOf(q),
    text: `${comparator ? COMPARATOR_SIGNS[comparator] : ''}${shown}`,
    stored,
    rounded: shown !== full,
  };
}

function absentValue(reason: CodeableConcept): LabValue {
  const codings = Array.isArray(reason.coding) ? reason.coding : [];
  const coded = codings.find((c) => c && typeof c.code === 'string' && (canonicalSystem(c.system) === ABSENT_SYSTEM || !c.system));
  const code = typeof coded?.code === 'string' ? coded.code.trim() : '';
  return { kind: 'absent', reason: code, masked: code === 'masked', text: conceptText(reason) ?? '' };
}

const cut = (s: string) => (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s);

/**
 * The value of an Observation or component. `dataAbsentReason` wins over a value only when no
 * value is recorded (a value with a reason is invalid FHIR; the value is then shown, as recorded).
 */
export function labValueOf(x: ValueCarrier | undefined | null, options: LabValueOptions = {}): LabValue {
  if (!x || typeof x !== 'object') return { kind: 'none' };
  if (x.valueQuantity && typeof x.valueQuantity === 'object') {
    const q = quantityValue(x.valueQuantity, options);
    if (q) return q;
  }
  if (typeof x.valueInteger === 'number' && Number.isFinite(x.valueInteger)) {
    const q = quantityValue({ value: x.valueInteger }, options);
    if (q) return q;
  }
  if (x.valueCodeableConcept && typeof x.valueCodeableConcept === 'object') {
    const text = conceptText(x.valueCodeableConcept);
    if (text) return { kind: 'concept', text: cut(text) };
  }
  if (typeof x.valueString === 'string' && x.valueString.trim()) return { kind: 'string', text: cut(x.valueString.trim()) };
  if (typeof x.valueBoolean === 'boolean') return { kind: 'boolean', value: x.valueBoolean, text: x.valueBoolean ? 'true' : 'false' };
  if (x.valueRange && typeof x.valueRange === 'object') {
    const r = formatRange(x.valueRange, { locale: options.locale ?? 'en-GB' });
    if (r.text) return { kind: 'range', text: r.text };
  }
  if (x.valueRatio && typeof x.valueRatio === 'object') {
    const text = formatRatio(x.valueRatio, { locale: options.locale ?? 'en-GB' });
    if (text) return { kind: 'ratio', text };
  }
  for (const v of [x.valueTime, x.valueDateTime]) if (typeof v === 'string' && v.trim()) return { kind: 'string', text: cut(v.trim()) };
  if (x.dataAbsentReason && typeof x.dataAbsentReason === 'object') return absentValue(x.dataAbsentReason);
  return { kind: 'none' };
}

/** Whether `system` is UCUM (units that can be compared by code). */
export function isUcum(system: unknown): boolean {
  return canonicalSystem(system) === SYSTEMS.UCUM;
}
