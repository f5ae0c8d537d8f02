/**
 * Do linked Patient records (the same person as held by several providers) agree on who the
 * person is? Compares the identifying facts a clinician checks on a banner — name, birth date,
 * gender and whether the person has died — and reports each disagreement with the sources
 * behind each value, so the banner can warn instead of silently picking one.
 *
 * What counts as agreement (absence never counts as a disagreement: a record that does not say
 * something does not contradict one that does):
 * - name: the official name of each record (else its chosen display name). Family names must be
 *   equal, and the given names of one must begin with those of the other (a missing middle name
 *   is not a conflict). Case, accents-as-composed and runs of whitespace are normalised; titles
 *   and suffixes are ignored (`Mr.` vs `Mr` is not an identity question).
 * - birth date: two dates agree when they are equal at the precision both have (`1974` and
 *   `1974-12-25` agree; `1974-11` and `1974-12-25` do not). Unparseable values are compared as
 *   written.
 * - gender: only the definite codes `male`, `female`, `other` are compared (`unknown` says
 *   nothing either way).
 * - deceased: a record that says the person died disagrees with one that says they are alive
 *   (`deceasedBoolean: false`); a record that is silent does not disagree, but the banner still
 *   treats the person as deceased if any record says so (see {@link deceasedAcross}).
 */
import type { HumanName, Patient } from 'fhir/r4';
import { streamSafe } from './unicode.js';
import { parseFhirDate, type ParsedFhirDate } from './dates.js';
import { genderKey } from './gender.js';
import { formatName, nameParts, selectName } from './names.js';
import { deceasedInfo } from './status.js';

/** One provider's copy of the patient. */
export interface SourcedPatient {
  /** Source id, e.g. `clinic`. */
  readonly source: string;
  readonly patient: Patient;
}

/** The identifying facts compared across records. */
export type IdentityField = 'name' | 'birthDate' | 'gender' | 'deceased';

/** One value of a field and the sources that recorded it. */
export interface IdentityValue {
  /**
   * The value as recorded: the formatted name (`FAMILY, Given`), the birth date string, the
   * gender code, or `'deceased'` / `'alive'`.
   */
  readonly value: string;
  readonly sources: readonly string[];
}

/** A field on which at least two records disagree. */
export interface IdentityDifference {
  readonly field: IdentityField;
  /** Every distinct recorded value (records that say nothing are left out), in record order. */
  readonly values: readonly IdentityValue[];
}

/** The outcome of {@link compareLinkedPatients}. */
export interface IdentityComparison {
  /** True when no field disagrees (also for zero or one record). */
  readonly agree: boolean;
  readonly differences: readonly IdentityDifference[];
}

/** Lower case, Unicode-composed, whitespace collapsed; `''` for anything that is not a string. */
export function normalizeNamePart(text: unknown): string {
  if (typeof text !== 'string') return '';
  return streamSafe(text).normalize('NFC').toLocaleLowerCase('en').replace(/\s+/g, ' ').trim();
}

/** The name compared across records: the official one if current, else the chosen display name. */
export function identityName(patient: Patient | undefined | null, at: number = Date.now()): HumanName | undefined {
  const names = Array.isArray(patient?.name) ? patient!.name : [];
  const official = selectName(
    names.filter((n) => n?.use === 'official'),
    at,
  );
  return official ?? selectName(names, at);
}

interface NameKey {
  family: string;
  given: string[];
  text: string;
}

function nameKey(name: HumanName | undefined): NameKey | null {
  if (!name) return null;
  const p = nameParts(name);
  const family = normalizeNamePart(p.family);
  const given = p.given.flatMap((g) => normalizeNamePart(g).split(' ')).filter(Boolean);
  const text = normalizeNamePart(p.text);
  if (!family && !given.length && !text) return null;
  return { family, given, text };
}

/** Whether two names could be the same person's (see the module comment). */
export function namesAgree(a: HumanName | undefined, b: HumanName | undefined): boolean {
  const ka = nameKey(a);
  const kb = nameKey(b);
  if (!ka || !kb) return true;
  // Text-only names (no structured parts) can only be compared as whole text.
  if ((!ka.family && !ka.given.length) || (!kb.family && !kb.given.length)) {
    const whole = (k: NameKey) => k.text || [...k.given, k.family].filter(Boolean).join(' ');
    return whole(ka) === whole(kb);
  }
  if (ka.family !== kb.family) return false;
  const [short, long] = ka.given.length <= kb.given.length ? [ka.given, kb.given] : [kb.given, ka.given];
  return short.every((g, i) => long[i] === g);
}

