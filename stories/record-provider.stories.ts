import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import { defineStoryElements } from './support/define-elements.js';
import type { EhrRecordProvider } from '../src/elements/record-provider/record-provider.js';
import type { RecordSource } from '../src/elements/base/store-types.js';
import { DAY, HOUR, seedStore, type SeedOptions } from '../test/support/seed-store.js';
import { withFakeSync } from './support/fake-sync.js';

defineStoryElements();

interface ProviderArgs {
  theme?: 'light' | 'dark' | 'auto';
  sync: boolean;
}

/** What the stories show inside the provider: one badge per source, as rows would. */
const sampleContent = (patient: string) => html`
  <section aria-label="Record sources" style="display: grid; gap: 0.5rem; justify-items: start;">
    <p style="margin: 0;">Patient <code>${patient}</code></p>
    <ehr-source-badge source="clinic"></ehr-source-badge>
    <ehr-source-badge source="hospital"></ehr-source-badge>
  </section>
`;

const seeded = (options: SeedOptions, wrap?: (store: Awaited<ReturnType<typeof seedStore>>['store']) => RecordSource) => [
  async () => {
    const record = await seedStore(options);
    return { store: wrap ? wrap(record.store) : record.store, patient: record.patient.clinic };
  },
];

const meta: Meta<ProviderArgs> = {
  title: 'Elements/Record provider',
  component: 'ehr-record-provider',
  args: { sync: false },
  argTypes: {
    theme: { control: 'inline-radio', options: ['light', 'dark', 'auto'] },
    sync: { control: 'boolean' },
  },
  render: (args, { loaded }) => html`<ehr-record-provider
    .store=${loaded.store}
    patient=${loaded.patient}
    theme=${args.theme ?? 'light'}
    ?sync=${args.sync}
  >
    ${sampleContent(loaded.patient)}
  </ehr-record-provider>`,
};
export default meta;

type Story = StoryObj<ProviderArgs>;

/** Two providers, both synced minutes ago: every badge names its provider and time. */
export const Default: Story = {
  loaders: seeded({ name: 'provider-default' }),
  play: async ({ canvasElement }) => {
    const badges = [...canvasElement.querySelectorAll('ehr-source-badge')];
    await waitFor(() => expect(badges[0]!.shadowRoot!.textContent).toContain('Riverside Clinic'));
    await waitFor(() => expect(badges[1]!.shadowRoot!.textContent).toContain('St Elsewhere Hospital'));
  },
};

/** The hospital was last synced three days ago: its badge says "Out of date". */
export const Stale: Story = {
  loaders: seeded({ name: 'provider-stale', hospital: { syncedAgo: 3 * DAY, status: 'ok' } }),
  play: async ({ canvasElement }) => {
    const hospital = canvasElement.querySelectorAll('ehr-source-badge')[1]!;
    await waitFor(() => expect(hospital.hasAttribute('stale')).toBe(true));
    await expect(hospital.shadowRoot!.textContent).toContain('Out of date');
  },
};

/** The hospital has never been synced and its last attempt failed. */
export const Partial: Story = {
  loaders: seeded({
    name: 'provider-partial',
    hospital: { empty: true, status: 'error', lastError: 'HTTP 503 Service Unavailable' },
  }),
};

/** `sync`: the provider asks the store to sync on connect; here the hospital fails. */
export const SyncWithFailure: Story = {
  args: { sync: true },
  loaders: seeded({ name: 'provider-sync', hospital: { syncedAgo: 2 * HOUR, status: 'ok' } }, (store) =>
    withFakeSync(store, { delay: 300, fail: { hospital: 'HTTP 503 Service Unavailable' } }),
  ),
  play: async ({ canvasElement }) => {
    const provider = canvasElement.querySelector('ehr-record-provider') as EhrRecordProvider;
    await waitFor(() => expect(provider.syncState.status).toBe('complete'), { timeout: 5000 });
    await expect(provider.lastSyncReport?.errors?.[0]?.source).toBe('hospital');
    const hospital = canvasElement.querySelectorAll('ehr-source-badge')[1]!;
    await waitFor(() => expect(hospital.shadowRoot!.textContent).toContain('Sync failed'));
  },
};

/** `theme="dark"` on the provider switches every element inside it. */
export const DarkTheme: Story = {
  args: { theme: 'dark' },
  parameters: { theme: 'dark' },
  loaders: seeded({ name: 'provider-dark', hospital: { syncedAgo: 3 * DAY, status: 'ok' } }),
};

/** German: terms from `de.ts`, dates through `Intl` ("Stand 21-Nov-2026 14:03"). */
export const German: Story = {
  parameters: { lang: 'de' },
  loaders: seeded({ name: 'provider-de', hospital: { syncedAgo: 3 * DAY, status: 'ok' } }),
  play: async ({ canvasElement }) => {
    const clinic = canvasElement.querySelector('ehr-source-badge')!;
    await waitFor(() => expect(clinic.shadowRoot!.textContent).toContain('Stand'));
  },
};

/** Right-to-left layout (`dir="rtl"` on an ancestor): badges mirror with logical properties. */
export const RightToLeft: Story = {
  parameters: { dir: 'rtl' },
  loaders: seeded({ name: 'provider-rtl' }),
};
