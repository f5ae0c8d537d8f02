import { html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AllergyIntolerance } from 'fhir/r4';
import { EhrDataElement, baseStyles } from '../base/ehr-element.js';
import { patientQuery } from '../base/patient-query.js';
import { sourceStatus } from '../base/source-status-controller.js';
import { headingStyles, stateStyles } from '../base/state-styles.js';
import { renderError, renderNotShared, renderSkeleton, renderSourceNotices } from '../base/state-views.js';
import { headingLevel, renderHeading } from '../base/heading.js';
import type { TermKey } from '../base/localize/localize.js';
import { renderEmptyRecord, renderIncompleteCaveat, renderNoRecord, verdictFor } from '../base/completeness-notes.js';
import { renderCallout, renderCalloutMark } from '../base/callout.js';
import { HostFilterController, renderHostFilterNote } from '../base/host-filter-controller.js';
import { recordText, sentence } from '../base/record-text.js';
import type { CompletenessVerdict } from '../../fhir/completeness.js';
import type { StoredRow } from '../base/store-types.js';
import {
  buildAllergyPanel,
  type AllergyOnset,
  type AllergyPanelView,
  type AllergyReactionView,
  type AllergyRowView,
  type DisplayCriticality,
  type DisplayVerification,
  type HiddenAllergyEntry,
  type NoKnownStatementView,
  type SharedAllergyFacts,
  type ValueWithSources,
} from '../../fhir/allergy-rows.js';
import type { AllergyClinicalKey, NoKnownAllergyKind } from '../../fhir/status.js';
import { formatQuantity } from '../../fhir/quantities.js';
import { own } from '../../fhir/lookup.js';
import { LIST_PREVIEW, NESTED_PREVIEW, preview, renderAndMore, renderShowAll } from '../base/show-more.js';
import styles from './allergy-panel.styles.js';

const CRITICALITY_TERMS: Record<DisplayCriticality, TermKey> = {
  high: 'allergyCriticalityHigh',
  low: 'allergyCriticalityLow',
  'not-known': 'allergyCriticalityNotKnown',
};
/** Criticality as a capitalised short value, for "High (St Elsewhere) · Low (Riverside)". */
const CRITICALITY_SHORT_TERMS: Record<DisplayCriticality, TermKey> = {
  high: 'allergyCriticalityShortHigh',
  low: 'allergyCriticalityShortLow',
  'not-known': 'notKnown',
};
/** Most cautious first: the order a disputed criticality is read out in. */
const CRITICALITY_CAUTION: Record<DisplayCriticality, number> = { high: 0, 'not-known': 1, low: 2 };
const VERIFICATION_TERMS: Record<DisplayVerification, TermKey> = {
  confirmed: 'allergyConfirmed',
  unconfirmed: 'unconfirmed',
  'not-known': 'allergyVerificationNotKnown',
};
const CLINICAL_TERMS: Record<AllergyClinicalKey, TermKey> = {
  active: 'allergyStatusActive',
  inactive: 'allergyStatusInactive',
  resolved: 'allergyStatusResolved',
  'not-known': 'notKnown',
};
const CATEGORY_TERMS: Record<string, TermKey> = {
  food: 'allergyCategoryFood',
  medication: 'allergyCategoryMedication',
  environment: 'allergyCategoryEnvironment',
  biologic: 'allergyCategoryBiologic',
};
const TYPE_TERMS: Record<string, TermKey> = { allergy: 'allergyTypeAllergy', intolerance: 'allergyTypeIntolerance' };
const SEVERITY_TERMS: Record<string, TermKey> = {
  mild: 'allergySeverityMild',
  moderate: 'allergySeverityModerate',
  severe: 'allergySeveritySevere',
};
const STATEMENT_TERMS: Record<NoKnownAllergyKind, TermKey> = {
  'no-known-allergies': 'noKnownAllergies',
  'no-known-drug-allergies': 'allergyNoKnownDrug',
  'no-known-food-allergies': 'allergyNoKnownFood',
  'no-known-environmental-allergies': 'allergyNoKnownEnvironmental',
  'no-known-latex-allergies': 'allergyNoKnownLatex',
  'no-known-insect-allergies': 'allergyNoKnownInsect',
  'no-known-animal-allergies': 'allergyNoKnownAnimal',
  'no-allergy-information': 'allergyNoAllergyInfo',
};

/**
 * Row layout of the panel: `dense` (default) puts one allergy on one line under column labels;
 * `compact` keeps only substance, criticality and sources on the line, the reactions and dates
 * behind each row's "More details" (every safety marker stays on the line: criticality and its
 * dispute, unconfirmed, the refuted and differing notes); `comfortable` is a card per allergy
 * with every fact labelled. Any other value reads as `dense`.
 */
export type AllergyPanelDensity = 'compact' | 'dense' | 'comfortable';

/** Criticality shapes (never colour alone): warning triangle, small circle, dashed circle. */
function criticalityIcon(c: DisplayCriticality): TemplateResult {
  if (c === 'high') {
    return html`<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M8 1 15.5 14.5H.5Z" fill="currentColor" />
      <path d="M8 5.5v4.5M8 11.8v1.2" stroke="var(--ehr-color-surface, #fff)" stroke-width="1.8" stroke-linecap="round" />
    </svg>`;
  }
  if (c === 'low') {
    return html`<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="4" fill="none" stroke="currentColor" stroke-width="2" />
    </svg>`;
  }
  return html`<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
    <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.5" stroke-dasharray="2.5 2" />
  </svg>`;
}

