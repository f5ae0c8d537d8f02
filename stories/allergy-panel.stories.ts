import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import type { AllergyIntolerance } from 'fhir/r4';
import { defineStoryElements } from './support/define-elements.js';
import { defineElement } from '../src/elements/base/define.js';
import { EhrAllergyPanel } from '../src/elements/allergy-panel/allergy-panel.js';
import type { RecordSource } from '../src/elements/base/store-types.js';
import { simulateOffline } from './support/offline.js';
import { DAY, MINUTE } from '../test/support/seed-store.js';
import { SPEC_ALLERGIES, makeAllergy, seedAllergyStore, type AllergySeedOptions } from '../test/support/seed-allergy-panel.js';

defineStoryElements();
defineElement('ehr-allergy-panel', EhrAllergyPanel);

interface PanelArgs {
  headingLevel: number;
  showInactive: boolean;
  density: 'compact' | 'dense' | 'comfortable';
}

interface Loaded {
  store: RecordSource;
  patient: string;
}

const seeded = (options: AllergySeedOptions) => [
  async (): Promise<Loaded> => {
    const record = await seedAllergyStore(options);
    return { store: record.store, patient: record.patient.clinic };
  },
];

/** A store whose live query never answers (loading) or fails (error). */
function stubStore(mode: 'loading' | 'error'): RecordSource {
  return {
    search: async () => [],
    live: () => ({
      subscribe: (observer) => {
        if (mode === 'error') queueMicrotask(() => observer.error?.(new Error('IndexedDB is not available in this browser profile')));
        return { unsubscribe() {} };
      },
    }),
  };
}
const stub = (mode: 'loading' | 'error') => [async (): Promise<Loaded> => ({ store: stubStore(mode), patient: 'clinic/Patient/1' })];

const panel = (canvas: HTMLElement) => canvas.querySelector('ehr-allergy-panel')!;
const panelText = (canvas: HTMLElement) => panel(canvas).shadowRoot!.textContent!.replace(/\s+/g, ' ');

const meta: Meta<PanelArgs> = {
  title: 'Elements/Allergy panel',
  component: 'ehr-allergy-panel',
  args: { headingLevel: 2, showInactive: false, density: 'dense' },
  argTypes: {
    headingLevel: { control: { type: 'number', min: 1, max: 6 } },
    density: { control: 'inline-radio', options: ['compact', 'dense', 'comfortable'] },
    showInactive: { control: 'boolean' },
  },
  render: (args, { loaded }) => {
    const { store, patient } = loaded as Loaded;
    return html`<ehr-record-provider .store=${store} patient=${patient}>
      <ehr-allergy-panel heading-level=${args.headingLevel} density=${args.density} ?show-inactive=${args.showInactive}></ehr-allergy-panel>
    </ehr-record-provider>`;
  },
};
export default meta;

type Story = StoryObj<PanelArgs>;

const rowNames = (canvas: HTMLElement) =>
  [...panel(canvas).shadowRoot!.querySelectorAll('ul.rows.current [part~="substance"]')].map((n) => n.textContent!.replace(/\s+/g, ' ').trim());

/**
 * Versie Botsford, dense rows (the default): ten allergies on ten lines, sorted by substance
 * without "Allergy to"; what all ten share (active, no reactions, food · allergy) is said once in
 * the summary; low criticality in quiet words; latex and bee venom, recorded by both providers,
 * show once with both sources.
 */
export const Default: Story = {
  loaders: seeded({ name: 'story-default', patient: 'versie' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('Known allergies (10) · All 10: Active · No reactions recorded · Food · Allergy'));
    await expect(rowNames(canvasElement).slice(0, 3)).toEqual(['Allergy to bee venom', 'Dander (animal) allergy', 'Allergy to grass pollen']);
    const latex = [...panel(canvasElement).shadowRoot!.querySelectorAll('li[part~="row"]')].filter((r) => r.textContent!.includes('Latex allergy'));
    await expect(latex).toHaveLength(1);
    await expect(latex[0]!.querySelectorAll('ehr-source-badge')).toHaveLength(2);
  },
};

