import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import type { Consent } from 'fhir/r4';
import { defineStoryElements } from './support/define-elements.js';
import { defineElement } from '../src/elements/base/define.js';
import { EhrConsentDialog } from '../src/elements/consent-dialog/consent-dialog.js';
import type { RecordSource } from '../src/elements/base/store-types.js';
import { seedMedicationPatient } from '../test/support/seed-medication-list.js';
import out from '../demo/data/patients/spec-examples/Consent-consent-example-Out.json';
import basic from '../demo/data/patients/spec-examples/Consent-consent-example-basic.json';
import notOrg from '../demo/data/patients/spec-examples/Consent-consent-example-notOrg.json';
import notThis from '../demo/data/patients/spec-examples/Consent-consent-example-notThis.json';
import pkb from '../demo/data/patients/spec-examples/Consent-consent-example-pkb.json';
import smart from '../demo/data/patients/spec-examples/Consent-consent-example-smartonfhir.json';

defineStoryElements();
defineElement('ehr-consent-dialog', EhrConsentDialog);

interface DialogArgs {
  readonly: boolean;
  lang: string;
}
interface Loaded {
  store: RecordSource;
  patient: string;
}

/** The six R4 example consents, their `patient` pointed at the seeded patient. */
const EXAMPLES = [out, basic, notOrg, notThis, pkb, smart] as unknown as Consent[];
const loaders = [
  async (): Promise<Loaded> => {
    const record = await seedMedicationPatient({
      name: 'consents',
      prefix: 'story',
      patient: 'usqc',
      clinic: { syncedAgo: 60_000, status: 'ok' },
      hospital: { syncedAgo: 60_000, status: 'ok' },
      extra: { clinic: (ref) => EXAMPLES.map((c) => ({ ...structuredClone(c), patient: { reference: ref } })) },
    });
    return { store: record.store, patient: record.patient.clinic };
  },
];

const meta: Meta<DialogArgs> = {
  title: 'Elements/Consent dialog',
  component: 'ehr-consent-dialog',
  args: { readonly: false, lang: 'en' },
  argTypes: { lang: { control: 'inline-radio', options: ['en', 'de'] } },
  loaders,
  render: (args, { loaded }) => html`<div lang=${args.lang}>
    <ehr-consent-dialog .store=${loaded.store} patient=${loaded.patient} ?readonly=${args.readonly}
      .user=${{ reference: 'Practitioner/story', display: 'Dr Story (fictional)' }}
      .organizations=${[{ reference: 'Organization/f001', display: 'Burgers University Medical Center' }]}></ehr-consent-dialog>
  </div>`,
};
export default meta;
type Story = StoryObj<DialogArgs>;

const el = (canvas: HTMLElement) => canvas.querySelector('ehr-consent-dialog') as EhrConsentDialog;

/** Closed: the summary line and "Manage consents". */
export const Summary: Story = {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(el(canvasElement).shadowRoot!.querySelector('[part~="summary"]')?.textContent).toMatch(/of 6/), { timeout: 10_000 });
  },
};

/** Open: the six examples in plain words, who can see what, and the form. */
export const Open: Story = {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(el(canvasElement).shadowRoot!.querySelector('[part~="summary"]')?.textContent).toMatch(/of 6/), { timeout: 10_000 });
    await el(canvasElement).show();
    await waitFor(() => expect(el(canvasElement).shadowRoot!.querySelectorAll('[part~="consent"]').length).toBe(6));
  },
};

/** Read only (e.g. without write scope). */
export const ReadOnly: Story = {
  args: { readonly: true },
  play: async ({ canvasElement }) => {
    await el(canvasElement).show();
    await waitFor(() => expect(el(canvasElement).shadowRoot!.querySelector('[part~="form"]')).toBeNull());
  },
};

/** German. */
export const German: Story = {
  args: { lang: 'de' },
  play: async ({ canvasElement }) => {
    await el(canvasElement).show();
    await waitFor(() => expect(el(canvasElement).shadowRoot!.textContent).toContain('Einwilligung zur Weitergabe der Akte'));
  },
};