/**
 * A patient's allergies and intolerances from every linked source, as one list a clinician can
 * act on.
 *
 * - One row per substance: the same allergy from two providers (a shared coding or the same
 *   words), or copied many times by one, is shown once with every source; where the sources
 *   disagree the row shows the more cautious value and says so next to what it qualifies: a
 *   disputed criticality beside the badge, "High (St Elsewhere Hospital) · Low (Riverside
 *   Clinic)" with a warning mark; a verification or clinical status difference, or a copy one
 *   provider marked refuted, in a note on the row ("Sources differ: …").
 * - Current allergies first, sorted by substance name without a leading "Allergy to" (case- and
 *   accent-insensitive, in the page's language); criticality marks a row, it does not reorder the
 *   list. Unconfirmed allergies stay in the current list, marked by the word "Unconfirmed" and a
 *   dashed border. Inactive and resolved ones (at every source) are in a separate, collapsed
 *   "Inactive or resolved" group.
 * - Dense rows by default (`density`): one line per allergy under column labels — the substance,
 *   then reactions with severity, criticality, the recorded date (and onset), the sources. What
 *   every row of a list shares (clinical status, "No reactions recorded", category, type) is said
 *   once in the summary line ("All 10: Active · No reactions recorded · Food · Allergy") and left
 *   out of the rows; a row that differs says its own. Reaction onset, route, substance and
 *   description, and repeated records, are behind a row's "More details" disclosure. Below about
 *   700 px of width a row wraps and its cells show their labels. `density="comfortable"` keeps a
 *   card per allergy with every fact labelled.
 * - Refuted and entered-in-error records are never shown as allergies. A warning below the lists
 *   counts them ("2 entries marked refuted or entered in error are not listed as allergies") and
 *   opens (a 44 px disclosure) to name each in a list of its own: "Allergy to strawberries —
 *   marked refuted at Riverside Clinic", with its recorded date; never with a criticality.
 * - Coded "no known …" statements (e.g. SNOMED CT 409137002 NKDA) are shown as that statement,
 *   with date and source, and flagged when an allergy in force contradicts them. A statement no
 *   source confirms (verification `unconfirmed` / `presumed` everywhere) says "Unconfirmed" beside
 *   it, with the dashed border of unconfirmed allergies. "No allergies
 *   recorded" (nothing at all, every source complete for this patient) and "Allergy information
 *   unavailable" (the query failed, or ANY source is not complete for this patient) are different
 *   messages. The patient banner uses the same rule.
 * - A source is complete for this patient only when that is positively known: the provider's
 *   finished sync of this patient reports it `ok`, or the store holds a completed download from
 *   it for this patient or a linked one (`store.syncedSources`) and it is not syncing or failing
 *   now. A source's `lastSyncAt` alone does not count (it is set by a sync of any patient); nor
 *   does anything when the store cannot list its sources. When allergies or a "no known …"
 *   statement are shown while a source is not complete, a "May be incomplete: …" note names the
 *   providers (`part="incomplete"`). A provider searched for this patient that has no record of
 *   them counts as complete and is named: "No record at St Elsewhere" (`part="no-record"`). The
 *   rule is shared with the medication list (`src/fhir/completeness.ts`).
 * - Criticality is shown as words and an icon shape (triangle: high; circle: low; dashed
 *   circle: not known — `unable-to-assess` and missing both read "Criticality not known").
 *
 * - Each card (comfortable) says the substance, the criticality (also when not known), the clinical status and,
 *   when the verification status is not "confirmed", that status ("Unconfirmed" beside the
 *   substance; "Verification: Not recorded" when missing). Reactions are listed, or "No reactions
 *   recorded" in one line; onset and recorded date only when recorded.
 *
 * Long lists are cut visibly: more than 50 current (or inactive) allergies show the first 50 and
 * "Showing the first 50 of N." with a "Show all N" button; a row with more than 10 reactions shows
 * 10 and "and N more".
 *
 * Record text (substances, manifestations, notes, category codes, provider names) is rendered as
 * text, each value in its own `<bdi>`; a value holding direction controls is marked (see
 * `src/elements/README.md`, "Record text").
 *
 * Rows show their sources with compact `<ehr-source-badge>`s (the provider's name; "Out of date" /
 * "Sync failed" in words when so; the source's "as of" time for screen readers and as the title).
 * The server's `meta.lastUpdated` is not shown: clinicians read it as a clinical edit, and it is
 * not one. Rows show the clinical dates (recorded, onset). `define.js` registers the badge with
 * this element.
 *
 * Set `hide-source-notices` when the page shows sync status itself: the partial / stale / offline
 * notices are then left out. "Allergies unavailable", the "May be incomplete" note,
 * errors and the per-row source badges are always shown.
 *
 * @tag ehr-allergy-panel
 * @summary Allergies and intolerances from all providers: criticality, reactions, verification, source.
 *
 * @csspart base - The labelled section around everything.
 * @csspart heading - The section heading.
 * @csspart summary - The one-line count ("Known allergies (3) · 1 high criticality") and "no known allergies" statements.
 * @csspart shared - In the summary line of dense rows: the facts every row shares ("All 10: Active · No reactions recorded").
 * @csspart host-filter - "Filtered by the host: N of M shown" (an info callout), when `filter` is set.
 * @csspart severe-reaction - In a compact row: "Severe reaction" (a warning mark), since the reactions are behind "More details".
 * @csspart more - A dense row's "More details" disclosure (reaction onset, route, description; repeated records).
 * @csspart reaction-detail - One reaction in full inside "More details".
 * @csspart row - One allergy (list item).
 * @csspart substance - The substance name in a row.
 * @csspart criticality - The criticality label (icon and words).
 * @csspart reaction - One reaction (manifestations, severity, onset).
 * @csspart status - The "Unconfirmed" label, and the notes on a row or statement (with `warning` or `info`).
 * @csspart source - The box of source badges in a row.
 * @csspart criticality-dispute - Beside the criticality badge when sources disagree: "High (St Elsewhere Hospital) · Low (Riverside Clinic)" (with `warning`).
 * @csspart warning - The kit's warning callout or inline mark: disputed criticality, a copy refuted at one provider (`refuted-at`), refuted entries, a contradicted "no known …" statement (`contradiction`), incomplete record.
 * @csspart info - The kit's info callout: unconfirmed against confirmed, or a different clinical status, at the sources (`sources-differ`).
 * @csspart hidden - The warning below the lists about entries marked refuted or entered in error (with `warning`).
 * @csspart hidden-list - Its disclosure; `hidden-entry` - one named entry in it.
 * @csspart empty - "Allergies not recorded", "Allergies unavailable".
 * @csspart skeleton - Loading placeholder.
 * @csspart error - Error box (role="alert").
 * @csspart notice - Partial / stale / offline notices.
 * @csspart no-record - "No record at …": a provider searched for this patient that holds nothing on them.
 * @csspart incomplete - "May be incomplete: …" above the allergies or statements when a provider's data for this patient is missing.
 * @csspart retry-button - Retry buttons.
 * @csspart status-link - "See sync status" in the partial and stale notices, with `sync-status-href`.
 * @csspart show-all - "Showing the first 50 of N." with its "Show all N" button (`show-all-button`), below a long list.
 * @csspart show-more - "and N more": the button after a row's first 10 reactions.
 * @csspart direction-controls - The "⇄" sign after record text that holds text-direction control characters.
 * @csspart text-cut - "(N more characters not shown)" after record text cut at 1,000 characters.
 *
 * @cssproperty [--ehr-allergy-panel-high-color=var(--ehr-color-danger, #b3261e)] - Border and label colour of high-criticality rows.
 * @cssproperty [--ehr-allergy-panel-high-background=var(--ehr-color-danger-surface, #fdecea)] - Background of the high-criticality label.
 * @cssproperty [--ehr-allergy-panel-row-border-color=var(--ehr-color-border-subtle, #d0d7de)] - Border of ordinary rows.
 */
