/**
 * The consent dialog's contents, loaded with `import()` the first time the dialog opens: the
 * consents in plain words, "who can see what", and the new-consent form. Rendering only; every
 * rule is in `src/fhir/consent-*.ts` and every write goes through the element.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { decideConsent } from '../../fhir/consent-decision.js';
import type { ConsentView, ProvisionView } from '../../fhir/consent-view.js';
import type { ConsentProblem } from '../../fhir/consent-build.js';
import { STATUS_CHANGES } from '../../fhir/consent-build.js';
import { renderCallout } from '../base/callout.js';
import type { ConsentTermKey as TermKey } from './terms.js';
import type { ConsentDialogHost } from './consent-dialog.js';

/** Purposes of use offered (v3 ActReason). */
const PURPOSES: [string, TermKey][] = [
  ['TREAT', 'consentPurposeTREAT'],
  ['ETREAT', 'consentPurposeETREAT'],
  ['HPAYMT', 'consentPurposeHPAYMT'],
  ['HOPERAT', 'consentPurposeHOPERAT'],
  ['HRESCH', 'consentPurposeHRESCH'],
];
/** Data classes offered: resource types the kit shows, then sensitive-data labels. */
const CLASSES = ['Observation', 'MedicationRequest', 'AllergyIntolerance', 'Condition', 'DiagnosticReport', 'Immunization', 'PSY', 'SEX', 'SPI'];
const FORCE_TERMS: Record<ConsentView['force'], TermKey> = {
  'in-force': 'consentInForce',
  'not-active': 'consentNotActive',
  'entered-in-error': 'consentEnteredInError',
  ended: 'consentEnded',
  'not-started': 'consentNotStarted',
};
const WRITE_TERMS = { pending: 'consentPending', uploaded: 'consentUploaded', conflict: 'consentConflict', server: 'consentOnServer' } as const satisfies Record<string, TermKey>;

let formCount = 0;

export function renderConsentBody(h: ConsentDialogHost): TemplateResult {
  const id = `c${++formCount}`;
  const views = [...h.views].sort((a, b) => (a.force === 'in-force' ? 0 : 1) - (b.force === 'in-force' ? 0 : 1) || (b.dateTime ?? '').localeCompare(a.dateTime ?? ''));
  return html`${h.message ? html`<p part="message" class="message" role="status">${h.message}</p>` : nothing}
    <section class="list" aria-labelledby="${id}-list">
      <h3 id="${id}-list" class="sub">${h.t('consentListHeading')}</h3>
      ${views.length ? html`<ul class="consents">${views.map((v) => renderConsent(h, v))}</ul>` : html`<p part="empty" class="empty">${h.t('consentNone')}</p>`}
    </section>
    ${renderPreview(h, id)} ${h.readonly ? html`<p class="readonly-note">${h.t('consentReadonly')}</p>` : renderForm(h, id)}`;
}

function renderConsent(h: ConsentDialogHost, v: ConsentView): TemplateResult {
  const state = h.writeState(v);
  const conflict = h.conflictOf(v);
  const changes = STATUS_CHANGES[v.status] ?? [];
  const period = v.period ? periodWords(h, v.period) : '';
  return html`<li part="consent" class="consent ${v.force}" data-key=${v.key}>
    <p class="consent-head">
      <strong part="status" class="status" data-force=${v.force}>${h.t(FORCE_TERMS[v.force])}</strong>
      <span class="reading">${h.t(`consentReading_${v.reading}` as TermKey)}</span>
      ${h.badge(v.source)}
      <span part="write-state" class="write-state" data-state=${state}>${h.t(WRITE_TERMS[state])}</span>
    </p>
    ${v.force === 'entered-in-error' ? renderCallout('warning', html`<p>${h.t('consentEnteredInErrorNote')}</p>`, { part: 'eie' }) : nothing}
    <dl class="facts">
      <dt>${h.t('consentStatus')}</dt><dd>${h.text(v.status)}</dd>
      ${v.scope ? html`<dt>${h.t('consentScope')}</dt><dd>${h.text(v.scope)}</dd>` : nothing}
      ${v.categories.length ? html`<dt>${h.t('consentCategory')}</dt><dd>${v.categories.map((c, i) => html`${i ? ', ' : ''}${h.text(c)}`)}</dd>` : nothing}
      ${period ? html`<dt>${h.t('consentPeriod')}</dt><dd>${period}</dd>` : nothing}
      ${v.dateTime ? html`<dt>${h.t('consentRecorded')}</dt><dd>${h.date(v.dateTime)}</dd>` : nothing}
      ${v.policyRule || v.policies.length ? html`<dt>${h.t('consentPolicy')}</dt><dd>${[v.policyRule, ...v.policies].filter(Boolean).map((p, i) => html`${i ? ', ' : ''}${h.text(p!)}`)}</dd>` : nothing}
    </dl>
    ${v.root ? html`<ul class="tree">${renderProvision(h, v.root)}</ul>` : html`<p>${h.t('consentNoProvision')}</p>`}
    ${conflict && !h.readonly
      ? html`<div part="conflict" class="conflict" role="group" aria-label=${h.t('consentConflict')}>
          <p>${h.t('consentConflictNote')}</p>
          <button type="button" class="target" ?disabled=${h.busy} @click=${() => h.resolve(v, 'local')}>${h.t('consentKeepMine')}</button>
          <button type="button" class="target" ?disabled=${h.busy} @click=${() => h.resolve(v, 'server')}>${h.t('consentTakeTheirs')}</button>
        </div>`
      : nothing}
    ${!h.readonly && changes.length && v.force !== 'entered-in-error'
      ? html`<div class="actions">${changes.map(
          (to) => html`<button type="button" class="target" ?disabled=${h.busy || !h.user} data-to=${to} @click=${() => h.changeStatus(v, to)}>
            ${h.t(to === 'inactive' ? 'consentRevoke' : (`consentMake_${to}` as TermKey))}
          </button>`,
        )}</div>`
      : nothing}
  </li>`;
}

