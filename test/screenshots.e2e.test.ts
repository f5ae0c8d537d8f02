import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, findChromium } from './support/chromium.mjs';
import { startDemo } from '../demo/launch.mjs';
import { openDemoPatient } from './support/demo-page.js';

/**
 * Screenshots of the demo's patient list and of three demo patients at 1,100 px, English and German, light and dark, and the
 * vertical space their record takes: from the banner's top to the last active medication row
 * (or the medication list's end when nothing is active).
 *
 * The pictures go to `test-results/screenshots/` (ignored by git), or to `SCREENSHOTS_DIR`:
 * `npm run screenshots` writes them to `docs/screenshots/`, which the README links. Pixels depend
 * on the fonts a machine has, so the committed pictures are refreshed by hand, never by `npm test`.
 *
 * `docs/screenshots/heights-before.json` holds the heights measured by this same test on the
 * commit before the issue "Glanceable at the bedside"; Botsford's page must now take at most half.
 */
const WIDTH = 1100;
const PATIENTS = [
  { slug: 'botsford', name: 'BOTSFORD, Versie' },
  { slug: 'casper', name: 'CASPER, Parker' },
  { slug: 'jordana', name: 'JORDANA, Patricia' },
] as const;
const outDir = resolve(process.env.SCREENSHOTS_DIR ?? 'test-results/screenshots');
const before = JSON.parse(readFileSync(resolve('docs/screenshots/heights-before.json'), 'utf8')) as {
  commit: string;
  width: number;
  heights: Record<string, number>;
};

type Demo = Awaited<ReturnType<typeof startDemo>>;
let browser: Browser;
let demo: Demo;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
  demo = await startDemo({ quiet: true });
});
afterAll(async () => {
  await demo?.close();
  await browser?.close();
});

/** Banner top to the bottom of the last active medication row, in CSS pixels. */
async function recordHeight(page: Page): Promise<number> {
  return page.evaluate(() => {
    const deep = (root: ParentNode, selector: string): Element[] => {
      const found = [...root.querySelectorAll(selector)];
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...deep(el.shadowRoot, selector));
      return found;
    };
    const banner = document.querySelector('ehr-patient-banner')!;
    const meds = document.querySelector('ehr-medication-list')!;
    const activeRows = deep(meds.shadowRoot!, '[data-group="active"] [part~="row"]');
    const last = activeRows.at(-1) ?? meds;
    return Math.round(last.getBoundingClientRect().bottom - banner.getBoundingClientRect().top);
  });
}

describe(`the record at ${WIDTH} px`, () => {
  it('writes screenshots of the list, Botsford (and her lab timeline), Casper and Jordana (English and German, light and dark) and measures their height', async () => {
    mkdirSync(outDir, { recursive: true });
    const heights: Record<string, number> = {};
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    await page.goto(demo.demoUrl);
    await page.locator('table.patients tbody tr').first().waitFor();
    await page.screenshot({ path: join(outDir, 'patient-list-en-light.png'), fullPage: true });
    for (const p of PATIENTS) {
      await openDemoPatient(page, demo.demoUrl, p.name);
      heights[p.slug] = await recordHeight(page);
      await page.locator('ehr-patient-banner').screenshot({ path: join(outDir, `${p.slug}-banner.png`) });
      if (p.slug === 'botsford') {
        // The lab timeline once its rows are in (README: "the timeline").
        const timeline = page.locator('ehr-lab-timeline');
        await timeline.locator('[part="skeleton"]').first().waitFor({ state: 'detached', timeout: 15_000 });
        await timeline.screenshot({ path: join(outDir, 'botsford-lab-timeline.png') });
      }
      for (const lang of ['en', 'de'] as const) {
        await page.selectOption('#opt-lang', lang);
        for (const theme of ['light', 'dark'] as const) {
          await page.selectOption('#opt-theme', theme);
          await page.locator(`.app[data-theme="${theme}"][lang="${lang}"]`).waitFor();
          await page.screenshot({ path: join(outDir, `${p.slug}-${lang}-${theme}.png`), fullPage: true });
        }
      }
      await page.selectOption('#opt-lang', 'en');
      await page.selectOption('#opt-theme', 'light');
    }
    await page.close();
    writeFileSync(join(outDir, 'heights.json'), `${JSON.stringify({ width: WIDTH, heights }, null, 2)}\n`);
    const lines = PATIENTS.map((p) => `${p.slug}: ${before.heights[p.slug]} px before → ${heights[p.slug]} px now`);
    console.log(`Record height at ${WIDTH} px (banner top to last active medication; before = ${before.commit}):\n  ${lines.join('\n  ')}`);
    for (const p of PATIENTS) expect(heights[p.slug], p.slug).toBeGreaterThan(100);
    expect(heights.botsford).toBeLessThanOrEqual(before.heights.botsford! / 2);
  });
});
