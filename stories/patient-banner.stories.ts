import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import type { AllergyIntolerance, Patient } from 'fhir/r4';
import nkda from '../demo/data/patients/spec-examples/AllergyIntolerance-nkda.json';
import { defineElement } from '../src/elements/base/define.js';
import { EhrPatientBanner } from '../src/elements/patient-banner/patient-banner.js';
import type { LaunchContext, RecordSource } from '../src/elements/base/store-types.js';
import { defineStoryElements } from './support/define-elements.js';
import { failingType, neverAnswers, seedBannerStore, type BannerSeedOptions } from '../test/support/seed-patient-banner.js';

defineStoryElements();
defineElement('ehr-patient-banner', EhrPatientBanner);

interface BannerArgs {
  minimal: boolean;
  expanded: boolean;
  identifierSystems: string[];
  hideSourceNotices: boolean;
}

interface Loaded {
  store: RecordSource;
  patient: string;
  launch?: LaunchContext;
}

const DAY = 24 * 60 * 60 * 1000;

/** Loader: seeds a store (optionally wrapped) and picks the patient key. */
const seeded = (options: BannerSeedOptions, extra: { wrap?: (s: RecordSource) => RecordSource; patient?: string; launch?: LaunchContext } = {}) => [
  async (): Promise<Loaded> => {
    const { store, patient } = await seedBannerStore(options);
    return {
      store: extra.wrap ? extra.wrap(store) : store,
      patient: extra.patient ?? patient.clinic,
      ...(extra.launch ? { launch: extra.launch } : {}),
    };
  },
];

const banner = (el: HTMLElement) => el.querySelector('ehr-patient-banner') as EhrPatientBanner;
const part = (el: HTMLElement, name: string) => banner(el).shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const text = (node: Element | null) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

const meta: Meta<BannerArgs> = {
  title: 'Elements/Patient banner',
  component: 'ehr-patient-banner',
  args: { minimal: false, expanded: false, identifierSystems: [], hideSourceNotices: false },
  argTypes: {
    minimal: { control: 'boolean' },
    hideSourceNotices: { control: 'boolean' },
    expanded: { control: 'boolean' },
    identifierSystems: { control: 'object' },
  },
  render: (args, { loaded }) => {
    const l = loaded as Loaded;
    return html`<ehr-record-provider .store=${l.store} patient=${l.patient} .launch=${l.launch}>
      <ehr-patient-banner
        ?minimal=${args.minimal}
        ?expanded=${args.expanded}
        ?hide-source-notices=${args.hideSourceNotices}
        .identifierSystems=${args.identifierSystems}
      ></ehr-patient-banner>
    </ehr-record-provider>`;
  },
};
export default meta;

type Story = StoryObj<BannerArgs>;

const versie: BannerSeedOptions = { name: 'story-versie', sample: 'versie' };

/**
 * Versie Botsford, held by the clinic and the hospital: one person, two records. Her allergy
 * status is in zone 1, visible without opening the details.
 */
export const Default: Story = {
  loaders: seeded(versie),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'name'))).toBe('BOTSFORD, Versie'));
    await expect(text(part(canvasElement, 'sources'))).toContain('Riverside Clinic');
    await waitFor(() => expect(text(part(canvasElement, 'allergy-status'))).toBe('⚠ Known allergies (10)'));
  },
};

/** The details zone open: address, phone, contacts and the allergy summary (each allergy once). */
export const Expanded: Story = {
  args: { expanded: true },
  loaders: seeded(versie),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(part(canvasElement, 'allergies')?.dataset.state).toBe('known-allergies'));
  },
};

/** The host prefers the SSN as the main identifier (`identifier-systems`). */
export const PreferredIdentifier: Story = {
  args: { identifierSystems: ['http://hl7.org/fhir/sid/us-ssn'] },
  loaders: seeded(versie),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'identifier'))).toBe('SSN 999-69-1123'));
  },
};

