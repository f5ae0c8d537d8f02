import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_PARSED_NAME, ingredientFirstName, type IngredientFirstName } from '../src/fhir/medication-names.js';
import { HOSTILE_STRINGS } from './fhir-fixtures.js';

/** Every medication name in the demo patients and the test fixtures (concept text, coding displays, Medication.code, reference displays). */
function fixtureMedicationNames(): string[] {
  const names = new Set<string>();
  const concept = (c: unknown) => {
    if (!c || typeof c !== 'object') return;
    const cc = c as { text?: unknown; coding?: Array<{ display?: unknown }> };
    if (typeof cc.text === 'string') names.add(cc.text);
    if (Array.isArray(cc.coding)) for (const cd of cc.coding) if (typeof cd?.display === 'string') names.add(cd.display);
  };
  const visit = (o: unknown): void => {
    if (Array.isArray(o)) return o.forEach(visit);
    if (!o || typeof o !== 'object') return;
    const r = o as Record<string, unknown>;
    if (r.resourceType === 'MedicationRequest' || r.resourceType === 'MedicationStatement') {
      concept(r.medicationCodeableConcept);
      const display = (r.medicationReference as { display?: unknown } | undefined)?.display;
      if (typeof display === 'string') names.add(display);
    }
    if (r.resourceType === 'Medication') concept(r.code);
    for (const v of Object.values(r)) visit(v);
  };
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.json')) {
        try {
          visit(JSON.parse(readFileSync(p, 'utf8')));
        } catch {
          // not JSON data (a tsconfig with comments): no medication names in it
        }
      }
    }
  };
  walk(fileURLToPath(new URL('../demo/data/patients', import.meta.url)));
  walk(fileURLToPath(new URL('./fixtures', import.meta.url)));
  return [...names];
}

const words = (s: string) => s.trim().split(/\s+/u).filter((w) => w !== '');
/** The words shown: the main part, then each qualifier part (the " · " between them is no word). */
const shownWords = (n: IngredientFirstName) => [...words(n.main), ...n.qualifierParts.flatMap(words)];
const UNIT_WORD = /^(?:MG|ML|MCG|HR|G|KG|MEQ|MMOL|NG|ACTUAT|UNT|L|CM2)(?:\/(?:MG|ML|MCG|HR|G|KG|MEQ|MMOL|NG|ACTUAT|UNT|L|CM2))*$/;
const sorted = (list: string[]) => [...list].sort();

/** The property: the same words apart from unit case; numbers (any word with a digit) byte-identical. */
function expectSameWords(recorded: string, n: IngredientFirstName) {
  const before = sorted(words(recorded).map((w) => w.toUpperCase()));
  const after = sorted(shownWords(n).map((w) => w.toUpperCase()));
  expect(after).toEqual(before);
  // Only unit words change, and only their case.
  const exact = new Map<string, number>();
  for (const w of words(recorded)) exact.set(w, (exact.get(w) ?? 0) + 1);
  for (const w of shownWords(n)) {
    const left = exact.get(w) ?? 0;
    if (left > 0) exact.set(w, left - 1);
    else expect(w.toUpperCase(), `"${w}" in "${recorded}"`).toMatch(UNIT_WORD);
  }
  const digits = (list: string[]) => sorted(list.filter((w) => /\d/.test(w)));
  expect(digits(shownWords(n))).toEqual(digits(words(recorded)));
}

describe('ingredientFirstName on the issue’s examples', () => {
  it('moves a pack size after the drug and writes units in their usual case', () => {
    expect(ingredientFirstName('10 ML Furosemide 10 MG/ML Injection')).toMatchObject({
      main: 'Furosemide 10 mg/mL Injection',
      qualifier: '10 mL',
      recorded: '10 ML Furosemide 10 MG/ML Injection',
      changed: true,
    });
  });
  it('moves a release period', () => {
    expect(ingredientFirstName('24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet')).toMatchObject({
      main: 'Metformin hydrochloride 500 mg Extended Release Oral Tablet',
      qualifier: '24 hr',
    });
    expect(ingredientFirstName('24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]')).toMatchObject({
      main: 'metoprolol succinate 100 mg Extended Release Oral Tablet [Toprol]',
      qualifier: '24 hr',
    });
  });
  it('moves an application code with its pack size (quantity first, then the code)', () => {
    expect(ingredientFirstName('NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector')).toMatchObject({
      main: 'Epinephrine 1 mg/mL Auto-Injector',
      qualifier: '0.3 mL · NDA020800',
      qualifierParts: ['0.3 mL', 'NDA020800'],
    });
    expect(ingredientFirstName('NDA020503 200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler')).toMatchObject({
      main: 'Albuterol 0.09 mg/ACTUAT Metered Dose Inhaler',
      qualifier: '200 ACTUAT · NDA020503',
    });
  });
  it('only changes unit case in a name that already starts with the drug', () => {
    expect(ingredientFirstName('Amlodipine 5 MG Oral Tablet')).toMatchObject({ main: 'Amlodipine 5 mg Oral Tablet', qualifier: null, changed: true });
    expect(ingredientFirstName('Vitamin B 12 5 MG/ML Injectable Solution').main).toBe('Vitamin B 12 5 mg/mL Injectable Solution');
    // Units it does not know stay in capitals.
    expect(ingredientFirstName('insulin human, isophane 70 UNT/ML Injectable Suspension').main).toBe('insulin human, isophane 70 UNT/mL Injectable Suspension');
  });
  it('leaves names that are not RxNorm-style exactly as recorded', () => {
    for (const name of ['Lasix 40mg', 'Tylenol PM', 'Camila 28 Day Pack', 'Levora 0.15/30 28 Day Pack', 'cilazapril 500 microgram tablet, 90', 'Fluocortolone']) {
      expect(ingredientFirstName(name)).toEqual({ recorded: name, main: name, qualifier: null, qualifierParts: [], changed: false, sortKey: name });
    }
  });
  it('sorts by ingredient', () => {
    const names = ['24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet', '10 ML Furosemide 10 MG/ML Injection', 'Amlodipine 5 MG Oral Tablet'];
    const order = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
    expect(names.map(ingredientFirstName).map((n) => n.sortKey).sort(order.compare)).toEqual([
      'Amlodipine 5 mg Oral Tablet',
      'Furosemide 10 mg/mL Injection',
      'Metformin hydrochloride 500 mg Extended Release Oral Tablet',
    ]);
  });
});

