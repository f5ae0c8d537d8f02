/**
 * What a SMART launch context changes in the elements, in Chromium on a real record store:
 * granted scopes ("Not shared with this app", a read-only consent dialog), `fhirUser` as the
 * author, and `smart_style_url` tokens on the provider (validated again there).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import type { LaunchContext } from '../src/elements/base/store-types.js';
import '../src/elements/record-provider/define.js';
import '../src/elements/allergy-panel/define.js';
import '../src/elements/medication-list/define.js';
import '../src/elements/patient-banner/define.js';
import type { EhrConsentDialog } from '../src/elements/consent-dialog/define.js';
import '../src/elements/consent-dialog/define.js';
import type { EhrRecordProvider } from '../src/elements/record-provider/define.js';
import { seedMedicationPatient } from './support/seed-medication-list.js';

afterEach(() => fixtureCleanup());
const text = (el: Element | ShadowRoot | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

const READ_ALL = ['Patient', 'AllergyIntolerance', 'MedicationRequest', 'MedicationStatement', 'Consent', 'Observation'].map((t) => `patient/${t}.rs`);

async function mount(name: string, launch: LaunchContext | undefined, style = '') {
  const seeded = await seedMedicationPatient({
    name,
    prefix: 'smart-context',
    patient: 'usqc',
    clinic: { syncedAgo: 60_000, status: 'ok' },
    hospital: { syncedAgo: 60_000, status: 'ok' },
  });
  const provider = await fixture<EhrRecordProvider>(html`<ehr-record-provider .store=${seeded.store} patient=${seeded.patient.clinic} .launch=${launch} style=${style}>
    <ehr-patient-banner></ehr-patient-banner>
    <ehr-allergy-panel></ehr-allergy-panel>
    <ehr-medication-list></ehr-medication-list>
    <ehr-consent-dialog></ehr-consent-dialog>
  </ehr-record-provider>`);
  const q = (tag: string) => provider.querySelector(tag)!.shadowRoot!;
  return { provider, q, ...seeded };
}

async function openConsents(provider: EhrRecordProvider): Promise<HTMLDialogElement> {
  const el = provider.querySelector('ehr-consent-dialog') as EhrConsentDialog;
  await vi.waitFor(() => expect(el.shadowRoot!.querySelector('[part~="open-button"]')).not.toBeNull());
  el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="open-button"]')!.click();
  await vi.waitFor(() => expect(el.shadowRoot!.querySelector('dialog')?.open).toBe(true));
  await el.updateComplete;
  return el.shadowRoot!.querySelector('dialog')!;
}

describe('granted scopes', () => {
  it('a type not granted says "Not shared with this app" in its panel and in the banner, never "not recorded"; granted types show', async () => {
    const { q } = await mount('not-shared', { scopes: READ_ALL.filter((s) => !s.includes('AllergyIntolerance')) });
    await vi.waitFor(() => expect(text(q('ehr-allergy-panel').querySelector('[part="not-shared"]'))).toContain('Not shared with this app'));
    expect(text(q('ehr-allergy-panel'))).not.toMatch(/not recorded|No known allergies/i);
    await vi.waitFor(() => expect(q('ehr-patient-banner').querySelector('[part="allergy-status"]')?.getAttribute('data-state')).toBe('not-shared'));
    await vi.waitFor(() => expect(q('ehr-medication-list').querySelector('[part~="row"], [part~="medication"], li')).not.toBeNull());
    expect(q('ehr-medication-list').querySelector('[part="not-shared"]')).toBeNull();
  });

  it('without a SMART context (no scopes) nothing is hidden', async () => {
    const { q } = await mount('no-smart', undefined);
    await vi.waitFor(() => expect(q('ehr-allergy-panel').querySelector('[part="skeleton"]')).toBeNull());
    expect(q('ehr-allergy-panel').querySelector('[part="not-shared"]')).toBeNull();
  });

  it('read scope on Consent without write: the dialog is read-only', async () => {
    const { provider } = await mount('consent-read', { scopes: READ_ALL, fhirUser: 'Practitioner/riverside-ana-lopez' });
    const dialog = await openConsents(provider);
    expect(dialog.querySelector('[part~="form"]')).toBeNull();
    expect(text(dialog)).toContain('Read only');
  });

  it('with write scope, fhirUser is the author: the form is there and no "user not known" notice', async () => {
    const scopes = [...READ_ALL, 'patient/Consent.crus', 'patient/Provenance.crus'];
    const { provider } = await mount('consent-write', { scopes, fhirUser: 'Practitioner/riverside-ana-lopez' });
    const dialog = await openConsents(provider);
    expect(dialog.querySelector('[part~="form"]')).not.toBeNull();
    expect(dialog.querySelector('[part~="no-user"]')).toBeNull();
    // Without fhirUser (and no user property) the same dialog says it cannot record.
    provider.launch = { scopes };
    await provider.updateComplete;
    const el = provider.querySelector('ehr-consent-dialog') as EhrConsentDialog;
    await el.updateComplete;
    await vi.waitFor(() => expect(el.shadowRoot!.querySelector('[part~="no-user"]')).not.toBeNull());
  });
});

describe('smart_style_url tokens', () => {
  it('valid tokens are set on the provider and reach the elements; hostile values, unknown tokens and the host’s own settings are left alone', async () => {
    const launch: LaunchContext = {
      styleTokens: {
        '--ehr-color-surface': '#edeae3',
        '--ehr-color-text': 'red; background: url(https://evil.example/)',
        '--ehr-space-m': '12px',
        '--ehr-font-family': 'Georgia, serif',
        '--not-ours': 'red',
      },
    };
    const { provider, q } = await mount('style', launch, '--ehr-font-family: Verdana');
    expect(provider.style.getPropertyValue('--ehr-color-surface')).toBe('#edeae3');
    expect(provider.style.getPropertyValue('--ehr-space-m')).toBe('12px');
    expect(provider.style.getPropertyValue('--ehr-color-text')).toBe('');
    expect(provider.style.getPropertyValue('--not-ours')).toBe('');
    expect(provider.style.getPropertyValue('--ehr-font-family').trim()).toBe('Verdana');
    const base = q('ehr-allergy-panel').querySelector('[part="base"]') ?? q('ehr-allergy-panel').firstElementChild!;
    expect(getComputedStyle(base).getPropertyValue('--ehr-color-surface').trim()).toBe('#edeae3');
    // A new launch takes the old style away.
    provider.launch = {};
    await provider.updateComplete;
    expect(provider.style.getPropertyValue('--ehr-color-surface')).toBe('');
    expect(provider.style.getPropertyValue('--ehr-font-family').trim()).toBe('Verdana');
  });
});
