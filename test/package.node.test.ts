import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a vendor gets from `npm install ehr-elements`: the packed tarball installed into a fresh
// Vite + TypeScript project (test/fixtures/scratch-host), type-checked strictly with
// skipLibCheck off, then built. The public .d.ts files must resolve every type they name
// (the FHIR types are a dependency for that reason).
const repo = process.cwd();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work = '';

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, stdio: 'pipe', encoding: 'utf8', env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`.slice(0, 8000));
  }
}

describe('the packed package in a fresh host project', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ehr-pack-'));
    cpSync(join(repo, 'test/fixtures/scratch-host'), work, { recursive: true });
    // `npm pack` runs `prepack` (the build) and writes the tarball; --json names it.
    const [packed] = JSON.parse(run(npm, ['pack', '--json', '--silent', '--pack-destination', work], repo)) as Array<{ filename: string }>;
    writeFileSync(
      join(work, 'package.json'),
      JSON.stringify({ name: 'scratch-host', private: true, type: 'module', dependencies: { 'ehr-elements': `file:./${packed!.filename}` } }, null, 2),
    );
    // Dependencies come from npm's cache when `npm ci` has just run; the registry otherwise.
    run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], work);
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('type-checks strictly, with skipLibCheck off, importing the store, three elements and the SMART entry', () => {
    const tsconfig = JSON.parse(readFileSync(join(work, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, skipLibCheck: false });
    // Throws with tsc's own error list when a public type does not resolve.
    expect(run(process.execPath, [resolve(repo, 'node_modules/typescript/bin/tsc'), '-p', work], work)).toBe('');
  }, 120_000);

  it('builds with Vite into a bundle that registers the elements', () => {
    run(process.execPath, [resolve(repo, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], work);
    const assets = join(work, 'dist', 'assets');
    const code = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(assets, f), 'utf8'))
      .join('\n');
    for (const tag of ['ehr-record-provider', 'ehr-patient-banner', 'ehr-allergy-panel', 'ehr-medication-list']) {
      // Checked as a boolean so a failure names the tag, not the whole minified bundle.
      expect(code.includes(tag), `${tag} is not in the built bundle`).toBe(true);
    }
  }, 120_000);
});
