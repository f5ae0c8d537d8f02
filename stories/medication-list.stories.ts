import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import { defineStoryElements } from './support/define-elements.js';
import { defineElement } from '../src/elements/base/define.js';
import { EhrMedicationList } from '../src/elements/medication-list/medication-list.js';
import type { RecordSource } from '../src/elements/base/store-types.js';
import { simulateOffline } from './support/offline.js';
import { DAY } from '../test/support/seed-store.js';
import { manyRequests, medicationRequest, seedMedicationPatient, type MedicationSeedOptions } from '../test/support/seed-medication-list.js';

defineStoryElements();
defineElement('ehr-medication-list', EhrMedicationList);

interface ListArgs {
  headingLevel: number;
  selectable: boolean;
  density: 'compact' | 'dense';
}

interface Loaded {
  store: RecordSource;
  patient: string;
}

const seeded = (options: MedicationSeedOptions) => [
  async (): Promise<Loaded> => {
    const record = await seedMedicationPatient(options);
    return { store: record.store, patient: record.patient.clinic };
  },
];

/** A store whose live query never answers (loading) or fails (error). */
function stubStore(mode: 'loading' | 'error' | 'empty' | 'empty-hospital-failed'): RecordSource {
  const hospitalFailed = mode === 'empty-hospital-failed';
  return {
    search: async () => [],
    getSources: async () => [
      { id: 'clinic', label: 'Riverside Clinic', lastSyncAt: Date.now() - 60_000, status: 'ok' },
      hospitalFailed
        ? { id: 'hospital', label: 'St Elsewhere Hospital', status: 'error', lastError: 'HTTP 503 Service Unavailable' }
        : { id: 'hospital', label: 'St Elsewhere Hospital', lastSyncAt: Date.now() - 120_000, status: 'ok' },
    ],
    // A completed download of this patient from each provider that synced (what the store reports after a sync).
    syncedSources: async () => (hospitalFailed ? ['clinic'] : ['clinic', 'hospital']),
    live: () => ({
      subscribe: (observer) => {
        if (mode === 'empty' || hospitalFailed) queueMicrotask(() => observer.next?.([]));
        if (mode === 'error') queueMicrotask(() => observer.error?.(new Error('IndexedDB is not available in this browser profile')));
        return { unsubscribe() {} };
      },
    }),
  };
}
const stub = (mode: 'loading' | 'error' | 'empty' | 'empty-hospital-failed') => [async (): Promise<Loaded> => ({ store: stubStore(mode), patient: 'clinic/Patient/1' })];

const list = (canvas: HTMLElement) => canvas.querySelector('ehr-medication-list')!;
const listText = (canvas: HTMLElement) => list(canvas).shadowRoot!.textContent!.replace(/\s+/g, ' ');

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const simvastatin = (patientRef: string, id: string, dose: string, status: 'active' | 'stopped' = 'active') =>
  medicationRequest(id, patientRef, {
    status,
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: '314231', display: 'Simvastatin 10 MG Oral Tablet' }] },
    authoredOn: '2024-01-10',
    dosageInstruction: [{ text: dose }],
  });

const meta: Meta<ListArgs> = {
  title: 'Elements/Medication list',
  component: 'ehr-medication-list',
  args: { headingLevel: 2, selectable: false, density: 'dense' },
  argTypes: {
    headingLevel: { control: { type: 'number', min: 1, max: 6 } },
    selectable: { control: 'boolean' },
    density: { control: 'inline-radio', options: ['compact', 'dense'] },
  },
  render: (args, { loaded }) => {
    const { store, patient } = loaded as Loaded;
    return html`<ehr-record-provider .store=${store} patient=${patient}>
      <ehr-medication-list heading-level=${args.headingLevel} ?selectable=${args.selectable} density=${args.density}></ehr-medication-list>
    </ehr-record-provider>`;
  },
};
export default meta;

type Story = StoryObj<ListArgs>;

