/** Loads a fixture from test/fixtures/fhir (see its README for origins and licenses). */
import { readFileSync } from 'node:fs';

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/fhir/${name}`, import.meta.url), 'utf8')) as T;
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