/** Versie Botsford with `density="comfortable"`: a card per allergy, every fact in its card. */
export const Comfortable: Story = {
  args: { density: 'comfortable' },
  loaders: seeded({ name: 'story-comfortable', patient: 'versie' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('Clinical status'));
    await expect(panel(canvasElement).shadowRoot!.querySelector('.columns')).toBeNull();
  },
};

/** Versie Botsford with `density="compact"`: substance, criticality and sources per line; the rest behind "More details". */
export const Compact: Story = {
  args: { density: 'compact' },
  loaders: seeded({ name: 'story-compact', patient: 'versie' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panel(canvasElement).shadowRoot!.querySelectorAll('[part~="row"]').length).toBe(10));
    await expect(panel(canvasElement).shadowRoot!.querySelector('[part~="row"] > .c-dates')).toBeNull();
  },
};

/** A host filter (`filter`, FHIRPath, loaded only when set): only the pollen allergies, and the panel says how many of how many. */
export const HostFilter: Story = {
  loaders: seeded({ name: 'story-filter', patient: 'versie' }),
  render: (_args, { loaded }) => html`<ehr-record-provider .store=${(loaded as Loaded).store} patient=${(loaded as Loaded).patient}>
    <ehr-allergy-panel filter="code.text.contains('pollen')"></ehr-allergy-panel>
  </ehr-record-provider>`,
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toMatch(/Filtered by the host: 2 of \d+ shown/));
  },
};

/** The spec example: cashew nuts, high criticality (triangle and words), two reactions. */
export const HighCriticality: Story = {
  loaders: seeded({
    name: 'story-cashew',
    clinicAllergies: [SPEC_ALLERGIES.cashew, makeAllergy('egg', 'Allergy to egg', { criticality: 'low', category: ['food'] })],
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('High criticality'));
    await expect(panelText(canvasElement)).toContain('Anaphylactic reaction');
  },
};

/** US quality core: 21 identical cashew records at the clinic and one at the hospital, as one row. */
export const RepeatedRecords: Story = {
  loaders: seeded({ name: 'story-dups', patient: 'qualityCore' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('22 records of this entry'));
  },
};

/** Two providers disagree (criticality, verification); one marked an allergy refuted; one entry in error. */
export const SourcesDiffer: Story = {
  loaders: seeded({
    name: 'story-differ',
    clinicAllergies: [
      makeAllergy('latex', 'Latex allergy', { code: '300916003', criticality: 'low', category: ['environment'] }),
      makeAllergy('sesame', 'Allergy to sesame', { code: '418920003', verification: 'unconfirmed', category: ['food'] }),
      makeAllergy('wasp', 'Wasp venom allergy', { code: '241929008', criticality: 'high', category: ['environment'] }),
      makeAllergy('aspirin', 'Aspirin', { verification: 'entered-in-error', category: ['medication'] }),
    ],
    hospitalAllergies: [
      makeAllergy('h-latex', 'Latex allergy', { code: '300916003', criticality: 'high', category: ['environment'] }),
      makeAllergy('h-sesame', 'Allergy to sesame', { code: '418920003', verification: 'confirmed', category: ['food'] }),
      makeAllergy('h-wasp', 'Wasp venom allergy', { code: '241929008', verification: 'refuted', category: ['environment'] }),
    ],
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('Sources differ'));
    await expect(panelText(canvasElement)).toContain('High (St Elsewhere Hospital) · Low (Riverside Clinic)');
    await expect(panelText(canvasElement)).toContain('1 entry marked refuted or entered in error is not listed as an allergy');
    // Entered in error: never a row; named only inside the "not listed" disclosure.
    const rows = [...panel(canvasElement).shadowRoot!.querySelectorAll('[part~="row"]')].map((r) => r.textContent ?? '');
    await expect(rows.some((r) => r.includes('Aspirin'))).toBe(false);
  },
};

