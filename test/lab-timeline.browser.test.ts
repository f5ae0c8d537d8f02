/**
 * `<ehr-lab-timeline>` in Chromium on a real record store (IndexedDB through Dexie), seeded
 * with Synthea patients split between two providers as the demo splits them, plus hand-made
 * results for what Synthea does not contain (comparators, withheld values, corrections,
 * duplicates, units).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import type { Observation, Resource } from 'fhir/r4';
import { expectNoAxeViolations } from './support/elements.js';
import { de, registerTranslation } from '../src/elements/base/index.js';
import { EhrLabTimeline } from '../src/elements/lab-timeline/define.js';
import { seedMedicationPatient, type MedicationPatient } from './support/seed-medication-list.js';

registerTranslation(de);
afterEach(() => fixtureCleanup());

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const V3 = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

const root = (el: EhrLabTimeline) => el.shadowRoot!;
const text = (el: Element | ShadowRoot | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

function lab(id: string, patientRef: string, over: Partial<Observation> = {}): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: LOINC, code: '1988-5', display: 'C reactive protein [Mass/volume] in Serum or Plasma' }] },
    subject: { reference: patientRef },
    effectiveDateTime: '2026-11-20T08:00:00Z',
    valueQuantity: { value: 3, unit: 'mg/L', system: UCUM, code: 'mg/L' },
    referenceRange: [{ high: { value: 5, unit: 'mg/L' } }],
    ...over,
  } as Observation;
}

async function ready(el: EhrLabTimeline) {
  await vi.waitFor(
    () => {
      if (!root(el).querySelector('[part~="row"], [role="grid"], [part~="empty"], [part~="error"], .none-shown')) throw new Error('still loading');
      if (root(el).querySelector('[part~="base"]')?.getAttribute('aria-busy') === 'true') throw new Error('still reading results');
    },
    { timeout: 10_000 },
  );
  await el.updateComplete;
}

interface RenderOptions {
  patient?: MedicationPatient;
  name: string;
  extra?: { clinic?: (ref: string) => Resource[]; hospital?: (ref: string) => Resource[] };
  attrs?: { lang?: string; view?: 'overview' | 'grid'; density?: 'compact' | 'comfortable'; filter?: string; 'group-by'?: string };
}

async function render(o: RenderOptions) {
  const seeded = await seedMedicationPatient({
    name: o.name,
    prefix: 'labs',
    patient: o.patient ?? 'margery',
    clinic: { syncedAgo: 60_000, status: 'ok' },
    hospital: { syncedAgo: 60_000, status: 'ok' },
    ...(o.extra ? { extra: o.extra } : {}),
  });
  const a = o.attrs ?? {};
  const wrapper = await fixture<HTMLElement>(html`<div lang=${a.lang ?? 'en'}>
    <ehr-lab-timeline .store=${seeded.store} patient=${seeded.patient.clinic} view=${a.view ?? 'overview'} density=${a.density ?? 'comfortable'}
      filter=${a.filter ?? ''} group-by=${a['group-by'] ?? ''}></ehr-lab-timeline>
  </div>`);
  const el = wrapper.querySelector('ehr-lab-timeline') as EhrLabTimeline;
  if (!a.filter) el.removeAttribute('filter');
  if (!a['group-by']) el.removeAttribute('group-by');
  await ready(el);
  return { el, ...seeded };
}

const rows = (el: EhrLabTimeline) => [...root(el).querySelectorAll<HTMLElement>('[part~="row"]')];
function row(el: EhrLabTimeline, name: string | RegExp): HTMLElement {
  const found = rows(el).find((r) => {
    const n = text(r.querySelector('[part~="name"]'));
    return typeof name === 'string' ? n === name : name.test(n);
  });
  if (!found) throw new Error(`no row ${String(name)}: ${rows(el).map((r) => text(r.querySelector('[part~="name"]'))).slice(0, 40).join(' | ')}`);
  return found;
}

describe('<ehr-lab-timeline> overview on Margery Gibson (Synthea, two providers)', () => {
  it('one row per test with its latest value, unit as recorded, date and source, under its report', async () => {
    const { el } = await render({ name: 'margery-overview' });
    await vi.waitFor(() => expect(rows(el).length).toBeGreaterThan(20));
    const hba1c = row(el, /^Hemoglobin A1c/);
    expect(text(hba1c.querySelector('[part~="value"]'))).toMatch(/^\d+(\.\d+)? %$/);
    expect(hba1c.querySelector('ehr-source-badge')).not.toBeNull();
    expect(text(hba1c.querySelector('.date'))).toMatch(/^\d{2}-[A-Z][a-z]{2}-\d{4}/);
    // Reports head their tests, with their status.
    const sections = [...root(el).querySelectorAll('[part~="section"]')].map((s) => text(s));
    expect(sections.some((s) => /Final/.test(s))).toBe(true);
    await expectNoAxeViolations(el);
  });

  it('opens a test’s trend: an SVG chart named by its caption, and a table of every result', async () => {
    const { el } = await render({ name: 'margery-trend' });
    await vi.waitFor(() => expect(rows(el).length).toBeGreaterThan(20));
    const r = row(el, /^Hemoglobin A1c/);
    const button = r.querySelector<HTMLButtonElement>('[part~="trend-button"]')!;
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(button.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
    button.click();
    await vi.waitFor(() => expect(r.querySelector('svg[part~="chart"]')).not.toBeNull());
    const svg = r.querySelector('svg[part~="chart"]')!;
    expect(svg.getAttribute('role')).toBe('img');
    const caption = r.querySelector(`#${svg.getAttribute('aria-labelledby')}`);
    expect(text(caption)).toMatch(/^Hemoglobin A1c.*: trend of \d+ results from/);
    expect(svg.querySelectorAll('.point').length).toBeGreaterThan(1);
    const table = r.querySelector('[part~="trend-table"]')!;
    const count = Number(/Trend \((\d+)\)/.exec(text(button))![1]);
    expect(table.querySelectorAll('tbody tr').length).toBe(count);
    await expectNoAxeViolations(el);
  });
});

describe('<ehr-lab-timeline> clinical display rules', () => {
  const extra = {
    clinic: (ref: string) => [
      lab('crp-1', ref, { effectiveDateTime: '2026-10-01T08:00:00Z', valueQuantity: { value: 3, unit: 'mg/L', system: UCUM, code: 'mg/L' } }),
      lab('crp-2', ref, { effectiveDateTime: '2026-11-01T08:00:00Z', valueQuantity: { value: 5, comparator: '<', unit: 'mg/L', system: UCUM, code: 'mg/L' } }),
      lab('crp-3', ref, { effectiveDateTime: '2026-11-20T08:00:00Z', valueQuantity: { value: 48, unit: 'mg/L', system: UCUM, code: 'mg/L' } }),
      lab('k-1', ref, {
        code: { coding: [{ system: LOINC, code: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma' }] },
        valueQuantity: { value: 6.9, unit: 'mmol/L', system: UCUM, code: 'mmol/L' },
        referenceRange: [{ low: { value: 3.5, unit: 'mmol/L' }, high: { value: 5.1, unit: 'mmol/L' } }],
        interpretation: [{ coding: [{ system: V3, code: 'HH' }] }],
        status: 'corrected',
      }),
      lab('hiv', ref, {
        code: { coding: [{ system: LOINC, code: '75622-1', display: 'HIV 1 and 2 tests - Meaningful Use set' }] },
        valueQuantity: undefined,
        referenceRange: [],
        dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'masked' }] },
      }),
      lab('gluc-wrong', ref, {
        code: { coding: [{ system: LOINC, code: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma' }] },
        status: 'entered-in-error',
        effectiveDateTime: '2026-11-29T08:00:00Z',
        valueQuantity: { value: 999, unit: 'mg/dL', system: UCUM, code: 'mg/dL' },
        referenceRange: [],
      }),
    ],
    hospital: (ref: string) => [
      lab('crp-h', ref, { effectiveDateTime: '2026-11-20T15:00:00Z', valueQuantity: { value: 4.6, unit: 'mg/dL', system: UCUM, code: 'mg/dL' }, referenceRange: [] }),
    ],
  };

  it('comparators, critical results, corrections, withheld values, duplicates, units and entered-in-error', async () => {
    const { el } = await render({ name: 'rules', extra });
    await vi.waitFor(() => expect(() => row(el, /^C reactive protein/)).not.toThrow());
    const crp = row(el, /^C reactive protein/);
    // The latest CRP (48 mg/L at the clinic, or 4.6 mg/dL at the hospital that day): never joined into one trend.
    expect(text(crp.querySelector('[part~="not-comparable"]'))).toContain('Not comparable: 2 units');
    expect(text(crp.querySelector('[part~="duplicate"]'))).toContain('Possible duplicate test');

    const k = row(el, 'Potassium [Moles/volume] in Serum or Plasma');
    expect(text(k.querySelector('[part~="value"]'))).toBe('6.9 mmol/L');
    expect(text(k.querySelector('[part~="interpretation"]'))).toContain('Critically high');
    expect(text(k.querySelector('[part~="critical"]'))).toContain('Critical');
    expect(text(k.querySelector('[part~="corrected"]'))).toBe('Corrected');

    expect(text(row(el, /^HIV 1 and 2/).querySelector('[part~="value"]'))).toBe('Withheld');
    // Entered in error: not listed as a glucose result; counted below.
    const glucose = rows(el).filter((r) => /^Glucose/.test(text(r.querySelector('[part~="name"]'))));
    for (const g of glucose) expect(text(g.querySelector('[part~="value"]'))).not.toContain('999');
    expect(text(root(el).querySelector('[part~="hidden"]'))).toContain('1 result marked entered in error is not shown.');

    // The trend: "<5" drawn as an open marker at 5, with its comparator written beside it.
    crp.querySelector<HTMLButtonElement>('[part~="trend-button"]')!.click();
    await vi.waitFor(() => expect(crp.querySelector('svg[part~="chart"]')).not.toBeNull());
    const svg = crp.querySelector('svg[part~="chart"]')!;
    expect(svg.querySelectorAll('.point.open').length).toBe(1);
    expect([...svg.querySelectorAll('.comparator')].map((t) => t.textContent)).toEqual(['<5']);
    // The other unit is a gap on the axis, not a point.
    expect(svg.querySelectorAll('.gap').length).toBe(1);
    expect([...svg.querySelectorAll('.note')].map((t) => t.textContent)).toContain('Out of range');
    await expectNoAxeViolations(el);
  });

  it('filters by words and abnormal-only, and says how many tests are shown', async () => {
    const { el } = await render({ name: 'filters', extra });
    await vi.waitFor(() => expect(rows(el).length).toBeGreaterThan(20));
    const search = root(el).querySelector<HTMLInputElement>('[part~="filters"] input[type="search"]')!;
    await userEvent.type(search, 'potassium moles');
    await vi.waitFor(() => expect(rows(el).map((r) => text(r.querySelector('[part~="name"]')))).toEqual(['Potassium [Moles/volume] in Serum or Plasma']));
    expect(text(root(el).querySelector('[part~="showing"]'))).toMatch(/^Showing 1 of \d+ tests/);
    el.search = '';
    el.abnormalOnly = true;
    await el.updateComplete;
    await vi.waitFor(() => expect(rows(el).some((r) => text(r.querySelector('[part~="name"]')) === 'Potassium [Moles/volume] in Serum or Plasma')).toBe(true));
    expect(rows(el).some((r) => /^HIV/.test(text(r.querySelector('[part~="name"]'))))).toBe(false);
  });

  it('compact density: one line per test; range and trend behind More details; the critical mark stays', async () => {
    const { el } = await render({ name: 'compact', extra, attrs: { density: 'compact' } });
    await vi.waitFor(() => expect(() => row(el, 'Potassium [Moles/volume] in Serum or Plasma')).not.toThrow());
    const k = row(el, 'Potassium [Moles/volume] in Serum or Plasma');
    const more = k.querySelector<HTMLDetailsElement>('details[part~="more"]')!;
    expect(more.open).toBe(false);
    expect(more.querySelector('[part~="range"]')).not.toBeNull();
    expect(k.querySelector(':scope > .line [part~="sparkline"]')).toBeNull();
    expect(k.querySelector('[part~="critical"]')).not.toBeNull();
    expect(more.querySelector('summary')!.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
  });

  it('German', async () => {
    const { el } = await render({ name: 'german', extra, attrs: { lang: 'de' } });
    await vi.waitFor(() => expect(() => row(el, 'Potassium [Moles/volume] in Serum or Plasma')).not.toThrow());
    expect(text(root(el).querySelector('[part~="heading"]'))).toBe('Laborbefunde');
    expect(text(row(el, 'Potassium [Moles/volume] in Serum or Plasma').querySelector('[part~="value"]'))).toBe('6,9 mmol/L');
    expect(text(row(el, /^HIV/).querySelector('[part~="value"]'))).toBe('Zurückgehalten');
  });
});

describe('<ehr-lab-timeline> grid', () => {
  it('tests × days with ARIA grid semantics and keyboard navigation', async () => {
    const { el } = await render({ name: 'grid', attrs: { view: 'grid' } });
    const grid = root(el).querySelector<HTMLElement>('[role="grid"]')!;
    await vi.waitFor(() => expect(Number(grid.getAttribute('aria-rowcount'))).toBeGreaterThan(20));
    const rowcount = Number(grid.getAttribute('aria-rowcount'));
    const colcount = Number(grid.getAttribute('aria-colcount'));
    expect(colcount).toBeGreaterThan(13);
    const header = grid.querySelector('[part~="grid-header"]')!;
    expect(getComputedStyle(header).position).toBe('sticky');
    expect(header.querySelectorAll('[role="columnheader"]').length).toBe(13);
    const first = grid.querySelector<HTMLElement>('[role="rowheader"][tabindex="0"]')!;
    expect(getComputedStyle(first).position).toBe('sticky');
    first.focus();
    await userEvent.keyboard('{ArrowDown}{ArrowRight}');
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.getAttribute('aria-colindex')).toBe('2'));
    expect(el.shadowRoot!.activeElement!.closest('[role="row"]')!.getAttribute('aria-rowindex')).toBe('3');
    await userEvent.keyboard('{Control>}{End}{/Control}');
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.closest('[role="row"]')?.getAttribute('aria-rowindex')).toBe(String(rowcount)));
    await expectNoAxeViolations(el);
  });

  it('windows 120 tests: only rows in view are in the DOM, aria-rowindex stays right, the last row is reachable', async () => {
    const many = (ref: string) =>
      Array.from({ length: 120 }, (_, i) =>
        lab(`t${i}`, ref, { code: { coding: [{ system: 'https://lab.example.org/tests', code: `T${String(i).padStart(3, '0')}`, display: `Test ${String(i).padStart(3, '0')}` }] }, effectiveDateTime: `2026-0${1 + (i % 9)}-1${i % 10}` }),
      );
    const { el } = await render({ name: 'grid-many', patient: 'usqc', extra: { clinic: many }, attrs: { view: 'grid' } });
    const grid = root(el).querySelector<HTMLElement>('[role="grid"]')!;
    await vi.waitFor(() => expect(root(el).querySelector('.grid-body')?.getAttribute('style') ?? '').toContain('height'), { timeout: 10_000 }); // the virtualizer loads lazily: slow under load
    const total = Number(grid.getAttribute('aria-rowcount'));
    expect(total).toBeGreaterThan(121);
    const rendered = () => [...grid.querySelectorAll('.grid-body [role="row"]')];
    expect(rendered().length).toBeLessThan(40);
    expect(rendered()[0]!.getAttribute('aria-rowindex')).toBe('2');
    const first = grid.querySelector<HTMLElement>('[role="rowheader"][tabindex="0"]')!;
    first.focus();
    await userEvent.keyboard('{Control>}{End}{/Control}');
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.closest('[role="row"]')?.getAttribute('aria-rowindex')).toBe(String(total)));
    expect(rendered().length).toBeLessThan(40);
    await userEvent.keyboard('{PageUp}');
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.closest('[role="row"]')?.getAttribute('aria-rowindex')).toBe(String(total - 10)));
  });
});

describe('<ehr-lab-timeline> host filters and live updates', () => {
  it('filter="…" (FHIRPath) narrows the results and says so; an invalid one is an error naming the attribute', async () => {
    const { el } = await render({ name: 'host-filter', attrs: { filter: "category.coding.code contains 'vital-signs'" } });
    await vi.waitFor(() => expect(text(root(el).querySelector('[part~="host-filter"]'))).toMatch(/Filtered by the host: \d+ of \d+ shown/), { timeout: 15_000 });
    const names = rows(el).map((r) => text(r.querySelector('[part~="name"]')));
    expect(names).toContain('Body Weight');
    expect(names.some((n) => /^Hemoglobin A1c/.test(n))).toBe(false);
    el.filter = 'category.coding.code contains (';
    await vi.waitFor(() => expect(text(root(el).querySelector('[part~="error"]'))).toContain('filter: not a valid FHIRPath expression'), { timeout: 10_000 });
  });

  it('group-by joins codes the host says are one analyte; units that differ stay not comparable', async () => {
    const extra = {
      clinic: (ref: string) => [
        lab('g1', ref, { code: { coding: [{ system: LOINC, code: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma' }] }, valueQuantity: { value: 95, unit: 'mg/dL', system: UCUM, code: 'mg/dL' }, referenceRange: [] }),
        lab('g2', ref, { code: { coding: [{ system: LOINC, code: '2339-0', display: 'Glucose [Mass/volume] in Blood' }] }, effectiveDateTime: '2026-11-21', valueQuantity: { value: 5.4, unit: 'mmol/L', system: UCUM, code: 'mmol/L' }, referenceRange: [] }),
      ],
    };
    const { el } = await render({ name: 'group-by', patient: 'usqc', extra, attrs: { 'group-by': "iif(code.coding.code contains '2345-7' or code.coding.code contains '2339-0', 'glucose', {})" } });
    await vi.waitFor(() => expect(rows(el).filter((r) => /^Glucose/.test(text(r.querySelector('[part~="name"]')))).length).toBe(1), { timeout: 15_000 });
    const g = rows(el).find((r) => /^Glucose/.test(text(r.querySelector('[part~="name"]'))))!;
    // mg/dL and mmol/L (and whatever unit the sample's own glucose uses): never one trend.
    expect(text(g.querySelector('[part~="not-comparable"]'))).toMatch(/Not comparable: [2-9] units/);
  });

  it('updates in place when a new result lands in the store', async () => {
    const { el, store, refs } = await render({ name: 'live', patient: 'usqc' });
    const before = rows(el).length;
    await store.applyPage('clinic', { upserts: [{ ...lab('live-1', refs.clinic, { code: { coding: [{ system: LOINC, code: '1988-5', display: 'C reactive protein [Mass/volume] in Serum or Plasma' }] } }), meta: { versionId: '1', lastUpdated: '2026-12-01T00:00:00Z' } }] as never, fetchedAt: Date.now() });
    await vi.waitFor(() => expect(rows(el).length).toBe(before + 1), { timeout: 10_000 });
    expect(text(row(el, 'C reactive protein [Mass/volume] in Serum or Plasma').querySelector('[part~="value"]'))).toBe('3 mg/L');
  });
});
