import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureBundle } from './support/bundle-size.js';

// Gzip size of each element entry as a host ships it: the element (its tag registered), Lit, and
// the record store with Dexie and the sync engine. Budgets: DESIGN.md §8 and issue 4.
const KB = 1000;
const root = resolve(import.meta.dirname, '..');
const define = (name: string) => resolve(root, `src/elements/${name}/define.ts`);
const store = resolve(root, 'src/record-store.ts');

/** Elements of the first element issue; each must exist to be measured. */
const elements = ['record-provider', 'source-badge', 'patient-banner', 'allergy-panel', 'medication-list'].filter((e) =>
  existsSync(define(e)),
);

function entry(names: string[]): string {
  return [...names.map((n) => `import ${JSON.stringify(define(n))};`), `export { RecordStore } from ${JSON.stringify(store)};`].join('\n');
}

describe('bundle size (gzip, production, with lit, the store and Dexie)', () => {
  const sizes: Record<string, number> = {};

  it.each(elements)('%s stays small and never pulls in fhirpath or fhirclient', async (name) => {
    const size = await measureBundle(entry(['record-provider', name]));
    sizes[name] = size.gzip;
    expect(size.packages).toContain('lit');
    expect(size.packages).toContain('dexie');
    expect(size.packages).not.toContain('fhirpath');
    expect(size.packages).not.toContain('fhirclient');
    expect(size.gzip).toBeLessThanOrEqual(name === 'patient-banner' ? 50 * KB : 70 * KB);
  });

  it('all elements of the kit together stay within 70 KB', async () => {
    const size = await measureBundle(entry(elements));
    console.info(`bundle sizes (gzip bytes): ${JSON.stringify({ ...sizes, all: size.gzip })}`);
    expect(size.gzip).toBeLessThanOrEqual(70 * KB);
  });
});
