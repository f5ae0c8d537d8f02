/**
 * Identifiers: choosing the one to show, labelling it, and NHS number formatting/validation.
 */
import type { CodeableConcept, Identifier } from 'fhir/r4';
import { isPeriodCurrent } from './names.js';
import { own } from './lookup.js';

/** The NHS number system (England and Wales). */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
/** HL7 v2 table 0203, identifier types. */
export const V2_0203_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0203';
/** US Social Security number. */
export const US_SSN_SYSTEM = 'http://hl7.org/fhir/sid/us-ssn';

/** Stable keys for identifier labels; the element layer turns them into words. */
export type IdentifierLabelKey =
  | 'nhs-number'
  | 'mrn'
  | 'ssn'
  | 'driver-licence'
  | 'passport'
  | 'national-health-number'
  | 'national-person-id'
  | 'member-number'
  | 'patient-internal-id'
  | 'patient-external-id'
  | 'account-number'
  | 'tax-id'
  | 'identifier';

const V2_CODE_KEYS: Readonly<Record<string, IdentifierLabelKey>> = {
  MR: 'mrn',
  MRT: 'mrn',
  SS: 'ssn',
  SB: 'ssn',
  DL: 'driver-licence',
  PPN: 'passport',
  NH: 'national-health-number',
  NI: 'national-person-id',
  NNxxx: 'national-person-id',
  MB: 'member-number',
  PI: 'patient-internal-id',
  PT: 'patient-external-id',
  AN: 'account-number',
  TAX: 'tax-id',
};

/** Short English labels for the keys, for hosts that do not localize. */
export const IDENTIFIER_LABELS_EN: Readonly<Record<IdentifierLabelKey, string>> = {
  'nhs-number': 'NHS No.',
  mrn: 'MRN',
  ssn: 'SSN',
  'driver-licence': 'Driving licence',
  passport: 'Passport',
  'national-health-number': 'Health No.',
  'national-person-id': 'National ID',
  'member-number': 'Member No.',
  'patient-internal-id': 'Patient ID',
  'patient-external-id': 'External ID',
  'account-number': 'Account No.',
  'tax-id': 'Tax ID',
  identifier: 'ID',
};

/** Digits only: spaces and hyphens removed. */
function digitsOf(value: string): string {
  return value.replace(/[\s-]/g, '');
}

/**
 * Whether a value is a valid NHS number: 10 digits whose last is the modulus-11 check digit of
 * the first nine (weights 10 down to 2). Spaces and hyphens are ignored.
 */