function periodWords(h: ConsentDialogHost, p: { start?: string; end?: string }): string {
  if (p.start && p.end) return h.term('consentFromTo', h.date(p.start), h.date(p.end));
  if (p.start) return h.term('consentFrom', h.date(p.start));
  if (p.end) return h.term('consentUntil', h.date(p.end));
  return '';
}

function renderProvision(h: ConsentDialogHost, p: ProvisionView): TemplateResult {
  const parts: TemplateResult[] = [];
  if (p.actors.length) parts.push(html`<span class="who">${h.t('consentWho')}: ${p.actors.map((a, i) => html`${i ? ', ' : ''}${h.text(a.display ?? a.reference)}${a.role ? html` (${h.text(a.roleText ?? a.role)})` : nothing}`)}</span>`);
  else parts.push(html`<span class="who">${h.t('consentAnyone')}</span>`);
  if (p.actions.length) parts.push(html`<span>${h.t('consentActions')}: ${p.actions.map((a, i) => html`${i ? ', ' : ''}${h.text(a)}`)}</span>`);
  if (p.purposes.length) parts.push(html`<span>${h.t('consentPurposes')}: ${p.purposes.map((x, i) => html`${i ? ', ' : ''}${h.text(x.display ?? x.code)}`)}</span>`);
  const data = [...p.classes, ...p.codes, ...p.securityLabels];
  parts.push(html`<span>${h.t('consentData')}: ${data.length ? data.map((d, i) => html`${i ? ', ' : ''}${h.text(d)}`) : h.t('consentAllData')}</span>`);
  if (p.data.length) parts.push(html`<span>${h.t('consentResources')}: ${p.data.map((d, i) => html`${i ? ', ' : ''}${h.text(d.reference)}`)}</span>`);
  if (p.dataPeriod) parts.push(html`<span>${h.t('consentDataPeriod')}: ${periodWords(h, p.dataPeriod)}</span>`);
  if (p.period) parts.push(html`<span>${h.t('consentRulePeriod')}: ${periodWords(h, p.period)}</span>`);
  const kind = p.type === 'permit' ? 'consentPermit' : p.type === 'deny' ? 'consentDeny' : 'consentUnstated';
  return html`<li part="provision" class="provision ${p.type}" data-path=${p.path}>
    <p><strong class="type">${p.type === 'permit' ? '✓' : p.type === 'deny' ? '⊘' : '?'} ${h.t(kind)}</strong>${p.typeInferred ? html` <span class="inferred">${h.t(p.path === '1' ? 'consentTypeFromPolicy' : 'consentTypeFromParent')}</span>` : nothing}
      — ${parts.map((x, i) => html`${i ? ' · ' : ''}${x}`)}</p>
    ${p.children.length ? html`<p class="except">${h.t('consentExcept')}</p><ul>${p.children.map((c) => renderProvision(h, c))}</ul>` : nothing}
  </li>`;
}

