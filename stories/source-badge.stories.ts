import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { expect, waitFor } from 'storybook/test';
import { defineStoryElements } from './support/define-elements.js';
import { DAY, HOUR, MINUTE, seedStore, type SeedOptions } from './support/seed-store.js';

defineStoryElements();

interface BadgeArgs {
  source: string;
  label?: string;
  staleAfter: number;
  relative: boolean;
}

const seeded = (options: SeedOptions) => [
  async () => {
    const record = await seedStore(options);
    return { store: record.store, patient: record.patient.clinic };
  },
];

const meta: Meta<BadgeArgs> = {
  title: 'Elements/Source badge',
  component: 'ehr-source-badge',
  args: { source: 'clinic', staleAfter: DAY, relative: false },
  argTypes: {
    source: { control: 'inline-radio', options: ['clinic', 'hospital', 'lab'] },
    staleAfter: { control: { type: 'number', step: HOUR } },
  },
  render: (args, { loaded }) => html`<ehr-record-provider .store=${loaded.store} patient=${loaded.patient}>
    <ehr-source-badge
      source=${args.source}
      label=${args.label ?? nothing}
      stale-after=${args.staleAfter}
      ?relative=${args.relative}
    ></ehr-source-badge>
  </ehr-record-provider>`,
};
export default meta;

type Story = StoryObj<BadgeArgs>;

export const Default: Story = {
  loaders: seeded({ name: 'badge-default' }),
};

/** Synced five minutes ago, with the age in words too. */
export const RelativeTime: Story = {
  args: { relative: true },
  loaders: seeded({ name: 'badge-relative', clinic: { syncedAgo: 5 * MINUTE, status: 'ok' } }),
};

/** Older than `stale-after`: icon, word and dashed border, not colour alone. */
export const Stale: Story = {
  args: { source: 'hospital' },
  loaders: seeded({ name: 'badge-stale', hospital: { syncedAgo: 3 * DAY, status: 'ok' } }),
  play: async ({ canvasElement }) => {
    const badge = canvasElement.querySelector('ehr-source-badge')!;
    await waitFor(() => expect(badge.hasAttribute('stale')).toBe(true));
    await expect(badge.shadowRoot!.querySelector('[part=status]')!.textContent).toContain('Out of date');
  },
};

/** The source's last sync failed. */
export const SyncFailed: Story = {
  args: { source: 'hospital' },
  loaders: seeded({ name: 'badge-failed', hospital: { syncedAgo: 2 * HOUR, status: 'error', lastError: 'HTTP 503' } }),
};

/** Never synced: "Not synced yet" rather than a blank. */
export const NeverSynced: Story = {
  args: { source: 'hospital' },
  loaders: seeded({ name: 'badge-never', hospital: { empty: true } }),
};

/** A source the store does not know: its id is shown. */
export const UnknownSource: Story = {
  args: { source: 'lab' },
  loaders: seeded({ name: 'badge-default' }),
};

export const Dark: Story = {
  args: { source: 'hospital' },
  parameters: { theme: 'dark' },
  loaders: seeded({ name: 'badge-stale', hospital: { syncedAgo: 3 * DAY, status: 'ok' } }),
};

export const German: Story = {
  args: { source: 'hospital', relative: true },
  parameters: { lang: 'de' },
  loaders: seeded({ name: 'badge-stale', hospital: { syncedAgo: 3 * DAY, status: 'ok' } }),
};

export const RightToLeft: Story = {
  parameters: { dir: 'rtl' },
  loaders: seeded({ name: 'badge-default' }),
};
