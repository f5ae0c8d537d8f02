import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { fixture, fixtureCleanup, html, nextFrame, waitUntil } from '@open-wc/testing-helpers';
import { nothing } from 'lit';
import { expectNoAxeViolations, trackSourceReads } from './support/elements.js';
import type { AllergyIntolerance } from 'fhir/r4';
import { de, registerTranslation } from '../src/elements/base/index.js';
import { EhrAllergyPanel } from '../src/elements/allergy-panel/define.js';
import {
  SPEC_ALLERGIES,
  makeAllergy,
  seedAllergyStore,
  type AllergySeedOptions,
} from './support/seed-allergy-panel.js';

registerTranslation(de);

afterEach(() => fixtureCleanup());

/** Visible text of an element, its shadow root and nested shadow roots (source badges), in order. */
function deepText(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  if (node instanceof HTMLElement && node.tagName === 'STYLE') return '';
  let out = '';
  const children = node instanceof Element && node.shadowRoot ? node.shadowRoot.childNodes : node.childNodes;
  for (const child of children) out += deepText(child);
  // A <details> that is closed still has its content in the DOM; that is fine for text checks.
  return out;
}
const words = (node: Node) => deepText(node).replace(/\s+/g, ' ').trim();

const root = (el: EhrAllergyPanel) => el.shadowRoot!;
const rows = (el: EhrAllergyPanel, group: 'current' | 'past' = 'current') =>
  [...root(el).querySelectorAll(`ul.rows.${group} > li[part~="row"]`)] as HTMLElement[];
const substances = (el: EhrAllergyPanel, group: 'current' | 'past' = 'current') =>
  rows(el, group).map((r) => words(r.querySelector('[part~="substance"]')!));
const rowFor = (el: EhrAllergyPanel, substance: string, group: 'current' | 'past' = 'current') =>
  rows(el, group).find((r) => words(r.querySelector('[part~="substance"]')!) === substance)!;

async function render(options: AllergySeedOptions, lang = 'en', density?: 'dense' | 'comfortable' | 'compact') {
  const seeded = await seedAllergyStore(options);
  const el = await fixture<EhrAllergyPanel>(
    html`<div lang=${lang}><ehr-allergy-panel density=${density ?? nothing} .store=${seeded.store} patient=${seeded.patient.clinic}></ehr-allergy-panel></div>`,
  ).then((wrapper) => wrapper.querySelector('ehr-allergy-panel')!);
  // Ready once neither the skeleton nor an idle state is showing.
  await waitUntil(() => !root(el).querySelector('[part~="skeleton"]') && el.shadowRoot!.querySelector('section'), 'panel did not finish loading', {
    timeout: 10_000,
  });
  await el.updateComplete;
  await nextFrame();
  return { el, ...seeded };
}

/** Waits until every source badge has read its label from the store. */
async function badgesReady(el: EhrAllergyPanel) {
  await waitUntil(
    () => [...root(el).querySelectorAll('ehr-source-badge')].every((b) => /Clinic|Hospital/.test(b.shadowRoot?.textContent ?? '')),
    'source badges did not render',
    { timeout: 5000 },
  );
}


describe('<ehr-allergy-panel> with sample patients', () => {
  it('Versie Botsford: ten allergies, latex and bee venom from both providers shown once each', async () => {
    const { el } = await render({ name: 'versie', patient: 'versie' });
    await badgesReady(el);
    const heading = root(el).querySelector('[part~="heading"]')!;
    expect(heading.tagName).toBe('H2');
    expect(heading.textContent).toBe('Allergies and adverse reactions');
    expect(root(el).querySelector('section')!.getAttribute('aria-labelledby')).toBe(heading.id);

    const names = substances(el);
    expect(names).toHaveLength(10);
    expect(names.filter((n) => n === 'Latex allergy')).toHaveLength(1);
    expect(names.filter((n) => n === 'Allergy to bee venom')).toHaveLength(1);
    for (const substance of ['Latex allergy', 'Allergy to bee venom']) {
      const sources = words(rowFor(el, substance).querySelector('[part~="source"]')!);
      expect(sources).toContain('Riverside Clinic');
      expect(sources).toContain('St Elsewhere Hospital');
    }
    // An allergy only the clinic holds names only the clinic.
    const peanuts = words(rowFor(el, 'Allergy to peanuts').querySelector('[part~="source"]')!);
    expect(peanuts).toContain('Riverside Clinic');
    expect(peanuts).not.toContain('St Elsewhere Hospital');
    // Facts all ten share are said once, in the summary line.
    expect(words(root(el).querySelector('[part~="summary"]')!)).toBe('Known allergies (10) · All 10: Active · No reactions recorded · Food · Allergy');
    // The server's meta.lastUpdated (set on every seeded record) is not shown as a clinical date.
    expect(words(root(el))).not.toContain('Last updated');
    await expectNoAxeViolations(el);
  });

  it('inferno 355: inactive latex and soya are in a separate, labelled group; mould from both providers once', async () => {
    const { el } = await render({ name: 'inferno355', patient: 'inferno355' });
    await badgesReady(el);
    expect(substances(el)).toHaveLength(8);
    expect(substances(el)).not.toContain('Latex allergy');
    // By substance name: "Allergy to soya" sorts as "soya", after "Latex allergy".
    expect(substances(el, 'past')).toEqual(['Latex allergy', 'Allergy to soya']);
    const details = root(el).querySelector('details.past-group') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(words(details.querySelector('summary')!)).toBe('Inactive or resolved (2)');
    // Both inactive: said once for the group, not per row.
    expect(words(details)).toContain('All 2: Inactive');
    expect(words(rowFor(el, 'Latex allergy', 'past'))).not.toContain('Inactive');
    const mould = words(rowFor(el, 'Allergy to mould'));
    expect(mould).toContain('Riverside Clinic');
    expect(mould).toContain('St Elsewhere Hospital');
    await expectNoAxeViolations(el);
  });

  it('US quality core: 21 cashew records at the clinic and 1 at the hospital make one row with its reactions', async () => {
    const { el } = await render({ name: 'quality-core', patient: 'qualityCore' });
    await badgesReady(el);
    expect(substances(el)).toEqual(['Cashew nuts']);
    const row = rowFor(el, 'Cashew nuts');
    const text = words(row);
    expect(text).toContain('22 records of this entry (Riverside Clinic: 21, St Elsewhere Hospital: 1)');
    const reactions = [...row.querySelectorAll('[part~="reaction"]')].map(words);
    expect(reactions).toEqual(['Anaphylactic reaction (Severe)', 'Choroidal hemorrhage (Moderate)']);
    expect(words(row.querySelector('[part~="criticality"]')!)).toBe('High criticality');
    expect(row.querySelector('[part~="criticality"] svg')).not.toBeNull();
    await expectNoAxeViolations(el);
  });

  it('client_test: the inactive latex allergy with its skin rash reaction, and no current allergies', async () => {
    const { el } = await render({ name: 'client-test', patient: 'clientTest' });
    expect(rows(el)).toHaveLength(0);
    expect(words(root(el))).toContain('No current allergies recorded');
    expect(words(root(el))).not.toContain('Allergies not recorded');
    const latex = rowFor(el, 'Latex allergy', 'past');
    expect(words(latex.querySelector('[part~="reaction"]')!)).toContain('skin rash');
  });
});