/** Parker Casper died on 21-Feb-2021: marked in colour and pattern, with date and age at death. */
export const Deceased: Story = {
  args: { expanded: true },
  loaders: seeded({ name: 'story-parker', sample: 'parker' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'died'))).toBe('Died 21-Feb-2021 (68y)'));
  },
};

/** `deceasedBoolean: true` without a date: "Deceased", date of death "Not known". */
export const DeceasedDateNotKnown: Story = {
  loaders: seeded({
    name: 'story-dead-no-date',
    resources: [{ resourceType: 'Patient', id: 'd1', deceasedBoolean: true, birthDate: '1940-01-01', gender: 'female', name: [{ family: 'Old', given: ['Ann'], prefix: ['Mrs'] }] } as Patient],
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'died'))).toBe('Died Not known'));
  },
};

/** A patient with an NHS number: `NHS No. 943 476 5919`. */
export const NhsNumber: Story = {
  args: { expanded: true },
  loaders: seeded({
    name: 'story-nhs',
    resources: [
      {
        resourceType: 'Patient',
        id: 'nhs1',
        name: [{ use: 'official', family: 'Jones', given: ['Amy', 'Louise'], prefix: ['Ms'] }],
        birthDate: '1980-01-02',
        gender: 'female',
        identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }],
        address: [{ use: 'home', line: ['1 High Street'], city: 'Leeds', postalCode: 'LS1 1AA', country: 'UK' }],
        telecom: [{ system: 'phone', value: '0113 496 0000', use: 'mobile' }],
        generalPractitioner: [{ display: 'Dr A Careful, Park Surgery' }],
        contact: [
          {
            relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: 'C' }] }],
            name: { family: 'Jones', given: ['Tom'] },
            telecom: [{ system: 'phone', value: '0113 496 0001' }],
          },
        ],
      } as Patient,
    ],
    hospital: { syncedAgo: 60_000, status: 'ok' },
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'identifier'))).toBe('NHS No. 943 476 5919'));
  },
};

/** A New Zealand patient whose NHI has no recorded type: labelled by its system, `NHI ABC1234`. */
export const NzNhi: Story = {
  loaders: seeded({
    name: 'story-nz-nhi',
    resources: [
      {
        resourceType: 'Patient',
        id: 'jordana',
        name: [{ family: 'Jordana', given: ['Patricia'] }],
        birthDate: '1956-09-30',
        gender: 'female',
        identifier: [{ system: 'https://standards.digital.health.nz/ns/nhi-id', value: 'ABC1234' }],
      } as Patient,
    ],
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'identifier'))).toBe('NHI ABC1234'));
  },
};

/** Coded "no known drug allergy" (SNOMED CT 409137002): said as exactly that, not "no known allergies". */
export const NoKnownDrugAllergies: Story = {
  args: { expanded: true },
  loaders: seeded({
    name: 'story-nkda',
    resources: [{ resourceType: 'Patient', id: 'mom', name: [{ family: 'Mom', given: ['Ada'] }], birthDate: '1985-03-04', gender: 'female' } as Patient, nkda as AllergyIntolerance],
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'allergies'))).toContain('No known drug allergies'));
  },
};

/** Every provider synced and none has allergy records: "Allergies not recorded". */
export const AllergiesNotRecorded: Story = {
  args: { expanded: true },
  loaders: seeded({ name: 'story-none-recorded', sample: 'versie', withoutAllergies: true }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(part(canvasElement, 'allergies')?.dataset.state).toBe('not-recorded'));
    await expect(text(part(canvasElement, 'allergy-status'))).toBe('– Allergies not recorded');
  },
};

/** The allergy query failed: "Allergies unavailable" in zone 1 and in the details, with Retry. */
export const AllergiesUnavailable: Story = {
  args: { expanded: true },
  loaders: seeded(versie, { wrap: (s) => failingType(s, 'AllergyIntolerance') }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(part(canvasElement, 'allergies')?.dataset.state).toBe('unavailable'));
    await expect(text(part(canvasElement, 'allergy-status'))).toBe('✕ Allergies unavailable');
  },
};

