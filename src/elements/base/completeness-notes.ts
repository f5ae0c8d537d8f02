import { html, nothing, type TemplateResult } from 'lit';
import { completenessVerdict, type CompletenessVerdict } from '../../fhir/completeness.js';
import type { Localize } from './localize/localize.js';
import { sentence } from './record-text.js';
import type { SourceStatusController } from './source-status-controller.js';

/** The completeness verdict for the element's active patient (see `src/fhir/completeness.ts`). */
export function verdictFor(status: SourceStatusController): CompletenessVerdict {
  return status.loaded ? completenessVerdict(status.known, status.sources) : completenessVerdict(false, []);
}

/**
 * "May be incomplete: St Elsewhere could not be checked." above a list with entries while some
 * provider did not deliver (`part="incomplete"`, `role="note"`). Never hidden by
 * `hide-source-notices`: it qualifies the clinical content, not the sync status.
 */
export function renderIncompleteCaveat(localize: Localize, verdict: CompletenessVerdict): TemplateResult | typeof nothing {
  if (!verdict.caveat) return nothing;
  const words = verdict.missing.length
    ? sentence(localize, (slot) => localize.term('incompleteSources', localize.list(verdict.missing.map(slot))))
    : html`${localize.term('incompleteUnknown')}`;
  return html`<p part="incomplete" class="note incomplete" role="note"><span aria-hidden="true">⚠</span> <span>${words}</span></p>`;
}

/** "No record at St Elsewhere": providers searched for this patient that have nothing on them (`part="no-record"`). */
export function renderNoRecord(localize: Localize, verdict: CompletenessVerdict): TemplateResult | typeof nothing {
  if (!verdict.noRecord.length) return nothing;
  return html`${verdict.noRecord.map(
    (name) => html`<p part="no-record" class="note no-record">${sentence(localize, (slot) => localize.term('noRecordAt', slot(name)))}</p>`,
  )}`;
}