/** A disputed criticality, said at the badge: "High (St Elsewhere Hospital) · Low (Riverside Clinic)" with a warning mark. */
export const DisputedCriticality: Story = {
  loaders: seeded({
    name: 'story-disputed',
    clinicAllergies: [
      makeAllergy('latex', 'Latex allergy', { code: '300916003', criticality: 'low', category: ['environment'], recordedDate: '2019-10-25' }),
      makeAllergy('egg', 'Allergy to egg', { criticality: 'low', category: ['food'], recordedDate: '2020-01-12' }),
    ],
    hospitalAllergies: [makeAllergy('h-latex', 'Latex allergy', { code: '300916003', criticality: 'high', category: ['environment'], recordedDate: '2021-03-02' })],
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('High (St Elsewhere Hospital) · Low (Riverside Clinic)'));
    const mark = panel(canvasElement).shadowRoot!.querySelector('[part~="criticality-dispute"]')!;
    await expect(mark.previousElementSibling!.getAttribute('part')).toBe('criticality');
  },
};

/**
 * Entries marked refuted or entered in error: never listed as allergies; the warning below the
 * list is opened here to name each with its source and mark.
 */
export const RefutedListExpanded: Story = {
  loaders: seeded({
    name: 'story-refuted',
    clinicAllergies: [
      makeAllergy('fish', 'Allergy to fish', { code: '417532002', category: ['food'] }),
      makeAllergy('straw', 'Allergy to strawberries', { verification: 'refuted', category: ['food'], recordedDate: '2021-05-06' }),
    ],
    hospitalAllergies: [
      makeAllergy('pen', 'Penicillin allergy', { code: '91936005', verification: 'refuted', category: ['medication'], criticality: 'high' }),
      makeAllergy('asp', 'Aspirin', { verification: 'entered-in-error', category: ['medication'] }),
    ],
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panel(canvasElement).shadowRoot!.querySelector('[part~="hidden-list"] summary')).not.toBeNull());
    const summary = panel(canvasElement).shadowRoot!.querySelector<HTMLElement>('[part~="hidden-list"] summary')!;
    summary.click();
    await waitFor(() => expect((summary.parentElement as HTMLDetailsElement).open).toBe(true));
    await expect(panelText(canvasElement)).toContain('Penicillin allergy — marked refuted at St Elsewhere Hospital');
  },
};

/**
 * Severity follows meaning: unconfirmed at one provider and confirmed at another is an info note
 * (the row already counts it as confirmed); a copy refuted at one provider while another still
 * records it is a warning.
 */
export const UnconfirmedDifferenceInfo: Story = {
  loaders: seeded({
    name: 'story-unconfirmed-info',
    clinicAllergies: [
      makeAllergy('ses', 'Allergy to sesame', { code: '418920003', verification: 'unconfirmed', category: ['food'], recordedDate: '2022-04-01' }),
      makeAllergy('pea', 'Allergy to peanuts', { code: '91935009', category: ['food'], criticality: 'high', recordedDate: '2018-07-09' }),
    ],
    hospitalAllergies: [
      makeAllergy('h-ses', 'Allergy to sesame', { code: '418920003', verification: 'confirmed', category: ['food'], recordedDate: '2022-05-12' }),
      makeAllergy('h-pea', 'Allergy to peanuts', { code: '91935009', verification: 'refuted', category: ['food'] }),
    ],
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panel(canvasElement).shadowRoot!.querySelector('[part~="info"][part~="sources-differ"]')).not.toBeNull());
    await expect(panel(canvasElement).shadowRoot!.querySelector('[part~="warning"][part~="refuted-at"]')).not.toBeNull();
  },
};

/** Unconfirmed allergies stay in the current list, marked "Unconfirmed" with a dashed border. */
export const Unconfirmed: Story = {
  loaders: seeded({
    name: 'story-unconfirmed',
    clinicAllergies: [
      makeAllergy('pen', 'Penicillin allergy', { code: '91936005', verification: 'unconfirmed', criticality: 'high', category: ['medication'] }),
      makeAllergy('egg', 'Allergy to egg', { criticality: 'low', category: ['food'] }),
    ],
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('Unconfirmed'));
  },
};

