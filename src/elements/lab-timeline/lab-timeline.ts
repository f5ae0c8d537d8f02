import { html, nothing, svg, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ref } from 'lit/directives/ref.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Virtualizer, VirtualizerController } from '@tanstack/lit-virtual';
import type { DiagnosticReport, Observation } from 'fhir/r4';
import { EhrDataElement, baseStyles } from '../base/ehr-element.js';
import { sourceStatus } from '../base/source-status-controller.js';
import { headingStyles, stateStyles } from '../base/state-styles.js';
import { renderError, renderNotShared, renderSkeleton, renderSourceNotices } from '../base/state-views.js';
import { headingLevel, renderHeading } from '../base/heading.js';
import { renderEmptyRecord, renderIncompleteCaveat, renderNoRecord, verdictFor } from '../base/completeness-notes.js';
import { renderCallout, renderCalloutMark } from '../base/callout.js';
import { HostFilterController, HostKeyController, renderHostFilterNote } from '../base/host-filter-controller.js';
import { recordText, sentence } from '../base/record-text.js';
import { isLabTerm, term, type LabTermKey } from './terms.js';
import type { StoredRow } from '../base/store-types.js';
import { LabDataController } from './lab-data-controller.js';
import { labResultOf, groupLabResults, filterLabGroups, inCategories, DEFAULT_LAB_CATEGORIES, type LabGroup, type LabResult } from '../../fhir/lab-results.js';
import type { LabValue } from '../../fhir/lab-values.js';
import type { PatientFacts } from '../../fhir/lab-ranges.js';
import { chartModel, type ChartModel, type ChartPoint } from '../../fhir/lab-chart.js';
import { dayPage, gridDays, resultsByDay } from '../../fhir/lab-grid.js';
import type { InterpretationInfo } from '../../fhir/status.js';
import { formatParsedDate, parseFhirDate } from '../../fhir/dates.js';
import styles from './lab-timeline.styles.js';

/** Which view the timeline shows. */
export type LabTimelineView = 'overview' | 'grid';
/** Row layout of the overview: `comfortable` (default) or `compact` (one line per test, details on expand). */
export type LabTimelineDensity = 'comfortable' | 'compact';

/** Rows rendered at once before the list is windowed (a virtualizer renders only what is in view). */
export const WINDOW_FROM = 60;
/**
 * Rows a windowed view renders before the virtualizer's module has loaded: about a screenful, so
 * the first paint reads and renders no more tests than a reader can see (the virtualizer then
 * renders what is in view, plus its overscan).
 */
export const FIRST_ROWS = 20;
/** Days per page of the grid's columns. */
export const GRID_DAYS = 12;

type ChartModule = typeof import('./trend-chart.js');
let chartModule: Promise<ChartModule> | undefined;

const INTERPRETATION_TERMS: Record<string, LabTermKey> = {
  high: 'labHigh',
  low: 'labLow',
  'critical-high': 'labCriticalHigh',
  'critical-low': 'labCriticalLow',
  'significantly-high': 'labCriticalHigh',
  'significantly-low': 'labCriticalLow',
  'above-high-threshold': 'labCriticalHigh',
  'below-low-threshold': 'labCriticalLow',
  abnormal: 'labAbnormal',
  'critical-abnormal': 'labCriticalAbnormal',
  normal: 'labNormal',
  'off-scale-high': 'labOffScaleHigh',
  'off-scale-low': 'labOffScaleLow',
};

/** Statuses that are not a result to act on, said beside the value. */
const STATUS_TERMS: Partial<Record<string, LabTermKey>> = {
  cancelled: 'labStatusCancelled',
  registered: 'labStatusRegistered',
  unknown: 'labStatusUnknown',
};

/** One line of the overview: a section heading or a test. */
type OverviewItem = { kind: 'section'; key: string; title: string; report?: LabGroup['report'] } | { kind: 'test'; key: string; group: LabGroup };

/** Detail of `ehr-lab-view-change`. */
export interface LabViewChangeDetail {
  view: LabTimelineView;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ehr-lab-view-change': CustomEvent<LabViewChangeDetail>;
  }
}