/**
 * An identifier recorded with no type from an unknown system: labelled by its issuer (the
 * assigner, else the provider's name), its value grouped for reading and kept on one line.
 */
export const UntypedIdentifier: Story = {
  loaders: seeded({
    name: 'story-untyped-id',
    resources: [
      {
        resourceType: 'Patient',
        id: 'u1',
        gender: 'male',
        birthDate: '1979-11-02',
        name: [{ family: 'Okafor', given: ['Chidi'], prefix: ['Mr.'] }],
        identifier: [{ system: 'urn:oid:1.2.3.4', value: 'Q7781904423115', assigner: { display: 'Northern Regional Exchange' } }],
      } as Patient,
    ],
  }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'identifier'))).toBe('Northern Regional Exchange ID Q7781904423115'));
    await expect(text(part(canvasElement, 'name'))).toBe('OKAFOR, Chidi (Mr)');
  },
};

/**
 * The hospital's copy has another birth date and a person confirmed it is the same patient: a
 * clear warning naming both values and sources.
 */
export const RecordsDisagree: Story = {
  loaders: seeded({ name: 'story-disagree', sample: 'versie', editHospitalPatient: (p) => ({ ...p, birthDate: '2018-05-23' }), confirmLink: true }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(part(canvasElement, 'warning')?.getAttribute('role')).toBe('alert'));
  },
};

/**
 * The hospital holds a record with the same SSN but another birth date, and nobody has reviewed
 * it: it is not merged, and the banner offers it for review (`ehr-possible-match-review`).
 */
export const PossibleRecord: Story = {
  loaders: seeded({ name: 'story-possible', sample: 'versie', editHospitalPatient: (p) => ({ ...p, birthDate: '2018-05-23' }) }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'possible-matches'))).toBe('ℹ 1 possible record at St Elsewhere Hospital — review'));
    await expect(part(canvasElement, 'warning')).toBeNull();
  },
};

/** `minimal`: one line — name, born, gender, main identifier and the allergy status. */
export const Minimal: Story = {
  args: { minimal: true },
  loaders: seeded(versie),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(part(canvasElement, 'name')).not.toBeNull());
    await expect(part(canvasElement, 'toggle')).toBeNull();
    await expect(text(part(canvasElement, 'gender'))).toBe('Gender Female');
    await waitFor(() => expect(part(canvasElement, 'allergy-status')?.dataset.state).toBe('known-allergies'));
  },
};

/** SMART launch with `need_patient_banner: false`: minimal, but a death is still marked. */
export const SmartNoBannerNeeded: Story = {
  loaders: seeded({ name: 'story-parker', sample: 'parker' }, { launch: { needPatientBanner: false } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'deceased'))).toContain('Deceased'));
  },
};

/** Loading: a skeleton while the record is read. */
export const Loading: Story = {
  loaders: seeded(versie, { wrap: neverAnswers }),
};

/** Empty: the patient is not in the store — "Patient record not available", never a blank banner. */
export const NotAvailable: Story = {
  loaders: seeded(versie, { patient: 'clinic/Patient/not-here' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'base'))).toContain('Patient record not available'));
  },
};

/** Error: the record could not be read (role=alert, Retry). */
export const ErrorState: Story = {
  loaders: seeded(versie, { wrap: (s) => failingType(s, 'Patient', 'IndexedDB read failed') }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(part(canvasElement, 'error')).not.toBeNull());
  },
};

/** Partial: the hospital failed to sync. Known allergies stay, marked as possibly incomplete. */
export const Partial: Story = {
  args: { expanded: true },
  loaders: seeded({ name: 'story-partial', sample: 'versie', hospital: { status: 'error', lastError: 'HTTP 503 Service Unavailable' } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'base'))).toContain('St Elsewhere Hospital could not be synced'));
  },
};

/**
 * `hide-source-notices`: the page shows sync status itself, so the banner leaves out its partial
 * notice. The allergy summary still says the list may be incomplete.
 */
