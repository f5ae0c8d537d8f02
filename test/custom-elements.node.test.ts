import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// custom-elements.json is committed (Storybook's docs and editors read it); it must say what the
// code says. This regenerates it from the JSDoc and compares. The same run writes the typed tag
// declarations for JSX and Vue (src/frameworks), which must be current too.
const frameworkTypes = ['src/frameworks/jsx-types.d.ts', 'src/frameworks/vue-types.d.ts'];

describe('custom-elements.json', () => {
  it('is what `npm run analyze` makes of the code now, and so are the JSX and Vue tag types', () => {
    const out = mkdtempSync(join(tmpdir(), 'cem-'));
    // The framework plugins write into src/frameworks; what was committed is put back afterwards.
    const before = frameworkTypes.map((f) => readFileSync(f, 'utf8'));
    let after: string[] = [];
    try {
      // cem joins --outdir onto the working directory, so it gets a relative path.
      execFileSync(join('node_modules', '.bin', 'cem'), ['analyze', '--outdir', relative(process.cwd(), out)], { stdio: 'pipe' });
      after = frameworkTypes.map((f) => readFileSync(f, 'utf8'));
      const fresh = JSON.parse(readFileSync(join(out, 'custom-elements.json'), 'utf8'));
      const committed = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
      expect(committed, 'custom-elements.json is stale: run `npm run analyze` and commit it').toEqual(fresh);
    } finally {
      frameworkTypes.forEach((f, i) => writeFileSync(f, before[i]!));
      rmSync(out, { recursive: true, force: true });
    }
    frameworkTypes.forEach((f, i) => expect(before[i], `${f} is stale: run \`npm run analyze\` and commit it`).toBe(after[i]));
  });

  it('comes out the same from a copy of src written in reverse order, under CPU load', async () => {
    // The analyzer lists files in the order its glob finds them; the config sorts the result.
    // A copy whose files are created last-first, analysed while other processes keep the CPU
    // busy, must still give the committed manifest.
    const work = mkdtempSync(join(tmpdir(), 'cem-reverse-'));
    const busy = Array.from({ length: 2 }, () =>
      spawn(process.execPath, ['-e', 'const end = Date.now() + 20000; while (Date.now() < end) {}'], { stdio: 'ignore' }),
    );
    try {
      const files = (readdirSync('src/elements', { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
        .filter((d) => d.isFile())
        .map((d) => relative('.', join(d.parentPath, d.name)))
        .sort()
        .reverse();
      for (const file of files) {
        mkdirSync(join(work, dirname(file)), { recursive: true });
        copyFileSync(file, join(work, file));
      }
      // The analyzer finds the project root by its package.json (without one it walks the disk).
      for (const f of ['custom-elements-manifest.config.mjs', 'package.json']) copyFileSync(f, join(work, f));
      // The config imports the framework plugins: without node_modules beside it, the analyzer
      // would fall back to its defaults (no sorting, styles included) and say nothing.
      symlinkSync(resolve('node_modules'), join(work, 'node_modules'), 'dir');
      execFileSync(process.execPath, [resolve('node_modules/@custom-elements-manifest/analyzer/cem.js'), 'analyze'], { cwd: work, stdio: 'pipe' });
      const fresh = JSON.parse(readFileSync(join(work, 'custom-elements.json'), 'utf8'));
      const committed = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
      expect(fresh).toEqual(committed);
      for (const f of frameworkTypes) expect(readFileSync(join(work, f), 'utf8'), f).toBe(readFileSync(f, 'utf8'));
    } finally {
      for (const b of busy) b.kill();
      rmSync(work, { recursive: true, force: true });
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
