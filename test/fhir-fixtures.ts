/** Loads a fixture from test/fixtures/fhir (see its README for origins and licenses). */
import { readFileSync } from 'node:fs';

/**
 * Specification examples the demo already ships byte for byte in
 * `demo/data/patients/spec-examples/` (see `demo/data/NOTICE.md`): read from there, not copied.
 */
const DEMO_SPEC_EXAMPLES = new Set([
  'AllergyIntolerance-nkda.json',
  'Observation-f001.json',
  'Observation-blood-pressure.json',
  'Observation-unsat.json',
  'Consent-consent-example-Out.json',
  'Consent-consent-example-basic.json',
  'Consent-consent-example-notOrg.json',
  'Consent-consent-example-notThis.json',
  'Consent-consent-example-pkb.json',
  'Consent-consent-example-smartonfhir.json',
  'Observation-serum-creatinine-adult.json',
  'Observation-urine-wbc-range.json',
]);

export function fixture<T>(name: string): T {
  const path = DEMO_SPEC_EXAMPLES.has(name) ? `../demo/data/patients/spec-examples/${name}` : `./fixtures/fhir/${name}`;
  return JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as T;
}

/** Strings that must never make a function throw. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  '   ',
  '<script>alert(1)</script>',
  '\u202Egnp.exe\u202C',
  '\u0000\u0001\u001F',
  'x'.repeat(100_000),
  '💊🧪'.repeat(50),
  'null',
  '../../etc/passwd',
];