describe('<ehr-allergy-panel> dense rows (the default)', () => {
  afterEach(() => page.viewport(414, 896));

  it('Versie Botsford at 1,100 px: ten one-line rows in under 300 px, substance first, sorted without "Allergy to"', async () => {
    await page.viewport(1100, 900);
    const { el } = await render({ name: 'dense-versie', patient: 'versie' });
    await badgesReady(el);
    expect(el.density).toBe('dense');
    expect(el.getAttribute('density')).toBe('dense');
    expect(substances(el)).toEqual([
      'Allergy to bee venom',
      'Dander (animal) allergy',
      'Allergy to grass pollen',
      'House dust mite allergy',
      'Latex allergy',
      'Allergy to mould',
      'Allergy to nut',
      'Allergy to peanuts',
      'Allergy to tree pollen',
      'Allergy to wheat',
    ]);
    // Substance first, then reactions, criticality, recorded date, sources — left to right.
    const latex = rowFor(el, 'Latex allergy');
    const lefts = ['substance', 'criticality'].map((part) => latex.querySelector(`[part~="${part}"]`)!.getBoundingClientRect().left);
    const dateLeft = latex.querySelector('.c-dates')!.getBoundingClientRect().left;
    const sourceLeft = latex.querySelector('[part~="source"]')!.getBoundingClientRect().left;
    expect(lefts[0]).toBeLessThan(lefts[1]!);
    expect(lefts[1]).toBeLessThan(dateLeft);
    expect(dateLeft).toBeLessThan(sourceLeft);
    expect(words(latex.querySelector('.c-dates')!)).toBe('Recorded 25-Oct-2019');
    // Ten allergies fit in about 300 px (they took about 1,300 px as cards).
    const list = root(el).querySelector('ul.rows.current')!;
    expect(list.getBoundingClientRect().height).toBeLessThanOrEqual(300);
    for (const row of rows(el)) expect(row.getBoundingClientRect().height).toBeLessThan(32);
    // Shared facts are not repeated in the rows.
    for (const row of rows(el)) {
      const text = words(row);
      expect(text).not.toContain('Active');
      expect(text).not.toContain('No reactions recorded');
      expect(text).not.toContain('Food');
      // Low criticality is still said, in quiet words, never left blank.
      expect(words(row.querySelector('[part~="criticality"]')!)).toBe('Low criticality');
    }
    const low = latex.querySelector('[part~="criticality"]')!;
    expect(parseFloat(getComputedStyle(low).fontSize)).toBeLessThan(parseFloat(getComputedStyle(latex.querySelector('[part~="substance"]')!).fontSize));
    await expectNoAxeViolations(el);
  });

  it('says a fact once when every row shares it; a row that differs still says its own', async () => {
    await page.viewport(1100, 900);
    const egg = makeAllergy('egg', 'Allergy to egg', { category: ['food'], criticality: 'low' });
    const fish = makeAllergy('fish', 'Allergy to fish', { category: ['food'], criticality: 'low' });
    const pen = makeAllergy('pen', 'Penicillin allergy', {
      category: ['medication'],
      criticality: 'high',
      reaction: [{ manifestation: [{ text: 'Hives' }], severity: 'moderate' }],
    });
    const { el } = await render({ name: 'dense-shared', clinicAllergies: [egg, fish, pen] });
    // All three are active: said once. Reactions and category differ: each row says its own.
    expect(words(root(el).querySelector('[part~="summary"]')!)).toBe('Known allergies (3) · 1 high criticality · All 3: Active');
    expect(words(rowFor(el, 'Allergy to egg'))).toContain('No reactions recorded');
    expect(words(rowFor(el, 'Allergy to egg'))).toContain('Food');
    expect(words(rowFor(el, 'Penicillin allergy'))).toContain('Medication');
    expect(words(rowFor(el, 'Penicillin allergy').querySelector('[part~="reaction"]')!)).toBe('Hives (Moderate)');
    // High criticality is prominent: the row's own marker, icon and words.
    const high = rowFor(el, 'Penicillin allergy');
    expect(high.classList.contains('high')).toBe(true);
    expect(high.querySelector('[part~="criticality"] svg')).not.toBeNull();
    expect(parseFloat(getComputedStyle(high).borderInlineStartWidth)).toBeGreaterThanOrEqual(4);
    await expectNoAxeViolations(el);
  });

  it('density="comfortable" keeps a card per allergy, every fact in the row', async () => {
    await page.viewport(1100, 900);
    const { el } = await render({ name: 'comfortable-versie', patient: 'versie' }, 'en', 'comfortable');
    expect(root(el).querySelector('.columns')).toBeNull();
    expect(words(root(el).querySelector('[part~="summary"]')!)).toBe('Known allergies (10)');
    const latex = rowFor(el, 'Latex allergy');
    expect(latex.classList.contains('card')).toBe(true);
    expect(words(latex)).toContain('No reactions recorded');
    expect(words(latex)).toContain('Clinical status Active');
    await expectNoAxeViolations(el);
  });
});