/** inferno 355: inactive allergies in a separate group (opened here with `show-inactive`). */
export const InactiveGroup: Story = {
  args: { showInactive: true },
  loaders: seeded({ name: 'story-inactive', patient: 'inferno355' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('Inactive or resolved (2)'));
  },
};

/** A coded "No known drug allergies" (SNOMED CT 409137002): a statement, not "none recorded". */
export const NoKnownDrugAllergies: Story = {
  loaders: seeded({ name: 'story-nkda', clinicAllergies: [SPEC_ALLERGIES.nkda] }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('No known drug allergies'));
    await expect(panelText(canvasElement)).not.toContain('Allergies not recorded');
  },
};

/** A coded "No known allergies" that no source confirmed (verification unconfirmed): labelled so. */
export const UnconfirmedNoKnownAllergies: Story = {
  loaders: seeded({ name: 'story-nka-unconfirmed', clinicAllergies: [makeAllergy('nka-u', 'No known allergy', { code: '716186003', verification: 'unconfirmed' })] }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toMatch(/No known allergies\s*ℹ\s*Unconfirmed/));
  },
};

/** NKDA at the clinic, a penicillin allergy at the hospital: both shown, contradiction flagged. */
/**
 * A coded NKDA at the clinic while the hospital's sync of THIS patient is still running (the
 * hospital last synced another patient a minute ago): the statement is shown with "May be
 * incomplete", never as a bare negative.
 */
export const NoKnownWhileProviderSyncing: Story = {
  loaders: seeded({
    name: 'story-nkda-syncing',
    clinicAllergies: [SPEC_ALLERGIES.nkda],
    hospital: { syncedAgo: MINUTE, status: 'syncing', syncedPatient: 'hospital/Patient/someone-else' },
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('No known drug allergies'));
    await expect(panelText(canvasElement)).toContain('May be incomplete: St Elsewhere Hospital could not be checked.');
  },
};

export const Contradiction: Story = {
  loaders: seeded({
    name: 'story-contradiction',
    clinicAllergies: [SPEC_ALLERGIES.nkda],
    hospitalAllergies: [makeAllergy('pen', 'Penicillin allergy', { code: '91936005', criticality: 'high', category: ['medication'] })],
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('Contradiction'));
  },
};

/** Loading: the skeleton, announced as "Loading Allergies". */
export const Loading: Story = {
  loaders: stub('loading'),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panel(canvasElement).shadowRoot!.querySelector('[part~="skeleton"]')).not.toBeNull());
  },
};

/** Every provider synced, nothing recorded: "Allergies not recorded". */
export const Empty: Story = {
  loaders: seeded({ name: 'story-empty' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('Allergies not recorded'));
  },
};

/** No provider has ever synced (one failed): "Allergies unavailable". */
export const Unavailable: Story = {
  loaders: seeded({ name: 'story-unavailable', clinic: { status: 'error', lastError: 'HTTP 503 Service Unavailable' }, hospital: {} }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('Allergies unavailable'));
  },
};

/** The query itself failed: role="alert" with what failed and a Retry button. */
export const ErrorState: Story = {
  name: 'Error',
  loaders: stub('error'),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panel(canvasElement).shadowRoot!.querySelector('[role="alert"]')).not.toBeNull());
    await expect(panel(canvasElement).shadowRoot!.querySelector('[part~="retry-button"]')).not.toBeNull();
  },
};

/** The hospital's last sync failed: what the clinic has is shown, with a notice naming the hospital. */
export const Partial: Story = {
  loaders: seeded({ name: 'story-partial', patient: 'versie', hospital: { empty: true, status: 'error', lastError: 'HTTP 503 Service Unavailable' } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('St Elsewhere Hospital could not be synced'));
  },
};

/** The hospital was last synced three days ago: "may be out of date", and its badges say so. */
export const Stale: Story = {
  loaders: seeded({ name: 'story-stale', patient: 'versie', hospital: { syncedAgo: 3 * DAY, status: 'ok' } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('may be out of date'));
  },
};

/**
 * `hide-source-notices`: the page shows sync status itself, so the "may be incomplete" notice is
 * left out; the allergies and their source badges are still shown.
 */
