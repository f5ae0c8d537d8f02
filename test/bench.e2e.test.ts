/**
 * Smoke test of the benchmark harness: `node bench/run.mjs --quick` must run end to end and
 * print every metric with positive numbers. No timing is asserted (docs/architecture.md §8): this only keeps
 * `npm run bench` from rotting.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

interface BenchResult {
  name: string;
  unit: string;
  value: number;
  runs: number[];
  ceiling?: number;
  ratio?: number;
  sequentialCeiling?: number;
  bareCeiling?: number;
  target?: number;
  pass?: boolean;
  env: { chromium: string; node: string; cpus: number };
}

function runQuick(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/run.mjs', '--quick'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bench/run.mjs --quick', () => {
  it('prints every metric as JSON with positive numbers', async () => {
    const { code, stdout, stderr } = await runQuick();
    expect(code, stderr).toBe(0);
    const results = JSON.parse(stdout) as BenchResult[];
    const byName = new Map(results.map((r) => [r.name, r]));
    for (const name of [
      'cold-sync',
      'warm-sync-0-changed',
      'warm-sync-0-changed.open-store',
      'warm-sync-100-changed',
      'cold-sync-50k',
      'morning-list',
      'incremental-sync.heap-busy-history',
      'query-observations',
      'query-allergies',
      'query-conditions',
      'first-paint/ehr-patient-banner',
      'first-paint/ehr-allergy-panel',
      'first-paint/ehr-medication-list',
      'first-paint/ehr-record-provider',
    ]) {
      const r = byName.get(name);
      expect(r, name).toBeDefined();
      expect(r!.value, name).toBeGreaterThan(0);
      expect(r!.runs.length, name).toBeGreaterThan(0);
      expect(r!.runs.every((x) => x > 0), name).toBe(true);
      expect(r!.env.chromium, name).toMatch(/^\d+\./);
      expect(r!.env.cpus, name).toBeGreaterThan(0);
    }
    const cold = byName.get('cold-sync')!;
    expect(cold.unit).toBe('resources/s');
    expect(cold.ceiling).toBeGreaterThan(0);
    expect(cold.ratio).toBeGreaterThan(0);
    expect(cold.target).toBe(0.85);
    expect(cold.sequentialCeiling).toBeGreaterThan(0);
    expect(cold.bareCeiling).toBeGreaterThan(0);
    expect(typeof cold.pass).toBe('boolean');
  }, 90_000);
});