describe('<ehr-allergy-panel density="compact">', () => {
  it('one line per allergy: substance, criticality and sources; reactions and dates behind More details', async () => {
    await page.viewport(1100, 900);
    const { el } = await render({ name: 'compact-versie', patient: 'versie' }, 'en', 'compact');
    expect(rows(el).length).toBe(10);
    expect([...root(el).querySelector('.columns')!.children].map((c) => words(c))).toEqual(['Substance', 'Criticality', 'Sources']);
    const latex = rowFor(el, 'Latex allergy');
    expect(latex.querySelector(':scope > .c-dates')).toBeNull();
    const more = latex.querySelector('details[part~="more"]') as HTMLDetailsElement;
    expect(more.open).toBe(false);
    expect(more.querySelector('summary')!.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
    more.open = true;
    await el.updateComplete;
    expect(words(more)).toContain('25-Oct-2019');
    await expectNoAxeViolations(el);
  });

  it('keeps the safety markers on the line: criticality and a severe reaction stay visible', async () => {
    const { el } = await render({ name: 'compact-cashew', clinicAllergies: [SPEC_ALLERGIES.cashew] }, 'en', 'compact');
    const row = rowFor(el, 'Cashew nuts');
    expect(words(row.querySelector('[part~="criticality"]')!)).toBe('High criticality');
    const severe = row.querySelector<HTMLElement>('[part~="severe-reaction"]')!;
    expect(words(severe)).toBe('⚠Severe reaction');
    expect(severe.getBoundingClientRect().height).toBeGreaterThan(0);
    // The reactions themselves are one click away.
    expect(row.querySelector(':scope > .c-reaction')).toBeNull();
    expect(row.querySelector('details[part~="more"] [part~="reaction"]')).not.toBeNull();
  });
});

describe('<ehr-allergy-panel> clinical safety', () => {
  it('spec example: cashew nuts, high criticality in words and a shape, two reactions with severity and onset', async () => {
    const { el } = await render({ name: 'cashew', clinicAllergies: [SPEC_ALLERGIES.cashew] });
    const row = rowFor(el, 'Cashew nuts');
    expect(row.classList.contains('high')).toBe(true);
    const criticality = row.querySelector('[part~="criticality"]')!;
    expect(words(criticality)).toBe('High criticality');
    // Not colour alone: a triangle icon and the words.
    expect(criticality.querySelector('svg path')).not.toBeNull();
    // The row: each reaction with its severity; onset, route and description behind "More details".
    expect([...row.querySelectorAll('[part~="reaction"]')].map(words)).toEqual(['Anaphylactic reaction (Severe)', 'Urticaria (Moderate)']);
    const more = row.querySelector('details[part~="more"]') as HTMLDetailsElement;
    expect(more.open).toBe(false);
    const summary = more.querySelector('summary')!;
    expect(words(summary)).toBe('More details');
    expect(summary.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
    const reactions = [...more.querySelectorAll('[part~="reaction-detail"]')].map(words);
    expect(reactions).toHaveLength(2);
    expect(reactions[0]).toContain('Anaphylactic reaction — Severity: Severe · Reaction onset: 12-Jun-2012');
    expect(reactions[0]).toContain('Route: Subcutaneous route');
    expect(reactions[1]).toContain('Urticaria — Severity: Moderate · Reaction onset: 2004');
    expect(words(row)).toContain('Onset 2004');
    expect(words(row)).toContain('Food · Allergy');
    await expectNoAxeViolations(el);
  });

  it('a coded NKDA alone reads "No known drug allergies", not "Allergies not recorded"', async () => {
    const { el } = await render({ name: 'nkda', clinicAllergies: [SPEC_ALLERGIES.nkda] });
    await badgesReady(el);
    const text = words(root(el));
    expect(text).toContain('No known drug allergies');
    expect(text).toContain('Recorded 06-Aug-2015');
    expect(text).toContain('Riverside Clinic');
    expect(text).not.toContain('Allergies not recorded');
    expect(rows(el)).toHaveLength(0);
    await expectNoAxeViolations(el);
  });

  it('NKDA next to a medication allergy: shows the allergy and flags the contradiction', async () => {
    const penicillin = makeAllergy('pen', 'Penicillin allergy', { code: '91936005', category: ['medication'], criticality: 'high' });
    const { el } = await render({ name: 'nkda-conflict', clinicAllergies: [SPEC_ALLERGIES.nkda], hospitalAllergies: [penicillin] });
    expect(substances(el)).toEqual(['Penicillin allergy']);
    const contradiction = root(el).querySelector('[part~="contradiction"]')!;
    expect(contradiction.getAttribute('part')).toContain('warning');
    expect(words(contradiction)).toContain('Contradiction: “No known drug allergies” is recorded, but allergies are also listed.');
  });

  it('every source synced and nothing recorded: "Allergies not recorded"', async () => {
    const { el } = await render({ name: 'empty' });
    const empty = root(el).querySelector('[part~="empty"]')!;
    expect(words(empty)).toContain('Allergies not recorded');
    expect(words(root(el))).not.toContain('unavailable');
    await expectNoAxeViolations(el);
  });

  it('no source ever synced, or every sync failed: "Allergies unavailable", never "none recorded"', async () => {
    const { el } = await render({
      name: 'unavailable',
      clinic: { status: 'error', lastError: 'HTTP 503' },
      hospital: {},
    });
    const text = words(root(el));
    expect(text).toContain('Allergies unavailable');
    expect(text).not.toContain('Allergies not recorded');
    expect(text).toContain('Riverside Clinic could not be synced');
    await expectNoAxeViolations(el);
  });

  it('refuted and entered-in-error allergies are never listed; a warning counts them and opens to name each with its source', async () => {
    const refuted = makeAllergy('ref', 'Allergy to strawberries', { verification: 'refuted', criticality: 'high', recordedDate: '2021-05-06' });
    const wrong = makeAllergy('eie', 'Allergy to aspirin', { verification: 'entered-in-error' });
    const real = makeAllergy('real', 'Allergy to fish', { code: '417532002' });
    const { el } = await render({ name: 'hidden', clinicAllergies: [refuted, real], hospitalAllergies: [wrong] });
    await badgesReady(el);
    expect(substances(el)).toEqual(['Allergy to fish']);
    expect(words(root(el).querySelector('ul.rows.current')!)).not.toMatch(/strawberries|aspirin/);
    const note = root(el).querySelector('[part~="hidden"]')!;
    expect(note.getAttribute('part')).toContain('warning');
    const details = note.querySelector('details') as HTMLDetailsElement;
    const summary = details.querySelector('summary')!;
    expect(words(summary)).toBe('2 entries marked refuted or entered in error are not listed as allergies');
    expect(details.open).toBe(false);
    // A 44 px target, opened from the keyboard.
    expect(summary.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
    summary.focus();
    await userEvent.keyboard('{Enter}');
    await waitUntil(() => details.open, 'the list did not open');
    const entries = [...details.querySelectorAll('[part~="hidden-entry"]')].map(words);
    expect(entries).toEqual([
      'Allergy to aspirin — marked entered in error at St Elsewhere Hospital',
      'Allergy to strawberries — marked refuted at Riverside Clinic · Recorded 06-May-2021',
    ]);
    // Never shown as an allergy: no criticality beside them.
    expect(details.querySelector('[part~="criticality"]')).toBeNull();
    await expectNoAxeViolations(el);
  });

  it('an unconfirmed allergy is listed with the word "Unconfirmed" and a dashed border', async () => {
    const maybe = makeAllergy('maybe', 'Allergy to sesame', { verification: 'unconfirmed', criticality: 'low' });
    const sure = makeAllergy('sure', 'Allergy to egg', { criticality: 'low' });
    const { el } = await render({ name: 'unconfirmed', clinicAllergies: [maybe, sure] });
    expect(substances(el)).toEqual(['Allergy to egg', 'Allergy to sesame']);
    const row = rowFor(el, 'Allergy to sesame');
    const mark = row.querySelector('[part~="status"]')!;
    expect(words(mark)).toBe('ℹUnconfirmed');
    // The kit's info mark (unconfirmed is not a warning: nobody said the allergy is wrong).
    expect(mark.getAttribute('part')).toBe('info status unconfirmed');
    expect(getComputedStyle(row).borderTopStyle).toBe('dashed');
    expect(words(root(el).querySelector('[part~="summary"]')!)).toBe('Known allergies (2) · 1 unconfirmed · All 2: Active · No reactions recorded');
    expect(rowFor(el, 'Allergy to egg').querySelector('[part~="status"]')).toBeNull();
    await expectNoAxeViolations(el);
  });

  for (const density of ['dense', 'comfortable'] as const) {
    it(`providers disagreeing on criticality (${density}): high, and at the badge which source said what`, async () => {
      const low = makeAllergy('l', 'Latex allergy', { code: '300916003', criticality: 'low' });
      const high = makeAllergy('h', 'Latex allergy', { code: '300916003', criticality: 'high' });
      const { el } = await render({ name: `differ-${density}`, clinicAllergies: [low], hospitalAllergies: [high] }, 'en', density);
      const row = rowFor(el, 'Latex allergy');
      const badge = row.querySelector('[part~="criticality"]')!;
      expect(words(badge)).toBe('High criticality');
      // The warning mark is the badge's next sibling: most cautious first, each with its source.
      const mark = badge.nextElementSibling!;
      expect(mark.getAttribute('part')).toBe('warning criticality-dispute');
      expect(words(mark)).toBe('⚠Sources differ on criticality: High (St Elsewhere Hospital) · Low (Riverside Clinic)');
      // Said once, at the badge: not again at the foot of the row.
      expect(words(row).match(/St Elsewhere Hospital\)/g)).toHaveLength(1);
      expect(words(row)).not.toContain('criticality low at');
      await expectNoAxeViolations(el);
    });
  }

  it('severity follows meaning: a copy refuted elsewhere is a warning; unconfirmed against confirmed is info', async () => {
    const { el } = await render({
      name: 'severity',
      clinicAllergies: [
        makeAllergy('pea', 'Allergy to peanuts', { code: '91935009' }),
        makeAllergy('ses', 'Allergy to sesame', { code: '418920003', verification: 'unconfirmed' }),
        makeAllergy('kiwi', 'Allergy to kiwi', { code: '1' }),
      ],
      hospitalAllergies: [
        makeAllergy('h-pea', 'Allergy to peanuts', { code: '91935009', verification: 'refuted' }),
        makeAllergy('h-ses', 'Allergy to sesame', { code: '418920003', verification: 'confirmed' }),
      ],
    });
    await badgesReady(el);
    const peanuts = rowFor(el, 'Allergy to peanuts');
    const warning = peanuts.querySelector('[part~="warning"][part~="refuted-at"]')!;
    expect(words(warning)).toBe('⚠ Marked refuted at St Elsewhere Hospital; listed because Riverside Clinic still records it.');
    expect(warning.classList.contains('callout-warning')).toBe(true);
    expect(peanuts.querySelector('[part~="info"]')).toBeNull();
    const sesame = rowFor(el, 'Allergy to sesame');
    const info = sesame.querySelector('[part~="info"]')!;
    expect(words(info)).toBe('ℹ Sources differ: verification unconfirmed at Riverside Clinic, confirmed at St Elsewhere Hospital');
    expect(info.classList.contains('callout-info')).toBe(true);
    expect(sesame.querySelector('[part~="warning"]')).toBeNull();
    // The two look different (not only by colour: a different icon and bar width).
    expect(getComputedStyle(warning).borderInlineStartWidth).not.toBe(getComputedStyle(info).borderInlineStartWidth);
    // An allergy every source agrees on carries no note at all.
    expect(rowFor(el, 'Allergy to kiwi').querySelector('[part~="warning"], [part~="info"]')).toBeNull();
    await expectNoAxeViolations(el);
  });

  it('every control the panel draws is at least 44 px tall and wide', async () => {
    await page.viewport(1100, 900);
    const many = Array.from({ length: 55 }, (_, i) => makeAllergy(`a${i}`, `Substance ${String(i).padStart(2, '0')}`));
    const reactions = Array.from({ length: 12 }, (_, i) => ({ manifestation: [{ text: `Sign ${i + 1}` }], onset: '2020-01-01' }));
    const { el } = await render({
      name: 'targets',
      clinicAllergies: [
        ...many,
        makeAllergy('r', 'Aaa many reactions', { reaction: reactions }),
        makeAllergy('old', 'Allergy to soya', { clinical: 'resolved' }),
        makeAllergy('ref', 'Allergy to strawberries', { verification: 'refuted' }),
      ],
    });
    const controls = [...root(el).querySelectorAll<HTMLElement>('button, summary, a[href]')].filter((c) => c.getClientRects().length > 0);
    expect(controls.length).toBeGreaterThanOrEqual(5);
    for (const c of controls) {
      const box = c.getBoundingClientRect();
      expect(Math.round(box.height), words(c)).toBeGreaterThanOrEqual(44);
      expect(Math.round(box.width), words(c)).toBeGreaterThanOrEqual(44);
    }
    await page.viewport(414, 896);
  });

  it('sorts by substance name without a leading "Allergy to"; criticality marks the row, it does not reorder', async () => {
    const { el } = await render({
      name: 'sort',
      clinicAllergies: [
        makeAllergy('a', 'apple', { criticality: 'low' }),
        makeAllergy('b', 'Bee venom', { criticality: 'unable-to-assess' }),
        makeAllergy('c', 'Allergy to cashew', { criticality: 'high' }),
        makeAllergy('d', 'ALLERGY TO almond'),
      ],
    });
    expect(substances(el)).toEqual(['ALLERGY TO almond', 'apple', 'Bee venom', 'Allergy to cashew']);
    expect(words(rowFor(el, 'Allergy to cashew').querySelector('[part~="criticality"]')!)).toBe('High criticality');
    expect(words(rowFor(el, 'Bee venom').querySelector('[part~="criticality"]')!)).toBe('Criticality not known');
  });

  it('updates in place when a new allergy lands in the store', async () => {
    const { el, store, patient } = await render({ name: 'live', clinicAllergies: [makeAllergy('egg', 'Allergy to egg')] });
    expect(substances(el)).toEqual(['Allergy to egg']);
    await store.applyPage('hospital', {
      upserts: [{ ...makeAllergy('h-wasp', 'Wasp sting allergy', { criticality: 'high' }), patient: { reference: patient.hospital.slice('hospital/'.length) }, meta: { versionId: '1', lastUpdated: new Date().toISOString() } } as AllergyIntolerance],
    });
    await waitUntil(() => substances(el).includes('Wasp sting allergy'), 'new allergy did not appear', { timeout: 5000 });
    expect(substances(el)).toEqual(['Allergy to egg', 'Wasp sting allergy']);
    await store.save({ ...makeAllergy('egg2', 'Allergy to kiwi'), patient: { reference: patient.clinic.slice('clinic/'.length) } }, { source: 'clinic' });
    await waitUntil(() => substances(el).includes('Allergy to kiwi'), 'saved allergy did not appear', { timeout: 5000 });
  });

  it('renders hostile record text as inert text', async () => {
    const hostile = [
      makeAllergy('x1', '<img src=x onerror="window.__pwned=1">', {
        reaction: [{ manifestation: [{ text: '<script>window.__pwned=1</script>' }], description: 'javascript:alert(1)' }],
      }),
      makeAllergy('x2', '\u202Egnp.exe\u202C ' + 'x'.repeat(10_000)),
    ];
    const { el } = await render({ name: 'hostile', clinicAllergies: hostile });
    expect(root(el).querySelector('img')).toBeNull();
    expect(root(el).querySelector('script')).toBeNull();
    expect(root(el).querySelector('a')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    expect(substances(el)).toContain('<img src=x onerror="window.__pwned=1">');
    const long = rowFor(el, substances(el).find((s) => s.includes('gnp.exe'))!);
    expect(long.querySelector('[part~="substance"] bdi')).not.toBeNull();
    // The long name wraps inside the panel instead of stretching it.
    expect(long.getBoundingClientRect().width).toBeLessThanOrEqual(el.getBoundingClientRect().width + 1);
  });
});

describe('<ehr-allergy-panel> language, headings and keyboard', () => {
  it('speaks German', async () => {
    const { el } = await render({ name: 'german', patient: 'inferno355' }, 'de');
    const text = words(root(el));
    expect(text).toContain('Allergien und Unverträglichkeiten');
    expect(text).toContain('Niedrige Kritikalität');
    expect(text).toContain('Inaktiv oder abgeklungen (2)');
    expect(text).toContain('Bekannte Allergien (8) · Alle 8: Aktiv');
    expect(text).not.toContain('Low criticality');
  });

  it('uses the heading level it is given', async () => {
    const seeded = await seedAllergyStore({ name: 'heading' });
    const el = await fixture<EhrAllergyPanel>(html`<ehr-allergy-panel .store=${seeded.store} patient=${seeded.patient.clinic} heading-level="3"></ehr-allergy-panel>`);
    await el.updateComplete;
    expect(root(el).querySelector('[part~="heading"]')!.tagName).toBe('H3');
  });

  it('reaches and opens the inactive group from the keyboard', async () => {
    const { el } = await render({ name: 'keyboard', patient: 'clientTest' });
    const summary = root(el).querySelector('details.past-group > summary') as HTMLElement;
    const details = summary.parentElement as HTMLDetailsElement;
    const before = document.createElement('button');
    before.textContent = 'before';
    el.before(before);
    before.focus();
    // Tab until focus lands on the summary (source badges are not focusable).
    for (let i = 0; i < 5 && root(el).activeElement !== summary; i++) await userEvent.keyboard('{Tab}');
    expect(root(el).activeElement).toBe(summary);
    await userEvent.keyboard('{Enter}');
    await waitUntil(() => details.open, 'details did not open');
    before.remove();
  });
});

describe('<ehr-allergy-panel density="comfortable"> cards', () => {
  it('keeps the required facts and folds empty optional ones', async () => {
    const plain = makeAllergy('plain', 'Allergy to egg', { recordedDate: '2019-03-04' });
    const unverified = makeAllergy('unverified', 'Allergy to kiwi');
    delete (unverified as { verificationStatus?: unknown }).verificationStatus;
    const { el } = await render({ name: 'compact-rows', clinicAllergies: [plain, unverified, SPEC_ALLERGIES.cashew] }, 'en', 'comfortable');
    expect(rows(el)[0]!.classList.contains('card')).toBe(true);
    await badgesReady(el);

    const egg = rowFor(el, 'Allergy to egg');
    const facts = egg.querySelector('dl.facts')!;
    // Criticality is always said, also when not recorded; so is the clinical status.
    expect(words(egg.querySelector('[part~="criticality"]')!)).toBe('Criticality not known');
    expect(words(facts)).toContain('Clinical status Active');
    // No reactions: one short line (the "Reactions" label is for screen readers only).
    const none = facts.querySelector('.no-reactions')!;
    expect(none.querySelector('dt')!.classList.contains('visually-hidden')).toBe(true);
    expect(words(none.querySelector('dd')!)).toBe('No reactions recorded');
    expect(words(egg).match(/No reactions recorded/g)).toHaveLength(1);
    // Onset not recorded: no onset line; confirmed: no verification line; the recorded date stays.
    expect(words(facts)).not.toContain('Onset');
    expect(words(facts)).not.toContain('Verification');
    expect(words(facts)).not.toContain('Not known');
    expect(words(facts)).toContain('Recorded 04-Mar-2019');
    expect(facts.querySelectorAll('.fact')).toHaveLength(3);
    // No server "last updated" time anywhere: clinicians read it as a clinical edit.
    expect(words(egg)).not.toContain('Last updated');
    const source = egg.querySelector('[part~="source"]')!;
    // Compact badges: the provider's name, not a repeated "as of …" time.
    const badge = source.querySelector('ehr-source-badge')!;
    expect(badge.hasAttribute('compact')).toBe(true);
    expect(badge.shadowRoot!.querySelector('[part~="time"]')!.classList.contains('visually-hidden')).toBe(true);

    // A missing verification status is said.
    expect(words(rowFor(el, 'Allergy to kiwi').querySelector('dl.facts')!)).toContain('Verification Not recorded');
    // A recorded onset is still shown.
    expect(words(rowFor(el, 'Cashew nuts'))).toContain('Onset 2004');
    await expectNoAxeViolations(el);
  });

  it('says "no known allergies" with typographic quotes in English and German', async () => {
    const { el } = await render({ name: 'quotes' });
    expect(words(root(el).querySelector('[part~="empty"]')!)).toContain('an allergy or a “no known allergies” statement.');
    fixtureCleanup();
    const { el: de } = await render({ name: 'quotes-de' }, 'de');
    expect(words(root(de).querySelector('[part~="empty"]')!)).toContain('„keine bekannten Allergien“');
  });
});

describe('<ehr-allergy-panel> completeness for THIS patient (clinical safety)', () => {
  const MINUTE = 60_000;
  const nka = () => makeAllergy('nka', 'No known allergy', { code: '716186003' });
  /** The hospital synced recently, but for another patient: its lastSyncAt says nothing about this one. */
  const otherPatientOnly = { syncedAgo: MINUTE, syncedPatient: 'hospital/Patient/someone-else' } as const;
  const incomplete = (el: EhrAllergyPanel) => root(el).querySelector('[part~="incomplete"]');

  for (const status of ['syncing', 'offline'] as const) {
    it(`coded NKA at the clinic while the hospital is "${status}" for this patient: never a bare "No known allergies"`, async () => {
      const { el } = await render({ name: `nka-hospital-${status}`, clinicAllergies: [nka()], hospital: { ...otherPatientOnly, status } });
      const text = words(root(el));
      expect(text).toContain('No known allergies');
      expect(words(incomplete(el)!)).toBe('⚠ May be incomplete: St Elsewhere Hospital could not be checked.');
      // The caveat comes before the statement, so the negative never reads on its own.
      expect(text.indexOf('May be incomplete')).toBeLessThan(text.indexOf('No known allergies'));
      expect(text).not.toContain('Allergies not recorded');
      await expectNoAxeViolations(el);
    });
  }

  it('clinic synced, hospital failed, nothing recorded: "Allergies unavailable" naming the hospital, not "Allergies not recorded"', async () => {
    const { el } = await render({ name: 'hospital-failed-empty', hospital: { syncedAgo: 60 * MINUTE, status: 'error', lastError: 'HTTP 503' } });
    const empty = words(root(el).querySelector('[part~="empty"]')!);
    expect(empty).toContain('Allergies unavailable');
    expect(empty).toContain('St Elsewhere Hospital');
    expect(empty).not.toContain('Riverside Clinic');
    expect(words(root(el))).not.toContain('Allergies not recorded');
  });

  it('the hospital synced for ANOTHER patient only: incomplete for this one (unavailable when empty, caveat on a list)', async () => {
    const { el } = await render({ name: 'hospital-other-patient', hospital: { ...otherPatientOnly, status: 'ok' } });
    expect(words(root(el))).toContain('Allergies unavailable');
    expect(words(root(el))).not.toContain('Allergies not recorded');
    fixtureCleanup();
    const peanut = makeAllergy('peanut', 'Allergy to peanuts', { code: '91935009', category: ['food'] });
    const { el: listed } = await render({ name: 'hospital-other-patient-list', clinicAllergies: [peanut], hospital: { ...otherPatientOnly, status: 'ok' } });
    expect(substances(listed)).toEqual(['Allergy to peanuts']);
    expect(words(incomplete(listed)!)).toContain('May be incomplete: St Elsewhere Hospital could not be checked.');
  });

  it('everything synced for this patient: "No known allergies" / "Allergies not recorded" as before, with no caveat', async () => {
    const { el } = await render({ name: 'nka-all-synced', clinicAllergies: [nka()] });
    expect(words(root(el))).toContain('No known allergies');
    expect(incomplete(el)).toBeNull();
    fixtureCleanup();
    const { el: empty } = await render({ name: 'empty-all-synced' });
    expect(words(root(empty))).toContain('Allergies not recorded');
    expect(incomplete(empty)).toBeNull();
    expect(words(root(empty))).not.toContain('unavailable');
  });
});

describe('<ehr-allergy-panel> an unconfirmed "no known allergies" statement', () => {
  it('is labelled "Unconfirmed" (en, de); a confirmed one is not', async () => {
    const nka = (verification: 'confirmed' | 'unconfirmed') => makeAllergy('nka', 'No known allergy', { code: '716186003', verification });
    const { el } = await render({ name: 'nka-unconfirmed', clinicAllergies: [nka('unconfirmed')] });
    const statement = root(el).querySelector('.statement')!;
    expect(words(statement.querySelector('.statement-text')!)).toBe('No known allergies ℹUnconfirmed');
    expect(statement.classList.contains('unconfirmed')).toBe(true);
    fixtureCleanup();
    const { el: german } = await render({ name: 'nka-unconfirmed-de', clinicAllergies: [nka('unconfirmed')] }, 'de');
    expect(words(root(german).querySelector('.statement-text')!)).toBe('Keine bekannten Allergien ℹUnbestätigt');
    fixtureCleanup();
    const { el: confirmed } = await render({ name: 'nka-confirmed', clinicAllergies: [nka('confirmed')] });
    expect(words(root(confirmed).querySelector('.statement-text')!)).toBe('No known allergies');
    expect(root(confirmed).querySelector('[data-unconfirmed-statement]')).toBeNull();
  });
});

describe('<ehr-allergy-panel> long lists', () => {
  it('shows the first 50 allergies and "Show all N"; a row shows 10 reactions and "and N more"', async () => {
    const many = Array.from({ length: 70 }, (_, i) => makeAllergy(`a${i}`, `Substance ${String(i).padStart(2, '0')}`));
    const reactions = Array.from({ length: 30 }, (_, i) => ({ manifestation: [{ text: `Sign ${i + 1}` }] }));
    const { el } = await render({ name: 'long-lists', clinicAllergies: [...many, makeAllergy('r', 'Aaa many reactions', { reaction: reactions })] });
    expect(rows(el)).toHaveLength(50);
    expect(words(root(el).querySelector('[part~="summary"]')!)).toBe('Known allergies (71) · All 71: Active');
    const cut = root(el).querySelector('[part~="show-all"]')!;
    expect(words(cut)).toBe('Showing the first 50 of 71. Show all 71');

    const row = rowFor(el, 'Aaa many reactions');
    expect(row.querySelectorAll('[part~="reaction"]')).toHaveLength(10);
    expect(words(row.querySelector('[part~="show-more"]')!)).toBe('and 20 more');
    row.querySelector<HTMLButtonElement>('[part~="show-more"]')!.click();
    await el.updateComplete;
    expect(rowFor(el, 'Aaa many reactions').querySelectorAll('[part~="reaction"]')).toHaveLength(30);

    cut.querySelector<HTMLButtonElement>('[part~="show-all-button"]')!.click();
    await el.updateComplete;
    expect(rows(el)).toHaveLength(71);
    expect(root(el).querySelector('[part~="show-all"]')).toBeNull();
  });
});

describe('<ehr-allergy-panel> a provider with no record of this patient', () => {
  /**
   * The hospital was searched for this patient and holds no record of them: the finding is in
   * the store (`recordNoRecord`, as the sync engine writes it) and reaches the panel through
   * `coverage()`.
   */
  async function renderNoRecordAtHospital(options: AllergySeedOptions, lang = 'en') {
    const seeded = await seedAllergyStore({ ...options, hospital: { syncedAgo: 60_000, status: 'ok', noRecord: true } });
    const el = await fixture<EhrAllergyPanel>(
      html`<div lang=${lang}><ehr-allergy-panel .store=${seeded.store} patient=${seeded.patient.clinic}></ehr-allergy-panel></div>`,
    ).then((wrapper) => wrapper.querySelector('ehr-allergy-panel')!);
    await waitUntil(() => !root(el).querySelector('[part~="skeleton"]') && root(el).querySelector('[part~="empty"], [part~="summary"]'), 'panel did not finish loading', {
      timeout: 10_000,
    });
    await el.updateComplete;
    return el;
  }
  const noRecordLines = (el: EhrAllergyPanel) => [...root(el).querySelectorAll('[part~="no-record"]')].map(words);

  it('a clinic-only patient with a coded NKA: "No known allergies" and "No record at St Elsewhere Hospital", no caveat', async () => {
    const el = await renderNoRecordAtHospital({ name: 'no-record-nka', clinicAllergies: [makeAllergy('nka', 'No known allergy', { code: '716186003' })] });
    expect(words(root(el))).toContain('No known allergies');
    expect(root(el).querySelector('[part~="incomplete"]')).toBeNull();
    expect(noRecordLines(el)).toEqual(['No record at St Elsewhere Hospital']);
    expect(root(el).querySelector('[part~="no-record"] bdi')!.textContent).toBe('St Elsewhere Hospital');
  });

  it('nothing recorded anywhere: "Allergies not recorded", not "unavailable" (en, de)', async () => {
    const el = await renderNoRecordAtHospital({ name: 'no-record-empty' });
    expect(words(root(el).querySelector('[part~="empty"]')!)).toContain('Allergies not recorded');
    expect(words(root(el))).not.toContain('unavailable');
    expect(noRecordLines(el)).toEqual(['No record at St Elsewhere Hospital']);
    fixtureCleanup();
    const de = await renderNoRecordAtHospital({ name: 'no-record-empty-de' }, 'de');
    expect(words(root(de).querySelector('[part~="empty"]')!)).toContain('Allergien nicht erfasst');
    expect(noRecordLines(de)).toEqual(['Kein Eintrag bei St Elsewhere Hospital']);
  });
});

describe('<ehr-allergy-panel hide-source-notices>', () => {
  async function renderHidden(options: AllergySeedOptions) {
    const seeded = await seedAllergyStore(options);
    // The notices depend on the sources' states: wait until the panel has read them, so that a
    // missing notice means "hidden", not "not loaded yet".
    const { sourcesRead } = trackSourceReads(seeded.store);
    const el = await fixture<EhrAllergyPanel>(
      html`<div lang="en"><ehr-allergy-panel hide-source-notices .store=${seeded.store} patient=${seeded.patient.clinic}></ehr-allergy-panel></div>`,
    ).then((wrapper) => wrapper.querySelector('ehr-allergy-panel')!);
    await waitUntil(() => !root(el).querySelector('[part~="skeleton"]') && root(el).querySelector('section'), 'panel did not finish loading', { timeout: 10_000 });
    await sourcesRead();
    await el.updateComplete;
    return el;
  }

  it('hides the partial notice but keeps the rows and their source badges', async () => {
    const options = { patient: 'versie', hospital: { empty: true, status: 'error', lastError: 'HTTP 503' } } as const;
    const { el: shown } = await render({ name: 'notices-shown', ...options });
    await waitUntil(() => words(root(shown)).includes('St Elsewhere Hospital could not be synced'), 'no partial notice by default', { timeout: 5000 });
    fixtureCleanup();

    const el = await renderHidden({ name: 'notices-hidden', ...options });
    expect(el.hideSourceNotices).toBe(true);
    expect(root(el).querySelector('[part~="notice"]')).toBeNull();
    // Versie's ten clinic allergies, each with its source badge.
    expect(rows(el)).toHaveLength(10);
    expect(root(el).querySelectorAll('ehr-source-badge')).toHaveLength(10);
  });

  it('keeps the "May be incomplete" caveat on the rows when a provider failed', async () => {
    const el = await renderHidden({ name: 'notices-hidden-caveat', patient: 'versie', hospital: { empty: true, status: 'error', lastError: 'HTTP 503' } });
    expect(rows(el)).toHaveLength(10);
    expect(words(root(el).querySelector('[part~="incomplete"]')!)).toContain('May be incomplete: St Elsewhere Hospital could not be checked.');
  });

  it('one provider failed and nothing recorded: still "unavailable", never "Allergies not recorded"', async () => {
    const el = await renderHidden({ name: 'notices-hidden-one-failed', hospital: { syncedAgo: 3_600_000, status: 'error', lastError: 'HTTP 503' } });
    expect(words(root(el))).toContain('Allergies unavailable');
    expect(words(root(el))).toContain('St Elsewhere Hospital');
    expect(words(root(el))).not.toContain('Allergies not recorded');
  });

  it('a coded NKA with the hospital still syncing keeps its caveat', async () => {
    const el = await renderHidden({
      name: 'notices-hidden-nka-syncing',
      clinicAllergies: [makeAllergy('nka', 'No known allergy', { code: '716186003' })],
      hospital: { syncedAgo: 60_000, status: 'syncing', syncedPatient: 'hospital/Patient/someone-else' },
    });
    expect(words(root(el))).toContain('No known allergies');
    expect(words(root(el).querySelector('[part~="incomplete"]')!)).toContain('May be incomplete: St Elsewhere Hospital could not be checked.');
  });

  it('never hides "Allergies unavailable"', async () => {
    const el = await renderHidden({ name: 'notices-unavailable', clinic: { status: 'error', lastError: 'HTTP 503' }, hospital: {} });
    expect(words(root(el))).toContain('Allergies unavailable');
    expect(words(root(el))).not.toContain('Allergies not recorded');
  });
});

describe('<ehr-allergy-panel filter> (host FHIRPath, opt-in)', () => {
  async function filtered(filter: string, name: string) {
    const seeded = await seedAllergyStore({ name, patient: 'versie' });
    const el = await fixture<EhrAllergyPanel>(
      html`<div lang="en"><ehr-allergy-panel filter=${filter} .store=${seeded.store} patient=${seeded.patient.clinic}></ehr-allergy-panel></div>`,
    ).then((w) => w.querySelector('ehr-allergy-panel')!);
    await waitUntil(() => !root(el).querySelector('[part~="skeleton"]') && root(el).querySelector('section'), 'panel did not load', { timeout: 15_000 });
    await el.updateComplete;
    return el;
  }

  it('narrows the list and says so: "Filtered by the host: N of M shown"', async () => {
    const el = await filtered("code.text.contains('pollen')", 'filter-pollen');
    await waitUntil(() => root(el).querySelector('[part~="host-filter"]') !== null, 'no filter note', { timeout: 10_000 });
    expect(substances(el)).toEqual(['Allergy to grass pollen', 'Allergy to tree pollen']);
    expect(words(root(el).querySelector('[part~="host-filter"]')!)).toMatch(/^ℹ Filtered by the host: 2 of 1\d shown\.$/);
  });

  it('says the filter hid everything instead of "Allergies not recorded"', async () => {
    const el = await filtered("code.text = 'no such substance'", 'filter-none');
    await waitUntil(() => root(el).querySelector('[part~="host-filter"]') !== null, 'no filter note', { timeout: 10_000 });
    expect(words(root(el))).toMatch(/Filtered by the host: 0 of \d+ shown/);
    expect(words(root(el))).not.toContain('Allergies not recorded');
  });

  it('an invalid expression is an error naming the attribute, never a silently shorter list', async () => {
    const el = await filtered('code.text = ', 'filter-bad');
    await waitUntil(() => root(el).querySelector('[part~="error"]') !== null, 'no error', { timeout: 10_000 });
    const error = root(el).querySelector('[part~="error"]')!;
    expect(error.getAttribute('role')).toBe('alert');
    expect(words(error)).toContain('filter: not a valid FHIRPath expression');
    expect(rows(el).length).toBe(0);
  });
});