export class EhrAllergyPanel extends EhrDataElement {
  static override styles: CSSResultGroup = [baseStyles, stateStyles, headingStyles, styles];

  /** Level of the section heading (1–6). Default 2. */
  @property({ type: Number, attribute: 'heading-level' }) headingLevel = 2;

  /**
   * Row layout: `dense` (default) — one line per allergy: substance, reactions with severity,
   * criticality, recorded date (and onset), sources; facts every row shares are said once above
   * the list. `compact` — substance, criticality and sources only, reactions and dates behind
   * each row's "More details" (a severe reaction, disputes, unconfirmed and the notes stay on the
   * line). `comfortable` — a card per allergy, every fact labelled.
   */
  @property({ reflect: true }) density: AllergyPanelDensity = 'dense';

  /**
   * A FHIRPath boolean expression, evaluated per AllergyIntolerance, that narrows the list
   * (e.g. `category = 'medication'`). Opt-in: fhirpath (~160 KB gzip) is loaded only when this is
   * set. The panel then says "Filtered by the host: N of M shown"; an invalid expression is an
   * error naming the attribute, never a silently shorter list. "Nothing recorded" is only said
   * when nothing is recorded, never because the filter hid everything.
   */
  @property() filter?: string;

  private readonly hostFilter = new HostFilterController(this, () => this.filter);

  /** Open the "Inactive or resolved" group initially. */
  @property({ type: Boolean, attribute: 'show-inactive' }) showInactive = false;

  private readonly allergies = patientQuery<AllergyIntolerance>(this, 'AllergyIntolerance');

  private readonly status = sourceStatus(this, { patient: () => this.activePatient });

  private readonly headingId = `ehr-allergy-heading-${Math.random().toString(36).slice(2, 10)}`;

  /** Cut lists the user opened in full (`current`, `past`, `reactions:<row key>`). Reset per store/patient. */
  @state() private expanded: ReadonlySet<string> = new Set();
  private expandedFor?: { store: unknown; patient: unknown };

  private expand(key: string): void {
    this.expanded = new Set([...this.expanded, key]);
  }

  protected override willUpdate(): void {
    if (this.expandedFor?.store !== this.activeStore || this.expandedFor?.patient !== this.activePatient) {
      this.expandedFor = { store: this.activeStore, patient: this.activePatient };
      this.expanded = new Set();
    }
  }

  private cachedRows?: StoredRow<AllergyIntolerance>[];
  private cachedLang?: string;
  private cachedView?: AllergyPanelView;

  private view(rows: StoredRow<AllergyIntolerance>[]): AllergyPanelView {
    const lang = this.localize.lang;
    if (rows !== this.cachedRows || lang !== this.cachedLang || !this.cachedView) {
      this.cachedRows = rows;
      this.cachedLang = lang;
      this.cachedView = buildAllergyPanel(rows, { locale: lang });
    }
    return this.cachedView;
  }

  private get dense(): boolean {
    return this.density !== 'comfortable';
  }

  private t(key: TermKey): string {
    return (this.localize.term as (k: TermKey) => string)(key);
  }

