/**
 * The deterministic rule that decides whether two Patient records from different providers may
 * be treated as the same person without a human looking at them.
 *
 * A shared identifier alone is not enough: any server can copy a number into its own record. Two
 * records are corroborated only when, on top of what made us compare them (a shared identifier in
 * a linking system, or a `Patient.link`), the family name, the full birth date and the
 * administrative gender agree, each read from that record's own data. Anything less (a field
 * missing on either side, a partial birth date, `unknown` gender, a difference) is never merged
 * automatically: it becomes a *possible match* for a person to confirm or reject.
 *
 * Comparison rules:
 * - family name: every family name of the record except names marked `old`, Unicode-composed,
 *   lower-cased and with runs of whitespace collapsed; two records agree when they share one.
 * - birth date: both must be full, valid dates (`YYYY-MM-DD`) and equal. Partial dates that do
 *   not contradict each other are `missing` (too weak to corroborate); dates that contradict at
 *   their common precision `differ`.
 * - gender: both must be one of `male`, `female`, `other` and equal; `unknown`, absent or
 *   unrecognised codes are `missing`.
 */
import type { Patient } from 'fhir/r4';
import { parseFhirDate } from './dates.js';
import { genderKey } from './gender.js';
import { birthDatesAgree, normalizeNamePart } from './patient-identity.js';

/** What one field of two records says about them being the same person. */
export type FieldAgreement = 'agree' | 'differ' | 'missing';

/** The facts of a Patient record that the rule compares (small enough to store beside it). */
export interface IdentityFacts {
  /** Normalised family names (see the module comment), sorted, without duplicates. */
  families: string[];
  /** The birth date as recorded, when it is a string. */
  birthDate?: string;
  /** `male` | `female` | `other` | `unknown` | `not-known`. */
  gender: string;
}

/** How two records compare, field by field. */
export interface MatchEvidence {
  family: FieldAgreement;
  birthDate: FieldAgreement;
  gender: FieldAgreement;
}

/** The facts of `patient` the rule compares. Tolerates any shape (record data is untrusted). */
export function identityFacts(patient: Patient | undefined | null): IdentityFacts {
  const families = new Set<string>();
  const names = Array.isArray(patient?.name) ? patient!.name : [];
  for (const name of names) {
    if (!name || typeof name !== 'object' || name.use === 'old') continue;
    const family = normalizeNamePart(name.family);
    if (family) families.add(family);
  }
  const facts: IdentityFacts = { families: [...families].sort(), gender: genderKey(patient ?? undefined) };
  if (typeof patient?.birthDate === 'string' && patient.birthDate.trim()) facts.birthDate = patient.birthDate.trim();
  return facts;
}

function isFullDate(value: string | undefined): boolean {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = parseFhirDate(value);
  return !!parsed && parsed.day !== undefined;
}

/** Compares two records' facts field by field. */
export function compareIdentity(a: IdentityFacts, b: IdentityFacts): MatchEvidence {
  const family: FieldAgreement =
    !a.families.length || !b.families.length ? 'missing' : a.families.some((f) => b.families.includes(f)) ? 'agree' : 'differ';

  let birthDate: FieldAgreement;
  if (!a.birthDate || !b.birthDate) birthDate = 'missing';
  else if (!birthDatesAgree(a.birthDate, b.birthDate)) birthDate = 'differ';
  else birthDate = isFullDate(a.birthDate) && isFullDate(b.birthDate) && a.birthDate === b.birthDate ? 'agree' : 'missing';

  const definite = (g: string) => g === 'male' || g === 'female' || g === 'other';
  const gender: FieldAgreement =
    !definite(a.gender) || !definite(b.gender) ? 'missing' : a.gender === b.gender ? 'agree' : 'differ';

  return { family, birthDate, gender };
}

/** True when every field agrees: the only case in which two records link without a person. */
export function corroborates(evidence: MatchEvidence): boolean {
  return evidence.family === 'agree' && evidence.birthDate === 'agree' && evidence.gender === 'agree';
}