/** Margery Gibson: seven active medicines (several with no dosage recorded), and years of stopped prescriptions. */
export const Default: Story = {
  loaders: seeded({ name: 'story-default', patient: 'margery' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Active (7 medications)'));
    await expect(listText(canvasElement)).toContain('Dose not recorded');
    await expect(listText(canvasElement)).toContain('Stopped / completed');
  },
};

/**
 * Parker Casper died on 21-Feb-2021; twelve prescriptions are still recorded as active. The group
 * heading and one warning note say they were not stopped at death; each row has a quiet ◆ (in
 * words for screen readers), no badge and no hatching. The Active and Stopped groups have no
 * Status column (their headings say it).
 */
export const DeceasedPatient: Story = {
  loaders: seeded({ name: 'story-deceased', patient: 'parker' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Recorded as active — not stopped at death on 21-Feb-2021'));
    await expect(list(canvasElement).shadowRoot!.querySelectorAll('[part~="warning"]')).toHaveLength(1);
    await expect(list(canvasElement).shadowRoot!.querySelectorAll('[part~="after-death-mark"]')).toHaveLength(12);
    await expect(listText(canvasElement)).not.toContain('Active after death');
  },
};

/** Parker Casper with `density="compact"`: name, dose and source per line; prescriber and date behind "More details". */
export const Compact: Story = {
  args: { density: 'compact' },
  loaders: seeded({ name: 'story-deceased', patient: 'parker' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(list(canvasElement).shadowRoot!.querySelectorAll('[part~="after-death-mark"]')).toHaveLength(12));
    await expect(list(canvasElement).shadowRoot!.querySelectorAll('[part~="deceased-note"]')).toHaveLength(1);
    await expect(list(canvasElement).shadowRoot!.querySelectorAll('tr[part~="row"] details[part~="more"]').length).toBeGreaterThan(0);
  },
};

/**
 * The columns: "Started / issued" for every kind of date; "Prescriber / recorded by" where
 * prescribers and recorders (an organization, the patient) mix, each recorder's cell saying
 * "Recorded by …"; "Dose not recorded · as needed"; no Status column under Active, one under
 * "Other or unknown status", which mixes statuses.
 */
export const Columns: Story = {
  loaders: seeded({
    name: 'story-columns',
    patient: 'margery',
    extra: {
      clinic: (p) => [
        medicationRequest('by-organization', p, {
          medicationCodeableConcept: { text: 'Clopidogrel 75 MG Oral Tablet' },
          requester: { reference: 'Organization/pharmacy', display: 'Riverside Pharmacy' },
        }),
        {
          resourceType: 'MedicationStatement',
          id: 'reported-as-needed',
          status: 'active',
          subject: { reference: p },
          medicationCodeableConcept: { text: 'Ibuprofen 200 MG Oral Tablet' },
          informationSource: { reference: p, display: 'The patient' },
          effectivePeriod: { start: '2021-01-10' },
          dosage: [{ asNeededBoolean: true }],
        },
        medicationRequest('draft', p, { status: 'draft', medicationCodeableConcept: { text: 'Digoxin 0.125 MG Oral Tablet' } }),
        medicationRequest('unknown', p, { status: 'unknown', medicationCodeableConcept: { text: 'Warfarin Sodium 5 MG Oral Tablet' } }),
      ],
    },
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Prescriber / recorded by'));
    await expect(listText(canvasElement)).toContain('Recorded by Riverside Pharmacy');
    await expect(listText(canvasElement)).toContain('Dose not recorded · as needed');
    await expect(listText(canvasElement)).toContain('Started / issued');
  },
};

/**
 * RxNorm names that start with a pack size, a release period or an application code are shown
 * with the ingredient first (the qualifier follows, muted) and sorted by ingredient; units read
 * "mg", "mL". The recorded name is the tooltip and is read by screen readers.
 */
export const IngredientFirstNames: Story = {
  loaders: seeded({
    name: 'story-ingredient-first',
    patient: 'margery',
    extra: {
      clinic: (p) =>
        [
          '10 ML Furosemide 10 MG/ML Injection',
          '24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet',
          'NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector',
          '24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]',
        ].map((text, i) => medicationRequest(`ingredient-first-${i}`, p, { medicationCodeableConcept: { text } })),
    },
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Furosemide 10 mg/mL Injection · 10 mL'));
    await expect(listText(canvasElement)).toContain('Epinephrine 1 mg/mL Auto-Injector · 0.3 mL · NDA020800');
    await expect(listText(canvasElement)).toContain('Recorded as: 24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet');
  },
};

/** A structured dose the list cannot fully read (a unit without a value): its own marker, in words. */
export const DoseIncomplete: Story = {
  loaders: seeded({
    name: 'story-dose-incomplete',
    patient: 'margery',
    extra: {
      clinic: (p) => [
        medicationRequest('insulin-u', p, {
          medicationCodeableConcept: { text: 'Insulin glargine 100 UNT/ML' },
          dosageInstruction: [{ doseAndRate: [{ doseQuantity: { unit: 'units' } }], route: { text: 'subcutaneous' } }],
        }),
      ],
    },
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Dose incomplete – check source record subcutaneous'));
  },
};

/**
 * Reconciliation: the clinic and the hospital both prescribe simvastatin, at different doses, and
 * disagree whether lisinopril is still active. Each drug is shown once, with both sources and the
 * difference in words, as the shared info callout (a reworded dose or another source's status is
 * worth knowing, not an alarm). A "do not give" record against a prescription is a warning callout
 * (see DoNotTakeAndMedicationReferences).
 */
export const Reconciliation: Story = {
  loaders: seeded({
    name: 'story-reconcile',
    patient: 'margery',
    extra: {
      clinic: (p) => [simvastatin(p, 'rec-c', '1 tablet daily'), medicationRequest('lis-c', p)],
      hospital: (p) => [simvastatin(p, 'rec-h', '2 tablets daily'), medicationRequest('lis-h', p, { status: 'stopped', authoredOn: '2024-04-02' })],
    },
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Differs between sources: dose 1 tablet daily at Riverside Clinic'));
    await expect(listText(canvasElement)).toContain('status active at Riverside Clinic and stopped at St Elsewhere Hospital');
    await expect(list(canvasElement).shadowRoot!.querySelectorAll('[part~="difference"].callout-info').length).toBeGreaterThan(0);
  },
};

/** Peter James Chalmers: a "do not give" order (own group), and a prescription that refers to a Medication resource. */
export const DoNotTakeAndMedicationReferences: Story = {
  loaders: seeded({
    name: 'story-usqc',
    patient: 'usqc',
    extra: {
      clinic: (p) => [
        medicationRequest('by-ref', p, {
          medicationCodeableConcept: undefined,
          medicationReference: { reference: 'Medication/usqualitycore-medication' },
          authoredOn: '2024-06-01',
        }),
        medicationRequest('missing', p, { medicationCodeableConcept: undefined, medicationReference: { reference: 'Medication/not-stored' } }),
      ],
    },
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Do not take / not to be given (1 medication)'));
    await expect(listText(canvasElement)).toContain('alemtuzumab 10 MG/ML [Lemtrada]');
    await expect(listText(canvasElement)).toContain('Medication details not available');
  },
};

/** Loading: the skeleton, announced as "Loading Medications". */
export const Loading: Story = { loaders: stub('loading') };

/** The store failed: an alert saying what failed, with Retry. */
export const LoadFailed: Story = {
  loaders: stub('error'),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Medications could not be loaded'));
  },
};

/** Both providers synced, neither holds a medication: "No medications recorded". */
export const Empty: Story = {
  loaders: stub('empty'),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('No medications recorded'));
  },
};

/**
 * Nothing listed, but the hospital could not be synced: "Medication information unavailable"
 * naming it — never "No medications recorded".
 */
export const EmptyWhileProviderFailed: Story = {
  loaders: stub('empty-hospital-failed'),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Medication information unavailable'));
    await expect(listText(canvasElement)).toContain('(St Elsewhere Hospital)');
    await expect(listText(canvasElement)).not.toContain('No medications recorded');
  },
};

/**
 * The hospital could not be synced: the clinic's medicines carry "May be incomplete" naming the
 * hospital, and the notice says which provider failed.
 */
export const Partial: Story = {
  loaders: seeded({ name: 'story-partial', patient: 'parker', hospital: { empty: true, status: 'error', lastError: 'HTTP 503 Service Unavailable' } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('St Elsewhere Hospital could not be synced'));
    // The sync notice can come before the rows: wait for the caveat that qualifies them too.
    await waitFor(() => expect(listText(canvasElement)).toContain('May be incomplete: St Elsewhere Hospital could not be checked.'));
  },
};

/** The hospital was last synced three days ago. */
export const Stale: Story = {
  loaders: seeded({ name: 'story-stale', patient: 'parker', hospital: { syncedAgo: 3 * DAY, status: 'ok' } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('may be out of date'));
  },
};

/** Offline (the browser says so): the cached list with an offline notice. */
export const Offline: Story = {
  loaders: seeded({ name: 'story-offline', patient: 'margery' }),
  beforeEach: simulateOffline,
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('You are offline'));
  },
};

/** Only stopped / completed prescriptions: "No active medications recorded" comes first. */
export const NoActiveMedications: Story = {
  loaders: [
    async (): Promise<Loaded> => {
      const patient = { resourceType: 'Patient', id: '1', name: [{ family: 'Tester', given: ['Alex'] }] };
      const resources = [
        patient,
        medicationRequest('old-1', 'Patient/1', { status: 'stopped', medicationCodeableConcept: { text: 'Amoxicillin 500 MG Oral Capsule' } }),
        medicationRequest('old-2', 'Patient/1', { status: 'completed', medicationCodeableConcept: { text: 'Ibuprofen 400 MG Oral Tablet' } }),
      ];
      const rows = resources.map((resource) => ({ source: 'clinic', patient: 'clinic/Patient/1', fetchedAt: Date.now(), resource }));
      const store: RecordSource = {
        search: async () => rows as never,
        getSources: async () => [{ id: 'clinic', label: 'Riverside Clinic', lastSyncAt: Date.now() - 60_000, status: 'ok' }],
        syncedSources: async () => ['clinic'],
        live: (query) => ({
          subscribe: (observer) => {
            const types = [query.type ?? []].flat();
            queueMicrotask(() => observer.next?.(rows.filter((r) => types.includes(r.resource.resourceType)) as never));
            return { unsubscribe() {} };
          },
        }),
      };
      return { store, patient: 'clinic/Patient/1' };
    },
  ],
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('No active medications recorded'));
    await expect(listText(canvasElement)).toContain('Stopped / completed (2 medications)');
  },
};