  protected override render() {
    return html`<section part="base" class="base" aria-labelledby=${this.headingId}>
      ${renderHeading(headingLevel(this.headingLevel), this.localize.term('allergyPanelHeading'), { id: this.headingId, cls: 'heading', part: 'heading' })}
      ${this.notShared(['AllergyIntolerance']) ? renderNotShared(this.localize, this.localize.term('allergies')) : this.renderContent()}
    </section>`;
  }

  private renderContent(): TemplateResult {
    return html`${this.renderNotices()}
      ${this.allergies.render({
        idle: () => html`<p part="empty" class="unavailable">${this.localize.term('allergyInfoUnavailable')}</p>`,
        loading: () => renderSkeleton(this.localize, { what: this.localize.term('allergies') }),
        ready: (rows) => this.renderFiltered(rows),
        error: (error, retry) => html`<p part="empty" class="unavailable">${this.localize.term('allergyInfoUnavailable')}</p>
          ${renderError(this.localize, { what: this.localize.term('allergies'), error, onRetry: retry })}`,
      })}`;
  }

  private renderNotices() {
    // hide-source-notices: the host shows sync status itself. "Unavailable" and errors are in the body.
    if (this.allergies.status === 'idle' || this.hideSourceNotices) return nothing;
    return renderSourceNotices(this.localize, this.status, () => this.requestSync(), { syncStatusHref: this.syncStatusHref });
  }


  /** The rows through the host's `filter`, when one is set (see `HostFilterController`). */
  private renderFiltered(rows: StoredRow<AllergyIntolerance>[]) {
    const f = this.hostFilter;
    if (f.state === 'loading') return renderSkeleton(this.localize, { what: this.localize.term('allergies') });
    if (f.state === 'error') return renderError(this.localize, { what: this.localize.term('allergies'), error: f.error });
    const result = f.apply(rows, (r) => r.resource);
    if (!result) return this.renderReady(rows);
    if (this.filteredRows?.from !== rows || this.filteredRows.expression !== this.filter) this.filteredRows = { from: rows, expression: this.filter, kept: result.kept };
    const note = renderHostFilterNote(this.localize, result);
    // Everything recorded was filtered out: say so, never "Allergies not recorded".
    if (result.total > 0 && result.kept.length === 0) return note;
    return html`${note}${this.renderReady(this.filteredRows.kept)}`;
  }

  /** The last filtered rows, kept while their source rows are the same (the view is cached on identity). */
  private filteredRows?: { from: StoredRow<AllergyIntolerance>[]; expression: string | undefined; kept: StoredRow<AllergyIntolerance>[] };

  private renderReady(rows: StoredRow<AllergyIntolerance>[]) {
    const view = this.view(rows);
    const anything = view.current.length + view.past.length + view.noKnown.length > 0;
    if (!this.status.loaded && this.activeStore?.getSources) {
      // Sources not read yet: completeness unknown; do not flash "Allergies not recorded" or an uncaveated list.
      return renderSkeleton(this.localize, { what: this.localize.term('allergies') });
    }
    const verdict = verdictFor(this.status);
    // Long lists render their first rows; the summary keeps the full count and the cut is said on screen.
    const current = preview(view.current, LIST_PREVIEW, this.expanded.has('current'));
    const past = preview(view.past, LIST_PREVIEW, this.expanded.has('past'));
    return html`${this.renderSummary(view)} ${anything ? renderIncompleteCaveat(this.localize, verdict) : nothing}
    ${renderNoRecord(this.localize, verdict)} ${this.renderStatements(view)}
    ${view.current.length
      ? html`${this.renderList('current', current, view.shared.current)}
          ${renderShowAll(this.localize, current.length, view.current.length, () => this.expand('current'))}`
      : nothing}
    ${!anything ? this.renderEmpty(verdict) : nothing}
    ${!view.current.length && !view.noKnown.length && view.past.length
      ? html`<p part="empty" class="empty">${this.localize.term('allergyNoneCurrent')}</p>`
      : nothing}
    ${view.past.length
      ? html`<details class="past-group" ?open=${this.showInactive}>
          <summary class="target">${this.localize.term('allergyPastGroup', view.past.length)}</summary>
          ${this.dense && view.past.length > 1 ? html`<p class="summary">${this.renderShared(view.past.length, view.shared.past)}</p>` : nothing}
          ${this.renderList('past', past, view.shared.past)}
          ${renderShowAll(this.localize, past.length, view.past.length, () => this.expand('past'))}
        </details>`
      : nothing}
    ${this.renderHidden(view)}`;
  }

  /**
   * "2 entries marked refuted or entered in error are not listed as allergies", a warning that
   * opens (a disclosure, 44 px) to name each: substance, source, and what it was marked. Named in
   * a list of its own, under that heading — never in the allergy lists, never with a criticality.
   */
  private renderHidden(view: AllergyPanelView) {
    const count = view.hiddenRefuted + view.hiddenEnteredInError;
    if (!count) return nothing;
    const t = this.localize;
    const entries: readonly HiddenAllergyEntry[] = preview(view.hidden, LIST_PREVIEW, this.expanded.has('hidden'));
    const body = html`<details class="hidden-list" part="hidden-list">
      <summary class="target">${t.term('allergyHidden', count)}</summary>
      <ul class="hidden-entries" aria-label=${t.term('allergyHiddenList')}>
        ${entries.map((e) => this.renderHiddenEntry(e))}
      </ul>
      ${renderShowAll(t, entries.length, view.hidden.length, () => this.expand('hidden'))}
    </details>`;
    return renderCallout('warning', body, { part: 'hidden', cls: 'hidden-note', about: 'refuted' });
  }

