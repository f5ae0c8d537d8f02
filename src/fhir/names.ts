/**
 * Choosing and formatting a person's name (Patient, RelatedPerson, Practitioner).
 */
import type { HumanName } from 'fhir/r4';
import { fhirDateRange } from './dates.js';
import { own } from './lookup.js';

/** Rank of `HumanName.use` when choosing the name to show; lower is better. */
const USE_RANK: Readonly<Record<string, number>> = {
  official: 0,
  usual: 1,
  '': 2,
  nickname: 3,
  temp: 4,
  anonymous: 5,
  maiden: 6,
};

/** Whether a name or identifier period is in force at `at` (ms since epoch). */
export function isPeriodCurrent(period: { start?: string; end?: string } | undefined, at: number = Date.now()): boolean {
  if (!period || typeof period !== 'object') return true;
  const start = typeof period.start === 'string' ? fhirDateRange(period.start) : null;
  const end = typeof period.end === 'string' ? fhirDateRange(period.end) : null;
  // A partial end such as "2002" covers the whole of 2002; a partial start begins at its earliest.
  if (start && start.start > at) return false;
  if (end && end.end <= at) return false;
  return true;
}

function hasContent(n: HumanName): boolean {
  return Boolean(clean(n.family) || (n.given ?? []).some((g) => clean(g)) || clean(n.text));
}

/**
 * Picks the name to show: skips `old` names and names whose period has ended (or not yet
 * started), then prefers `official` > `usual` > no use > nickname/temp/anonymous/maiden.
 * Ties keep the record's own order. Returns `undefined` when nothing is usable.
 */
export function selectName(names: readonly HumanName[] | undefined, at: Date | number = Date.now()): HumanName | undefined {
  if (!Array.isArray(names)) return undefined;
  const when = typeof at === 'number' ? at : at.getTime();
  let best: HumanName | undefined;
  let bestRank = Infinity;
  for (const n of names) {
    if (!n || typeof n !== 'object' || n.use === 'old') continue;
    if (!isPeriodCurrent(n.period, when) || !hasContent(n)) continue;
    const rank = own(USE_RANK, n.use ?? '') ?? 7;
    if (rank < bestRank) {
      best = n;
      bestRank = rank;
    }
  }
  return best;
}

function clean(s: unknown): string {
  return typeof s === 'string' ? s.replace(/\s+/g, ' ').trim() : '';
}

/** The parts of a name, trimmed, with empty entries removed. */
export interface NameParts {
  readonly family: string;
  readonly given: readonly string[];
  readonly prefix: readonly string[];
  readonly suffix: readonly string[];
  readonly text: string;
}

/** Splits a HumanName into cleaned parts (whitespace collapsed, empty strings dropped). */
export function nameParts(name: HumanName | undefined): NameParts {
  const list = (xs: unknown): string[] => (Array.isArray(xs) ? xs.map(clean).filter(Boolean) : []);
  return {
    family: clean(name?.family),
    given: list(name?.given),
    prefix: list(name?.prefix),
    suffix: list(name?.suffix),
    text: clean(name?.text),
  };
}

/**
 * Formats a name NHS CUI style: `FAMILY, Given Middle Suffix (Title)`, e.g.
 * `CHALMERS, Peter James (Mr)`. The family name is upper-cased with the locale's rules; given
 * names and suffixes stay as recorded, titles lose an abbreviation's full stop (`Mr.` → `Mr`). Without structured parts, falls back to
 * `name.text`; returns `null` when there is nothing to show (the caller shows "Not known").
 */
export function formatName(name: HumanName | undefined, locale = 'en-GB'): string | null {
  if (!name || typeof name !== 'object') return null;
  const p = nameParts(name);
  if (!p.family && p.given.length === 0) return p.text || null;
  let family = p.family;
  try {
    family = family.toLocaleUpperCase(locale);
  } catch {
    family = family.toUpperCase();
  }
  const givenAndSuffix = [...p.given, ...p.suffix].join(' ');
  let out = family && givenAndSuffix ? `${family}, ${givenAndSuffix}` : family || givenAndSuffix;
  if (p.prefix.length) out += ` (${p.prefix.map(titleWithoutStop).join(' ')})`;
  return out;
}

/**
 * A title as CUI shows it, without the abbreviation's full stop: `Mr.` → `Mr`, `Dr.` → `Dr`,
 * `Prof.` → `Prof`. Only a single stop after a short run of letters is dropped; anything else
 * (`Rev. Dr.` as one prefix, `H.R.H.`, numbers) stays as recorded.
 */
export function titleWithoutStop(title: string): string {
  return /^\p{L}{1,5}\.$/u.test(title) ? title.slice(0, -1) : title;
}

/**
 * The display name of a Patient (or any resource with `name: HumanName[]`): the chosen name
 * ({@link selectName}) formatted with {@link formatName}; `null` when there is none.
 */
export function displayName(
  resource: { name?: HumanName[] } | undefined,
  options: { at?: Date | number; locale?: string } = {},
): string | null {
  const chosen = selectName(resource?.name, options.at ?? Date.now());
  return formatName(chosen, options.locale);
}
