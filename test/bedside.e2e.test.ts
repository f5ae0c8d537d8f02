import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, findChromium } from './support/chromium.mjs';
import { startDemo } from '../demo/launch.mjs';
import { openDemoPatient } from './support/demo-page.js';

/**
 * "Glanceable at the bedside", checked on the demo page with the real sample data at 1,100 px:
 * what a clinician sees first, in which order and words, and that every control the kit draws
 * can be hit on a ward tablet (at least 44 × 44 px).
 */
type Demo = Awaited<ReturnType<typeof startDemo>>;
let browser: Browser;
let demo: Demo;
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
  demo = await startDemo({ quiet: true });
});
afterAll(async () => {
  await demo?.close();
  await browser?.close();
});

async function openPatient(name: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await openDemoPatient(page, demo.demoUrl, name);
  return page;
}

const words = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

/** Every control the kit draws (inside the elements' shadow roots) that is smaller than 44 × 44 px. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const visit = (root: ParentNode, tag: string) => {
      for (const el of root.querySelectorAll<HTMLElement>('button, a[href], summary, input, select, textarea, [role="button"], [tabindex="0"]')) {
        // A checkbox or radio button inside its label is hit through the whole label.
        const label = el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio') ? el.closest('label') : null;
        const r = (label ?? el).getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue; // not rendered (closed details, hidden)
        if (r.width < 44 || r.height < 44) out.push(`${tag} ${el.tagName.toLowerCase()}[part=${el.getAttribute('part') ?? ''}] "${(el.textContent ?? '').trim().slice(0, 40)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot && el.tagName.startsWith('EHR-')) visit(el.shadowRoot, el.tagName.toLowerCase());
    };
    for (const el of document.querySelectorAll('*')) if (el.shadowRoot && el.tagName.startsWith('EHR-')) visit(el.shadowRoot, el.tagName.toLowerCase());
    return out;
  });
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: Document): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('at the bedside, 1,100 px', () => {
  for (const name of ['BOTSFORD, Versie', 'CASPER, Parker', 'JORDANA, Patricia']) {
    it(`${name}: every control the kit draws is at least 44 × 44 px, with every disclosure opened too, and axe finds nothing`, async () => {
      const page = await openPatient(name);
      expect(await smallTargets(page)).toEqual([]);
      // Open everything that opens (details toggles, disclosures, "show all") and check again.
      await page.locator('ehr-patient-banner [part~="toggle"]').click();
      for (const summary of await page.locator('ehr-allergy-panel summary, ehr-medication-list summary').all()) await summary.click();
      expect(await smallTargets(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    });
  }

  it("Botsford: the allergy status in zone 1 without expanding, substance-first allergy rows sorted without 'Allergy to'", async () => {
    const page = await openPatient('BOTSFORD, Versie');
    const status = page.locator('ehr-patient-banner .zone1 [part~="allergy-status"]');
    await expect(status.isVisible()).resolves.toBe(true);
    expect(words(await status.textContent())).toBe('⚠ Known allergies (10)');
    const substances = (await page.locator('ehr-allergy-panel [part~="row"] [part~="substance"]').allTextContents()).map(words);
    expect(substances.length).toBe(10);
    const key = (s: string) => s.replace(/^allergy to\s+/i, '').toLowerCase();
    expect(substances.map(key)).toEqual([...substances.map(key)].sort((a, b) => a.localeCompare(b)));
    // No server timestamps posing as clinical edits.
    expect(await page.locator('ehr-allergy-panel').textContent()).not.toContain('Last updated');
    await page.close();
  });

  it('Casper: ingredient-first medication names sorted by ingredient, and the death said once', async () => {
    const page = await openPatient('CASPER, Parker');
    const active = page.locator('ehr-medication-list section[data-group="active"]');
    const names = (await active.locator('[part~="row"] [part~="name"]').allTextContents()).map(words);
    // "10 ML Furosemide 10 MG/ML Injection" reads ingredient first, every word kept.
    const furosemide = names.find((n) => /furosemide/i.test(n))!;
    expect(furosemide).toMatch(/^Furosemide/);
    for (const w of ['10', 'mL', 'Injection']) expect(furosemide).toContain(w);
    const metformin = names.find((n) => /metformin/i.test(n))!;
    expect(metformin).toMatch(/^Metformin/i);
    // Sorted by ingredient.
    const lower = names.map((n) => n.toLowerCase());
    expect(lower).toEqual([...lower].sort((a, b) => a.localeCompare(b)));
    // One note about the death in the whole list, and the group heading says it.
    await expect(page.locator('ehr-medication-list [part~="warning"]').count()).resolves.toBe(1);
    expect(words(await active.locator('[part~="group-heading"]').textContent())).toMatch(/deceased|death/i);
    expect(await active.textContent()).not.toContain('Active after death');
    // Each row keeps a quiet marker that screen readers read out.
    const rows = await active.locator('[part~="row"]').count();
    await expect(active.locator('[part~="row"] [part~="after-death-mark"]').count()).resolves.toBe(rows);
    expect(words(await active.locator('[part~="row"] [part~="after-death-mark"]').first().textContent())).toContain('Not stopped at death');
    await page.close();
  });
});