  private renderHiddenEntry(e: HiddenAllergyEntry) {
    const t = this.localize;
    const reason = t.term(e.reason === 'refuted' ? 'allergyHiddenRefuted' : 'allergyHiddenEnteredInError');
    const substance = e.substance ?? t.term('allergySubstanceNotKnown');
    const words = sentence(t, (slot) => t.term('allergyHiddenEntry', slot(substance), reason, slot(this.status.label(e.source))));
    return html`<li part="hidden-entry" class="hidden-entry" data-reason=${e.reason}>
      ${words}${e.recordedDate ? html` · ${t.term('allergyRecorded')} ${t.clinicalDate(e.recordedDate)}` : nothing}${e.count > 1
        ? html` · ${t.term('allergyRecordCountShort', e.count)}`
        : nothing}
    </li>`;
  }

  /** Nothing at all: "Allergies not recorded" only when every provider delivered (see `src/fhir/completeness.ts`). */
  private renderEmpty(verdict: CompletenessVerdict) {
    const t = this.localize;
    return renderEmptyRecord(t, verdict, {
      none: t.term('allergyNoneRecorded'),
      noneDetail: t.term('allergyNoneRecordedDetail'),
      unavailable: t.term('allergyInfoUnavailable'),
      unavailableSources: (providers) => t.term('allergyUnavailableSources', providers),
      unavailableUnknown: t.term('allergyUnavailableUnknown'),
    });
  }


  private renderSummary(view: AllergyPanelView) {
    if (!view.current.length) return nothing;
    const high = view.current.filter((r) => r.criticality === 'high').length;
    const unconfirmed = view.current.filter((r) => r.verification === 'unconfirmed').length;
    const parts = [
      this.localize.term('allergySummaryCurrent', view.current.length),
      ...(high ? [this.localize.term('allergySummaryHigh', high)] : []),
      ...(unconfirmed ? [this.localize.term('allergySummaryUnconfirmed', unconfirmed)] : []),
    ];
    const shared = this.dense ? this.renderShared(view.current.length, view.shared.current) : nothing;
    return html`<p part="summary" class="summary">${parts.join(' · ')}${shared === nothing ? nothing : html` · ${shared}`}</p>`;
  }

  /**
   * "All 10: Active · No reactions recorded · Food · Allergy": what every row of a dense list
   * shares, said once (`part="shared"`); the rows then leave it out. Nothing when nothing is shared.
   */
  private renderShared(count: number, shared: SharedAllergyFacts) {
    const facts: Array<TemplateResult | string> = [];
    if (shared.clinicalStatus) facts.push(this.t(CLINICAL_TERMS[shared.clinicalStatus]));
    if (shared.verificationNotRecorded) facts.push(`${this.t('allergyVerification')}: ${this.t('allergyVerificationNotKnown')}`);
    if (shared.noReactions) facts.push(this.t('allergyNoReactions'));
    facts.push(...this.kindWords(shared.categories ?? [], shared.types ?? []));
    if (!facts.length) return nothing;
    return html`<span part="shared" class="shared"
      >${this.localize.term('allergySharedFacts', count)} ${facts.map((f, i) => html`${i ? ' · ' : nothing}${f}`)}</span
    >`;
  }

  /** Category and type codes as words: only the table's own keys are translated, the rest shown as recorded. */
  private kindWords(categories: readonly string[], types: readonly string[]): TemplateResult[] {
    return [...categories, ...types].map((c) => {
      const key = own(CATEGORY_TERMS, c) ?? own(TYPE_TERMS, c);
      return key ? html`${this.t(key)}` : recordText(this.localize, c);
    });
  }

  private renderList(group: 'current' | 'past', rows: readonly AllergyRowView[], shared: SharedAllergyFacts) {
    const label = this.localize.term(group === 'current' ? 'allergyCurrentList' : 'allergyPastList');
    if (!this.dense) {
      return html`<ul class="rows ${group}" aria-label=${label}>
        ${rows.map((row) => this.renderRow(row))}
      </ul>`;
    }
    // Column labels for the eye; each cell also carries its own label for screen readers. When no
    // row has a reaction (said once in the summary), the reactions column is left out; compact
    // rows keep reactions and dates behind "More details".
    const compact = this.density === 'compact';
    const reactions = !shared.noReactions && !compact;
    const cls = compact ? 'compact' : reactions ? '' : 'no-reactions-column';
    return html`<div class="columns ${cls}" aria-hidden="true">
        <span>${this.localize.term('allergyColumnSubstance')}</span>${reactions ? html`<span>${this.localize.term('allergyReactions')}</span>` : nothing}<span
          >${this.localize.term('allergyCriticality')}</span
        >${compact ? nothing : html`<span>${this.localize.term('allergyRecorded')}</span>`}<span>${this.localize.term('allergySources')}</span>
      </div>
      <ul class="rows dense ${group} ${cls}" aria-label=${label}>
        ${rows.map((row) => this.renderDenseRow(row, shared))}
      </ul>`;
  }

  /**
   * "Unconfirmed" beside a substance or statement: the kit's info mark (icon and words; the row's
   * dashed border says it too), not a warning — nobody has said the allergy is wrong.
   */
  private renderUnconfirmed() {
    return renderCalloutMark('info', this.localize.term('unconfirmed'), { part: 'status unconfirmed', cls: 'status unconfirmed', about: 'unconfirmed' });
  }