/** Parker Casper in a 700px column: rows stack, nothing runs past the element's edge. */
export const Narrow: Story = {
  loaders: seeded({ name: 'story-narrow', patient: 'parker' }),
  render: (args, { loaded }) => {
    const { store, patient } = loaded as Loaded;
    return html`<div style="inline-size: 700px; outline: 1px dashed #8c959f">
      <ehr-record-provider .store=${store} patient=${patient}>
        <ehr-medication-list heading-level=${args.headingLevel} ?selectable=${args.selectable} density=${args.density}></ehr-medication-list>
      </ehr-record-provider>
    </div>`;
  },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Not stopped at death'));
    const base = list(canvasElement).shadowRoot!.querySelector<HTMLElement>('[part~="base"]')!;
    await expect(base.scrollWidth).toBeLessThanOrEqual(base.clientWidth);
  },
};

/**
 * `hide-source-notices`: the page shows sync status itself, so the "may be incomplete" notice is
 * left out here; the rows' source badges still say which provider is out of date.
 */
export const HideSourceNotices: Story = {
  loaders: seeded({ name: 'story-hide-notices', patient: 'parker', hospital: { syncedAgo: 3 * DAY, status: 'ok' } }),
  render: (args, { loaded }) => {
    const { store, patient } = loaded as Loaded;
    return html`<ehr-record-provider .store=${store} patient=${patient}>
      <ehr-medication-list hide-source-notices heading-level=${args.headingLevel}></ehr-medication-list>
    </ehr-record-provider>`;
  },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Not stopped at death'));
    await expect(list(canvasElement).shadowRoot!.querySelector('[part~="notice"]')).toBeNull();
  },
};