function renderPreview(h: ConsentDialogHost, id: string): TemplateResult {
  const q = h.preview;
  const actor = q.actor || h.organizations[0]?.reference || '';
  const d = actor ? decideConsent(h.views, { actor, purpose: q.purpose, dataClass: q.dataClass }, h.now) : undefined;
  const words = d ? h.t(d.decision === 'permit' ? 'consentPermitted' : d.decision === 'deny' ? 'consentDenied' : 'consentNotCovered') : '';
  const decidingView = d?.consentKey ? h.views.find((v) => v.key === d.consentKey) : undefined;
  return html`<section part="preview" class="preview" aria-labelledby="${id}-preview">
    <h3 id="${id}-preview" class="sub">${h.t('consentPreviewHeading')}</h3>
    <div class="fields">
      <label>${h.t('consentOrganization')}
        <select @change=${(e: Event) => h.setPreview({ actor: (e.target as HTMLSelectElement).value })}>
          ${h.organizations.map((o) => html`<option value=${o.reference} ?selected=${o.reference === actor}>${o.display}</option>`)}
        </select></label>
      <label>${h.t('consentPurpose')}
        <select @change=${(e: Event) => h.setPreview({ purpose: (e.target as HTMLSelectElement).value })}>
          ${PURPOSES.map(([code, term]) => html`<option value=${code} ?selected=${code === q.purpose}>${h.t(term)}</option>`)}
        </select></label>
      <label>${h.t('consentDataClass')}
        <select @change=${(e: Event) => h.setPreview({ dataClass: (e.target as HTMLSelectElement).value })}>
          ${CLASSES.map((c) => html`<option value=${c} ?selected=${c === q.dataClass}>${c}</option>`)}
        </select></label>
    </div>
    ${d
      ? html`<p part="decision" class="decision" data-decision=${d.decision} role="status">
          <strong>${d.decision === 'permit' ? '✓' : d.decision === 'deny' ? '⊘' : '–'} ${words}</strong>
          ${decidingView && d.provision ? html` — ${h.term('consentDecidedBy', d.provision.path)} ${h.badge(decidingView.source)}` : html` — ${h.t('consentNothingApplies')}`}
          ${d.alsoApplies.length ? html`<span class="also">${h.term('consentAlsoApplies', d.alsoApplies.length)}</span>` : nothing}
        </p>`
      : html`<p class="decision">${h.t('consentPickOrganization')}</p>`}
  </section>`;
}

function fieldError(problems: ConsentProblem[], field: ConsentProblem['field'], id: string): TemplateResult | typeof nothing {
  const p = problems.filter((x) => x.field === field);
  return p.length ? html`<span part="field-error" class="field-error" id="${id}-${field}-error">${p.map((x) => x.message).join(' ')}</span>` : nothing;
}

function renderForm(h: ConsentDialogHost, id: string): TemplateResult {
  const errs = h.problems;
  const describedBy = (f: ConsentProblem['field']) => (errs.some((x) => x.field === f) ? `${id}-${f}-error` : '');
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const recipient = h.organizations.find((o) => o.reference === data.get('recipient'));
    const end = String(data.get('end') ?? '');
    h.saveNew({
      ...(recipient ? { recipient: { reference: recipient.reference, display: recipient.display } } : {}),
      purpose: String(data.get('purpose') ?? 'TREAT'),
      start: String(data.get('start') ?? ''),
      ...(end ? { end } : {}),
      exclude: data.getAll('exclude').map(String),
    });
  };
  return html`<section class="new" aria-labelledby="${id}-new">
    <h3 id="${id}-new" class="sub">${h.t('consentNewHeading')}</h3>
    ${!h.user ? renderCallout('info', html`<p>${h.t('consentNoUser')}</p>`, { part: 'no-user' }) : nothing}
    <form part="form" class="form" novalidate @submit=${submit}>
      <label>${h.t('consentShareWith')}
        <select name="recipient" aria-invalid=${errs.some((x) => x.field === 'recipient') ? 'true' : 'false'} aria-describedby=${describedBy('recipient')}>
          <option value="">${h.t('consentChoose')}</option>
          ${h.organizations.map((o) => html`<option value=${o.reference}>${o.display}</option>`)}
        </select>${fieldError(errs, 'recipient', id)}</label>
      <label>${h.t('consentPurpose')}
        <select name="purpose">${PURPOSES.map(([code, term]) => html`<option value=${code}>${h.t(term)}</option>`)}</select></label>
      <label>${h.t('consentStart')}
        <input type="date" name="start" aria-invalid=${errs.some((x) => x.field === 'start') ? 'true' : 'false'} aria-describedby=${describedBy('start')} />${fieldError(errs, 'start', id)}</label>
      <label>${h.t('consentEnd')}
        <input type="date" name="end" aria-invalid=${errs.some((x) => x.field === 'end') ? 'true' : 'false'} aria-describedby=${describedBy('end')} />${fieldError(errs, 'end', id)}</label>
      <fieldset><legend>${h.t('consentExclude')}</legend>
        ${CLASSES.slice(0, 6).map((c) => html`<label class="check"><input type="checkbox" name="exclude" value=${c} /> ${c}</label>`)}
      </fieldset>
      ${fieldError(errs, 'author', id)} ${fieldError(errs, 'patient', id)} ${fieldError(errs, 'policy', id)}
      <button type="submit" class="target primary" ?disabled=${h.busy || !h.user}>${h.t('consentSave')}</button>
    </form>
  </section>`;
}