  private renderSubstance(row: AllergyRowView) {
    return row.substance !== null ? recordText(this.localize, row.substance) : html`<bdi>${this.localize.term('allergySubstanceNotKnown')}</bdi>`;
  }

  /**
   * The criticality badge (the most cautious value) and, when the sources disagree, a warning
   * mark right beside it: "High (St Elsewhere Hospital) · Low (Riverside Clinic)", most cautious
   * first (`part="warning criticality-dispute"`).
   */
  private renderCriticality(row: AllergyRowView) {
    const badge = html`<span part="criticality" class="criticality ${row.criticality}">${criticalityIcon(row.criticality)}${this.t(CRITICALITY_TERMS[row.criticality])}</span>`;
    const values = row.differences.criticality;
    if (!values) return badge;
    const t = this.localize;
    const ordered = [...values].sort((a, b) => CRITICALITY_CAUTION[a.value] - CRITICALITY_CAUTION[b.value]);
    const words = sentence(t, (slot) =>
      ordered.map((v) => t.term('allergyValueFrom', this.t(CRITICALITY_SHORT_TERMS[v.value]), t.list(v.sources.map((s) => slot(this.status.label(s)))))).join(' · '),
    );
    return html`${badge}
      ${renderCalloutMark('warning', html`<span><span class="visually-hidden">${t.term('allergyCriticalityDiffers')} </span>${words}</span>`, {
        part: 'criticality-dispute',
        cls: 'criticality-dispute',
        about: 'criticality-conflict',
      })}`;
  }

  /** Reaction details a dense row leaves for its "More details" disclosure. */
  private hasDetails(row: AllergyRowView): boolean {
    return row.items.length > row.sources.length || row.reactions.some((r) => r.onset || r.substance || r.exposureRoute || r.description);
  }

  /**
   * One allergy on one line: substance (with "Unconfirmed", and category, type, clinical status
   * when not shared by every row), reactions with severity, criticality, recorded date and onset,
   * sources. Low criticality is said in small muted words rather than left out: a blank cell
   * could be read as "not recorded" or as a rendering fault, and "not known" must stay distinct
   * from "low". High and not known are prominent (shape, words, and colour for high).
   */
  private renderDenseRow(row: AllergyRowView, shared: SharedAllergyFacts) {
    const t = this.localize;
    const unconfirmed = row.verification === 'unconfirmed';
    const classes = ['row', 'dense', row.criticality, row.group, unconfirmed ? 'unconfirmed' : ''].join(' ');
    const kind = this.kindWords(shared.categories ? [] : row.categories, shared.types ? [] : row.types);
    const meta: Array<TemplateResult | string> = [];
    if (!shared.clinicalStatus) meta.push(`${this.t('allergyClinicalStatus')}: ${this.t(CLINICAL_TERMS[row.clinicalStatus])}`);
    if (row.verification === 'not-known' && !shared.verificationNotRecorded) {
      meta.push(`${this.t('allergyVerification')}: ${this.t(VERIFICATION_TERMS[row.verification])}`);
    }
    const extra = row.items.length - row.sources.length;
    // Compact: reactions and dates go behind "More details"; a severe reaction stays on the line.
    const compact = this.density === 'compact';
    const severe = row.reactions.some((r) => r.severity === 'severe');
    const dates = html`<span class="cell-label">${t.term('allergyRecorded')}</span>
      ${row.recordedDate ? t.clinicalDate(row.recordedDate) : html`<span class="none">${t.term('allergyDateNotRecorded')}</span>`}
      ${row.onset ? html`<span class="onset">${t.term('allergyOnset')} ${this.formatOnset(row.onset)}</span>` : nothing}`;
    const more = compact || this.hasDetails(row);
    return html`<li part="row" class=${classes} data-key=${row.key}>
      <div class="cell c-substance">
        <span part="substance" class="substance">${this.renderSubstance(row)}</span>
        ${unconfirmed ? this.renderUnconfirmed() : nothing}
        ${kind.length ? html`<span class="kind">${kind.map((k, i) => html`${i ? ' · ' : nothing}${k}`)}</span>` : nothing}
        ${meta.map((m) => html`<span class="kind">${m}</span>`)}
        ${compact && severe ? renderCalloutMark('warning', t.term('allergySevereReaction'), { part: 'severe-reaction', cls: 'severe-reaction', about: 'severe-reaction' }) : nothing}
      </div>
      ${shared.noReactions || compact ? nothing : html`<div class="cell c-reaction">${this.renderDenseReactions(row, shared)}</div>`}
      <div class="cell c-criticality">${this.renderCriticality(row)}</div>
      ${compact ? nothing : html`<div class="cell c-dates">${dates}</div>`}
      <div class="cell c-source">
        ${this.renderSources(row.sources)}${extra > 0 ? html`<span class="kind">${t.term('allergyRecordCountShort', row.items.length)}</span>` : nothing}
      </div>
      ${this.renderDifferences(row)}
      ${more
        ? html`<details class="more" part="more">
            <summary class="target">${t.term('allergyMoreDetails')}</summary>
            ${compact
              ? html`<div class="compact-details">
                  ${shared.noReactions ? nothing : html`<div class="c-reaction">${this.renderDenseReactions(row, shared)}</div>`}
                  <div class="c-dates">${dates}</div>
                </div>`
              : nothing}
            ${this.renderReactionDetails(row)} ${this.renderRecordCount(row)}
          </details>`
        : nothing}
    </li>`;
  }