/**
 * A patient's laboratory results from every linked source, in two views of the same data:
 *
 * - **Overview** (`view="overview"`, default): one row per test — name, latest value with its unit
 *   exactly as recorded, date, source, interpretation (words and a shape, never colour alone;
 *   critical results in a warning callout), the reference range chosen for the patient's age and
 *   sex, and a small trend. A row opens the test's trend chart (SVG: points, gaps where a result
 *   has no value, a band following each result's own range, comparator values as open markers at
 *   their bound, range crossings and large changes noted) with a table of every result read.
 * - **Grid** (`view="grid"`): tests as rows, days as columns, a sticky header row and first
 *   column; keyboard navigation as the ARIA grid pattern (arrows, Home/End, Ctrl+Home/End,
 *   Page Up/Down); `aria-rowcount`/`aria-rowindex` and `aria-colcount`/`aria-colindex` count every
 *   row and day, also while rows are windowed and days are paged.
 *
 * Tests are grouped by code (LOINC first, then other codings, then text), under the panel or
 * report of their latest result, with the report's status and conclusion. A host's analyte map
 * (`analyteMap`, or a FHIRPath `group-by`) joins codes that mean the same analyte; results in
 * different units are never joined into one trend: the row says "Not comparable: 2 units". No
 * unit conversion.
 *
 * Corrected and amended results are marked; entered-in-error results are never listed or
 * plotted (a note counts them). The same test from two providers within
 * `duplicate-window-days` (default 0: the same day) is flagged "Possible duplicate test".
 *
 * Filters: `search` (test name), `from`/`to` (dates), `abnormal-only`, and the host's FHIRPath
 * `filter`. Whenever anything is hidden the element says "Showing N of M tests"; nothing is cut
 * silently.
 *
 * Scale: with a store that has code queries, the first paint reads the per-code summary only;
 * each test's newest `window-size` results are read as its row comes into view, and older ones
 * on request ("Read older results"). More than 60 rows are windowed with
 * `@tanstack/lit-virtual` (see the README for why not `@lit-labs/virtualizer`).
 *
 * @tag ehr-lab-timeline
 * @summary Laboratory results from all providers: overview with trends, results grid, ranges, corrections, duplicates.
 *
 * @csspart base - The labelled section around everything.
 * @csspart heading - The section heading.
 * @csspart toolbar - The view switch and the filters.
 * @csspart view-switch - The Overview / Grid buttons.
 * @csspart filters - The search, date and abnormal-only controls.
 * @csspart showing - "Showing N of M tests" whenever a filter hides something.
 * @csspart host-filter - "Filtered by the host: N of M shown", when `filter` is set.
 * @csspart scroller - The scrolling box of a windowed list or of the grid.
 * @csspart section - A report or panel heading in the overview, with `report-status` and `conclusion`.
 * @csspart row - One test in the overview.
 * @csspart name - The test name.
 * @csspart value - A value with its unit.
 * @csspart interpretation - An interpretation or range verdict (words and shape).
 * @csspart critical - A critical result (with `warning`).
 * @csspart corrected - "Corrected" / "Amended" on a result.
 * @csspart result-status - "Cancelled", "Registered, no result yet" or "Status unknown" beside a latest result that is not final.
 * @csspart duplicate - "Possible duplicate test" (with `info`).
 * @csspart not-comparable - "Not comparable: N units" (with `info`).
 * @csspart range - The reference range that applies.
 * @csspart sparkline - The small trend in a row.
 * @csspart trend-button - A row's button that opens its chart.
 * @csspart trend - The opened chart with its table.
 * @csspart chart - The SVG chart.
 * @csspart trend-table - The table alternative of a chart.
 * @csspart older-button - "Read older results" of a test.
 * @csspart more - A compact row's "More details" disclosure.
 * @csspart grid - The results grid (`role="grid"`).
 * @csspart grid-header - The grid's sticky header row.
 * @csspart cell - A grid cell.
 * @csspart day-pager - The grid's "Newer days / Older days" buttons and position.
 * @csspart hidden - The note counting results marked entered in error (with `warning`).
 * @csspart other-kinds - "N observations of other categories are not shown here", when `categories` leaves some out.
 * @csspart warning - The kit's warning callout or mark.
 * @csspart info - The kit's info callout or mark.
 * @csspart empty - "Results not recorded", "Results unavailable".
 * @csspart skeleton - Loading placeholder.
 * @csspart error - Error box (role="alert").
 * @csspart notice - Partial / stale / offline notices.
 * @csspart no-record - "No record at …".
 * @csspart incomplete - "May be incomplete: …".
 * @csspart retry-button - Retry buttons.
 * @csspart status-link - "See sync status" in the partial and stale notices, with `sync-status-href`.
 *
 * @cssproperty [--ehr-lab-timeline-max-height=32rem] - Height of the scrolling box of a windowed list and of the grid.
 * @cssproperty [--ehr-lab-timeline-band-color=var(--ehr-color-success-surface, #e6f4ea)] - The reference band in charts.
 * @cssproperty [--ehr-lab-timeline-line-color=var(--ehr-color-text, #1f2328)] - Trend lines and markers.
 * @cssproperty [--ehr-lab-timeline-abnormal-color=var(--ehr-color-danger, #b3261e)] - Markers of results outside their range.
 *
 * @event ehr-lab-view-change - The user switched view; `detail: { view }`.
 */
export class EhrLabTimeline extends EhrDataElement {
  static override styles: CSSResultGroup = [baseStyles, stateStyles, headingStyles, styles];

  /** Level of the section heading (1–6). Default 2. */
  @property({ type: Number, attribute: 'heading-level' }) headingLevel = 2;

  /** `overview` (default): a row per test with a trend; `grid`: tests × days. */
  @property({ reflect: true }) view: LabTimelineView = 'overview';

  /** Overview rows: `comfortable` (default) or `compact` (one line; range, count and trend behind "More details"). */
  @property({ reflect: true }) density: LabTimelineDensity = 'comfortable';

  /** A FHIRPath boolean per Observation narrowing the results (fhirpath loads only when set). */
  @property() filter?: string;

  /**
   * A FHIRPath expression giving each Observation a group key (a host's analyte grouping), e.g.
   * `code.coding.where(system='http://loinc.org').code.first()`. Loaded lazily like `filter`.
   */
  @property({ attribute: 'group-by' }) groupBy?: string;

  /** Codes that mean the same analyte: `{ 'http://loinc.org|2345-7': 'glucose', 'http://loinc.org|2339-0': 'glucose' }`. */
  @property({ attribute: false }) analyteMap?: Record<string, string>;

  /** Days within which the same test from two providers is flagged "possible duplicate test" (0: the same day). */
  @property({ type: Number, attribute: 'duplicate-window-days' }) duplicateWindowDays = 0;

  /** Show results on or after this date (`YYYY-MM-DD`). */
  @property({ reflect: true }) from?: string;
  /** Show results on or before this date (`YYYY-MM-DD`). */
  @property({ reflect: true }) to?: string;
  /** Show tests whose name contains these words. */
  @property({ reflect: true }) search = '';
  /** Show only tests with an abnormal result (flagged by the source or outside the range). */
  @property({ type: Boolean, reflect: true, attribute: 'abnormal-only' }) abnormalOnly = false;

  /**
   * Observation categories shown, space-separated (default `laboratory vital-signs`; `*` for
   * every Observation). Results of other categories (social history, surveys …) are counted in
   * a line below the list, never dropped silently; results without a category are shown.
   */
  @property() categories = DEFAULT_LAB_CATEGORIES.join(' ');

  /** Results per test read at a time (1–1000, default 100); older ones on request. */
  @property({ type: Number, attribute: 'window-size' }) windowSize = 100;

  private readonly hostFilter = new HostFilterController(this, () => this.filter);
  private readonly hostKey = new HostKeyController(this, () => this.groupBy, 'group-by');
  private readonly data = new LabDataController(this, {
    store: () => this.activeStore,
    patient: () => this.activePatient,
    windowSize: () => (Number.isInteger(this.windowSize) && this.windowSize > 0 ? Math.min(this.windowSize, 1000) : 100),
  });
  private readonly status = sourceStatus(this, { patient: () => this.activePatient });
  private readonly headingId = `ehr-lab-heading-${Math.random().toString(36).slice(2, 10)}`;

  @state() private openTrends: ReadonlySet<string> = new Set();
  @state() private dayPageIndex = 0;
  @state() private focusCell: { row: number; col: number } = { row: 0, col: 0 };
  private chart?: ChartModule;

  private scroller?: HTMLElement;
  private windowing?: VirtualizerController<HTMLElement, HTMLElement>;
  private windowingLoad?: Promise<void>;