/** 200 synthetic prescriptions on top of Margery's record. */
export const ManyRows: Story = {
  loaders: seeded({ name: 'story-many', patient: 'margery', extra: { clinic: (p) => manyRequests(p, 200) } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Synthetic medicine 200'), { timeout: 10_000 });
    // The long "Stopped / completed" group shows its first 50 rows and says so.
    await expect(listText(canvasElement)).toMatch(/Showing the first 50 of \d+\. Show all \d+/);
  },
};

/** Very long names and instructions wrap instead of overflowing. */
export const LongNames: Story = {
  loaders: seeded({
    name: 'story-long',
    patient: 'usqc',
    extra: {
      clinic: (p) => [
        medicationRequest('long', p, {
          medicationCodeableConcept: {
            text: 'Sodium chloride 0.9% w/v with potassium chloride 0.15% w/v and glucose 5% w/v solution for infusion in 1000 mL polyolefin/polyamide bags (Baxter Healthcare Ltd) — hospital supply only',
          },
          dosageInstruction: [{ text: 'Infuse 1000 mL intravenously over 8 hours, then review fluid balance, serum sodium and potassium before each further bag; stop if signs of fluid overload'.repeat(2) }],
          requester: { display: 'Dr Maximiliana Alexandrovna Featherstonehaugh-Montmorency-Wolfeschlegelsteinhausenbergerdorff' },
        }),
      ],
    },
  }),
};

/** Text a broken server made enormous (99,999 characters of instructions): the first 1,000 shown, and the cut said. */
export const TextCut: Story = {
  loaders: seeded({
    name: 'story-text-cut',
    patient: 'usqc',
    extra: {
      clinic: (p) => [
        medicationRequest('huge', p, {
          medicationCodeableConcept: { text: 'Metformin 500 MG Oral Tablet' },
          dosageInstruction: [{ text: 'Take one tablet twice daily with meals. '.repeat(2500).trim() }],
        }),
      ],
    },
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Metformin 500 MG Oral Tablet'), { timeout: 10_000 });
    await expect(listText(canvasElement)).toContain('… (98,999 more characters not shown)');
  },
};

/** Right-to-left page: columns and marks mirror (logical properties); record text keeps its own direction. */
export const RightToLeft: Story = {
  parameters: { dir: 'rtl' },
  loaders: seeded({ name: 'story-rtl', patient: 'parker' }),
};

/** Dark theme. */
export const DarkTheme: Story = {
  parameters: { theme: 'dark' },
  loaders: seeded({ name: 'story-dark', patient: 'parker' }),
};

/** German: headings, groups, "Dosis nicht dokumentiert", dates through Intl. */
export const German: Story = {
  parameters: { lang: 'de' },
  loaders: seeded({ name: 'story-de', patient: 'parker' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(listText(canvasElement)).toContain('Als aktiv dokumentiert – beim Tod am'));
  },
};