export const HideSourceNotices: Story = {
  loaders: seeded({ name: 'story-hide-notices', patient: 'versie', hospital: { empty: true, status: 'error', lastError: 'HTTP 503 Service Unavailable' } }),
  render: (args, { loaded }) => {
    const { store, patient } = loaded as Loaded;
    return html`<ehr-record-provider .store=${store} patient=${patient}>
      <ehr-allergy-panel hide-source-notices heading-level=${args.headingLevel}></ehr-allergy-panel>
    </ehr-record-provider>`;
  },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('Known allergies'));
    await expect(panel(canvasElement).shadowRoot!.querySelector('[part~="notice"]')).toBeNull();
  },
};

/** Offline (the browser says so): the cached allergies with an offline notice. */
export const Offline: Story = {
  loaders: seeded({ name: 'story-offline', patient: 'versie' }),
  beforeEach: simulateOffline,
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('You are offline'));
  },
};

const SUBSTANCES = ['Peanut', 'Penicillin', 'Latex', 'Shellfish', 'Egg', 'Milk', 'Soya', 'Wheat', 'Sesame', 'Kiwi', 'Bee venom', 'Ibuprofen'];
function manyAllergies(count: number): AllergyIntolerance[] {
  return Array.from({ length: count }, (_, i) =>
    makeAllergy(`many-${i}`, `${SUBSTANCES[i % SUBSTANCES.length]} allergy ${i + 1}`, {
      criticality: (['high', 'low', 'unable-to-assess', undefined] as const)[i % 4],
      verification: i % 7 === 0 ? 'unconfirmed' : 'confirmed',
      clinical: i % 9 === 0 ? 'resolved' : 'active',
      category: [(['food', 'medication', 'environment', 'biologic'] as const)[i % 4]],
      reaction: i % 3 === 0 ? [{ manifestation: [{ text: 'Hives' }], severity: 'mild' }] : undefined,
    }),
  );
}

/** Sixty allergies, mixed criticality and status: the first 50 current ones, then "Show all 53". */
export const ManyRows: Story = {
  loaders: seeded({ name: 'story-many', clinicAllergies: manyAllergies(60) }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('Known allergies (53)'));
    await expect(panelText(canvasElement)).toContain('Showing the first 50 of 53. Show all 53');
  },
};

const LONG = 'Allergy to hydroxypropyl methylcellulose-containing ophthalmic lubricant preparations (excipient), ' + 'very long record text '.repeat(20);

/** Long substance and manifestation names wrap inside the panel. */
export const LongNames: Story = {
  loaders: seeded({
    name: 'story-long',
    clinicAllergies: [
      makeAllergy('long', LONG, {
        criticality: 'high',
        reaction: [{ manifestation: [{ text: 'Generalised urticaria with angio-oedema of lips, tongue and periorbital tissue '.repeat(3) }], severity: 'severe' }],
      }),
      makeAllergy('word', 'Pneumonoultramicroscopicsilicovolcanoconiosisallergenextract'.repeat(4)),
    ],
  }),
};

/** Right-to-left page: the layout mirrors; record text stays isolated in <bdi>. */
export const RightToLeft: Story = {
  parameters: { dir: 'rtl' },
  loaders: seeded({
    name: 'story-rtl',
    clinicAllergies: [SPEC_ALLERGIES.cashew, makeAllergy('ar', 'حساسية من البنسلين', { criticality: 'low', verification: 'unconfirmed' })],
  }),
};

/** Dark theme. */
export const DarkTheme: Story = {
  parameters: { theme: 'dark' },
  loaders: seeded({ name: 'story-dark', patient: 'inferno355', clinicAllergies: [SPEC_ALLERGIES.cashew] }),
};

/** German terms and dates. */
export const German: Story = {
  parameters: { lang: 'de' },
  loaders: seeded({ name: 'story-de', clinicAllergies: [SPEC_ALLERGIES.cashew, SPEC_ALLERGIES.nkda] }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(panelText(canvasElement)).toContain('Hohe Kritikalität'));
  },
};