  /** The virtualizer, once its module is loaded (started the first time a view has more than `WINDOW_FROM` rows). */
  private virtualizerFor(): Virtualizer<HTMLElement, HTMLElement> | undefined {
    if (this.windowing) return this.windowing.getVirtualizer();
    this.windowingLoad ??= import('./windowing.js').then(({ createWindowing }) => {
      this.windowing = createWindowing(this, () => this.scroller ?? null);
      this.requestUpdate();
    });
    return undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('view') || changed.has('from') || changed.has('to') || changed.has('search') || changed.has('abnormalOnly')) {
      this.dayPageIndex = 0;
      this.focusCell = { row: 0, col: 0 };
    }
  }

  private t(key: LabTermKey): string {
    return (term as (l: typeof this.localize, k: LabTermKey) => string)(this.localize, key);
  }

  // --- model ---------------------------------------------------------------------------------

  private cache?: { key: unknown[]; value: ReturnType<EhrLabTimeline['computeModel']> };

  private patientFacts(): PatientFacts {
    // Record data: only strings count (a hostile server may send anything).
    const str = (v: unknown): v is string => typeof v === 'string' && v !== '';
    const p = this.data.patients.map((r) => r.resource).find((x) => str(x.birthDate) || str(x.gender));
    return { ...(str(p?.birthDate) ? { birthDate: p.birthDate } : {}), ...(str(p?.gender) ? { gender: p.gender } : {}) };
  }

  /** Every result read so far (or the summary's newest row of a code not read yet), as LabResults. */
  private model() {
    const key = [
      this.data.summary,
      [...this.data.codes.values()].map((c) => c.rows.length + (c.loading ? 'l' : '')).join(','),
      this.data.reports,
      this.data.patients,
      this.hostFilter.state,
      this.hostKey.state,
      this.analyteMap,
      this.categories,
      this.duplicateWindowDays,
      this.from,
      this.to,
      this.search,
      this.abnormalOnly,
      this.localize.lang,
    ];
    if (this.cache && this.cache.key.length === key.length && this.cache.key.every((k, i) => k === key[i])) return this.cache.value;
    const value = this.computeModel();
    this.cache = { key, value };
    return value;
  }

  private results = new WeakMap<StoredRow<Observation>, LabResult>();
  private resultsFor = '';

  private computeModel() {
    const facts = this.patientFacts();
    const rows: StoredRow<Observation>[] = [];
    let totalResults = 0;
    let unread = 0;
    const codeOfRow = new Map<StoredRow<Observation>, string>();
    for (const s of this.data.summary) {
      totalResults += s.count;
      const entry = this.data.codes.get(s.code);
      const read = entry?.rows.length ? entry.rows : [s.latest as StoredRow<Observation>];
      for (const r of read) codeOfRow.set(r, s.code);
      rows.push(...read);
      unread += Math.max(0, s.count - read.length);
    }
    // Each row is read once (per language and patient facts): windows arrive one by one, and the
    // rows already read are not read again.
    const factsKey = `${this.localize.lang}|${facts.birthDate ?? ''}|${facts.gender ?? ''}`;
    if (factsKey !== this.resultsFor) {
      this.resultsFor = factsKey;
      this.results = new WeakMap();
    }
    const all = rows
      .filter((r) => r.resource?.resourceType === 'Observation')
      .map((r) => {
        let result = this.results.get(r);
        if (!result) this.results.set(r, (result = labResultOf(r.resource, r.source, facts, { locale: this.localize.lang })));
        return result;
      });
    const categories = this.categories.split(/\s+/).filter(Boolean);
    const otherKinds = categories.length ? all.filter((r) => !inCategories(r, categories)).length : 0;
    const shown = categories.length ? all.filter((r) => inCategories(r, categories)) : all;
    const hidden = shown.filter((r) => r.enteredInError);
    let results = shown.filter((r) => !r.enteredInError);
    const filtered = this.hostFilter.apply(results, (r) => r.resource);
    if (filtered) results = filtered.kept;
    const sameAnalyte: Record<string, string> = { ...(this.analyteMap ?? {}) };
    const hostKey = this.hostKey.key;
    let groupFailed = 0;
    if (hostKey) {
      for (const r of results) {
        const k = hostKey.keyOf(r.resource);
        if (k === 'error') groupFailed++;
        else if (k && !(r.codeKey in sameAnalyte)) sameAnalyte[r.codeKey] = k;
      }
    }
    const groups = groupLabResults(results, { sameAnalyte, duplicateWindowDays: this.duplicateWindowDays }, withSources(this.data.reports));
    // How many results each test has in the store (not only those read so far), for "Trend (N)".
    const storeCodeOf = new Map<string, string>();
    for (const [row, code] of codeOfRow) storeCodeOf.set(`${row.source}/Observation/${row.resource.id}`, code);
    const countOf = new Map(this.data.summary.map((x) => [x.code, x.count]));
    const groupsOfCode = new Map<string, Set<string>>();
    const codesOfGroup = new Map<string, Set<string>>();
    for (const g of groups) {
      const codes = new Set<string>();
      for (const r of g.results) {
        const c = storeCodeOf.get(r.key);
        if (c === undefined) continue;
        codes.add(c);
        let set = groupsOfCode.get(c);
        if (!set) groupsOfCode.set(c, (set = new Set()));
        set.add(g.codeKey);
      }
      codesOfGroup.set(g.codeKey, codes);
    }
    const totals = new Map<string, number>();
    for (const g of groups) {
      const codes = [...codesOfGroup.get(g.codeKey)!];
      // A store code shared by several tests (or the pseudo-code of a store without code queries): what was read.
      const shared = codes.some((c) => c === '*' || groupsOfCode.get(c)!.size > 1);
      totals.set(g.codeKey, shared ? g.results.length : codes.reduce((n, c) => n + (countOf.get(c) ?? 0), 0));
    }
    const view = filterLabGroups(groups, {
      ...(this.from ? { from: this.from } : {}),
      ...(this.to ? { to: this.to } : {}),
      ...(this.search.trim() ? { text: this.search.trim() } : {}),
      ...(this.abnormalOnly ? { abnormalOnly: true } : {}),
    });
    return { groups, view, hidden, totalResults, unread, filtered, groupFailed, facts, otherKinds, totals };
  }

  private get filtering(): boolean {
    return Boolean(this.from || this.to || this.search.trim() || this.abnormalOnly || this.filter || this.groupBy || this.analyteMap);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // Windowed rows are measured once rendered with their content (a measure from a ref callback
    // runs before the row's children are in it, sees 0 px, and makes the virtualizer render, and
    // the timeline read, far more rows than are in view).
    const v = this.windowing?.getVirtualizer();
    if (v && this.scroller) for (const el of this.scroller.querySelectorAll<HTMLElement>('.virtual-row[data-index]')) v.measureElement(el);
    this.data.ensure(this.wantedCodes(), this.filtering);
    // An opened trend reads up to window-size results of its test.
    if (this.openTrends.size) {
      const groups = this.model().groups.filter((g) => this.openTrends.has(g.codeKey));
      const codes = groups.map((g) => this.storeCodeOfGroup(g)).filter((c): c is string => c !== undefined);
      this.data.ensure(codes, true);
    }
  }

  /**
   * The store codes whose first window the view needs now: the tests in view (all of them when a
   * filter or grouping needs every result).
   */
  private wantedCodes(): Set<string> {
    const codes = new Set<string>();
    if (this.data.status !== 'ready' || !this.data.windowed) return codes;
    if (this.filtering) {
      for (const s of this.data.summary) codes.add(s.code);
      return codes;
    }
    const m = this.model();
    const storeCodeOf = new Map(this.data.summary.map((s) => [`${s.latest.source}/Observation/${s.latest.resource.id}`, s.code]));
    for (const g of this.visibleGroups(m.view.groups)) {
      const c = g.latest ? storeCodeOf.get(g.latest.key) : undefined;
      if (c !== undefined) codes.add(c);
    }
    return codes;
  }

  /** Whether a window the view needs is not read yet. */
  private get reading(): boolean {
    if (this.data.reading) return true;
    for (const c of this.wantedCodes()) if (!this.data.codes.has(c)) return true;
    return false;
  }

  private visibleGroups(groups: readonly LabGroup[]): readonly LabGroup[] {
    if (this.view === 'grid') {
      if (groups.length <= WINDOW_FROM) return groups;
      const v = this.windowing?.getVirtualizer();
      return v ? v.getVirtualItems().map((i) => groups[i.index]!).filter(Boolean) : groups.slice(0, FIRST_ROWS);
    }
    const flat = this.overviewItems(groups);
    if (flat.length <= WINDOW_FROM) return groups;
    const v = this.windowing?.getVirtualizer();
    if (!v) return flat.slice(0, FIRST_ROWS).flatMap((x) => (x.kind === 'test' ? [x.group] : []));
    const items = v.getVirtualItems();
    return items.map((i) => flat[i.index]).flatMap((x) => (x?.kind === 'test' ? [x.group] : []));
  }

  // --- render --------------------------------------------------------------------------------

  protected override render() {
    // Busy while the first windows of the tests in view are read (the rows show their newest result already).
    const busy = this.data.status === 'loading' || this.reading;
    return html`<section part="base" class="base" aria-labelledby=${this.headingId} aria-busy=${busy ? 'true' : 'false'}>
      ${renderHeading(headingLevel(this.headingLevel), this.t('labTimelineHeading'), { id: this.headingId, cls: 'heading', part: 'heading' })}
      ${this.notShared(['Observation']) ? renderNotShared(this.localize, this.localize.term('labResults')) : this.renderShared()}
    </section>`;
  }

  private renderShared() {
    return html`${this.data.status !== 'idle' && !this.hideSourceNotices ? renderSourceNotices(this.localize, this.status, () => this.requestSync(), { syncStatusHref: this.syncStatusHref }) : nothing}
      ${this.renderBody()}`;
  }

  private renderBody() {
    const what = this.localize.term('labResults');
    if (this.data.status === 'idle') return html`<p part="empty" class="unavailable">${this.t('labUnavailable')}</p>`;
    if (this.data.status === 'loading') return renderSkeleton(this.localize, { what });
    if (this.data.status === 'error') return renderError(this.localize, { what, error: this.data.error, onRetry: () => this.data.retry() });
    for (const c of [this.hostFilter, this.hostKey]) {
      if (c.state === 'loading') return renderSkeleton(this.localize, { what });
      if (c.state === 'error') return renderError(this.localize, { what, error: c.error });
    }
    const verdict = verdictFor(this.status);
    if (this.data.summary.length === 0) {
      return renderEmptyRecord(this.localize, verdict, {
        none: this.t('labNone'),
        unavailable: this.t('labUnavailable'),
        unavailableSources: (p) => term(this.localize, 'labUnavailableSources', p),
        unavailableUnknown: this.t('labUnavailableUnknown'),
      });
    }
    const m = this.model();
    return html`${renderIncompleteCaveat(this.localize, verdict)} ${renderNoRecord(this.localize, verdict)}
      ${renderHostFilterNote(this.localize, m.filtered)} ${this.renderToolbar()} ${this.renderShowing(m)}
      ${this.view === 'grid' ? this.renderGrid(m.view.groups) : this.renderOverview(m.view.groups)} ${this.renderHidden(m.hidden)}
      ${m.otherKinds ? html`<p part="other-kinds" class="other-kinds">${term(this.localize, 'labOtherKinds', m.otherKinds, this.localize.number(m.otherKinds))}</p>` : nothing}`;
  }

  private renderToolbar() {
    const set = (view: LabTimelineView) => () => {
      if (this.view === view) return;
      this.view = view;
      this.emit('ehr-lab-view-change', { view });
    };
    const input = (apply: (v: string) => void) => (e: Event) => apply((e.target as HTMLInputElement).value);
    return html`<div part="toolbar" class="toolbar">
      <div part="view-switch" class="view-switch" role="group" aria-label=${this.t('labView')}>
        <button type="button" class="target" aria-pressed=${this.view === 'overview'} @click=${set('overview')}>${this.t('labOverview')}</button>
        <button type="button" class="target" aria-pressed=${this.view === 'grid'} @click=${set('grid')}>${this.t('labGrid')}</button>
      </div>
      <div part="filters" class="filters">
        <label>${this.t('labSearch')} <input type="search" .value=${this.search} @input=${input((v) => (this.search = v))} /></label>
        <label>${this.t('labFrom')} <input type="date" .value=${this.from ?? ''} @change=${input((v) => (this.from = v || undefined))} /></label>
        <label>${this.t('labTo')} <input type="date" .value=${this.to ?? ''} @change=${input((v) => (this.to = v || undefined))} /></label>
        <label class="check"><input type="checkbox" .checked=${this.abnormalOnly} @change=${(e: Event) => (this.abnormalOnly = (e.target as HTMLInputElement).checked)} />
          ${this.t('labAbnormalOnly')}</label>
      </div>
    </div>`;
  }

  private renderShowing(m: ReturnType<EhrLabTimeline['model']>) {
    const n = (x: number) => this.localize.number(x);
    const tests = m.view.groups.length;
    const allTests = m.groups.length;
    const parts: TemplateResult[] = [];
    if (tests < allTests || m.view.shownResults < m.view.totalResults) {
      parts.push(html`<span>${term(this.localize, 'labShowing', n(tests), n(allTests), n(m.view.shownResults), n(m.view.totalResults))}</span>`);
    }
    if (this.filtering && m.unread > 0) {
      parts.push(html`<span>${term(this.localize, 'labUnread', m.unread, n(m.unread))}</span>`);
    }
    if (m.groupFailed) parts.push(html`<span>${term(this.localize, 'labGroupFailed', m.groupFailed, n(m.groupFailed))}</span>`);
    if (!parts.length) return nothing;
    return html`<p part="showing" class="showing" role="status">${parts}</p>`;
  }

  private renderHidden(hidden: readonly LabResult[]) {
    if (!hidden.length) return nothing;
    return renderCallout('warning', html`<p>${term(this.localize, 'labEnteredInError', hidden.length, this.localize.number(hidden.length))}</p>`, { part: 'hidden', about: 'hidden' });
  }

  // --- overview ------------------------------------------------------------------------------

  private overviewCache?: { from: readonly LabGroup[]; items: OverviewItem[] };

  /** Tests under their report (or panel), reports newest first; tests without one under "Other results". */
  private overviewItems(groups: readonly LabGroup[]): OverviewItem[] {
    if (this.overviewCache?.from === groups) return this.overviewCache.items;
    const sections = new Map<string, { title: string; report?: LabGroup['report']; date: string; groups: LabGroup[] }>();
    for (const g of groups) {
      const key = g.report?.key ?? (g.panel ? `panel:${g.panel}` : '');
      let s = sections.get(key);
      if (!s) sections.set(key, (s = { title: g.report?.name ?? g.panel ?? '', ...(g.report ? { report: g.report } : {}), date: '', groups: [] }));
      s.groups.push(g);
      const d = g.latest?.date ?? '';
      if (d > s.date) s.date = d;
    }
    const ordered = [...sections.entries()].sort(([ka, a], [kb, b]) => (ka === '' ? 1 : kb === '' ? -1 : a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
    const items: OverviewItem[] = [];
    const sectioned = ordered.length > 1 || (ordered[0] && ordered[0][0] !== '');
    for (const [key, s] of ordered) {
      if (sectioned) items.push({ kind: 'section', key: `section:${key}`, title: s.title || this.t('labOtherResults'), ...(s.report ? { report: s.report } : {}) });
      for (const g of s.groups) items.push({ kind: 'test', key: g.codeKey, group: g });
    }
    this.overviewCache = { from: groups, items };
    return items;
  }

  private renderOverview(groups: readonly LabGroup[]) {
    if (!groups.length) return html`<p class="none-shown">${this.t('labNoneShown')}</p>`;
    const items = this.overviewItems(groups);
    if (items.length <= WINDOW_FROM) {
      return html`<div class="overview" role="list">${items.map((it) => this.renderItem(it))}</div>`;
    }
    const v = this.virtualizerFor();
    if (!v) return html`<div class="overview" role="list">${items.slice(0, FIRST_ROWS).map((it) => this.renderItem(it))}</div>
      <p class="status" role="status">${this.t('labLoadingRows')}</p>`;
    if (v.options.count !== items.length) v.setOptions({ ...v.options, count: items.length, getItemKey: (i) => items[i]?.key ?? i });
    const virtual = v.getVirtualItems();
    return html`<div part="scroller" class="scroller" ${ref((el) => (this.scroller = el as HTMLElement | undefined))}>
      <div class="overview" role="list" style="height:${v.getTotalSize()}px;position:relative">
        ${repeat(virtual, (vi) => items[vi.index]!.key, (vi) => {
          const it = items[vi.index]!;
          return html`<div class="virtual-row" data-index=${vi.index} style="transform:translateY(${vi.start}px)">
            ${this.renderItem(it)}
          </div>`;
        })}
      </div>
    </div>`;
  }

  private renderItem(it: OverviewItem): TemplateResult {
    if (it.kind === 'section') {
      const r = it.report;
      return html`<div part="section" class="section" role="listitem">
        <span class="section-title">${recordText(this.localize, it.title)}</span>
        ${r ? html`<span part="report-status" class="report-status">${this.reportStatus(r.status)}</span>` : nothing}
        ${r?.conclusion ? html`<span part="conclusion" class="conclusion">${this.t('labConclusion')}: ${recordText(this.localize, r.conclusion)}</span>` : nothing}
      </div>`;
    }
    return this.renderTest(it.group);
  }

  private reportStatus(status: string): string {
    const key = `labReport_${status}` as LabTermKey;
    return isLabTerm(key) ? this.t(key) : status;
  }

  private renderTest(g: LabGroup): TemplateResult {
    const latest = g.latest;
    const compact = this.density === 'compact';
    const open = this.openTrends.has(g.codeKey);
    const trendId = `trend-${hash(g.codeKey)}`;
    const dup = g.duplicates.length > 0;
    return html`<div part="row" class="row ${latest?.critical ? 'critical' : ''} ${latest?.abnormal ? 'abnormal' : ''}" role="listitem">
      <div class="line">
        <span part="name" class="name">${recordText(this.localize, g.name)}</span>
        ${latest ? this.renderResultValue(latest) : html`<span class="value">—</span>`}
        ${latest ? html`<span class="date">${this.formatDate(latest.date)}</span>` : nothing}
        <span class="sources">${(latest ? [latest.source] : g.sources).map((s) => html`<ehr-source-badge compact .store=${this.activeStore} source=${s}></ehr-source-badge>`)}</span>
        ${!compact ? this.renderSparkline(g) : nothing}
        <button type="button" part="trend-button" class="target trend-button" aria-expanded=${open} aria-controls=${trendId} @click=${() => this.toggleTrend(g.codeKey)}>
          ${term(this.localize, 'labTrend', this.localize.number(Math.max(g.results.length, this.model().totals.get(g.codeKey) ?? 0)))}
        </button>
      </div>
      <div class="marks">
        ${latest?.critical ? renderCalloutMark('warning', html`${this.t('labCritical')}`, { part: 'critical' }) : nothing}
        ${latest && latest.status.revised ? html`<span part="corrected" class="corrected">${this.t(latest.status.key === 'amended' ? 'labAmended' : 'labCorrected')}</span>` : nothing}
        ${latest?.preliminary ? html`<span class="preliminary">${this.t('labPreliminary')}</span>` : nothing}
        ${latest && STATUS_TERMS[latest.status.key] ? html`<span part="result-status" class="preliminary">${this.t(STATUS_TERMS[latest.status.key]!)}</span>` : nothing}
        ${dup ? renderCalloutMark('info', html`${this.t('labPossibleDuplicate')}`, { part: 'duplicate' }) : nothing}
        ${!g.comparable ? renderCalloutMark('info', html`${term(this.localize, 'labNotComparable', this.localize.number(g.unitKeys.length))}`, { part: 'not-comparable' }) : nothing}
      </div>
      ${compact
        ? html`<details part="more" class="more"><summary class="target">${this.t('labMoreDetails')}</summary>${this.renderDetails(g)}</details>`
        : this.renderDetails(g)}
      ${open ? this.renderTrend(g, trendId) : nothing}
    </div>`;
  }

  private renderDetails(g: LabGroup) {
    const r = g.latest;
    return html`<div class="details">
      ${r?.range ? html`<span part="range" class="range">${this.t('labRange')}: ${recordText(this.localize, r.range.label)}</span>` : nothing}
      ${r && !r.range && r.ranges.length ? html`<span part="range" class="range">${this.t('labRangeNotForPatient')}</span>` : nothing}
      ${r?.components.length
        ? html`<span class="components">${r.components.map((c) => html`<span class="component"><span class="component-name">${recordText(this.localize, c.name)}</span> ${this.renderValue(c.value)} ${this.renderInterpretations(c.interpretations, c.verdict)}</span>`)}</span>`
        : nothing}
      ${this.density === 'compact' ? this.renderSparkline(g) : nothing}
      ${g.sources.length > 1 ? html`<span class="all-sources">${this.t('labFrom')}: ${g.sources.map((s) => html`<ehr-source-badge compact .store=${this.activeStore} source=${s}></ehr-source-badge>`)}</span>` : nothing}
    </div>`;
  }

  private renderResultValue(r: LabResult) {
    return html`<span part="value" class="value">${r.components.length && r.value.kind === 'none' ? this.componentSummary(r) : this.renderValue(r.value)}</span>
      ${this.renderInterpretations(r.interpretations, r.verdict)}`;
  }

  private componentSummary(r: LabResult) {
    return html`${r.components.map((c, i) => html`${i ? ' / ' : ''}${this.renderValue(c.value)}`)}`;
  }

  /** A value as recorded: number with comparator, then the unit exactly as recorded; words for absent values. */
  renderValue(v: LabValue): TemplateResult {
    switch (v.kind) {
      case 'quantity':
        return html`<bdi class="number">${v.text}</bdi>${v.unit ? html` <bdi class="unit">${v.unit}</bdi>` : nothing}`;
      case 'absent':
        return html`<span class="absent">${v.masked ? this.t('labWithheld') : recordText(this.localize, v.text || this.t('labNoValue'))}</span>`;
      case 'boolean':
        return html`<span>${this.t(v.value ? 'labYes' : 'labNo')}</span>`;
      case 'none':
        return html`<span class="absent">${this.t('labNoValue')}</span>`;
      default:
        return html`${recordText(this.localize, v.text)}`;
    }
  }

  private renderInterpretations(list: readonly InterpretationInfo[], verdict: string): TemplateResult | typeof nothing {
    const flags = list.filter((i) => i.key !== 'unknown-code' || i.text || i.code);
    if (!flags.length) {
      // Outside the range with no interpretation recorded: still marked, in our words.
      if (verdict === 'above' || verdict === 'below') {
        return html`<span part="interpretation" class="interpretation abnormal">${shape(verdict === 'above' ? 'up' : 'down')}${this.t(verdict === 'above' ? 'labAboveRange' : 'labBelowRange')}</span>`;
      }
      return nothing;
    }
    return html`${flags.map((i) => {
      const term = INTERPRETATION_TERMS[i.key];
      const words = term ? this.t(term) : i.text ?? i.code ?? '';
      return html`<span part="interpretation" class="interpretation ${i.abnormal ? 'abnormal' : ''} ${i.critical ? 'critical' : ''}">${shape(i.shape)}${term ? words : recordText(this.localize, words)}</span>`;
    })}`;
  }

  /** A small trend: the latest numeric results in the latest unit, as a polyline (no axes, no ticks). */
  private renderSparkline(g: LabGroup) {
    const model = chartModel(g.results.slice(0, 20));
    if (model.points.length < 2 || !model.yExtent || !model.tExtent) return nothing;
    const [y0, y1] = model.yExtent;
    const [t0, t1] = model.tExtent;
    const w = 80;
    const h = 20;
    const px = (t: number) => (t1 === t0 ? w / 2 : ((t - t0) / (t1 - t0)) * (w - 4) + 2);
    const py = (y: number) => (y1 === y0 ? h / 2 : h - 2 - ((y - y0) / (y1 - y0)) * (h - 4));
    return html`<svg part="sparkline" class="sparkline" viewBox="0 0 ${w} ${h}" width=${w} height=${h} aria-hidden="true" focusable="false">
      ${model.segments.map((s) => svg`<polyline points=${s.map((p) => `${px(p.t).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}></polyline>`)}
      ${model.points.filter((p) => p.abnormal || p.comparator).map((p) => svg`<circle cx=${px(p.t)} cy=${py(p.y)} r="2" class=${p.comparator ? 'open' : 'abnormal'}></circle>`)}
    </svg>`;
  }

  private toggleTrend(code: string): void {
    const next = new Set(this.openTrends);
    if (next.has(code)) next.delete(code);
    else {
      next.add(code);
      chartModule ??= import('./trend-chart.js');
      void chartModule.then((m) => {
        this.chart = m;
        this.requestUpdate();
      });
    }
    this.openTrends = next;
  }

  private renderTrend(g: LabGroup, id: string) {
    const series = seriesOf(g);
    const storeCode = this.storeCodeOfGroup(g);
    const entry = storeCode !== undefined ? this.data.codes.get(storeCode) : undefined;
    return html`<div part="trend" class="trend" id=${id}>
      ${series.map(({ name, results }) => {
        const model = chartModel(results);
        if (!model.points.length) return html`<p class="no-chart">${series.length > 1 ? html`${recordText(this.localize, name)}: ` : nothing}${this.t('labNothingToPlot')}</p>`;
        const captionId = `${id}-${hash(name)}`;
        return html`<figure class="chart-figure">
          <figcaption id=${captionId}>${recordText(this.localize, name)}: ${this.chartSpan(model)}</figcaption>
          ${this.chart ? this.chart.renderTrendChart(model, this.chartText(model), captionId) : nothing}
        </figure>`;
      })}
      ${this.renderTrendTable(g)}
      ${entry?.older ? html`<button type="button" part="older-button" class="target older" ?disabled=${entry.loading} @click=${() => this.data.loadOlder(storeCode!)}>
            ${term(this.localize, 'labReadOlder', this.localize.number(Math.max(0, entry.count - entry.rows.length)))}
          </button>`
        : nothing}
    </div>`;
  }

  private storeCodeOfGroup(g: LabGroup): string | undefined {
    const keys = new Set(g.results.map((r) => r.key));
    for (const [code, entry] of this.data.codes) if (entry.rows.some((row) => keys.has(`${row.source}/Observation/${row.resource.id}`))) return code;
    return undefined;
  }

  /** "12 results from 03-Jan-2020 to 04-May-2024" (no record text: the name is beside it, isolated). */
  private chartSpan(model: ChartModel): string {
    const day = (t: number) => this.formatDate(new Date(t).toISOString().slice(0, 10));
    return model.tExtent ? term(this.localize, 'labChartSpan', this.localize.number(model.points.length), day(model.tExtent[0]), day(model.tExtent[1])) : '';
  }

  private chartText(model: ChartModel) {
    const n = (x: number) => this.localize.number(x, { maximumSignificantDigits: 4 });
    return {
      tick: (t: number, span: number) =>
        new Intl.DateTimeFormat(this.localize.lang, span > 400 * 86_400_000 ? { year: 'numeric', month: 'short', timeZone: 'UTC' } : { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(t),
      number: n,
      comparatorLabel: (p: ChartPoint) => `${p.comparator ?? ''}${n(p.y)}`,
      outOfRange: this.t('labOutOfRange'),
      intoRange: this.t('labIntoRange'),
      largeChange: (c: number) => `${c > 0 ? '+' : '−'}${this.localize.number(Math.abs(c), { style: 'percent', maximumFractionDigits: 0 })}`,
      gap: this.t('labGap'),
      unit: model.unitKey.includes('|') ? (model.unitKey.split('|')[1] ?? '') : model.unitKey,
    };
  }

  private renderTrendTable(g: LabGroup) {
    return html`<table part="trend-table" class="trend-table">
      <caption>${sentence(this.localize, (slot) => term(this.localize, 'labTableCaption', slot(g.name)))}</caption>
      <thead><tr><th scope="col">${this.t('labDate')}</th><th scope="col">${this.t('labValue')}</th><th scope="col">${this.t('labFlag')}</th><th scope="col">${this.t('labRange')}</th><th scope="col">${this.t('labSource')}</th></tr></thead>
      <tbody>
        ${g.results.map(
          (r) => html`<tr>
            <td>${this.formatDate(r.date)}</td>
            <td>${r.components.length && r.value.kind === 'none' ? r.components.map((c) => html`<div>${recordText(this.localize, c.name)}: ${this.renderValue(c.value)}${this.renderStored(c.value)}</div>`) : html`${this.renderValue(r.value)}${this.renderStored(r.value)}`}
              ${r.status.revised ? html` <span part="corrected" class="corrected">${this.t(r.status.key === 'amended' ? 'labAmended' : 'labCorrected')}</span>` : nothing}</td>
            <td>${this.renderInterpretations(r.interpretations, r.verdict)}${r.critical ? html` <strong>${this.t('labCritical')}</strong>` : nothing}</td>
            <td>${r.range ? recordText(this.localize, r.range.label) : '—'}</td>
            <td><ehr-source-badge compact .store=${this.activeStore} source=${r.source}></ehr-source-badge></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  /** The stored value when the display rounds it: "stored: 175.96112001234565". */
  private renderStored(v: LabValue) {
    if (v.kind !== 'quantity' || !v.rounded) return nothing;
    return html` <span class="stored">(${this.t('labStored')}: <bdi>${v.stored}</bdi>)</span>`;
  }

  // --- grid ----------------------------------------------------------------------------------

  private gridCache?: { from: readonly LabGroup[]; days: string[]; byDay: Map<string, Map<string, LabResult[]>> };

  private renderGrid(groups: readonly LabGroup[]) {
    if (!groups.length) return html`<p class="none-shown">${this.t('labNoneShown')}</p>`;
    // Days and cells are worked out once per set of groups, not on every scrolled frame.
    if (this.gridCache?.from !== groups) {
      this.gridCache = { from: groups, days: gridDays(groups.flatMap((g) => g.results)), byDay: new Map(groups.map((g) => [g.codeKey, resultsByDay(g.results)])) };
    }
    const { days, byDay } = this.gridCache;
    const page = dayPage(days, this.dayPageIndex, GRID_DAYS);
    const colcount = days.length + 1;
    const rowcount = groups.length + 1;
    const v = groups.length > WINDOW_FROM ? this.virtualizerFor() : undefined;
    const windowed = v !== undefined;
    if (v && v.options.count !== groups.length) v.setOptions({ ...v.options, count: groups.length, getItemKey: (i) => groups[i]?.codeKey ?? i });
    // Until the virtualizer's module is there, the first FIRST_ROWS rows (aria-rowcount still counts all).
    const indexes = v ? v.getVirtualItems().map((vi) => ({ index: vi.index, start: vi.start })) : groups.slice(0, groups.length > WINDOW_FROM ? FIRST_ROWS : WINDOW_FROM).map((_, index) => ({ index, start: 0 }));
    const cols = `minmax(10rem, 14rem) repeat(${page.days.length}, minmax(6.5rem, 1fr))`;
    const f = this.focusCell;
    const cell = (row: number, col: number) => (row === f.row && col === f.col ? 0 : -1);
    return html`<div part="day-pager" class="day-pager">
        <button type="button" class="target" ?disabled=${page.page === 0} @click=${() => (this.dayPageIndex = page.page - 1)}>${this.t('labNewerDays')}</button>
        <span role="status">${term(this.localize, 'labDaysShown', this.localize.number(page.first + 1), this.localize.number(page.first + page.days.length), this.localize.number(days.length))}</span>
        <button type="button" class="target" ?disabled=${page.page >= page.pages - 1} @click=${() => (this.dayPageIndex = page.page + 1)}>${this.t('labOlderDays')}</button>
      </div>
      <div part="scroller" class="scroller grid-scroller" ${ref((el) => (this.scroller = el as HTMLElement | undefined))}>
        <div part="grid" class="grid" role="grid" aria-labelledby=${this.headingId} aria-rowcount=${rowcount} aria-colcount=${colcount} @keydown=${(e: KeyboardEvent) => this.onGridKey(e, groups.length, page.days.length, page)}>
          <div part="grid-header" class="grid-row grid-header" role="row" aria-rowindex="1" style="grid-template-columns:${cols}">
            <div class="cell head first" role="columnheader" aria-colindex="1" data-r="-1" data-c="0">${this.t('labTest')}</div>
            ${page.days.map((d, i) => html`<div class="cell head" role="columnheader" aria-colindex=${page.first + i + 2}>${d ? this.formatDate(d) : this.t('labUndated')}</div>`)}
          </div>
          <div class="grid-body" style=${v ? `height:${v.getTotalSize()}px;position:relative` : ''}>
            ${repeat(indexes, ({ index }) => groups[index]!.codeKey, ({ index, start }) => {
              const g = groups[index]!;
              const cells = byDay.get(g.codeKey)!;
              return html`<div class="grid-row ${windowed ? 'virtual-row' : ''}" role="row" aria-rowindex=${index + 2} data-index=${index}
                style="grid-template-columns:${cols};${windowed ? `transform:translateY(${start}px)` : ''}">
                <div part="cell" class="cell first" role="rowheader" aria-colindex="1" tabindex=${cell(index, 0)} data-r=${index} data-c="0">
                  ${recordText(this.localize, g.name)}${!g.comparable ? html` ${renderCalloutMark('info', html`${term(this.localize, 'labNotComparable', this.localize.number(g.unitKeys.length))}`, { part: 'not-comparable' })}` : nothing}
                </div>
                ${page.days.map((d, i) => {
                  const rs = cells.get(d) ?? [];
                  return html`<div part="cell" class="cell" role="gridcell" aria-colindex=${page.first + i + 2} tabindex=${cell(index, i + 1)} data-r=${index} data-c=${i + 1}>
                    ${rs.map((r) => html`<div class="cell-value ${r.abnormal ? 'abnormal' : ''}">${this.renderResultValue(r)}${r.critical ? html` <strong class="critical-word">${this.t('labCritical')}</strong>` : nothing}${r.status.revised ? html` <span class="corrected">${this.t(r.status.key === 'amended' ? 'labAmended' : 'labCorrected')}</span>` : nothing}</div>`)}
                  </div>`;
                })}
              </div>`;
            })}
          </div>
        </div>
      </div>`;
  }

  private onGridKey(e: KeyboardEvent, rows: number, cols: number, page: { page: number; pages: number }): void {
    let { row, col } = this.focusCell;
    const last = cols; // columns on this page are 1..cols, the row header is 0
    switch (e.key) {
      case 'ArrowRight':
        if (col < last) col++;
        else if (page.page < page.pages - 1) {
          this.dayPageIndex = page.page + 1;
          col = 1;
        }
        break;
      case 'ArrowLeft':
        if (col > 1 || (col === 1 && page.page === 0)) col--;
        else if (col === 1 && page.page > 0) {
          this.dayPageIndex = page.page - 1;
          col = GRID_DAYS;
        }
        break;
      case 'ArrowDown':
        row = Math.min(rows - 1, row + 1);
        break;
      case 'ArrowUp':
        row = Math.max(0, row - 1);
        break;
      case 'PageDown':
        row = Math.min(rows - 1, row + 10);
        break;
      case 'PageUp':
        row = Math.max(0, row - 10);
        break;
      case 'Home':
        col = 0;
        if (e.ctrlKey) row = 0;
        break;
      case 'End':
        col = last;
        if (e.ctrlKey) row = rows - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    this.focusCell = { row, col };
    if (rows > WINDOW_FROM) this.windowing?.getVirtualizer().scrollToIndex(row, { align: 'auto' });
    void this.focusGridCell(row, col);
  }

  private async focusGridCell(row: number, col: number): Promise<void> {
    for (let i = 0; i < 4; i++) {
      await this.updateComplete;
      const el = this.renderRoot.querySelector<HTMLElement>(`.grid [data-r="${row}"][data-c="${col}"]`);
      if (el) {
        el.focus();
        return;
      }
      await new Promise((r) => requestAnimationFrame(r));
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private formatDate(date: string | undefined): string {
    const p = parseFhirDate(date);
    return p ? formatParsedDate(p, this.localize.lang) : this.t('labUndated');
  }
}

/** Reports with the source they came from, as `groupLabResults` takes them. */
function withSources(rows: readonly StoredRow<DiagnosticReport>[]): (DiagnosticReport & { source?: string })[] {
  return rows.map((r) => ({ ...r.resource, source: r.source }) as DiagnosticReport & { source?: string });
}

/** One chart series per component (blood pressure: systolic and diastolic), else the test itself. */
function seriesOf(g: LabGroup): { name: string; results: LabResult[] }[] {
  const withComponents = g.results.filter((r) => r.components.length);
  if (!withComponents.length) return [{ name: g.name, results: g.results }];
  const byCode = new Map<string, { name: string; results: LabResult[] }>();
  for (const r of withComponents) {
    r.components.forEach((c, i) => {
      let s = byCode.get(c.codeKey);
      if (!s) byCode.set(c.codeKey, (s = { name: c.name, results: [] }));
      const numeric = c.value.kind === 'quantity' ? c.value.value : undefined;
      s.results.push({
        ...r,
        key: `${r.key}#${i}`,
        value: c.value,
        ranges: c.ranges,
        ...(c.range ? { range: c.range } : {}),
        verdict: c.verdict,
        interpretations: c.interpretations,
        abnormal: c.verdict === 'above' || c.verdict === 'below' || c.interpretations.some((x) => x.abnormal),
        critical: c.interpretations.some((x) => x.critical),
        ...(numeric !== undefined ? { numeric } : {}),
        unitKey: c.value.kind === 'quantity' ? c.value.unitKey : '',
        openMarker: c.value.kind === 'quantity' && c.value.comparator !== undefined,
      } as LabResult);
    });
  }
  return [...byCode.values()];
}

/** An arrow or mark for an interpretation, so that it never rests on colour alone. */
function shape(s: string): TemplateResult {
  const glyph = s === 'up' ? '↑' : s === 'down' ? '↓' : s === 'double-up' ? '⇈' : s === 'double-down' ? '⇊' : s === 'abnormal' ? '!' : s === 'normal' ? '' : '';
  return glyph ? html`<span class="shape" aria-hidden="true">${glyph}</span>` : html``;
}

function hash(s: string): string {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}
