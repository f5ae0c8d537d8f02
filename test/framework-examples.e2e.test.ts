/**
 * The framework examples (demo/examples): React 19, Vue 3 and Angular built with Vite, plain HTML with an
 * import map over the built dist/, each served as static files and loaded in Chromium against
 * the local FHIR server. Each must render the elements, take `.store` and `patient` from the
 * framework (switching the patient changes the banner), and deliver `ehr-sync-complete` to the
 * framework's own handler.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, findChromium } from './support/chromium.mjs';
import { serveStatic, type StaticServer } from './support/static-server.js';
import { startFhirServer, type FhirServer } from '../demo/fhir-server/server.mjs';
import { loadSampleData } from '../demo/data/load.mjs';
import { exampleConfig } from '../demo/examples/examples.config.mjs';

interface Person {
  id: string;
  family: string;
}

let browser: Browser;
let fhir: FhirServer;
let people: Person[] = [];
const work = mkdtempSync(join(tmpdir(), 'ehr-examples-'));
const servers: StaticServer[] = [];

beforeAll(async () => {
  const data = await loadSampleData();
  const clinic = data.bases.find((b) => b.id === 'clinic')!;
  fhir = await startFhirServer({ port: 0, bases: [{ id: 'clinic', label: clinic.label, resources: clinic.resources }] });
  // Two clinic patients with distinct family names, in id order (the same on every machine).
  const patients = clinic.resources
    .filter((r): r is { resourceType: 'Patient'; id: string; name?: Array<{ family?: string }> } => (r as { resourceType?: string }).resourceType === 'Patient')
    .map((p) => ({ id: p.id, family: p.name?.[0]?.family ?? '' }))
    .filter((p) => /^[A-Za-z]{3,}$/.test(p.family))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  people = [patients[0]!, patients.find((p) => p.family !== patients[0]!.family)!];
  browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
  await fhir?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Serves `root` and lets its pages call the FHIR server. */
async function serve(root: string): Promise<StaticServer> {
  const server = await serveStatic(root);
  servers.push(server);
  fhir.allowOrigin(server.origin);
  return server;
}

/** Loads a page, checks the three promises of an example, and returns what the page logged as errors. */
async function check(url: string): Promise<string[]> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const query = `?fhir=${encodeURIComponent(fhir.baseUrl('clinic'))}&patients=${people.map((p) => p.id).join(',')}`;
  await page.goto(url + query);
  const banner = page.locator('ehr-patient-banner section.base');
  // Rendered, with the store and patient set across the framework boundary…
  await banner.filter({ hasText: people[0]!.family }).waitFor({ timeout: 30_000 });
  await page.locator('ehr-allergy-panel [part="base"]').waitFor();
  // …the framework's handler heard the sync finish…
  await page.locator('#syncs', { hasText: /^[1-9]/ }).waitFor({ timeout: 30_000 });
  // …and a new patient from the framework reaches the elements (and syncs again).
  await page.getByRole('button', { name: 'Next patient' }).click();
  await banner.filter({ hasText: people[1]!.family }).waitFor({ timeout: 30_000 });
  await page.locator('#syncs', { hasText: /^([2-9]|\d{2,})/ }).waitFor({ timeout: 30_000 });
  await page.close();
  return errors;
}

describe('framework examples', () => {
  it.each(['react', 'vue', 'angular'] as const)('%s: builds with Vite and works in Chromium', async (name) => {
    const out = join(work, name);
    await build(exampleConfig(name, out));
    const server = await serve(out);
    expect(await check(server.url)).toEqual([]);
  }, 120_000);

  it('plain HTML: an import map over the built dist/, no bundler', async () => {
    const repo = process.cwd();
    execFileSync(process.execPath, [resolve(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: repo, stdio: 'pipe' });
    const server = await serve(repo);
    expect(await check(`${server.url}demo/examples/html/index.html`)).toEqual([]);
  }, 120_000);
});
