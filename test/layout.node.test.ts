/**
 * House rules a reviewer would otherwise check by hand: tests do not depend on story code
 * (stories may use the test seeders, not the other way round).
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
