import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { expectNoAxeViolations } from './support/elements.js';
import type { AllergyIntolerance, Patient } from 'fhir/r4';
import nkda from '../demo/data/patients/spec-examples/AllergyIntolerance-nkda.json';
import { de, registerTranslation } from '../src/elements/base/index.js';
import type { RecordSource } from '../src/elements/base/store-types.js';
import { EhrPatientBanner, type BannerToggleDetail } from '../src/elements/patient-banner/define.js';
import { EhrRecordProvider } from '../src/elements/record-provider/define.js';
import { ageAt } from '../src/fhir/dates.js';
import { failingType, neverAnswers, seedBannerStore, type BannerSeedOptions } from './support/seed-patient-banner.js';

registerTranslation(de);
void EhrRecordProvider;

const DAY = 24 * 60 * 60 * 1000;

afterEach(() => fixtureCleanup());

const root = (el: EhrPatientBanner) => el.shadowRoot!;
const part = (el: EhrPatientBanner, name: string) => root(el).querySelector<HTMLElement>(`[part~="${name}"]`);
const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function until(check: () => void, timeout = 8000) {
  const start = Date.now();
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() - start > timeout) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}


interface RenderOptions {
  minimal?: boolean;
  identifierSystems?: string[];
  lang?: string;
  hideSourceNotices?: boolean;
  wrap?: (store: RecordSource) => RecordSource;
  patientKey?: (keys: { clinic: string; hospital?: string }) => string;
}

/** Seeds a store, renders the banner for the clinic's patient key and waits for the name to show. */
async function render(seed: BannerSeedOptions, options: RenderOptions = {}) {
  const { store, patient } = await seedBannerStore(seed);
  const source = options.wrap ? options.wrap(store) : store;
  const key = options.patientKey ? options.patientKey(patient) : patient.clinic;
  const el = await fixture<EhrPatientBanner>(html`<ehr-patient-banner
    lang=${options.lang ?? 'en'}
    .store=${source}
    patient=${key}
    ?minimal=${options.minimal ?? false}
    ?hide-source-notices=${options.hideSourceNotices ?? false}
    .identifierSystems=${options.identifierSystems ?? []}
  ></ehr-patient-banner>`);
  return { el, store, patient };
}

async function expand(el: EhrPatientBanner) {
  part(el, 'toggle')!.click();
  await el.updateComplete;
}

/** An AllergyIntolerance made by hand (the seed points it at the right patient). */
function handAllergy(
  id: string,
  code: string,
  display: string,
  opts: { criticality?: 'high' | 'low'; verification?: string; clinical?: string } = {},
): AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    id,
    patient: { reference: 'Patient/x' },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: opts.clinical ?? 'active' }] },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: opts.verification ?? 'confirmed' }],
    },
    code: { coding: [{ system: 'http://snomed.info/sct', code, display }] },
    ...(opts.criticality ? { criticality: opts.criticality } : {}),
  };
}

/** A Patient resource made by hand, for the odd case a sample patient does not have. */
function handMade(p: Partial<Patient> & { id: string }): Patient {
  return { resourceType: 'Patient', ...p };
}