export function isValidNhsNumber(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const d = digitsOf(value);
  if (!/^\d{10}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(d[i]) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  if (check === 10) return false;
  return check === Number(d[9]);
}

/**
 * Formats an NHS number as `3 3 4` digit groups (`943 476 5919`). A value that is not ten
 * digits is returned trimmed and unchanged, so nothing recorded is hidden.
 */
export function formatNhsNumber(value: string): string {
  const d = digitsOf(value);
  if (!/^\d{10}$/.test(d)) return value.trim();
  return `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`;
}

const looksLikeUri = (s: string): boolean => /^(?:[a-z][a-z0-9+.-]*:\/\/|urn:)/i.test(s);

function typeCode(type: CodeableConcept | undefined): string | undefined {
  const codings = Array.isArray(type?.coding) ? type!.coding : [];
  const v2 = codings.find((c) => c?.system === V2_0203_SYSTEM && typeof c.code === 'string');
  return v2?.code ?? codings.find((c) => !c?.system && typeof c?.code === 'string')?.code;
}

/** A label for an identifier: a stable key, plus the type's recorded words when it has some. */
export interface IdentifierLabel {
  readonly key: IdentifierLabelKey;
  /** `type.text` or a coding display, when recorded; never a URI. */
  readonly text?: string;
  /** The v2-0203 type code, when there is one. */
  readonly code?: string;
}

/**
 * Labels an identifier. The NHS number system wins; then a known v2-0203 type code (`MR` → `mrn`,
 * `SS` → `ssn`, `DL`, `PPN`, `NH` …); otherwise the generic key `identifier`. Recorded words
 * (`type.text`, then a coding display) are passed along as `text` for unknown types. A system
 * URI is never used as a label.
 */
export function identifierLabel(identifier: Identifier | undefined): IdentifierLabel {
  const code = typeCode(identifier?.type);
  const recorded = [identifier?.type?.text, ...(identifier?.type?.coding ?? []).map((c) => c?.display)]
    .map((s) => (typeof s === 'string' ? s.replace(/\s+/g, ' ').trim() : ''))
    .find((s) => s && !looksLikeUri(s));
  const key: IdentifierLabelKey =
    identifier?.system === NHS_NUMBER_SYSTEM ? 'nhs-number' : (code && own(V2_CODE_KEYS, code)) || 'identifier';
  return { key, ...(recorded ? { text: recorded } : {}), ...(code ? { code } : {}) };
}

/** Options for {@link selectMainIdentifier}. */
export interface IdentifierPreference {
  /** Systems to prefer, best first, after the NHS number. */
  readonly preferredSystems?: readonly string[];
  /** When to judge `period`; default now. */
  readonly at?: Date | number;
}

/**
 * Picks the identifier to show in a banner: the NHS number first, then the preferred systems
 * in order, then one typed `MR`, then `official`/`usual` use, then the first with a value.
 * Skips identifiers without a value, with use `old`, or whose period has ended.
 */
export function selectMainIdentifier(
  identifiers: readonly Identifier[] | undefined,
  preference: IdentifierPreference = {},
): Identifier | undefined {
  if (!Array.isArray(identifiers)) return undefined;
  const at = preference.at === undefined ? Date.now() : typeof preference.at === 'number' ? preference.at : preference.at.getTime();
  const usable = identifiers.filter(
    (i) =>
      i &&
      typeof i === 'object' &&
      typeof i.value === 'string' &&
      i.value.trim() !== '' &&
      i.use !== 'old' &&
      isPeriodCurrent(i.period, at),
  );
  const preferred = preference.preferredSystems ?? [];
  const rank = (i: Identifier): number => {
    if (i.system === NHS_NUMBER_SYSTEM) return 0;
    const p = i.system ? preferred.indexOf(i.system) : -1;
    if (p >= 0) return 1 + p;
    const base = 1 + preferred.length;
    if (typeCode(i.type) === 'MR') return base;
    if (i.use === 'official') return base + 1;
    if (i.use === 'usual') return base + 2;
    return base + 3;
  };
  let best: Identifier | undefined;
  let bestRank = Infinity;
  for (const i of usable) {
    const r = rank(i);
    if (r < bestRank) {
      best = i;
      bestRank = r;
    }
  }
  return best;
}

/** An identifier ready for display. */
export interface IdentifierDisplay {
  readonly label: IdentifierLabel;
  /** The value, NHS numbers formatted `943 476 5919`; other values trimmed, as recorded. */
  readonly value: string;
  /** For NHS numbers only: whether the check digit is right. An invalid one must be flagged. */
  readonly valid?: boolean;
}

/**
 * Label and value of an identifier for display, validating NHS numbers. Returns `null` when the
 * identifier has no value.
 */
export function describeIdentifier(identifier: Identifier | undefined): IdentifierDisplay | null {
  if (!identifier || typeof identifier.value !== 'string' || identifier.value.trim() === '') return null;
  const label = identifierLabel(identifier);
  if (label.key === 'nhs-number') {
    return { label, value: formatNhsNumber(identifier.value), valid: isValidNhsNumber(identifier.value) };
  }
  return { label, value: identifier.value.trim() };
}

/**
 * Who issued an identifier, in words, for labelling one without a type: the assigner's
 * `display` when recorded (whitespace collapsed, never a URI), else `undefined` (the caller
 * falls back to the name of the source the record came from).
 */
export function identifierIssuer(identifier: Identifier | undefined): string | undefined {
  const display = identifier?.assigner?.display;
  if (typeof display !== 'string') return undefined;
  const clean = display.replace(/\s+/g, ' ').trim();
  return clean && !looksLikeUri(clean) ? clean : undefined;
}

/** Values at least this long without separators are shown in groups. */
const GROUP_FROM = 8;

/**
 * An identifier value cut into groups for reading aloud or copying by eye, joined back they are
 * exactly the value (the element shows the groups with space between them, never a character
 * more). A value with its own separators (space, `-`, `.`, `/`) is cut after each separator;
 * a run of at least 8 letters and digits without any is cut every 4 characters
 * (`S99925140` → `S999 2514 0`); shorter values are one group.
 */
export function identifierGroups(value: string): string[] {
  if (value === '') return [];
  if (/[\s\-./]/.test(value)) return value.match(/[^\s\-./]*[\s\-./]+|[^\s\-./]+$/g) ?? [value];
  if (value.length < GROUP_FROM) return [value];
  return value.match(/[\s\S]{1,4}/gu) ?? [value];
}
