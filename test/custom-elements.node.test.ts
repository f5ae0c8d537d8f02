import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// custom-elements.json is committed (Storybook's docs and editors read it); it must say what the
// code says. This regenerates it from the JSDoc and compares.
describe('custom-elements.json', () => {
  it('is what `npm run analyze` makes of the code now', () => {
    const out = mkdtempSync(join(tmpdir(), 'cem-'));
    try {
      // cem joins --outdir onto the working directory, so it gets a relative path.
      execFileSync(join('node_modules', '.bin', 'cem'), ['analyze', '--outdir', relative(process.cwd(), out)], { stdio: 'pipe' });
      const fresh = JSON.parse(readFileSync(join(out, 'custom-elements.json'), 'utf8'));
      const committed = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
      expect(committed, 'custom-elements.json is stale: run `npm run analyze` and commit it').toEqual(fresh);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('documents every element of the kit with its tag', () => {
    const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8')) as {
      modules: Array<{ declarations?: Array<{ tagName?: string; description?: string }> }>;
    };
    const elements = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.tagName);
    const tags = elements.map((d) => d.tagName);
    expect(tags).toContain('ehr-record-provider');
    expect(tags).toContain('ehr-source-badge');
    for (const el of elements) expect(el.description, `${el.tagName} has no description`).toBeTruthy();
  });
});
