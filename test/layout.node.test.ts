/**
 * House rules a reviewer would otherwise check by hand: tests do not depend on story code
 * (stories may use the test seeders, not the other way round), and FHIR ids and references are
 * parsed in one place (`src/fhir/references.ts`), not by a regular expression per module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

/** Every .ts file under `dir`, relative paths, sorted (no dependence on directory order). */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

test('no test file imports from stories/', () => {
  const offenders = tsFiles('test').filter((f) => /from\s+['"][^'"]*\/stories\//.test(readFileSync(f, 'utf8')) || /import\(\s*['"][^'"]*\/stories\//.test(readFileSync(f, 'utf8')));
  expect(offenders).toEqual([]);
});

test('FHIR ids and references are parsed only in src/fhir/references.ts', () => {
  // The FHIR R4 id pattern written as a regular expression in code.
  const idPattern = /A-Za-z0-9\\-\.\]\{1,64\}/;
  const offenders = tsFiles('src').filter((f) => !f.endsWith(join('fhir', 'references.ts')) && idPattern.test(readFileSync(f, 'utf8')));
  expect(offenders).toEqual([]);
});
