import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import { defineStoryElements } from './support/define-elements.js';
import { DAY, MINUTE, seedStore, type SeedOptions } from '../test/support/seed-store.js';

defineStoryElements();

interface StatusArgs {
  lang: string;
}

const seeded = (options: SeedOptions) => [
  async () => {
    const record = await seedStore(options);
    return { store: record.store, patient: record.patient.clinic };
  },
];

const meta: Meta<StatusArgs> = {
  title: 'Elements/Sync status',
  component: 'ehr-sync-status',
  args: { lang: 'en' },
  argTypes: { lang: { control: 'inline-radio', options: ['en', 'de'] } },
  render: (args, { loaded }) => html`<ehr-record-provider lang=${args.lang} .store=${loaded.store} patient=${loaded.patient}>
    <ehr-sync-status></ehr-sync-status>
  </ehr-record-provider>`,
};
export default meta;

type Story = StoryObj<StatusArgs>;

const lines = (canvas: HTMLElement) => [...canvas.querySelector('ehr-sync-status')!.shadowRoot!.querySelectorAll<HTMLElement>('[part~="source"]')];
const text = (el: Element | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** Both providers synced a few minutes ago: relative and absolute time, and Sync now. */
export const Synced: Story = {
  loaders: seeded({ name: 'status-synced', clinic: { syncedAgo: 5 * MINUTE, status: 'ok' }, hospital: { syncedAgo: 12 * MINUTE, status: 'ok' } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(lines(canvasElement).map((l) => l.dataset.state)).toEqual(['synced', 'synced']));
    await expect(text(lines(canvasElement)[0])).toMatch(/Riverside Clinic ✓ Synced 5 minutes ago \(\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}\)/);
  },
};

/** The hospital's last sync failed: said in words, with the message and the last good sync. */
export const Failed: Story = {
  loaders: seeded({
    name: 'status-failed',
    clinic: { syncedAgo: 5 * MINUTE, status: 'ok' },
    hospital: { syncedAgo: 2 * DAY, status: 'error', lastError: 'HTTP 503 Service Unavailable' },
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(lines(canvasElement)[1]?.dataset.state).toBe('failed'));
    await expect(text(lines(canvasElement)[1])).toContain('Sync failed');
    await expect(text(lines(canvasElement)[1])).toContain('HTTP 503 Service Unavailable');
  },
};

/** The hospital was searched and has no record of this patient; the clinic never synced yet. */
export const NoRecordAndNeverSynced: Story = {
  loaders: seeded({ name: 'status-norecord', clinic: { status: 'idle' }, hospital: { syncedAgo: 10 * MINUTE, status: 'ok', noRecord: true } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(lines(canvasElement).map((l) => l.dataset.state)).toEqual(['not-synced', 'no-record']));
    await expect(text(lines(canvasElement)[1])).toContain('No record of this patient');
  },
};

/** German. */
export const German: Story = {
  args: { lang: 'de' },
  loaders: seeded({ name: 'status-synced', clinic: { syncedAgo: 5 * MINUTE, status: 'ok' }, hospital: { syncedAgo: 12 * MINUTE, status: 'ok' } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(lines(canvasElement)[0])).toContain('Synchronisiert vor 5 Minuten'));
  },
};
