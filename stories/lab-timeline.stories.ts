import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import type { Observation } from 'fhir/r4';
import { defineStoryElements } from './support/define-elements.js';
import { defineElement } from '../src/elements/base/define.js';
import { EhrLabTimeline } from '../src/elements/lab-timeline/lab-timeline.js';
import type { RecordSource } from '../src/elements/base/store-types.js';
import { seedMedicationPatient, type MedicationSeedOptions } from '../test/support/seed-medication-list.js';

defineStoryElements();
defineElement('ehr-lab-timeline', EhrLabTimeline);

interface TimelineArgs {
  view: 'overview' | 'grid';
  density: 'comfortable' | 'compact';
  lang: string;
  abnormalOnly: boolean;
}
interface Loaded {
  store: RecordSource;
  patient: string;
}

const seeded = (options: Omit<MedicationSeedOptions, 'prefix'>) => [
  async (): Promise<Loaded> => {
    const record = await seedMedicationPatient({ ...options, prefix: 'story-labs', clinic: { syncedAgo: 60_000, status: 'ok' }, hospital: { syncedAgo: 60_000, status: 'ok' } });
    return { store: record.store, patient: record.patient.clinic };
  },
];

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
/** Synthetic results for what Synthea does not contain: a comparator, a critical value, a correction, a withheld value. */
const odd = (ref: string): Observation[] => [
  { resourceType: 'Observation', id: 'crp-1', status: 'final', code: { coding: [{ system: LOINC, code: '1988-5', display: 'C reactive protein [Mass/volume] in Serum or Plasma' }] }, subject: { reference: ref }, effectiveDateTime: '2026-10-01', valueQuantity: { value: 3, unit: 'mg/L', system: UCUM, code: 'mg/L' }, referenceRange: [{ high: { value: 5, unit: 'mg/L' } }] },
  { resourceType: 'Observation', id: 'crp-2', status: 'final', code: { coding: [{ system: LOINC, code: '1988-5', display: 'C reactive protein [Mass/volume] in Serum or Plasma' }] }, subject: { reference: ref }, effectiveDateTime: '2026-11-01', valueQuantity: { value: 5, comparator: '<', unit: 'mg/L', system: UCUM, code: 'mg/L' }, referenceRange: [{ high: { value: 5, unit: 'mg/L' } }] },
  { resourceType: 'Observation', id: 'crp-3', status: 'corrected', code: { coding: [{ system: LOINC, code: '1988-5', display: 'C reactive protein [Mass/volume] in Serum or Plasma' }] }, subject: { reference: ref }, effectiveDateTime: '2026-11-20', valueQuantity: { value: 48, unit: 'mg/L', system: UCUM, code: 'mg/L' }, referenceRange: [{ high: { value: 5, unit: 'mg/L' } }] },
  { resourceType: 'Observation', id: 'k-1', status: 'final', code: { coding: [{ system: LOINC, code: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma' }] }, subject: { reference: ref }, effectiveDateTime: '2026-11-28', valueQuantity: { value: 6.9, unit: 'mmol/L', system: UCUM, code: 'mmol/L' }, referenceRange: [{ low: { value: 3.5, unit: 'mmol/L' }, high: { value: 5.1, unit: 'mmol/L' } }], interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'HH' }] }] },
  { resourceType: 'Observation', id: 'hiv', status: 'final', code: { coding: [{ system: LOINC, code: '75622-1', display: 'HIV 1 and 2 tests - Meaningful Use set' }] }, subject: { reference: ref }, effectiveDateTime: '2026-11-28', dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'masked' }] } },
];

const meta: Meta<TimelineArgs> = {
  title: 'Elements/Lab timeline',
  component: 'ehr-lab-timeline',
  args: { view: 'overview', density: 'comfortable', lang: 'en', abnormalOnly: false },
  argTypes: {
    view: { control: 'inline-radio', options: ['overview', 'grid'] },
    density: { control: 'inline-radio', options: ['comfortable', 'compact'] },
    lang: { control: 'inline-radio', options: ['en', 'de'] },
  },
  render: (args, { loaded }) => html`<div lang=${args.lang}>
    <ehr-lab-timeline .store=${loaded.store} patient=${loaded.patient} view=${args.view} density=${args.density} ?abnormal-only=${args.abnormalOnly}></ehr-lab-timeline>
  </div>`,
};
export default meta;
type Story = StoryObj<TimelineArgs>;

const el = (canvas: HTMLElement) => canvas.querySelector('ehr-lab-timeline')!;
const rows = (canvas: HTMLElement) => [...el(canvas).shadowRoot!.querySelectorAll('[part~="row"]')];

/** Margery Gibson (Synthea): her labs from two providers under their reports. */
export const Overview: Story = {
  loaders: seeded({ name: 'overview', patient: 'margery' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(rows(canvasElement).length).toBeGreaterThan(20), { timeout: 10_000 });
  },
};

/** The same as a grid: tests × days, sticky header and first column, arrow keys move between cells. */
export const Grid: Story = {
  args: { view: 'grid' },
  loaders: seeded({ name: 'overview', patient: 'margery' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(el(canvasElement).shadowRoot!.querySelector('[role="grid"]')).not.toBeNull(), { timeout: 10_000 });
  },
};

/** Comparator, critical, corrected, withheld: the display rules at work. */
export const ClinicalRules: Story = {
  loaders: seeded({ name: 'rules', patient: 'usqc', extra: { clinic: odd } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(el(canvasElement).shadowRoot!.querySelector('[part~="critical"]')).not.toBeNull(), { timeout: 10_000 });
  },
};

/** One line per test; range and trend behind More details. */
export const Compact: Story = { args: { density: 'compact' }, loaders: seeded({ name: 'rules', patient: 'usqc', extra: { clinic: odd } }) };

/** German. */
export const German: Story = {
  args: { lang: 'de' },
  loaders: seeded({ name: 'rules', patient: 'usqc', extra: { clinic: odd } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(el(canvasElement).shadowRoot!.textContent).toContain('Laborbefunde'), { timeout: 10_000 });
  },
};