describe('<ehr-patient-banner>: who the patient is (zone 1)', () => {
  it('shows Versie as FAMILY, Given with born date and age, gender in words, and her MRN — in CUI order', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' });
    await until(() => expect(text(part(el, 'name'))).toBe('BOTSFORD, Versie'));
    const age = ageAt('2018-05-22')!;
    expect(text(part(el, 'born'))).toBe(`Born 22-May-2018 (${age.display})`);
    expect(text(part(el, 'gender'))).toBe('Gender Female');
    expect(text(part(el, 'identifier'))).toBe('MRN 56121408-15fe-47a5-8279-6f05dee51464');
    const order = ['name', 'born', 'gender', 'identifier'].map((p) => part(el, p)!);
    for (let i = 1; i < order.length; i++) {
      expect(order[i - 1]!.compareDocumentPosition(order[i]!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    }
    // Landmark: a labelled section, never role=banner inside a page region.
    const section = part(el, 'base')!;
    expect(section.tagName).toBe('SECTION');
    expect(section.getAttribute('aria-label')).toBe('Patient');
    expect(root(el).querySelector('[role="banner"]')).toBeNull();
    expect(el.hasAttribute('deceased')).toBe(false);
  });

  it('lets the host choose the main identifier system: SSN for Versie', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' }, { identifierSystems: ['http://hl7.org/fhir/sid/us-ssn'] });
    await until(() => expect(text(part(el, 'identifier'))).toBe('SSN 999-69-1123'));
    expect(text(part(el, 'identifier'))).not.toContain('http');
  });

  it('says which providers the record comes from', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' });
    await until(() => expect(text(part(el, 'sources'))).toBe('Records from Riverside Clinic and St Elsewhere Hospital'));
  });

  it('gives a toddler her age in years and months', async () => {
    const now = new Date();
    const day = Math.min(now.getDate(), 28);
    const birth = new Date(now.getFullYear(), now.getMonth() - 15, day);
    const iso = `${birth.getFullYear()}-${String(birth.getMonth() + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const { el } = await render({ name: 'toddler', resources: [handMade({ id: 'tod', birthDate: iso, gender: 'female', name: [{ family: 'Small', given: ['Tia'] }] })] });
    await until(() => expect(text(part(el, 'born'))).toMatch(/\(1y 3m\)$/));
  });

  it('shows an NHS number in 3 3 4 groups with the label "NHS No."', async () => {
    const { el } = await render({
      name: 'nhs',
      resources: [
        handMade({
          id: 'nhs1',
          name: [{ family: 'Jones', given: ['Amy'], prefix: ['Ms'] }],
          birthDate: '1980-01-02',
          gender: 'female',
          identifier: [
            { system: 'urn:local:mrn', value: 'L123', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } },
            { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' },
          ],
        }),
      ],
    });
    await until(() => expect(text(part(el, 'identifier'))).toBe('NHS No. 943 476 5919'));
    expect(text(part(el, 'name'))).toBe('JONES, Amy (Ms)');
  });

  it('labels an untyped national identifier by its system: NHI for a New Zealand patient, IHI for an Australian one', async () => {
    const { el } = await render({
      name: 'nz-nhi',
      resources: [
        handMade({
          id: 'jordana',
          name: [{ family: 'Jordana', given: ['Patricia'] }],
          birthDate: '1956-09-30',
          gender: 'female',
          identifier: [{ system: 'https://standards.digital.health.nz/ns/nhi-id', value: 'ABC1234' }],
        }),
      ],
    });
    await until(() => expect(text(part(el, 'identifier'))).toBe('NHI ABC1234'));
    const au = await render({
      name: 'au-ihi',
      resources: [handMade({ id: 'stella', identifier: [{ system: 'http://ns.electronichealth.net.au/id/hi/ihi/1.0', value: '8003608833357361' }] })],
    });
    await until(() => expect(text(part(au.el, 'identifier'))).toBe('IHI 8003608833357361'));
  });

  it('keeps the recorded type words over the system name, and "ID" for an unknown system', async () => {
    const { el } = await render({
      name: 'typed-nhi',
      resources: [
        handMade({
          id: 'typed',
          identifier: [{ system: 'https://standards.digital.health.nz/ns/nhi-id', value: 'ZZZ0016', type: { text: 'National Health Index' } }],
        }),
      ],
    });
    await until(() => expect(text(part(el, 'identifier'))).toBe('National Health Index ZZZ0016'));
    const other = await render({ name: 'unknown-system', resources: [handMade({ id: 'local', identifier: [{ system: 'urn:local:x', value: 'X1' }] })] });
    // No type, no known system: named by its issuer — here the provider the record came from.
    await until(() => expect(text(part(other.el, 'identifier'))).toBe('Riverside Clinic ID X1'));
  });

  it('labels an untyped identifier by its assigner, groups a long value for reading, and never wraps inside it', async () => {
    const { el } = await render(
      {
        name: 'assigner-id',
        resources: [handMade({ id: 'asg', identifier: [{ system: 'urn:oid:1.2.3.4', value: 'Q7781904423115', assigner: { display: 'Northern Regional Exchange' } }] })],
      },
      {},
    );
    await until(() => expect(text(part(el, 'identifier'))).toBe('Northern Regional Exchange ID Q7781904423115'));
    const value = part(el, 'identifier')!.querySelector<HTMLElement>('.id-value')!;
    // Shown in groups of four, spaced by CSS only: what a user copies is the recorded value.
    expect([...value.querySelectorAll('.id-group')].map((g) => g.textContent)).toEqual(['Q778', '1904', '4231', '15']);
    expect(value.textContent).toBe('Q7781904423115');
    const gap = value.querySelectorAll('.id-group')[1]!.getBoundingClientRect().left - value.querySelectorAll('.id-group')[0]!.getBoundingClientRect().right;
    expect(gap).toBeGreaterThan(2);
    // However narrow the banner, the value stays on one line.
    el.style.display = 'block';
    el.style.width = '160px';
    await el.updateComplete;
    const rects = [...value.querySelectorAll('.id-group')].map((g) => g.getBoundingClientRect().top);
    expect(new Set(rects.map(Math.round)).size).toBe(1);
  });

  it('shows titles without a full stop, as CUI does: CASPER, Parker (Mr)', async () => {
    const { el } = await render({ name: 'parker', sample: 'parker' });
    await until(() => expect(text(part(el, 'name'))).toBe('CASPER, Parker (Mr)'));
  });

  it('says "Not known" for a missing name, birth date, gender and identifier — never blank or "?"', async () => {
    const { el } = await render({ name: 'unknowns', resources: [handMade({ id: 'nobody' })] });
    await until(() => expect(text(part(el, 'name'))).toBe('Not known'));
    expect(text(part(el, 'born'))).toBe('Born Not known');
    expect(text(part(el, 'gender'))).toBe('Gender Not known');
    expect(text(part(el, 'identifier'))).toBe('ID Not known');
    await expand(el);
    const details = text(part(el, 'details'));
    expect(details).toContain('Address Not known');
    expect(details).toContain('Phone and email Not known');
    expect(text(part(el, 'base'))).not.toContain('?');
  });
});

describe('<ehr-patient-banner>: the allergy status in zone 1, without expanding', () => {
  const status = (el: EhrPatientBanner) => part(el, 'allergy-status');
  const visible = (node: HTMLElement) => node.getBoundingClientRect().height > 0 && node.closest('.zone1') !== null;

  it('"Known allergies (10)" for Versie, emphasised with a warning icon, at the end of zone 1, after her identifier', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' });
    await until(() => expect(status(el)?.dataset.state).toBe('known-allergies'));
    const chip = status(el)!;
    expect(text(chip)).toBe('⚠ Known allergies (10)');
    expect(visible(chip)).toBe(true);
    expect(chip.querySelector('strong')!.textContent).toBe('Known allergies');
    expect(chip.querySelector('[aria-hidden="true"]')!.textContent).toBe('⚠');
    expect(el.expanded).toBe(false);
    const zone = [...root(el).querySelector('.zone1')!.children].map((c) => c.getAttribute('part'));
    expect(zone.indexOf('allergy-status')).toBeGreaterThan(zone.indexOf('identifier'));
    expect(zone.indexOf('allergy-status')).toBe(zone.length - 1);
  });

  it('"Known allergies (10) · may be incomplete" when a provider failed', async () => {
    const { el } = await render({ name: 'hospital-failed-known', sample: 'versie', hospital: { status: 'error', lastError: 'HTTP 503' } });
    await until(() => expect(status(el)?.dataset.state).toBe('known-allergies'));
    expect(text(status(el))).toBe('⚠ Known allergies (10) · may be incomplete');
  });

  it('"No known drug allergies" with a tick for the coded statement, every provider synced', async () => {
    const { el } = await render({
      name: 'nkda',
      resources: [handMade({ id: 'mom', name: [{ family: 'Mom', given: ['Ada'] }] }), nkda as AllergyIntolerance],
      hospital: { syncedAgo: 60_000, status: 'ok' },
    });
    await until(() => expect(status(el)?.dataset.state).toBe('no-known-allergies'));
    expect(text(status(el))).toBe('✓ No known drug allergies');
  });

  it('"Allergies not recorded" and "Allergies unavailable" in the same words as the allergy panel', async () => {
    const none = await render({ name: 'none-recorded', sample: 'versie', withoutAllergies: true });
    await until(() => expect(status(none.el)?.dataset.state).toBe('not-recorded'));
    expect(text(status(none.el))).toBe('– Allergies not recorded');
    const failed = await render({ name: 'hospital-failed-none', sample: 'versie', withoutAllergies: true, hospital: { status: 'error', lastError: 'HTTP 503' } });
    await until(() => expect(status(failed.el)?.dataset.state).toBe('unavailable'));
    expect(text(status(failed.el))).toBe('✕ Allergies unavailable');
  });

  it('never says "No known allergies" in zone 1 while a provider is still syncing', async () => {
    const { el } = await render({
      name: 'nka-hospital-still-syncing',
      resources: [handMade({ id: 'pat-b', name: [{ family: 'Bee', given: ['Pat'] }] })],
      extra: { clinic: [handAllergy('nka', '716186003', 'No known allergy')] },
      hospital: { syncedAgo: 60_000, status: 'syncing', syncedPatient: 'hospital/Patient/someone-else' },
    });
    await until(() => expect(status(el)?.dataset.state).toBe('unavailable'));
    expect(text(status(el))).not.toContain('No known');
  });

  // Synthea's clinic MRN is a 36-character UUID: with it, zone 1 wraps between fields (never
  // inside one). A real-length identifier — her SSN, as a host may choose — fits on one line.
  it('keeps zone 1 on one line at 1,100 px for Versie with a real-length identifier', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' }, { identifierSystems: ['http://hl7.org/fhir/sid/us-ssn'] });
    el.style.display = 'block';
    // The demo's banner at a 1,100 px window.
    el.style.width = '1052px';
    await until(() => expect(status(el)?.dataset.state).toBe('known-allergies'));
    const tops = [...root(el).querySelector('.zone1')!.children].map((c) => c.getBoundingClientRect());
    const first = tops[0]!;
    const widths = tops.map((r) => Math.round(r.width)).join(' + ');
    for (const r of tops) expect(r.top, `every zone-1 field on the first line (${widths})`).toBeLessThan(first.bottom);
  });

  it('speaks German: "Bekannte Allergien (10)"', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' }, { lang: 'de' });
    await until(() => expect(status(el)?.dataset.state).toBe('known-allergies'));
    expect(text(status(el))).toBe('⚠ Bekannte Allergien (10)');
  });
});

describe('<ehr-patient-banner>: deceased patients', () => {
  it('marks Parker Casper as deceased with date of death, age at death and a pattern, not only colour', async () => {
    const { el } = await render({ name: 'parker', sample: 'parker' });
    await until(() => expect(el.hasAttribute('deceased')).toBe(true));
    expect(text(part(el, 'deceased'))).toBe('◆Deceased');
    expect(part(el, 'deceased')!.querySelector('[aria-hidden="true"]')).not.toBeNull();
    expect(text(part(el, 'died'))).toBe('Died 21-Feb-2021 (68y)');
    // No current age for someone who has died.
    expect(text(part(el, 'born'))).toBe('Born 31-Jul-1952');
    // Non-colour signals: the hatched band and the double border.
    const base = part(el, 'base')!;
    expect(base.classList.contains('deceased')).toBe(true);
    expect(getComputedStyle(base, '::before').backgroundImage).toContain('repeating-linear-gradient');
    expect(getComputedStyle(base).borderTopStyle).toBe('double');
  });

  it('deceasedBoolean without a date: "Deceased", date of death "Not known"', async () => {
    const { el } = await render({
      name: 'dead-no-date',
      resources: [handMade({ id: 'd1', deceasedBoolean: true, birthDate: '1940-01-01', name: [{ family: 'Old', given: ['Ann'] }] })],
    });
    await until(() => expect(text(part(el, 'died'))).toBe('Died Not known'));
    expect(text(part(el, 'deceased'))).toContain('Deceased');
    expect(text(part(el, 'born'))).toBe('Born 01-Jan-1940');
  });
});

describe('<ehr-patient-banner>: details zone and allergies', () => {
  it('opens and closes the details from the keyboard (Enter and Space), with aria-expanded and an event', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' });
    await until(() => expect(part(el, 'toggle')).not.toBeNull());
    const toggle = part(el, 'toggle')!;
    const details = part(el, 'details')!;
    expect(toggle.getAttribute('aria-controls')).toBe(details.id);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(details.hidden).toBe(true);
    await expectNoAxeViolations(el);

    const events: BannerToggleDetail[] = [];
    el.addEventListener('ehr-banner-toggle', (e) => events.push(e.detail));
    toggle.focus();
    await userEvent.keyboard('{Enter}');
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(details.hidden).toBe(false);
    await until(() => expect(part(el, 'allergies')?.dataset.state).toBe('known-allergies'));
    await expectNoAxeViolations(el);

    await userEvent.keyboard(' ');
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(details.hidden).toBe(true);
    expect(events.map((e) => e.expanded)).toEqual([true, false]);
  });

  it("lists Versie's allergies once each, though the hospital recorded two of them again", async () => {
    const { el, store, patient } = await render({ name: 'versie', sample: 'versie' });
    await until(() => expect(part(el, 'toggle')).not.toBeNull());
    await expand(el);
    await until(() => expect(part(el, 'allergies')?.dataset.state).toBe('known-allergies'));
    const rows = await store.search({ patient: patient.clinic, type: 'AllergyIntolerance' });
    expect(rows.filter((r) => r.source === 'hospital').length).toBe(2);
    const items = [...part(el, 'allergies')!.querySelectorAll('li .substance')].map((n) => text(n));
    expect(new Set(items).size).toBe(items.length);
    expect(items.length).toBeLessThan(rows.length);
    expect(text(part(el, 'allergies'))).toContain('Known allergies');
    expect(text(part(el, 'allergies'))).toContain(`${items.length} allergies`);
    // Versie's details: address and phone as recorded.
    expect(text(part(el, 'details'))).toContain('439 Ernser Flat Suite 7, Ayer, Massachusetts 01432, US');
    expect(text(part(el, 'details'))).toContain('Phone (home) 555-581-9572');
  });

  it('says "No known drug allergies" for the coded NKDA statement, not the broader "No known allergies"', async () => {
    const { el } = await render({
      name: 'nkda',
      resources: [handMade({ id: 'mom', name: [{ family: 'Mom', given: ['Ada'] }] }), nkda as AllergyIntolerance],
      hospital: { syncedAgo: 60_000, status: 'ok' },
    });
    await until(() => expect(part(el, 'toggle')).not.toBeNull());
    await expand(el);
    await until(() => expect(part(el, 'allergies')?.dataset.state).toBe('no-known-allergies'));
    const shown = text(part(el, 'allergies'));
    expect(shown).toContain('No known drug allergies');
    expect(shown).not.toMatch(/^No known allergies/);
    expect(shown).toContain('Other allergies are not covered');
  });

  it('"Allergies not recorded" when every provider synced and none has any', async () => {
    const { el } = await render({ name: 'none-recorded', sample: 'versie', withoutAllergies: true });
    await until(() => expect(part(el, 'toggle')).not.toBeNull());
    await expand(el);
    await until(() => expect(part(el, 'allergies')?.dataset.state).toBe('not-recorded'));
    expect(text(part(el, 'allergies'))).toContain('Allergies not recorded');
  });

  it('"Allergies unavailable" when the allergy query fails, with a retry', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' }, { wrap: (s) => failingType(s, 'AllergyIntolerance') });
    await until(() => expect(part(el, 'toggle')).not.toBeNull());
    await expand(el);
    await until(() => expect(part(el, 'allergies')?.dataset.state).toBe('unavailable'));
    expect(text(part(el, 'allergies'))).toContain('Allergies unavailable');
    expect(text(part(el, 'allergies'))).toContain('could not be read');
    expect(part(el, 'allergies')!.querySelector('button')).not.toBeNull();
  });

  it('"unavailable", not "not recorded", when a provider failed to sync and nothing is cached', async () => {
    const { el } = await render({
      name: 'hospital-failed-none',
      sample: 'versie',
      withoutAllergies: true,
      hospital: { status: 'error', lastError: 'HTTP 503' },
    });
    await until(() => expect(part(el, 'toggle')).not.toBeNull());
    await expand(el);
    await until(() => expect(part(el, 'allergies')?.dataset.state).toBe('unavailable'));
    expect(text(part(el, 'allergies'))).toContain('St Elsewhere Hospital');
    expect(text(part(el, 'allergies'))).not.toContain('not recorded');
  });

  // A source's lastSyncAt is set by a sync of ANY patient: here the hospital last synced someone
  // else, and for this patient its sync is running, failed offline, or never happened.
  for (const [label, hospital] of [
    ['still syncing', { syncedAgo: 60_000, status: 'syncing', syncedPatient: 'hospital/Patient/someone-else' }],
    ['offline (network error)', { syncedAgo: 60_000, status: 'offline', lastError: 'Failed to fetch', syncedPatient: 'hospital/Patient/someone-else' }],
    ['synced for another patient only', { syncedAgo: 60_000, status: 'ok', syncedPatient: 'hospital/Patient/someone-else' }],
  ] as const) {
    it(`a coded NKA at the clinic while the hospital is ${label}: "unavailable", never "No known allergies"`, async () => {
      const { el } = await render({
        name: `nka-hospital-${label.replace(/\W+/g, '-')}`,
        resources: [handMade({ id: 'pat-b', name: [{ family: 'Bee', given: ['Pat'] }] })],
        extra: { clinic: [handAllergy('nka', '716186003', 'No known allergy')] },
        hospital,
      });
      await until(() => expect(part(el, 'toggle')).not.toBeNull());
      await expand(el);
      await until(() => expect(part(el, 'allergies')?.dataset.state).toBe('unavailable'));
      const shown = text(part(el, 'allergies'));
      expect(shown).toContain('Allergies unavailable');
      expect(shown).toContain('St Elsewhere Hospital');
      expect(shown).not.toContain('No known allergies');
    });
  }

  it('a coded NKA with every provider synced for this patient: "No known allergies" as before', async () => {
    const { el } = await render({
      name: 'nka-all-synced',
      resources: [handMade({ id: 'pat-c', name: [{ family: 'Sea', given: ['Pat'] }] })],
      extra: { clinic: [handAllergy('nka', '716186003', 'No known allergy')] },
    });
    await until(() => expect(part(el, 'toggle')).not.toBeNull());
    await expand(el);
    await until(() => expect(part(el, 'allergies')?.dataset.state).toBe('no-known-allergies'));
    expect(text(part(el, 'allergies'))).toContain('No known allergies');
  });

  it('an unconfirmed coded NKA is labelled "Unconfirmed", without the tick', async () => {
    const { el } = await render({
      name: 'nka-unconfirmed',
      resources: [handMade({ id: 'pat-c', name: [{ family: 'Sea', given: ['Pat'] }] })],
      extra: { clinic: [handAllergy('nka', '716186003', 'No known allergy', { verification: 'unconfirmed' })] },
    });
    await until(() => expect(part(el, 'toggle')).not.toBeNull());
    await expand(el);
    await until(() => expect(part(el, 'allergies')?.dataset.state).toBe('no-known-allergies'));
    const state = part(el, 'allergies')!.querySelector('.allergy-state')!;
    expect(text(state)).toBe('? No known allergies Unconfirmed');
    expect(state.querySelector('[data-unconfirmed-statement]')!.textContent).toBe('Unconfirmed');
  });

  it('keeps known allergies visible when a provider failed, and says the list may be incomplete', async () => {
    const { el } = await render({ name: 'hospital-failed-known', sample: 'versie', hospital: { status: 'error', lastError: 'HTTP 503' } });
    await until(() => expect(part(el, 'toggle')).not.toBeNull());
    await expand(el);
    await until(() => expect(part(el, 'allergies')?.dataset.state).toBe('known-allergies'));
    expect(text(part(el, 'allergies'))).toContain('May be incomplete: St Elsewhere Hospital could not be checked.');
  });
  it('lists allergies in the allergy panel\'s order, with the most cautious criticality across providers', async () => {
    const { el } = await render({
      name: 'allergy-order',
      sample: 'versie',
      withoutAllergies: true,
      hospital: { syncedAgo: 60_000, status: 'ok' },
      extra: {
        clinic: [
          handAllergy('c-zinc', '111088007', 'Zinc oxide', { criticality: 'low' }),
          handAllergy('c-peanut', '91935009', 'Peanut', { criticality: 'low' }),
          handAllergy('c-cat', '232347008', 'Cat dander'),
        ],
        hospital: [
          // Resolved at the hospital, but it said high: the clinic's active record is shown as high.
          handAllergy('h-peanut', '91935009', 'Peanut', { criticality: 'high', clinical: 'resolved' }),
          handAllergy('h-bee', '288328004', 'Bee venom', { criticality: 'high', verification: 'unconfirmed' }),
          handAllergy('h-egg', '102263004', 'Egg', { criticality: 'high', clinical: 'resolved' }),
        ],
      },
    });
    await until(() => expect(part(el, 'toggle')).not.toBeNull());
    await expand(el);
    await until(() => expect(part(el, 'allergies')?.dataset.state).toBe('known-allergies'));
    const items = [...part(el, 'allergies')!.querySelectorAll('li')];
    // The panel's order: by substance name.
    expect(items.map((li) => text(li.querySelector('.substance')))).toEqual(['Bee venom', 'Cat dander', 'Peanut', 'Zinc oxide']);
    expect(text(items[2])).toContain('High criticality');
    expect(text(items[0])).toContain('Unconfirmed');
    expect(text(items[3])).not.toContain('High criticality');
    // Resolved everywhere: not listed, however critical.
    expect(text(part(el, 'allergies'))).not.toContain('Egg');
  });
});

describe('<ehr-patient-banner>: linked records', () => {
  it('warns clearly when a confirmed hospital copy has a different birth date', async () => {
    // A different birth date is not corroboration: linked only once a person confirms it.
    const { el } = await render({
      name: 'disagree',
      sample: 'versie',
      editHospitalPatient: (p) => ({ ...p, birthDate: '2018-05-23' }),
      confirmLink: true,
    });
    await until(() => expect(part(el, 'warning')).not.toBeNull());
    const warning = part(el, 'warning')!;
    expect(warning.getAttribute('role')).toBe('alert');
    // The kit's one warning style: the shared callout, with its triangle.
    expect(warning.getAttribute('part')).toBe('warning identity-warning');
    expect(warning.classList.contains('callout-warning')).toBe(true);
    expect(warning.querySelector('.callout-icon')!.textContent).toBe('⚠');
    expect(text(warning)).toContain('Linked records disagree about this patient');
    expect(text(warning)).toContain('Date of birth 22-May-2018 (Riverside Clinic); 23-May-2018 (St Elsewhere Hospital)');
    await expectNoAxeViolations(el);
  });

  it('offers a copy that disagrees as a possible record, without merging it, until a person decides', async () => {
    const { el, store, patient } = await render({
      name: 'possible-match',
      sample: 'versie',
      editHospitalPatient: (p) => ({ ...p, birthDate: '2018-05-23' }),
    });
    await until(() => expect(part(el, 'possible-matches')).not.toBeNull());
    expect(text(part(el, 'possible-matches')!)).toBe('ℹ 1 possible record at St Elsewhere Hospital — review');
    // Information, not a warning: nothing was merged.
    expect(part(el, 'possible-matches')!.getAttribute('part')).toBe('info possible-matches');
    // Not merged: no disagreement warning, records only from the clinic.
    expect(part(el, 'warning')).toBeNull();
    expect(text(part(el, 'sources')!)).toBe('Records from Riverside Clinic');
    const events: Array<{ patient: string; matches: readonly { id: string }[] }> = [];
    el.addEventListener('ehr-possible-match-review', (e) => events.push(e.detail));
    part(el, 'review-button')!.click();
    const id = [patient.clinic, patient.hospital].sort().join('~');
    expect(events).toEqual([{ patient: patient.clinic, matches: [expect.objectContaining({ id, candidate: patient.hospital, source: 'hospital' })] }]);
    await expectNoAxeViolations(el);

    // Rejected: the notice goes and nothing is merged.
    await store.rejectLink(id);
    await until(() => expect(part(el, 'possible-matches')).toBeNull());
    expect(part(el, 'warning')).toBeNull();
  });

  it('shows the possible-record notice in minimal mode and in German', async () => {
    const { el } = await render(
      { name: 'possible-match-de', sample: 'versie', editHospitalPatient: (p) => ({ ...p, gender: 'male' }) },
      { minimal: true, lang: 'de' },
    );
    await until(() => expect(part(el, 'possible-matches')).not.toBeNull());
    expect(text(part(el, 'possible-matches')!)).toBe('ℹ 1 möglicher Eintrag bei St Elsewhere Hospital — prüfen');
  });

  it('shows no warning when the copies agree', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' });
    await until(() => expect(part(el, 'name')).not.toBeNull());
    expect(part(el, 'warning')).toBeNull();
  });
});

describe('<ehr-patient-banner>: minimal mode', () => {
  it('shows name, born, gender, identifier and the allergy status on one line, no details zone', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' }, { minimal: true });
    await until(() => expect(text(part(el, 'name'))).toBe('BOTSFORD, Versie'));
    expect(part(el, 'born')).not.toBeNull();
    expect(part(el, 'identifier')).not.toBeNull();
    // CUI's minimum identifiers include gender.
    expect(text(part(el, 'gender'))).toBe('Gender Female');
    await until(() => expect(part(el, 'allergy-status')!.dataset.state).toBe('known-allergies'));
    expect(part(el, 'toggle')).toBeNull();
    expect(part(el, 'details')).toBeNull();
    expect(part(el, 'sources')).toBeNull();
    await expectNoAxeViolations(el);
  });

  it('goes minimal when the SMART launch says the host shows its own banner, keeping the deceased mark', async () => {
    const { store, patient } = await seedBannerStore({ name: 'parker', sample: 'parker' });
    const provider = await fixture<EhrRecordProvider>(html`<ehr-record-provider lang="en" .store=${store} patient=${patient.clinic} .launch=${{ needPatientBanner: false }}>
      <ehr-patient-banner></ehr-patient-banner>
    </ehr-record-provider>`);
    const el = provider.querySelector('ehr-patient-banner')!;
    await until(() => expect(part(el, 'name')).not.toBeNull());
    expect(el.isMinimal).toBe(true);
    expect(part(el, 'toggle')).toBeNull();
    expect(text(part(el, 'deceased'))).toContain('Deceased');
  });
});

describe('<ehr-patient-banner>: states', () => {
  it('shows a loading skeleton while the record is read', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' }, { wrap: neverAnswers });
    await el.updateComplete;
    const skeleton = part(el, 'skeleton')!;
    expect(skeleton.getAttribute('role')).toBe('status');
    expect(text(skeleton)).toBe('Loading Patient');
  });

  it('shows an error with role=alert and a working Retry when the record cannot be read', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' }, { wrap: (s) => failingType(s, 'Patient', 'Disk read failed') });
    await until(() => expect(part(el, 'error')).not.toBeNull());
    expect(part(el, 'error')!.getAttribute('role')).toBe('alert');
    expect(text(part(el, 'error'))).toContain('Disk read failed');
    expect(part(el, 'retry-button')).not.toBeNull();
  });

  it('says "Patient record not available" for a patient the store does not hold — never a blank banner', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' }, { patientKey: () => 'clinic/Patient/not-here' });
    await until(() => expect(text(part(el, 'base'))).toContain('Patient record not available'));
    expect(part(el, 'name')).toBeNull();
  });

  it('names the provider that failed (partial) and offers Retry', async () => {
    const { el } = await render({ name: 'hospital-failed-known', sample: 'versie', hospital: { status: 'error', lastError: 'HTTP 503' } });
    await until(() => expect(text(part(el, 'base'))).toContain('St Elsewhere Hospital could not be synced'));
  });

  it('says the data may be out of date when a provider synced long ago', async () => {
    const { el } = await render({ name: 'stale', sample: 'versie', hospital: { syncedAgo: 3 * DAY, status: 'ok' } });
    await until(() => expect(text(part(el, 'base'))).toContain('may be out of date'));
  });

  it('says when the device is offline', async () => {
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine')!;
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      const { el } = await render({ name: 'versie', sample: 'versie' });
      window.dispatchEvent(new Event('offline'));
      await until(() => expect(text(part(el, 'base'))).toContain('You are offline'));
    } finally {
      delete (navigator as unknown as Record<string, unknown>).onLine;
      void original;
    }
  });
});

describe('<ehr-patient-banner>: hide-source-notices', () => {
  it('leaves out the partial, stale and offline notices, but keeps the allergy summary\'s own warning', async () => {
    const { el } = await render(
      { name: 'hospital-failed-known', sample: 'versie', hospital: { status: 'error', lastError: 'HTTP 503' } },
      { hideSourceNotices: true },
    );
    await until(() => expect(part(el, 'toggle')).not.toBeNull());
    await expand(el);
    await until(() => expect(part(el, 'allergies')?.dataset.state).toBe('known-allergies'));
    expect(el.hasAttribute('hide-source-notices')).toBe(true);
    expect(text(part(el, 'base'))).not.toContain('could not be synced');
    expect(root(el).querySelector('.notice.partial, .notice.stale, .notice.offline')).toBeNull();
    expect(text(part(el, 'allergies'))).toContain('May be incomplete: St Elsewhere Hospital could not be checked.');
    // Turned off again, the notice comes back.
    el.hideSourceNotices = false;
    await until(() => expect(text(part(el, 'base'))).toContain('St Elsewhere Hospital could not be synced'));
  });

  it('hides the stale notice too', async () => {
    const seed = { name: 'stale', sample: 'versie', hospital: { syncedAgo: 3 * DAY, status: 'ok' } } as const;
    const shown = await render(seed);
    const { el } = await render(seed, { hideSourceNotices: true });
    // Same store: once the plain banner says it, the other one has had the same data.
    await until(() => expect(text(part(shown.el, 'base'))).toContain('may be out of date'));
    await until(() => expect(part(el, 'name')).not.toBeNull());
    await el.updateComplete;
    expect(text(part(el, 'base'))).not.toContain('may be out of date');
  });

  it('never hides an error or "Patient record not available"', async () => {
    const broken = await render(
      { name: 'versie', sample: 'versie' },
      { hideSourceNotices: true, wrap: (s) => failingType(s, 'Patient', 'Disk read failed') },
    );
    await until(() => expect(part(broken.el, 'error')?.getAttribute('role')).toBe('alert'));
    const missing = await render({ name: 'versie', sample: 'versie' }, { hideSourceNotices: true, patientKey: () => 'clinic/Patient/not-here' });
    await until(() => expect(text(part(missing.el, 'base'))).toContain('Patient record not available'));
  });
});

describe('<ehr-patient-banner>: language and hostile text', () => {
  it('speaks German', async () => {
    const { el } = await render({ name: 'versie', sample: 'versie' }, { lang: 'de' });
    await until(() => expect(text(part(el, 'born'))).toMatch(/^Geboren 22\.05\.2018 \(\d+ J\.\)$/));
    expect(text(part(el, 'gender'))).toBe('Geschlecht Weiblich');
    expect(text(part(el, 'sources'))).toBe('Daten von Riverside Clinic und St Elsewhere Hospital');
    expect(text(part(el, 'toggle'))).toContain('Mehr Details');
    await expand(el);
    await until(() => expect(text(part(el, 'allergies'))).toContain('Bekannte Allergien'));
  });

  it('renders hostile record text as inert text', async () => {
    const long = 'A'.repeat(10_000);
    const { el } = await render({
      name: 'hostile',
      resources: [
        handMade({
          id: 'evil',
          name: [{ family: '<img src=x onerror="window.__pwned=1">', given: ['<script>window.__pwned=1</script>', '\u202Eevil\u202C', long] }],
          birthDate: '<b>1990</b>',
          identifier: [{ system: 'javascript:alert(1)', value: '<a href="javascript:alert(1)">x</a>', type: { text: 'javascript:alert(1)' } }],
          telecom: [{ system: 'url', value: 'javascript:alert(1)' }],
          address: [{ line: ['<iframe src="javascript:alert(1)">'] }],
        }),
      ],
    });
    await until(() => expect(text(part(el, 'name'))).toContain('<IMG SRC=X ONERROR="WINDOW.__PWNED=1">'));
    expect(root(el).querySelector('img, script, iframe, a')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    expect(part(el, 'name')!.querySelector('bdi')).not.toBeNull();
    // The name is cut after 1,000 characters, and says by how many: the A's not shown.
    const shown = part(el, 'name')!.querySelector('bdi')!.textContent!;
    expect(shown).toHaveLength(1000);
    const hidden = 10_000 - (shown.length - shown.replace(/A+$/, '').length);
    expect(text(part(el, 'name')!.querySelector('[part~="text-cut"]')!)).toBe(`… (${hidden.toLocaleString('en')} more characters not shown)`);
    expect(text(part(el, 'born'))).toBe('Born Not known');
    await expand(el);
    expect(root(el).querySelector('img, script, iframe, a')).toBeNull();
    expect(text(part(el, 'details'))).toContain('<iframe src="javascript:alert(1)">');
  });
});
