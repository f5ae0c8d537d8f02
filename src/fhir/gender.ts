/**
 * Administrative gender as a stable key for the element layer to put into words.
 */

/**
 * `male` | `female` | `other` | `unknown` are FHIR's codes (`unknown` means the record says it
 * is unknown); `not-known` means the record has no usable value at all.
 */
export type GenderKey = 'male' | 'female' | 'other' | 'unknown' | 'not-known';

const CODES: ReadonlySet<string> = new Set(['male', 'female', 'other', 'unknown']);

/**
 * The gender key of a Patient/Practitioner/RelatedPerson, or of a raw `gender` code.
 * FHIR codes are case-sensitive, so anything other than the four codes (e.g. `M`, `Male`)
 * is reported as `not-known` rather than guessed.
 */
export function genderKey(source: { gender?: unknown } | string | null | undefined): GenderKey {
  const value = typeof source === 'string' ? source : source && typeof source === 'object' ? source.gender : undefined;
  return typeof value === 'string' && CODES.has(value) ? (value as GenderKey) : 'not-known';
}