  /** "Anaphylactic reaction (Severe); Urticaria (Moderate)", or nothing when every row has none (said once above). */
  private renderDenseReactions(row: AllergyRowView, shared: SharedAllergyFacts) {
    const t = this.localize;
    if (!row.reactions.length) {
      return shared.noReactions ? nothing : html`<span class="none">${t.term('allergyNoReactions')}</span>`;
    }
    const key = `reactions:${row.key}`;
    const reactions = preview(row.reactions, NESTED_PREVIEW, this.expanded.has(key));
    return html`<span class="cell-label">${t.term('allergyReactions')}</span>
      <ul class="reactions inline">
        ${reactions.map(
          (r) => html`<li part="reaction" class="reaction">
            <span class="manifestation">${this.renderManifestations(r)}</span>${r.severity
              ? html` <span class="severity severity-${r.severity}">(${this.t(own(SEVERITY_TERMS, r.severity)!)})</span>`
              : nothing}
          </li>`,
        )}
        ${reactions.length < row.reactions.length
          ? html`<li class="reaction">${renderAndMore(t, row.reactions.length - reactions.length, () => this.expand(key))}</li>`
          : nothing}
      </ul>`;
  }

  private renderManifestations(r: AllergyReactionView) {
    return r.manifestations.length
      ? r.manifestations.map((m, i) => html`${i ? ', ' : ''}${recordText(this.localize, m)}`)
      : this.localize.term('allergyManifestationNotKnown');
  }

  /** A dense row's disclosure: each reaction's onset, substance, route and description. */
  private renderReactionDetails(row: AllergyRowView) {
    const withDetails = row.reactions.filter((r) => r.onset || r.substance || r.exposureRoute || r.description);
    if (!withDetails.length) return nothing;
    return html`<ul class="reactions">
      ${withDetails.map((r) => html`<li part="reaction-detail" class="reaction">${this.renderReactionBody(r)}</li>`)}
    </ul>`;
  }

  private renderStatements(view: AllergyPanelView) {
    return view.noKnown.map((s) => this.renderStatement(s));
  }

  private renderStatement(s: NoKnownStatementView) {
    const words = this.t(STATEMENT_TERMS[s.kind]);
    return html`<div part="summary" class="statement ${s.unconfirmed ? 'unconfirmed' : ''}">
      <p class="statement-text">
        ${words}${s.unconfirmed
          ? html` <span data-unconfirmed-statement>${this.renderUnconfirmed()}</span>`
          : nothing}
      </p>
      <dl class="facts">
        ${this.fact('allergyRecorded', this.localize.clinicalDate(s.recordedDate))}
      </dl>
      ${this.renderSources(s.sources)}
      ${s.contradicted
        ? renderCallout('warning', html`<p>${this.localize.term('allergyContradiction', words)}</p>`, {
            part: 'status contradiction',
            about: 'contradiction',
          })
        : nothing}
    </div>`;
  }

  /** One label/value pair of a row's facts (`<div>` groups inside `<dl>` are valid HTML). */
  private fact(label: TermKey, value: TemplateResult | string) {
    return html`<div class="fact"><dt>${this.t(label)}</dt> <dd>${value}</dd></div>`;
  }

  /**
   * Compact badges. No server "last updated" time: clinicians read it as a clinical edit. The
   * badge carries the source's "as of" (sync freshness) for screen readers and as its title.
   */
  private renderSources(sources: readonly string[]) {
    const store = this.store;
    return html`<div part="source" class="sources">
      <span class="visually-hidden">${this.localize.term('allergySources')}:</span>
      ${sources.map(
        (s, i) =>
          // Badges are labels without a box: a dot keeps two providers' names apart.
          html`${i ? html`<span class="source-sep" aria-hidden="true">·</span>` : nothing}<ehr-source-badge compact source=${s} .store=${store}></ehr-source-badge>`,
      )}
    </div>`;
  }

  private renderRow(row: AllergyRowView) {
    const unconfirmed = row.verification === 'unconfirmed';
    const classes = ['row', 'card', row.criticality, row.group, unconfirmed ? 'unconfirmed' : ''].join(' ');
    const kind = this.kindWords(row.categories, row.types);
    return html`<li part="row" class=${classes} data-key=${row.key}>
      <div class="row-head">
        ${this.renderCriticality(row)}
        <p part="substance" class="substance">${this.renderSubstance(row)}</p>
        ${unconfirmed ? this.renderUnconfirmed() : nothing}
        ${kind.length ? html`<span class="kind">${kind.map((k, i) => html`${i ? ' · ' : nothing}${k}`)}</span>` : nothing}
      </div>
      <dl class="facts">
        ${row.reactions.length
          ? html`<div class="fact reactions-fact">
              <dt>${this.localize.term('allergyReactions')}</dt>
              <dd>${this.renderReactions(row)}</dd>
            </div>`
          : html`<div class="fact reactions-fact no-reactions">
              <dt class="visually-hidden">${this.localize.term('allergyReactions')}</dt>
              <dd>${this.localize.term('allergyNoReactions')}</dd>
            </div>`}
        ${this.fact('allergyClinicalStatus', this.t(CLINICAL_TERMS[row.clinicalStatus]))}
        ${row.verification === 'not-known' ? this.fact('allergyVerification', this.t(VERIFICATION_TERMS[row.verification])) : nothing}
        ${row.onset ? this.fact('allergyOnset', this.formatOnset(row.onset)) : nothing}
        ${row.recordedDate ? this.fact('allergyRecorded', this.localize.clinicalDate(row.recordedDate)) : nothing}
      </dl>
      ${this.renderSources(row.sources)} ${this.renderRecordCount(row)} ${this.renderDifferences(row)}
    </li>`;
  }

