/**
 * Medication names for reading at a glance: RxNorm-style names put the ingredient first.
 *
 * RxNorm writes a pack size, a release period or an application code before the drug:
 * "10 ML Furosemide 10 MG/ML Injection", "24 HR Metformin hydrochloride 500 MG Extended Release
 * Oral Tablet", "NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector". Sorted and scanned by their
 * first word, these hide the drug. {@link ingredientFirstName} moves that leading qualifier to the
 * end ("Furosemide 10 mg/mL Injection" + "10 mL") and writes the units it knows in their usual
 * case (MG → mg, ML → mL, HR → hr) where they follow a number.
 *
 * Rules (each is a test in test/fhir-medication-names.node.test.ts):
 * - Every word of the recorded name is kept; only the leading qualifier moves, and only the
 *   case of known units directly after a number changes. Numbers never change.
 * - A qualifier is an optional code (letters then digits, `NDA020800`) and/or a number with an
 *   RxNorm quantity unit in capitals (`10 ML`, `24 HR`, `120 ACTUAT`), and it moves only when a
 *   word starting with a letter follows (the ingredient). A name that is only a qualifier, or
 *   only numbers, stays as recorded.
 * - Names holding direction controls (U+202A–U+202E, U+2066–U+2069, marks U+200E/U+200F/U+061C)
 *   or longer than {@link MAX_PARSED_NAME} characters stay exactly as recorded: moving words
 *   around a direction control could change what it reorders, and no real drug name is that long.
 * - Pure and linear in the length of the name; unit lookups use a `Map`, so words such as
 *   `constructor` or `__proto__` are words like any other.
 */

/** Names longer than this stay as recorded (the list shows 1,000 characters of record text). */
export const MAX_PARSED_NAME = 1000;

/** A medication name as shown: the main part first, the moved qualifier after it. */
export interface IngredientFirstName {
  /** The name exactly as recorded. */
  readonly recorded: string;
  /** What to show first: the ingredient, strength and form (the whole name when nothing moved). */
  readonly main: string;
  /** The leading qualifier moved to the end (`10 mL`, `0.3 mL · NDA020800`), or `null`. */
  readonly qualifier: string | null;
  /** The words of `qualifier`, in the order shown (each a group of words, e.g. `["0.3 mL", "NDA020800"]`). */
  readonly qualifierParts: readonly string[];
  /** `main` and `qualifier` differ from `recorded` (moved words or changed unit case). */
  readonly changed: boolean;
  /** Sort key: `main` (the ingredient comes first in it). */
  readonly sortKey: string;
}

/** Units written in their usual case when they follow a number (each part of `MG/ML` on its own). */
const UNIT_CASE: ReadonlyMap<string, string> = new Map([
  ['MG', 'mg'],
  ['ML', 'mL'],
  ['MCG', 'mcg'],
  ['HR', 'hr'],
  ['G', 'g'],
  ['KG', 'kg'],
  ['MEQ', 'mEq'],
  ['MMOL', 'mmol'],
  ['NG', 'ng'],
]);

/** Units RxNorm puts in a leading quantity qualifier ("10 ML", "24 HR", "120 ACTUAT"). */
const QUALIFIER_UNITS: ReadonlySet<string> = new Set(['ML', 'L', 'HR', 'ACTUAT', 'MG', 'MCG', 'G', 'UNT', 'MEQ', 'CM2', 'DAY']);

const NUMBER = /^(?:\d+(?:\.\d+)?|\.\d+)$/;
/** An application or product code RxNorm prefixes (`NDA020800`, `ANDA078525`, `BLA125118`). */
const CODE = /^[A-Z]{2,5}\d{4,}$/;
/** Words separated by any run of white space. */
const SPACE = /\s+/u;
const DIRECTION = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
const STARTS_WITH_LETTER = /^\p{L}/u;

function unchanged(recorded: string): IngredientFirstName {
  return { recorded, main: recorded, qualifier: null, qualifierParts: [], changed: false, sortKey: recorded };
}

/** `MG/ML` → `mg/mL`; parts it does not know (`ACTUAT`, `UNT`) stay as recorded. */
function unitCase(word: string): string {
  if (!/^[A-Z0-9]+(?:\/[A-Z0-9]+)*$/.test(word)) return word;
  return word
    .split('/')
    .map((part) => UNIT_CASE.get(part) ?? part)
    .join('/');
}

/** Known units directly after a number in their usual case; every other word as it is. */
function withUnitCase(words: readonly string[]): string[] {
  return words.map((w, i) => (i > 0 && NUMBER.test(words[i - 1]!) ? unitCase(w) : w));
}

/**
 * The leading qualifier of `words`: how many words it takes and its groups in display order
 * (quantity first, then the code). `0` when the name does not start with one followed by a word.
 */
function leadingQualifier(words: readonly string[]): { length: number; code: string[]; quantity: string[] } {
  let i = 0;
  const code: string[] = [];
  const quantity: string[] = [];
  if (words.length > 1 && CODE.test(words[0]!)) {
    code.push(words[0]!);
    i = 1;
  }
  if (i + 1 < words.length && NUMBER.test(words[i]!) && QUALIFIER_UNITS.has(words[i + 1]!)) {
    quantity.push(words[i]!, words[i + 1]!);
    i += 2;
  }
  // The ingredient must follow: a word that starts with a letter and is not itself a unit.
  const next = words[i];
  if (i === 0 || next === undefined || !STARTS_WITH_LETTER.test(next) || QUALIFIER_UNITS.has(next) || CODE.test(next)) {
    return { length: 0, code: [], quantity: [] };
  }
  return { length: i, code, quantity };
}

/**
 * The name with the ingredient first (see the module comment). Never throws; anything that is
 * not a string gives an empty, unchanged name.
 */
export function ingredientFirstName(recorded: unknown): IngredientFirstName {
  if (typeof recorded !== 'string') return unchanged('');
  if (recorded.length > MAX_PARSED_NAME || DIRECTION.test(recorded)) return unchanged(recorded);
  const trimmed = recorded.trim();
  if (!trimmed) return unchanged(recorded);
  const words = trimmed.split(SPACE);
  const cased = withUnitCase(words);
  const q = leadingQualifier(words);
  const main = cased.slice(q.length).join(' ');
  const quantity = cased.slice(q.code.length, q.code.length + q.quantity.length).join(' ');
  const qualifierParts = [quantity, ...q.code].filter((p) => p !== '');
  const qualifier = qualifierParts.length ? qualifierParts.join(' · ') : null;
  const changed = q.length > 0 || cased.some((w, i) => w !== words[i]);
  if (!changed) return unchanged(recorded);
  return { recorded, main, qualifier, qualifierParts, changed, sortKey: main };
}