export const PartialNoticesHidden: Story = {
  args: { expanded: true, hideSourceNotices: true },
  loaders: seeded({ name: 'story-partial', sample: 'versie', hospital: { status: 'error', lastError: 'HTTP 503 Service Unavailable' } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(part(canvasElement, 'allergies')?.dataset.state).toBe('known-allergies'));
    await expect(text(part(canvasElement, 'allergies'))).toContain('May be incomplete');
    await expect(text(part(canvasElement, 'base'))).not.toContain('could not be synced');
  },
};

/** Partial with nothing cached: allergies "unavailable", not "not recorded". */
export const PartialNoAllergies: Story = {
  args: { expanded: true },
  loaders: seeded({ name: 'story-partial-none', sample: 'versie', withoutAllergies: true, hospital: { status: 'error', lastError: 'HTTP 503 Service Unavailable' } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(part(canvasElement, 'allergies')?.dataset.state).toBe('unavailable'));
  },
};

/** Stale: the hospital last synced three days ago. */
export const Stale: Story = {
  loaders: seeded({ name: 'story-stale', sample: 'versie', hospital: { syncedAgo: 3 * DAY, status: 'ok' } }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'base'))).toContain('may be out of date'));
  },
};

/** Offline: the device has no network (simulated for this story only). */
export const Offline: Story = {
  loaders: [
    ...seeded(versie),
    async () => {
      Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
      return {};
    },
  ],
  play: async ({ canvasElement }) => {
    try {
      window.dispatchEvent(new Event('offline'));
      await waitFor(() => expect(text(part(canvasElement, 'base'))).toContain('You are offline'));
    } finally {
      delete (navigator as unknown as Record<string, unknown>).onLine;
    }
  },
};

/** Many rows: Peter Chalmers has 21 allergy records (20 identical copies) — each substance listed once. */
export const ManyAllergies: Story = {
  args: { expanded: true },
  loaders: seeded({ name: 'story-chalmers', sample: 'chalmers' }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(part(canvasElement, 'allergies')?.dataset.state).toBe('known-allergies'));
  },
};

const longName: Patient = {
  resourceType: 'Patient',
  id: 'long',
  name: [
    {
      use: 'official',
      family: 'Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh-Cholmondeley',
      given: ['Hubert', 'Blaine', 'Maximilian', 'Alexander', 'Bartholomew'],
      prefix: ['Prof', 'Sir'],
    },
  ],
  birthDate: '1931-02-28',
  gender: 'male',
  identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }],
};

/** Long names wrap; nothing is cut off. */
export const LongName: Story = {
  loaders: seeded({ name: 'story-long', resources: [longName] }),
};

/** Right-to-left: a Hebrew name in an RTL page; record text sits in `<bdi>`. */
export const RightToLeft: Story = {
  parameters: { dir: 'rtl' },
  args: { expanded: true },
  loaders: seeded({
    name: 'story-rtl',
    resources: [
      {
        resourceType: 'Patient',
        id: 'rtl',
        name: [{ use: 'official', family: 'כהן', given: ['דוד'] }],
        birthDate: '1975-06-15',
        gender: 'male',
        identifier: [{ system: 'urn:il:tz', value: '123456782', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NI' }] } }],
        address: [{ line: ['רחוב הרצל 1'], city: 'תל אביב' }],
      } as Patient,
    ],
  }),
};

/** Dark theme. */
export const DarkTheme: Story = {
  parameters: { theme: 'dark' },
  args: { expanded: true },
  loaders: seeded({ name: 'story-parker', sample: 'parker' }),
};

/** German: "Geboren 22.05.2018" (the locale's numeric date), "Geschlecht Weiblich", "Bekannte Allergien". */
export const German: Story = {
  parameters: { lang: 'de' },
  args: { expanded: true },
  loaders: seeded(versie),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(text(part(canvasElement, 'gender'))).toBe('Geschlecht Weiblich'));
    await expect(text(part(canvasElement, 'born'))).toMatch(/^Geboren 22\.05\.2018 /);
  },
};