function fieldsOf(p: ParsedFhirDate): number[] {
  const out = [p.year];
  if (p.month !== undefined) out.push(p.month);
  if (p.day !== undefined) out.push(p.day);
  return out;
}

/**
 * Whether two birth dates agree at their common precision. Missing values agree with anything;
 * values that are not valid FHIR dates agree only with the same text.
 */
export function birthDatesAgree(a: unknown, b: unknown): boolean {
  const sa = typeof a === 'string' ? a.trim() : '';
  const sb = typeof b === 'string' ? b.trim() : '';
  if (!sa || !sb) return true;
  const pa = parseFhirDate(sa);
  const pb = parseFhirDate(sb);
  if (!pa || !pb) return sa === sb;
  const fa = fieldsOf(pa);
  const fb = fieldsOf(pb);
  const n = Math.min(fa.length, fb.length);
  for (let i = 0; i < n; i++) if (fa[i] !== fb[i]) return false;
  return true;
}

/** Groups records by a value, keeping record order; `undefined` values are left out. */
function distinctValues(
  records: readonly SourcedPatient[],
  valueOf: (p: Patient) => string | undefined,
  sameAs: (a: string, b: string) => boolean = (a, b) => a === b,
): IdentityValue[] {
  const out: Array<{ value: string; sources: string[] }> = [];
  for (const r of records) {
    const v = valueOf(r.patient);
    if (v === undefined) continue;
    const hit = out.find((o) => sameAs(o.value, v));
    if (hit) {
      if (!hit.sources.includes(r.source)) hit.sources.push(r.source);
    } else out.push({ value: v, sources: [r.source] });
  }
  return out;
}

/** Whether any two of the values disagree under `agree`. */
function anyPairDisagrees<T>(items: readonly T[], agree: (a: T, b: T) => boolean): boolean {
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) if (!agree(items[i]!, items[j]!)) return true;
  }
  return false;
}

/**
 * Compares the linked records of one person. Returns every field on which some pair of records
 * disagrees, with each distinct value and its sources. Zero or one record always agrees.
 */
export function compareLinkedPatients(
  records: readonly SourcedPatient[],
  options: { at?: Date | number; locale?: string } = {},
): IdentityComparison {
  const list = (Array.isArray(records) ? records : []).filter((r) => r && r.patient && typeof r.patient === 'object');
  const at = options.at === undefined ? Date.now() : typeof options.at === 'number' ? options.at : options.at.getTime();
  const differences: IdentityDifference[] = [];

  // Names: compared structurally, reported by their formatted text.
  const named = list
    .map((r) => ({ r, name: identityName(r.patient, at) }))
    .filter((x): x is { r: SourcedPatient; name: HumanName } => nameKey(x.name) !== null);
  if (anyPairDisagrees(named, (a, b) => namesAgree(a.name, b.name))) {
    const shown = new Map(named.map((x) => [x.r.patient, formatName(x.name, options.locale) ?? ''] as const));
    const values = distinctValues(
      named.map((x) => x.r),
      (p) => shown.get(p),
      (a, b) => normalizeNamePart(a) === normalizeNamePart(b),
    );
    differences.push({ field: 'name', values });
  }

  const birth = (p: Patient) => (typeof p.birthDate === 'string' && p.birthDate.trim() ? p.birthDate.trim() : undefined);
  const births = list.map((r) => birth(r.patient)).filter((v): v is string => v !== undefined);
  if (anyPairDisagrees(births, birthDatesAgree)) {
    differences.push({ field: 'birthDate', values: distinctValues(list, birth) });
  }

  const gender = (p: Patient) => {
    const g = genderKey(p);
    return g === 'male' || g === 'female' || g === 'other' ? g : undefined;
  };
  const genders = distinctValues(list, gender);
  if (genders.length > 1) differences.push({ field: 'gender', values: genders });

  const alive = (p: Patient) => {
    const d = deceasedInfo(p).deceased;
    return d === true ? 'deceased' : d === false ? 'alive' : undefined;
  };
  const states = distinctValues(list, alive);
  if (states.length > 1) differences.push({ field: 'deceased', values: states });

  return { agree: differences.length === 0, differences };
}

/**
 * The record to take the deceased state from: the first record that says the person died and
 * gives a date, else the first that says they died, else `undefined`. A death recorded by any
 * provider is shown, even when another provider's copy is silent or says otherwise.
 */
export function deceasedAcross(records: readonly SourcedPatient[]): SourcedPatient | undefined {
  const dead = (Array.isArray(records) ? records : []).filter((r) => r?.patient && deceasedInfo(r.patient).deceased === true);
  return dead.find((r) => deceasedInfo(r.patient).date) ?? dead[0];
}