describe('ingredientFirstName on every medication name in the fixtures', () => {
  const names = fixtureMedicationNames();
  it('finds the fixtures’ names (demo patients and test fixtures)', () => {
    expect(names.length).toBeGreaterThan(30);
    expect(names).toContain('10 ML Furosemide 10 MG/ML Injection');
    expect(names).toContain('Tylenol PM');
  });
  it.each(names)('%s: same words apart from unit case, numbers byte-identical', (name) => {
    const n = ingredientFirstName(name);
    expect(n.recorded).toBe(name);
    expectSameWords(name, n);
    if (!n.changed) expect(n.main).toBe(name);
    // The ingredient leads: a moved name never starts with a number or a code.
    if (n.qualifier) expect(n.main).toMatch(/^\p{L}/u);
  });
  it('moves the qualifier of every fixture name that starts with one', () => {
    const moved = names.filter((n) => /^(?:[A-Z]{2,5}\d{4,} )?\d/.test(n));
    expect(moved.length).toBeGreaterThanOrEqual(6);
    for (const name of moved) expect(ingredientFirstName(name).qualifier, name).not.toBeNull();
  });
});

describe('ingredientFirstName on hostile names', () => {
  it('never throws and keeps every word of hostile strings', () => {
    for (const s of HOSTILE_STRINGS) {
      const n = ingredientFirstName(s);
      expect(n.recorded).toBe(s);
      expectSameWords(s, n);
    }
  });
  it('non-strings give an empty unchanged name', () => {
    for (const v of [undefined, null, 42, {}, ['10 ML Furosemide']]) expect(ingredientFirstName(v)).toMatchObject({ main: '', changed: false });
  });
  it('empty, blank, only a qualifier, only numbers: as recorded', () => {
    for (const s of ['', '   ', '10 ML', 'NDA020800', 'NDA020800 0.3 ML', '24 HR ML', '10 20 30', '1 2 MG', '10 ML 20 MG']) {
      const n = ingredientFirstName(s);
      expect(n.qualifier, s).toBeNull();
      expectSameWords(s, n);
    }
    // Nothing to put first: the words stay in place (a known unit after a number still reads "mL").
    expect(ingredientFirstName('10 ML')).toMatchObject({ main: '10 mL', qualifier: null });
    expect(ingredientFirstName('NDA020800')).toMatchObject({ main: 'NDA020800', changed: false });
    expect(ingredientFirstName('10 20 30')).toMatchObject({ main: '10 20 30', changed: false });
  });
  it('a name with direction controls stays exactly as recorded', () => {
    for (const s of ['10 ML \u202EFurosemide 10 MG/ML', '\u2067٢٤ HR\u2069 Metformin 500 MG', '10 ML Furosemide\u200F 10 MG']) {
      expect(ingredientFirstName(s)).toMatchObject({ recorded: s, main: s, qualifier: null, changed: false });
    }
  });
  it('right-to-left text without controls keeps its words', () => {
    const s = '10 ML فوروسيميد 10 MG/ML';
    const n = ingredientFirstName(s);
    expect(n).toMatchObject({ main: 'فوروسيميد 10 mg/mL', qualifier: '10 mL' });
    expectSameWords(s, n);
  });
  it('huge names: as recorded above the limit, linear below it', () => {
    const huge = `10 ML ${'Furosemide '.repeat(50_000)}`;
    expect(ingredientFirstName(huge)).toMatchObject({ main: huge, changed: false });
    const big = `10 ML ${'x'.repeat(MAX_PARSED_NAME - 20)}`;
    expect(ingredientFirstName(big).qualifier).toBe('10 mL');
    // Many spaces and digits (no backtracking blow-up).
    const spaces = `1${' 1'.repeat(400)} MG`;
    expectSameWords(spaces, ingredientFirstName(spaces));
  });
  it('prototype-ish words are words', () => {
    for (const s of ['10 constructor __proto__ Furosemide', '10 ML __proto__ 10 MG', '10 toString hasOwnProperty', '5 __proto__/ML', 'NDA020800 constructor']) {
      const n = ingredientFirstName(s);
      expectSameWords(s, n);
    }
    expect(ingredientFirstName('10 ML constructor 10 MG')).toMatchObject({ main: 'constructor 10 mg', qualifier: '10 mL' });
    expect(ingredientFirstName('10 ML __proto__ 10 MG')).toMatchObject({ main: '10 mL __proto__ 10 mg', qualifier: null });
    expect(ingredientFirstName('5 __proto__/ML').main).toBe('5 __proto__/ML');
  });
});