  private renderRecordCount(row: AllergyRowView) {
    if (row.items.length <= row.sources.length) return nothing;
    const t = this.localize;
    const words = sentence(t, (slot) =>
      t.term('allergyRecordCount', row.items.length, t.list(row.sources.map((s) => `${slot(this.status.label(s))}: ${t.number(row.recordsPerSource[s] ?? 0)}`), 'unit')),
    );
    return html`<p class="note">${words}</p>`;
  }

  /** "high at St Elsewhere, low at Riverside" with each provider name as a slot. */
  private valuesAt<V extends string>(slot: (value: string) => string, values: ReadonlyArray<ValueWithSources<V>>, terms: Record<V, TermKey>): string {
    const t = this.localize;
    return t.list(
      values.map((v) => t.term('allergyValueAt', this.t(terms[v.value]).toLocaleLowerCase(t.lang), t.list(v.sources.map((s) => slot(this.status.label(s)))))),
      'unit',
    );
  }

  /**
   * What the sources disagree on, by what it means (a disputed criticality is said at the badge,
   * see {@link renderCriticality}):
   * - a copy marked refuted at one provider while another still records the allergy: a warning
   *   ("Marked refuted at St Elsewhere Hospital; listed because Riverside Clinic still records it.");
   * - unconfirmed against confirmed, or a different clinical status: info ("Sources differ: …"),
   *   since the row already shows the more cautious value.
   */
  private renderDifferences(row: AllergyRowView) {
    const d = row.differences;
    const t = this.localize;
    const label = (s: string) => this.status.label(s);
    // Provider names are slots: their own nodes, never part of the translated sentence.
    const refuted = d.refutedAt
      ? renderCallout(
          'warning',
          html`<p>
            ${sentence(t, (slot) => t.term('allergyRefutedKept', t.list(d.refutedAt!.map((s) => slot(label(s)))), t.list(row.sources.map((s) => slot(label(s))))))}
          </p>`,
          { part: 'status refuted-at', cls: 'row-note', about: 'refuted' },
        )
      : nothing;
    const differs =
      d.verification || d.clinicalStatus
        ? renderCallout(
            'info',
            html`<p>
              <strong>${t.term('allergySourcesDiffer')}:</strong>
              ${sentence(t, (slot) =>
                [
                  ...(d.verification ? [t.term('allergyDiffVerification', this.valuesAt(slot, d.verification, VERIFICATION_TERMS))] : []),
                  ...(d.clinicalStatus ? [t.term('allergyDiffClinicalStatus', this.valuesAt(slot, d.clinicalStatus, CLINICAL_TERMS))] : []),
                ].join('; '),
              )}
            </p>`,
            { part: 'status sources-differ', cls: 'row-note', about: d.verification ? 'verification-differs' : 'clinical-status-differs' },
          )
        : nothing;
    return html`${refuted}${differs}`;
  }

  private renderReactions(row: AllergyRowView) {
    const key = `reactions:${row.key}`;
    const reactions: readonly AllergyReactionView[] = preview(row.reactions, NESTED_PREVIEW, this.expanded.has(key));
    return html`<ul class="reactions">
      ${reactions.map((r) => html`<li part="reaction" class="reaction">${this.renderReactionBody(r)}</li>`)}
      ${reactions.length < row.reactions.length
        ? html`<li class="reaction">${renderAndMore(this.localize, row.reactions.length - reactions.length, () => this.expand(key))}</li>`
        : nothing}
    </ul>`;
  }

  /** One reaction in full: manifestations — severity · onset · substance · route, and its description. */
  private renderReactionBody(r: AllergyReactionView) {
        const meta: TemplateResult[] = [];
        if (r.severity) {
          meta.push(html`<span class="severity-${r.severity}">${this.localize.term('allergySeverity')}: ${this.t(own(SEVERITY_TERMS, r.severity)!)}</span>`);
        }
        if (r.onset) meta.push(html`<span>${this.localize.term('allergyReactionOnset')}: ${this.localize.clinicalDate(r.onset)}</span>`);
        if (r.substance) meta.push(html`<span>${this.localize.term('allergyReactionSubstance')}: ${recordText(this.localize, r.substance)}</span>`);
        if (r.exposureRoute) meta.push(html`<span>${this.localize.term('allergyExposureRoute')}: ${recordText(this.localize, r.exposureRoute)}</span>`);
        return html`<span class="manifestation">${this.renderManifestations(r)}</span>${meta.length
            ? html` — <span class="reaction-meta">${meta.map((m, i) => html`${i ? ' · ' : ''}${m}`)}</span>`
            : nothing}
          ${r.description ? html`<div class="reaction-meta">${recordText(this.localize, r.description)}</div>` : nothing}`;
  }

  private formatOnset(onset: AllergyOnset): TemplateResult | string {
    switch (onset.kind) {
      case 'date':
        return this.localize.clinicalDate(onset.value);
      case 'age': {
        const q = formatQuantity(onset.value, { locale: this.localize.lang });
        // The unit is record text: its own node in the sentence.
        return q ? sentence(this.localize, (slot) => this.localize.term('allergyOnsetAge', slot(q))) : this.localize.term('notKnown');
      }
      case 'period':
        return this.localize.term(
          'allergyOnsetPeriod',
          this.localize.clinicalDate(onset.value.start),
          onset.value.end ? this.localize.clinicalDate(onset.value.end) : '…',
        );
      case 'text':
        return recordText(this.localize, onset.value);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ehr-allergy-panel': EhrAllergyPanel;
  }
}
