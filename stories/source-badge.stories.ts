import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { expect, waitFor } from 'storybook/test';
import { defineStoryElements } from './support/define-elements.js';
import { DAY, HOUR, MINUTE, seedStore, type SeedOptions } from '../test/support/seed-store.js';

defineStoryElements();

interface BadgeArgs {
  source: string;
  label?: string;
  staleAfter: number;
  relative: boolean;
  compact: boolean;
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
  args: { source: 'clinic', staleAfter: DAY, relative: false, compact: false },
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
      ?compact=${args.compact}
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

/** Older than `stale-after`: icon, word, tint and a dashed underline, not colour alone. */
export const Stale: Story = {
  args: { source: 'hospital' },
  loaders: seeded({ name: 'badge-stale', hospital: { syncedAgo: 3 * DAY, status: 'ok' } }),
  play: async ({ canvasElement }) => {
    const badge = canvasElement.querySelector('ehr-source-badge')!;
    await waitFor(() => expect(badge.hasAttribute('stale')).toBe(true));
    await expect(badge.shadowRoot!.querySelector('[part=status]')!.textContent).toContain('Out of date');
  },
};

/** Compact, for a badge in every row: the provider's name; the time is in the tooltip and read by screen readers. */
export const Compact: Story = {
  args: { compact: true },
  loaders: seeded({ name: 'badge-default' }),
  play: async ({ canvasElement }) => {
    const badge = canvasElement.querySelector('ehr-source-badge')!;
    await waitFor(() => expect(badge.shadowRoot!.querySelector('[part=label]')!.textContent).toBe('Riverside Clinic'));
    await expect(badge.shadowRoot!.querySelector('[part=time]')!.classList.contains('visually-hidden')).toBe(true);
    await expect(badge.shadowRoot!.querySelector('[part=base]')!.getAttribute('title')).toMatch(/^as of /);
  },
};

/** Compact and out of date: "Out of date" is still shown in words. */
export const CompactStale: Story = {
  args: { source: 'hospital', compact: true },
  loaders: seeded({ name: 'badge-stale', hospital: { syncedAgo: 3 * DAY, status: 'ok' } }),
  play: async ({ canvasElement }) => {
    const badge = canvasElement.querySelector('ehr-source-badge')!;
    await waitFor(() => expect(badge.shadowRoot!.querySelector('[part=status]')?.textContent).toContain('Out of date'));
  },
};

/** Compact, and the source's last sync failed: "Sync failed" in words. */
export const CompactSyncFailed: Story = {
  args: { source: 'hospital', compact: true },
  loaders: seeded({ name: 'badge-failed', hospital: { syncedAgo: 2 * HOUR, status: 'error', lastError: 'HTTP 503' } }),
  play: async ({ canvasElement }) => {
    const badge = canvasElement.querySelector('ehr-source-badge')!;
    await waitFor(() => expect(badge.shadowRoot!.querySelector('[part=status]')?.textContent).toContain('Sync failed'));
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
