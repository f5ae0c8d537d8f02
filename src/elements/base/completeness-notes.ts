import { html, nothing, type TemplateResult } from 'lit';
import { completenessVerdict, type CompletenessVerdict } from '../../fhir/completeness.js';
import type { Localize } from './localize/localize.js';
import { renderCallout } from './callout.js';
import { sentence } from './record-text.js';
import type { SourceStatusController } from './source-status-controller.js';

/** The completeness verdict for the element's active patient (see `src/fhir/completeness.ts`). */
export function verdictFor(status: SourceStatusController): CompletenessVerdict {
  return status.loaded ? completenessVerdict(status.known, status.sources) : completenessVerdict(false, []);
}

/**
 * "May be incomplete: St Elsewhere could not be checked." above a list with entries while some
 * provider did not deliver: a warning callout (`part="warning incomplete"`, `role="note"`). Never hidden by
 * `hide-source-notices`: it qualifies the clinical content, not the sync status.
 */
export function renderIncompleteCaveat(localize: Localize, verdict: CompletenessVerdict): TemplateResult | typeof nothing {
  if (!verdict.caveat) return nothing;
  const words = verdict.missing.length
    ? sentence(localize, (slot) => localize.term('incompleteSources', localize.list(verdict.missing.map(slot))))
    : html`${localize.term('incompleteUnknown')}`;
  return renderCallout('warning', html`<p>${words}</p>`, { part: 'incomplete', cls: 'incomplete', about: 'incomplete' });
}

/** "No record at St Elsewhere": providers searched for this patient that have nothing on them (`part="no-record"`). */
export function renderNoRecord(localize: Localize, verdict: CompletenessVerdict): TemplateResult | typeof nothing {
  if (!verdict.noRecord.length) return nothing;
  return html`${verdict.noRecord.map(
    (name) => html`<p part="no-record" class="note no-record">${sentence(localize, (slot) => localize.term('noRecordAt', slot(name)))}</p>`,
  )}`;
}

/** The words one element uses for its empty states (see {@link renderEmptyRecord}). */
export interface EmptyRecordTerms {
  /** "Allergies not recorded": every provider delivered and none has an entry. */
  none: string;
  /** A second line under `none`, if the element has one. */
  noneDetail?: string;
  /** "Allergies unavailable": some provider did not deliver. */
  unavailable: string;
  /** "… could not be checked" naming the providers (a localized list, record text in slots). */
  unavailableSources: (providers: string) => string;
  /** The same when the providers' states could not be read at all. */
  unavailableUnknown: string;
}

/**
 * An element with no entries at all (`part="empty"`): "nothing recorded" only when every provider
 * delivered (see `src/fhir/completeness.ts`); otherwise "unavailable" with the providers that did
 * not deliver, announced (`role="status"`). The same markup in every element: a title line and a
 * detail line.
 */
export function renderEmptyRecord(localize: Localize, verdict: CompletenessVerdict, terms: EmptyRecordTerms): TemplateResult {
  if (verdict.empty === 'none-recorded') {
    return html`<div part="empty" class="empty-record">
      <p class="empty-title">${terms.none}</p>
      ${terms.noneDetail ? html`<p class="empty-detail">${terms.noneDetail}</p>` : nothing}
    </div>`;
  }
  const detail = verdict.missing.length
    ? sentence(localize, (slot) => terms.unavailableSources(localize.list(verdict.missing.map(slot))))
    : terms.unavailableUnknown;
  return html`<div part="empty" class="empty-record unavailable" role="status">
    <p class="empty-title">${terms.unavailable}</p>
    <p class="empty-detail">${detail}</p>
  </div>`;
}
