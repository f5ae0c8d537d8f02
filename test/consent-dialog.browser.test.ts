/**
 * `<ehr-consent-dialog>` in Chromium on a real record store: the six R4 example consents (their
 * `patient` pointed at the seeded patient, nothing else changed) at the clinic, the dialog's
 * focus handling, "who can see what", recording with validation, revoking with a Provenance,
 * read-only mode and German.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import type { Consent, Provenance } from 'fhir/r4';
import { expectNoAxeViolations } from './support/elements.js';
import { de, registerTranslation } from '../src/elements/base/index.js';
import { EhrConsentDialog } from '../src/elements/consent-dialog/define.js';
import { seedMedicationPatient } from './support/seed-medication-list.js';
import out from '../demo/data/patients/spec-examples/Consent-consent-example-Out.json';
import basic from '../demo/data/patients/spec-examples/Consent-consent-example-basic.json';
import notOrg from '../demo/data/patients/spec-examples/Consent-consent-example-notOrg.json';
import notThis from '../demo/data/patients/spec-examples/Consent-consent-example-notThis.json';
import pkb from '../demo/data/patients/spec-examples/Consent-consent-example-pkb.json';
import smart from '../demo/data/patients/spec-examples/Consent-consent-example-smartonfhir.json';

registerTranslation(de);
afterEach(() => fixtureCleanup());

const EXAMPLES = [out, basic, notOrg, notThis, pkb, smart] as unknown as Consent[];
const NOW = Date.UTC(2026, 11, 4, 9);
const USER = { reference: 'Practitioner/dr-lopez', display: 'Dr Ana Lopez' };
const text = (el: Element | ShadowRoot | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function render(name: string, attrs: { readonly?: boolean; user?: boolean; lang?: string } = {}) {
  const seeded = await seedMedicationPatient({
    name,
    prefix: 'consent',
    patient: 'usqc',
    clinic: { syncedAgo: 60_000, status: 'ok' },
    hospital: { syncedAgo: 60_000, status: 'ok' },
    extra: { clinic: (ref) => EXAMPLES.map((c) => ({ ...structuredClone(c), patient: { reference: ref } })) },
  });
  const wrapper = await fixture<HTMLElement>(html`<div lang=${attrs.lang ?? 'en'}>
    <button id="before">before</button>
    <ehr-consent-dialog .store=${seeded.store} patient=${seeded.patient.clinic} ?readonly=${attrs.readonly ?? false}
      .user=${attrs.user === false ? undefined : USER}
      .organizations=${[{ reference: 'Organization/hospital-org', display: 'St Elsewhere Hospital' }]}></ehr-consent-dialog>
  </div>`);
  const el = wrapper.querySelector('ehr-consent-dialog') as EhrConsentDialog;
  el.clock = () => NOW;
  await vi.waitFor(() => expect(text(el.shadowRoot!.querySelector('[part~="summary"]'))).toMatch(/^Consents: \d+ in force of 6$|^Einwilligungen/));
  return { el, ...seeded };
}

async function open(el: EhrConsentDialog) {
  const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="open-button"]')!;
  button.focus();
  button.click();
  await vi.waitFor(() => expect(el.shadowRoot!.querySelector('dialog')?.open).toBe(true));
  await el.updateComplete;
  return el.shadowRoot!.querySelector('dialog')!;
}

const consent = (el: EhrConsentDialog, id: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="consent"][data-key$="/Consent/${id}"]`)!;

describe('<ehr-consent-dialog>', () => {
  it('a modal dialog: focus moves in, Escape closes it, focus returns; the six examples read right', async () => {
    const { el } = await render('read');
    const closed: string[] = [];
    el.addEventListener('ehr-consent-close', (e) => closed.push(e.detail.reason));
    const dialog = await open(el);
    expect(dialog.getAttribute('aria-labelledby')).toBe(dialog.querySelector('[part~="title"]')!.id);
    expect(dialog.contains(el.shadowRoot!.activeElement)).toBe(true);
    expect(dialog.querySelectorAll('[part~="consent"]').length).toBe(6);
    expect(text(consent(el, 'consent-example-basic').querySelector('[part~="status"]'))).toBe('Ended');
    expect(text(consent(el, 'consent-example-Out').querySelector('[part~="status"]'))).toBe('In force');
    expect(text(consent(el, 'consent-example-pkb'))).toContain('Opt-in: nothing is shared except what is permitted below');
    expect(text(consent(el, 'consent-example-pkb'))).toContain('(not recorded; read as an exception to the rule above)');
    expect(text(consent(el, 'consent-example-smartonfhir'))).toContain('MedicationRequest');
    await expectNoAxeViolations(el);
    await userEvent.keyboard('{Escape}');
    await vi.waitFor(() => expect(dialog.open).toBe(false));
    expect(closed).toEqual(['escape']);
    expect(el.shadowRoot!.activeElement).toBe(el.shadowRoot!.querySelector('[part~="open-button"]'));
  });

  it('who can see what: the decision and the rule that decides it', async () => {
    const { el } = await render('preview');
    el.organizations = [{ reference: 'Organization/f001', display: 'Burgers University Medical Center' }];
    const dialog = await open(el);
    const decision = () => dialog.querySelector<HTMLElement>('[part~="decision"]')!;
    await vi.waitFor(() => expect(decision().dataset.decision).toBe('deny'));
    expect(text(decision())).toMatch(/^⊘ Denied — decided by rule 1 of the consent from/);
    const [org, purpose, data] = [...dialog.querySelectorAll<HTMLSelectElement>('[part~="preview"] select')];
    expect(org!.value).toBe('Organization/f001');
    data!.value = 'N';
    data!.dispatchEvent(new Event('change'));
    purpose!.value = 'HRESCH';
    purpose!.dispatchEvent(new Event('change'));
    await el.updateComplete;
    // Still denied: the opt-outs name the organization with no purpose or data limits.
    expect(decision().dataset.decision).toBe('deny');
  });

  it('records a consent: field-by-field validation first, then the consent and its Provenance go to the outbox', async () => {
    const { el, store } = await render('record');
    const saves: Consent[] = [];
    el.addEventListener('ehr-consent-saved', (e) => saves.push(e.detail.consent));
    const dialog = await open(el);
    const form = dialog.querySelector<HTMLFormElement>('[part~="form"]')!;
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await vi.waitFor(() => expect(dialog.querySelectorAll('[part~="field-error"]').length).toBe(2));
    const recipient = form.querySelector<HTMLSelectElement>('select[name="recipient"]')!;
    expect(recipient.getAttribute('aria-invalid')).toBe('true');
    expect(text(dialog.querySelector(`#${recipient.getAttribute('aria-describedby')}`))).toBe('Name the organization the record is shared with.');
    recipient.value = 'Organization/hospital-org';
    form.querySelector<HTMLInputElement>('input[name="start"]')!.value = '2026-12-04';
    form.querySelector<HTMLInputElement>('input[name="end"]')!.value = '2027-12-04';
    form.querySelector<HTMLInputElement>('input[name="exclude"][value="MedicationRequest"]')!.checked = true;
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await vi.waitFor(() => expect(saves.length).toBe(1));
    const outbox = await store.listOutbox('clinic');
    expect(outbox.map((o) => o.type)).toEqual(['Consent', 'Provenance']);
    const saved = outbox[0]!.body as Consent;
    expect(saved.provision!.provision![0]).toMatchObject({ type: 'deny', class: [{ code: 'MedicationRequest' }] });
    expect((outbox[1]!.body as Provenance).agent[0]!.who).toEqual(USER);
    await vi.waitFor(() => expect(dialog.querySelectorAll('[part~="consent"]').length).toBe(7));
    const row = consent(el, saved.id!);
    expect(text(row.querySelector('[part~="write-state"]'))).toBe('Waiting to upload');
    expect(text(row.querySelector('[part~="status"]'))).toBe('In force');
  });

  it('a host may veto a save; without a user nothing can be recorded', async () => {
    const { el, store } = await render('veto', { user: false });
    const dialog = await open(el);
    expect(text(dialog.querySelector('[part~="no-user"]'))).toContain('The current user is not known');
    expect(dialog.querySelector<HTMLButtonElement>('[part~="form"] button[type="submit"]')!.disabled).toBe(true);
    el.user = USER;
    el.addEventListener('ehr-consent-save', (e) => e.preventDefault());
    await el.updateComplete;
    const form = dialog.querySelector<HTMLFormElement>('[part~="form"]')!;
    form.querySelector<HTMLSelectElement>('select[name="recipient"]')!.value = 'Organization/hospital-org';
    form.querySelector<HTMLInputElement>('input[name="start"]')!.value = '2026-12-04';
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await vi.waitFor(() => expect(text(dialog.querySelector('[part~="message"]'))).toBe('The page did not allow this change.'));
    expect(await store.listOutbox('clinic')).toEqual([]);
  });

  it('revokes: inactive, with a Provenance saying who and when', async () => {
    const { el, store } = await render('revoke');
    const dialog = await open(el);
    const row = consent(el, 'consent-example-notOrg');
    row.querySelector<HTMLButtonElement>('button[data-to="inactive"]')!.click();
    await vi.waitFor(() => expect(text(consent(el, 'consent-example-notOrg').querySelector('[part~="status"]'))).toBe('Not in force'));
    const outbox = await store.listOutbox('clinic');
    expect((outbox[0]!.body as Consent).status).toBe('inactive');
    const version = (await store.get('clinic', 'Consent', 'consent-example-notOrg'))!.versionId;
    // The Provenance names the version that was revoked.
    expect(outbox[1]!.body).toMatchObject({ resourceType: 'Provenance', target: [{ reference: `Consent/consent-example-notOrg${version ? `/_history/${version}` : ''}` }], recorded: new Date(NOW).toISOString(), agent: [{ who: USER }] });
    expect(text(dialog.querySelector('[part~="message"]'))).toContain('Consent revoked');
  });

  it('read-only: no form, no status buttons', async () => {
    const { el } = await render('readonly', { readonly: true });
    const dialog = await open(el);
    expect(dialog.querySelector('[part~="form"]')).toBeNull();
    expect(dialog.querySelector('button[data-to]')).toBeNull();
    expect(text(dialog)).toContain('Read only');
  });

  it('German', async () => {
    const { el } = await render('german', { lang: 'de' });
    const dialog = await open(el);
    expect(text(dialog.querySelector('[part~="title"]'))).toBe('Einwilligung zur Weitergabe der Akte');
    expect(text(consent(el, 'consent-example-basic').querySelector('[part~="status"]'))).toBe('Abgelaufen');
  });
});
