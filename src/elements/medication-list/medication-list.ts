import { html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { MedicationRequest, MedicationStatement, Patient, Resource } from 'fhir/r4';
import { EhrDataElement, baseStyles } from '../base/ehr-element.js';
import { patientQuery } from '../base/patient-query.js';
import { sourceStatus } from '../base/source-status-controller.js';
import { DEFAULT_STALE_AFTER } from '../base/source-status-controller.js';
import { headingStyles, stateStyles } from '../base/state-styles.js';
import { renderEmpty, renderError, renderNotShared, renderSkeleton, renderSourceNotices } from '../base/state-views.js';
import { headingLevel, renderHeading } from '../base/heading.js';
import type { RecordSource, StoredRow } from '../base/store-types.js';
import {
  buildMedicationList,
  referencedKeys,
  type MedicationDisplayGroup,
  type MedicationEntryView,
  type MedicationListView,
  type MedicationRecord,
  type MedicationRowView,
} from '../../fhir/medication-rows.js';
import { INCOMPLETE_DOSE_PREFIX, dosageParts, dosageText, medicationDosageSummary } from '../../fhir/medications.js';
import { LIST_PREVIEW, NESTED_PREVIEW, preview, renderAndMore, renderShowAll } from '../base/show-more.js';
import { renderEmptyRecord, renderIncompleteCaveat, renderNoRecord, verdictFor } from '../base/completeness-notes.js';
import { recordText, sentence } from '../base/record-text.js';
import { renderCallout, renderCalloutMark } from '../base/callout.js';
import { HostFilterController, renderHostFilterNote } from '../base/host-filter-controller.js';
import type { HostFilterResult } from '../../fhir/host-filter.js';
import type { Localize } from '../base/localize/localize.js';
import type { CompletenessVerdict } from '../../fhir/completeness.js';
import styles from './medication-list.styles.js';

type MedicationUse = MedicationRequest | MedicationStatement;

/**
 * One piece of a dose: text from the record or built in words, `paren` when shown in brackets;
 * `kind` says which part of the dosage it is (`text` for the prescriber's written instruction).
 */
type DosePiece = { readonly text: string; readonly paren?: boolean; readonly kind: 'text' | 'dose' | 'route' | 'frequency' | 'as-needed' };

/**
 * The dose text of an entry split into the pieces it was built from (one list per dosage), so
 * that each record-derived piece can be isolated on its own. `null` when the pieces do not
 * reproduce `e.dose` exactly (then the dose is shown as one piece).
 */
function dosePieces(e: MedicationEntryView): DosePiece[][] | null {
  const r = e.resource;
  const list = r.resourceType === 'MedicationStatement' ? r.dosage : r.dosageInstruction;
  if (!Array.isArray(list)) return null;
  const out: DosePiece[][] = [];
  for (const d of list) {
    const p = dosageParts(d);
    if (p.text) {
      out.push([{ text: p.text, kind: 'text' }]);
      continue;
    }
    // The route as dosageText shows it: a phrase (`by mouth`) or the recorded route in brackets.
    const route = p.route ? dosageText({ route: d.route }) : null;
    const routePiece: DosePiece | null = route
      ? route.startsWith('(') && route.endsWith(')') && route !== p.route
        ? { text: route.slice(1, -1), paren: true, kind: 'route' as const }
        : { text: route, kind: 'route' as const }
      : null;
    const pieces = ([
      p.dose ? { text: p.dose, kind: 'dose' as const } : null,
      routePiece,
      p.frequency ? { text: p.frequency, kind: 'frequency' as const } : null,
      p.asNeeded ? { text: p.asNeeded, kind: 'as-needed' as const } : null,
    ] satisfies (DosePiece | null)[]).filter((x): x is DosePiece => x !== null);
    if (pieces.length) out.push(pieces);
  }
  const joined = out.map((ps) => ps.map((x) => (x.paren ? `(${x.text})` : x.text)).join(' ')).join('; ');
  return out.length && joined === e.dose ? out : null;
}

/**
 * The dose text without src/fhir's English "Dose incomplete – check source record" prefix (the
 * list shows its own localized marker instead), for every dosage it starts.
 */
function withoutIncompletePrefix(dose: string): string {
  return dose
    .split('; ')
    .map((part) => (part.startsWith(INCOMPLETE_DOSE_PREFIX) ? part.slice(INCOMPLETE_DOSE_PREFIX.length).replace(/^: /, '') : part))
    .filter((part) => part !== '')
    .join('; ');
}

/** Each piece in its own `<bdi>` (marked when it holds direction controls), separated by `sep`. */
function isolated(localize: Localize, pieces: readonly (string | TemplateResult)[], sep: string): TemplateResult {
  return html`${pieces.map((x, i) => html`${i ? sep : nothing}${typeof x === 'string' ? recordText(localize, x) : x}`)}`;
}

/** Detail of `ehr-medication-select`. */
export interface MedicationSelectDetail {
  /** The row's name as recorded (`null` when none was recorded); the list shows it with the ingredient first. */
  name: string | null;
  /** The group the row is in. */
  group: MedicationDisplayGroup;
  /** Every record behind the row (each source's current record first, then older ones), with its source. */
  records: Array<{ source: string; resource: MedicationUse }>;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ehr-medication-select': CustomEvent<MedicationSelectDetail>;
  }
  interface HTMLElementTagNameMap {
    'ehr-medication-list': EhrMedicationList;
  }
}

const MED_TYPES = ['MedicationRequest', 'MedicationStatement'];
/** Status codes of MedicationRequest and MedicationStatement that the `medsStatus` term puts in words. */
const MED_STATUS_CODES: ReadonlySet<string> = new Set(['active', 'on-hold', 'cancelled', 'stopped', 'completed', 'draft', 'unknown', 'not-taken', 'intended']);
const KEY = /^([^/]+)\/([A-Za-z]+)\/([^/]+)$/;

/** The statuses a group's heading already says (no Status column when every row has one of them). */
const HEADING_STATUSES: Partial<Record<MedicationDisplayGroup, ReadonlySet<string>>> = {
  active: new Set(['active']),
  'on-hold': new Set(['on-hold']),
  stopped: new Set(['stopped', 'completed']),
};

/** The group that carries the list's one "not stopped at death" note: the first with such a row. */
function firstFlaggedGroup(view: MedicationListView): MedicationDisplayGroup | undefined {
  return view.deceased ? view.groups.find((g) => g.rows.some((r) => r.activeAfterDeath))?.group : undefined;
}

/** What one group's table shows (see `columnsFor`). */
interface GroupColumns {
  /** Whether the Status column is shown. */
  readonly status: boolean;
  /** The group mixes prescribers and recorders. */
  readonly mixed: boolean;
  /** Header of the who-column. */
  readonly prescriber: string;
  /** `density="compact"`: prescriber and date behind each row's "More details". */
  readonly compact: boolean;
}

/** Reads one `"<source>/<Type>/<id>"` from whatever the store offers; `null` when not there. */
async function readKey(store: RecordSource, key: string): Promise<Resource | null> {
  try {
    if (store.read) return (await store.read(key))?.resource ?? null;
    const m = KEY.exec(key);
    if (m && store.get) return (await store.get(m[1]!, m[2]!, m[3]!))?.resource ?? null;
  } catch {
    // Unreadable counts as not available: the row says so instead of failing the list.
  }
  return null;
}

/**
 * The patient's medications from every linked provider: MedicationRequests and
 * MedicationStatements (with their Medication, coded, contained or referenced), grouped as
 * *Do not take*, *Active*, *On hold*, *Other or unknown status* and *Stopped / completed*, with
 * dose, route and frequency in words, prescriber, date, status and source.
 *
 * The same drug recorded by two providers is shown once with both sources; where their current
 * records disagree (dose, or active at one and stopped at the other) the row says "Differs between
 * sources" with each provider's value. Older records of a drug (renewals, past courses) are kept
 * under the row or in *Stopped / completed*, never dropped. `entered-in-error` records are never
 * shown. `doNotPerform` requests are listed only under *Do not take*. For a patient recorded as
 * deceased, "active" prescriptions are titled "Recorded as active — not stopped at death on …",
 * with one warning note for the whole list; each such row carries a quiet mark (a small muted ◆,
 * "Not stopped at death" for screen readers). When nothing is in *Active* but other groups
 * have entries, the list says "No active medications recorded" above them.
 *
 * Dense by default: one line per medicine where its fields fit (at 1,100 px most do), small cell
 * padding, the name in the table's font size. Every group's table has the same fixed column
 * widths, so groups with the same columns line up (a group without a Status column gives that
 * space to the name), and the list never grows wider than its host: long record text wraps
 * inside its cell; a date never breaks. Below a container
 * width of 56rem each row is stacked as "label: value" lines. Source badges are compact (the
 * provider's name; the sync time is in the badge's tooltip and read by screen readers).
 *
 * Completeness (the allergy panel's rule, `src/fhir/completeness.ts`): "No medications recorded"
 * only when every provider delivered this patient's data (a completed download, or searched with
 * no record of them). Otherwise an empty list reads "Medication information unavailable" naming
 * the providers that did not deliver, and a list with entries carries "May be incomplete: …"
 * (`part="incomplete"`). Providers with no record of the patient are named: "No record at …"
 * (`part="no-record"`).
 *
 * Set `hide-source-notices` when the page shows sync status itself: the partial / stale / offline
 * notices are then left out (errors, the completeness caveat, "unavailable" and per-row source
 * badges are always shown).
 *
 * Long lists are cut visibly: a group with more than 50 rows shows the first 50 and "Showing the
 * first 50 of N." with a "Show all N" button; a row with more than 10 dosage instructions or
 * earlier records shows 10 and "and N more".
 *
 * Referenced Medications and prescribers are read from the store (`read('<source>/Type/id')`) after
 * the records arrive; the list shows its skeleton until they are looked up the first time.
 *
 * @tag ehr-medication-list
 * @summary The patient's medication list, reconciled across providers.
 *
 * @event {CustomEvent<MedicationSelectDetail>} ehr-medication-select - A medication's name was
 *   activated (click, Enter or Space); only when `selectable` is set. `detail.records` holds every
 *   record behind the row.
 *
 * @csspart base - The labelled section around everything.
 * @csspart heading - The list heading.
 * @csspart group - One group (section with its heading and table).
 * @csspart group-heading - A group's heading with its count.
 * @csspart row - One medication (a table row).
 * @csspart name - The medication name with the ingredient first (a button when `selectable`); a
 *   leading pack size, release period or code of an RxNorm name follows it, muted (`10 ML Furosemide
 *   10 MG/ML Injection` shows as `Furosemide 10 mg/mL Injection · 10 mL`).
 * @csspart recorded-name - "Recorded as: …", for screen readers (and the name's tooltip), when the shown name differs from the recorded one.
 * @csspart strength - Strength and dose form, when a Medication records them.
 * @csspart dose - Dose, route and frequency, or "Dose not recorded".
 * @csspart dose-incomplete - "Dose incomplete – check source record": a structured dose the list could not fully read.
 * @csspart status - The status text (per source when sources disagree).
 * @csspart prescriber - Who prescribed (or reported) it, or "Not known".
 * @csspart date - Prescribed / taken-from / recorded date.
 * @csspart source - The cell with the source badges.
 * @csspart difference - "Differs between sources …" (an info callout: dose wording or status differs) and do-not-give conflicts (a warning callout).
 * @csspart host-filter - "Filtered by the host: N of M shown" (an info callout), when `filter` is set.
 * @csspart more - A compact row's "More details" disclosure (prescriber or recorder, and start date).
 * @csspart warning - The list's one "not stopped at death" note for a deceased patient (with `deceased-note`); the shared warning callout.
 * @csspart deceased-note - That note.
 * @csspart after-death-mark - The quiet per-row mark of a prescription not stopped at death (words for screen readers).
 * @csspart history - The disclosure listing a drug's earlier records (its "N earlier records" toggle is a 44 px target).
 * @csspart skeleton - Loading placeholder.
 * @csspart empty - "No medications recorded" / "Medication information unavailable", and "No active medications recorded" above the other groups.
 * @csspart incomplete - "May be incomplete: …" above the groups while some provider's data for this patient is missing.
 * @csspart no-record - "No record at …": a provider searched for this patient that holds nothing on them.
 * @csspart error - Error box with Retry.
 * @csspart notice - Partial, stale and offline notices.
 * @csspart retry-button - Retry buttons.
 * @csspart status-link - "See sync status" in the partial and stale notices, with `sync-status-href`.
 * @csspart show-all - "Showing the first 50 of N." with its "Show all N" button (`show-all-button`), below a long group.
 * @csspart show-more - "and N more": the button after the first 10 dosage instructions or earlier records of a row.
 * @csspart direction-controls - The "⇄" sign after record text that holds text-direction control characters.
 * @csspart text-cut - "(N more characters not shown)" after record text cut at 1,000 characters.
 *
 * @cssproperty [--ehr-medication-list-row-border=var(--ehr-color-border-subtle, #d0d7de)] - Lines between rows.
 * @cssproperty [--ehr-medication-list-header-background=var(--ehr-color-surface-raised, #f6f8fa)] - Table header background.
 * @cssproperty [--ehr-medication-list-stack-below=56rem] - Informational: below this container width, rows stack (label: value).
 */
export class EhrMedicationList extends EhrDataElement {
  static override styles: CSSResultGroup = [baseStyles, stateStyles, headingStyles, styles];

  /** Level of the list heading (1–6); group headings are one level below. */
  @property({ type: Number, attribute: 'heading-level' }) headingLevel = 2;

  /** Heading text; defaults to "Medications" in the current language. */
  @property() heading?: string;

  /** Render medication names as buttons that fire `ehr-medication-select`. */
  @property({ type: Boolean }) selectable = false;

  /**
   * Row layout: `dense` (default) — a table with every column; `compact` — name, dose (and
   * status where the group needs it) and source on the line, prescriber and start date behind
   * each row's "More details". Every safety marker stays on the line: "not stopped at death",
   * "do not give", an incomplete dose, differences between sources.
   */
  @property({ reflect: true }) density: 'compact' | 'dense' = 'dense';

  /**
   * A FHIRPath boolean expression, evaluated per MedicationRequest / MedicationStatement, that
   * narrows the list (e.g. `category.coding.code = 'community'`). Opt-in: fhirpath (~160 KB gzip)
   * is loaded only when this is set. The list then says "Filtered by the host: N of M shown"; an
   * invalid expression is an error naming the attribute. "No medications recorded" is never said
   * because the filter hid everything.
   */
  @property() filter?: string;

  private readonly hostFilter = new HostFilterController(this, () => this.filter);
  private filteredRows?: { from: unknown; expression: string | undefined; kept: StoredRow<MedicationUse>[] };
  /** What the host filter made of the rows at the last render (undefined without a filter). */
  private filterNote?: HostFilterResult<unknown>;

  /** Age in ms after which a source's data counts as out of date. Default 24 h. */
  @property({ type: Number, attribute: 'stale-after' }) staleAfter = DEFAULT_STALE_AFTER;

  private readonly meds = patientQuery<MedicationUse>(this, MED_TYPES);

  private readonly patients = patientQuery<Patient>(this, 'Patient');

  private readonly sourceStatus = sourceStatus(this, { staleAfter: () => this.staleAfter, patient: () => this.activePatient });

  /** Referenced resources by store key; `null` = looked up, not there. Reset per store/patient. */
  private readonly cache = new Map<string, Resource | null>();
  private readonly pending = new Set<string>();
  @state() private cacheVersion = 0;
  private owner: { store?: RecordSource; patient?: string } = {};
  private generation = 0;
  /** Cut lists the user opened in full (`group:<group>`, `history:<row id>`, `dosage:<entry key>`). Reset per store/patient. */
  @state() private expanded: ReadonlySet<string> = new Set();
  private lastRows?: StoredRow[];
  private missing: string[] = [];
  private memo?: { rows: StoredRow[]; patients: StoredRow[]; version: number; sources: unknown; view: MedicationListView };

  protected override willUpdate(): void {
    const store = this.activeStore;
    const patient = this.activePatient;
    if (store !== this.owner.store || patient !== this.owner.patient) {
      this.owner = { store, patient };
      this.generation++;
      this.cache.clear();
      this.pending.clear();
      this.memo = undefined;
      this.lastRows = undefined;
      this.expanded = new Set();
    }
  }

  protected override updated(): void {
    if (this.missing.length) this.load(this.missing);
  }

  /** Looks up referenced Medications/Practitioners not yet in the cache, then re-renders. */
  private load(keys: string[]): void {
    const store = this.activeStore;
    const todo = keys.filter((k) => !this.pending.has(k) && !this.cache.has(k));
    if (!store || !todo.length) return;
    const generation = this.generation;
    for (const k of todo) this.pending.add(k);
    void Promise.all(todo.map(async (k) => [k, await readKey(store, k)] as const)).then((found) => {
      if (generation !== this.generation) return;
      for (const [k, v] of found) {
        this.cache.set(k, v);
        this.pending.delete(k);
      }
      this.cacheVersion++;
    });
  }

  private expand(key: string): void {
    this.expanded = new Set([...this.expanded, key]);
  }

  private retry = () => {
    this.meds.retry();
    this.patients.retry();
    if (this.syncState) this.requestSync();
  };

  protected override render(): TemplateResult {
    const title = this.heading || this.localize.term('medsHeading');
    const level = headingLevel(this.headingLevel);
    return html`<section class="base" part="base" aria-labelledby="heading">
      ${renderHeading(level, title, { id: 'heading', cls: 'heading', part: 'heading' })}
      ${this.notShared(['MedicationRequest', 'MedicationStatement'])
        ? renderNotShared(this.localize, this.localize.term('medications'))
        : html`${this.renderNotices()} ${this.renderBody(level)}`}
    </section>`;
  }

  private renderNotices(): TemplateResult | typeof nothing {
    // hide-source-notices: the host shows sync status itself. Errors are in the body, never hidden.
    if (!this.activeStore || !this.activePatient || this.hideSourceNotices) return nothing;
    return renderSourceNotices(this.localize, this.sourceStatus, () => this.requestSync(), { syncStatusHref: this.syncStatusHref });
  }


  private renderBody(level: number): TemplateResult | typeof nothing {
    if (!this.activeStore || !this.activePatient) {
      this.missing = [];
      return renderEmpty(this.localize.term('medsNoPatient'));
    }
    const what = this.localize.term('medications');
    for (const q of [this.meds, this.patients]) {
      if (q.status === 'error') {
        this.missing = [];
        return renderError(this.localize, { what, error: q.error, onRetry: this.retry });
      }
    }
    const f = this.hostFilter;
    if (f.state === 'loading') return renderSkeleton(this.localize, { what, lines: 4 });
    if (f.state === 'error') {
      this.missing = [];
      return renderError(this.localize, { what, error: f.error });
    }
    const allRows = this.meds.rows;
    const filtered = allRows ? f.apply(allRows, (r) => r.resource) : undefined;
    if (filtered && allRows && (this.filteredRows?.from !== allRows || this.filteredRows.expression !== this.filter)) {
      this.filteredRows = { from: allRows, expression: this.filter, kept: filtered.kept };
    }
    const rows = filtered ? this.filteredRows!.kept : allRows;
    this.filterNote = filtered;
    if (filtered && filtered.total > 0 && filtered.kept.length === 0 && this.patients.status === 'ready') {
      // Everything recorded was filtered out: say so, never "No medications recorded".
      this.missing = [];
      return renderHostFilterNote(this.localize, filtered);
    }
    const patients = this.patients.rows;
    if (!rows || !patients || this.patients.status !== 'ready') {
      this.missing = [];
      return this.memo ? this.renderList(this.memo.view, level) : renderSkeleton(this.localize, { what, lines: 4 });
    }
    if (rows !== this.lastRows) {
      // New rows: look again for what was missing before (sync may have brought it since).
      this.lastRows = rows;
      for (const [k, v] of this.cache) if (v === null) this.cache.delete(k);
    }
    if (!this.sourceStatus.loaded && this.activeStore.getSources) {
      // Providers not read yet: completeness unknown; never flash "No medications recorded" or an uncaveated list.
      return renderSkeleton(this.localize, { what, lines: 4 });
    }
    const records: MedicationRecord[] = rows.map((r) => ({ source: r.source, resource: r.resource }));
    const sources = this.sourceStatus.sources;
    this.missing = referencedKeys(records, sources).filter((k) => !this.cache.has(k));
    if (this.missing.length) {
      return this.memo ? this.renderList(this.memo.view, level) : renderSkeleton(this.localize, { what, lines: 4 });
    }
    const m = this.memo;
    const sourcesKey = sources.map((s) => `${s.id}|${s.baseUrl ?? ''}`).join(',');
    let view: MedicationListView;
    if (m && m.rows === rows && m.patients === patients && m.version === this.cacheVersion && m.sources === sourcesKey) {
      view = m.view;
    } else {
      view = buildMedicationList(records, {
        lookup: (key) => this.cache.get(key) ?? undefined,
        sources,
        patients: patients.map((p) => p.resource),
      });
      this.memo = { rows, patients, version: this.cacheVersion, sources: sourcesKey, view };
    }
    return this.renderList(view, level);
  }

  private renderList(view: MedicationListView, level: number): TemplateResult {
    const verdict = verdictFor(this.sourceStatus);
    if (!view.total) return html`${renderNoRecord(this.localize, verdict)}${this.renderEmptyList(verdict)}`;
    const noActive = !view.groups.some((g) => g.group === 'active' && g.rows.length);
    return html`${renderHostFilterNote(this.localize, this.filterNote)} ${renderIncompleteCaveat(this.localize, verdict)} ${renderNoRecord(this.localize, verdict)}
    ${noActive ? html`<p class="empty no-active" part="empty">${this.localize.term('medsNoneActive')}</p>` : nothing}
    ${view.groups.map((g) => this.renderGroup(view, g.group, g.rows, Math.min(6, level + 1)))}`;
  }

  /** No medications at all: "No medications recorded" only when every provider delivered (see `src/fhir/completeness.ts`). */
  private renderEmptyList(verdict: CompletenessVerdict): TemplateResult {
    const t = this.localize;
    return renderEmptyRecord(t, verdict, {
      none: t.term('medsNone'),
      unavailable: t.term('medsUnavailable'),
      unavailableSources: (providers) => t.term('medsUnavailableSources', providers),
      unavailableUnknown: t.term('medsUnavailableUnknown'),
    });
  }


  private groupTitle(view: MedicationListView, group: MedicationDisplayGroup, rows: readonly MedicationRowView[]): string {
    const t = this.localize;
    switch (group) {
      case 'active':
        if (view.deceased && rows.some((r) => r.activeAfterDeath)) {
          return view.deceasedDate ? t.term('medsGroupActiveDeceased', t.clinicalDate(view.deceasedDate.original)) : t.term('medsGroupActiveDeceasedNoDate');
        }
        return t.term('medsGroupActive');
      case 'on-hold':
        return view.deceased && rows.some((r) => r.activeAfterDeath) ? t.term('medsGroupOnHoldDeceased') : t.term('medsGroupOnHold');
      case 'stopped':
        return t.term('medsGroupStopped');
      case 'do-not-take':
        return t.term('medsGroupDoNotTake');
      default:
        return t.term('medsGroupUnknown');
    }
  }

  private renderGroup(view: MedicationListView, group: MedicationDisplayGroup, rows: readonly MedicationRowView[], level: number): TemplateResult {
    const id = `group-${group}`;
    const t = this.localize;
    const flagged = view.deceased && rows.some((r) => r.activeAfterDeath);
    // A long group renders its first rows; the heading keeps the full count and the cut is said on screen.
    const shown = preview(rows, LIST_PREVIEW, this.expanded.has(`group:${group}`));
    const title = html`<span class="group-title">${this.groupTitle(view, group, rows)}</span>
      <span class="count">(${t.term('medsGroupCount', rows.length)})</span>`;
    const date = view.deceasedDate ? t.clinicalDate(view.deceasedDate.original) : undefined;
    const columns = this.columnsFor(group, rows);
    return html`<section class="group ${group} ${flagged ? 'after-death' : ''}" part="group" aria-labelledby=${id} data-group=${group}>
      ${renderHeading(level, title, { id, cls: 'group-heading', part: 'group-heading' })}
      ${flagged && group === firstFlaggedGroup(view)
        ? renderCallout('warning', html`<p>${date ? t.term('medsDeceasedWarning', date) : t.term('medsDeceasedWarningNoDate')}</p>`, {
            part: 'deceased-note',
            about: 'deceased',
          })
        : nothing}
      <table class="table ${columns.status ? '' : 'no-status'} ${columns.compact ? 'compact' : ''}" aria-labelledby=${id}>
        <colgroup>
          <col class="col-name" />
          <col class="col-dose" />
          ${columns.status ? html`<col class="col-status" />` : nothing}
          ${columns.compact ? nothing : html`<col class="col-prescriber" /><col class="col-date" />`}
          <col class="col-source" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">${t.term('medsColumnName')}</th>
            <th scope="col">${t.term('medsColumnDose')}</th>
            ${columns.status ? html`<th scope="col">${t.term('medsColumnStatus')}</th>` : nothing}
            ${columns.compact ? nothing : html`<th scope="col">${columns.prescriber}</th><th scope="col">${t.term('medsColumnDate')}</th>`}
            <th scope="col">${t.term('medsColumnSource')}</th>
          </tr>
        </thead>
        <tbody>
          ${shown.map((r) => this.renderRow(r, columns))}
        </tbody>
      </table>
      ${renderShowAll(t, shown.length, rows.length, () => this.expand(`group:${group}`))}
    </section>`;
  }

  /**
   * The columns a group needs. No Status column where the heading already says the status
   * (Active, On hold, Stopped / completed: every row's own status is the heading's, so
   * "Active" would repeat on each row; a source that disagrees is said in the row's
   * "Differs between sources" note); kept where the group mixes statuses (other or unknown, a
   * cancelled or not-taken record under Stopped) and under Do not take (its per-row "Do not
   * give" mark). The who-column is "Prescriber" when every row was prescribed by a person,
   * "Recorded by" when none was, and "Prescriber / recorded by" when mixed (then each recorder's
   * cell says "Recorded by …").
   */
  private columnsFor(group: MedicationDisplayGroup, rows: readonly MedicationRowView[]): GroupColumns {
    const t = this.localize;
    const said = HEADING_STATUSES[group];
    const status = !said || rows.some((r) => !r.primary.status || !said.has(r.primary.status));
    const recorders = rows.filter((r) => r.primary.prescriber.role === 'recorded-by').length;
    const mixed = recorders > 0 && recorders < rows.length;
    const prescriber = mixed
      ? t.term('medsColumnPrescriberOrRecordedBy')
      : recorders > 0
        ? t.term('medsColumnRecordedBy')
        : t.term('medsColumnPrescriber');
    return { status, mixed, prescriber, compact: this.density === 'compact' };
  }

  private sourceName(id: string): string {
    return this.sourceStatus.label(id);
  }

  /**
   * A status in words: a FHIR status code in the current language, "Status not recorded", or a
   * code FHIR does not define shown as recorded, in its own `<bdi>`. `lower` for mid-sentence use
   * (never applied to recorded text).
   */
  private statusWords(e: Pick<MedicationEntryView, 'status'>, lower = false): string | TemplateResult {
    const t = this.localize;
    if (!e.status) return lower ? t.term('medsStatusNotRecorded').toLocaleLowerCase(t.lang) : t.term('medsStatusNotRecorded');
    if (!MED_STATUS_CODES.has(e.status)) return recordText(t, e.status);
    const words = t.term('medsStatus', e.status);
    return lower ? words.toLocaleLowerCase(t.lang) : words;
  }

  /**
   * The name with the ingredient first (`src/fhir/medication-names.ts`): the moved pack size,
   * release period or code follows, muted. When the shown name differs from the recorded one,
   * the recorded name is the tooltip and is read by screen readers ("Recorded as: …").
   */
  private renderName(row: MedicationRowView): TemplateResult {
    const t = this.localize;
    const p = row.primary;
    if (row.name === null || !row.shownName) {
      const inner = html`<bdi class="missing">${p.medicationMissing ? t.term('medsDetailsUnavailable') : t.term('medsNameNotKnown')}</bdi>`;
      return this.selectable
        ? html`<button type="button" class="name name-button target" part="name" @click=${() => this.select(row)}>${inner}</button>`
        : html`<span class="name" part="name">${inner}</span>`;
    }
    const shown = row.shownName;
    const recorded = row.name;
    const inner = shown.changed
      ? html`${recordText(t, shown.main)}${shown.qualifierParts.map((q) => html` <span class="qualifier">· ${recordText(t, q)}</span>`)}`
      : recordText(t, recorded);
    const title = shown.changed ? t.term('medsRecordedAs', recorded) : nothing;
    const name = this.selectable
      ? html`<span class="name" title=${title}
          ><button type="button" class="name-button target" part="name" @click=${() => this.select(row)}>${inner}</button></span
        >`
      : html`<span class="name" part="name" title=${title}>${inner}</span>`;
    return html`${name}${shown.changed
      ? html`<span class="visually-hidden" part="recorded-name">${sentence(t, (slot) => t.term('medsRecordedAs', slot(recorded)))}</span>`
      : nothing}`;
  }

  private select(row: MedicationRowView): void {
    this.emit('ehr-medication-select', {
      name: row.name,
      group: row.group,
      records: [...row.current, ...row.earlier].map((e) => ({ source: e.source, resource: e.resource })),
    });
  }

  private renderStrength(e: MedicationEntryView): TemplateResult | typeof nothing {
    // Ingredient, strength and form each in their own <bdi>: a bidi control in one cannot reorder another.
    const parts: TemplateResult[] = e.strengths
      .filter((s) => s.ingredient || s.strength)
      .map((s) => isolated(this.localize, [s.ingredient, s.strength].filter((x): x is string => !!x), ' '));
    if (e.form) parts.push(recordText(this.localize, e.form));
    if (!parts.length) return nothing;
    return html`<span class="strength" part="strength">${isolated(this.localize, parts, '; ')}</span>`;
  }

  /** A status for a sentence: localized words as text, a recorded code as its own slot. */
  private statusSlot(slot: (value: string | TemplateResult) => string, e: Pick<MedicationEntryView, 'status'>, lower = false): string {
    const w = this.statusWords(e, lower);
    return typeof w === 'string' ? w : slot(w);
  }

  private renderDifferences(row: MedicationRowView): TemplateResult | typeof nothing {
    const t = this.localize;
    const notes: TemplateResult[] = [];
    // Built from the localized terms with placeholders; each dose, recorded status and source
    // name (record or configuration text) is then its own node (see `sentence`).
    if (row.doseDiffers || row.statusDiffers) {
      const doseNotRecorded = t.term('medsDoseNotRecorded');
      // `row.doses` is `row.current` in order; the entry gives the dose its pieces.
      const entries = row.doses.length === row.current.length ? row.current : undefined;
      const words = sentence(t, (slot) => {
        const parts: string[] = [];
        if (row.doseDiffers) {
          parts.push(
            t.term(
              'medsDoseDiffers',
              t.list(
                row.doses.map((d, i) =>
                  t.term('medsDoseAt', d.value === null ? doseNotRecorded : slot(this.renderDoseText(d.value, entries?.[i])), slot(this.sourceName(d.source))),
                ),
              ),
            ),
          );
        }
        if (row.statusDiffers) {
          parts.push(
            t.term(
              'medsStatusDiffers',
              t.list(row.statuses.map((s) => t.term('medsStatusAt', this.statusSlot(slot, s.value, true), slot(this.sourceName(s.source))))),
            ),
          );
        }
        return parts.join('; ');
      });
      // A reworded dose or another source's status is worth knowing, not an alarm: info.
      notes.push(renderCallout('info', html`<p><strong>${t.term('medsDiffers')}:</strong> ${words}</p>`, { part: 'difference', cls: 'difference', about: 'differs' }));
    }
    if (row.conflictingSources.length) {
      const words = sentence(t, (slot) => {
        const names = t.list(row.conflictingSources.map((s) => slot(this.sourceName(s))));
        return row.group === 'do-not-take' ? t.term('medsAlsoPrescribed', names) : t.term('medsAlsoDoNotGive', names);
      });
      // Prescribed at one provider, "do not give" at another: a warning.
      notes.push(renderCallout('warning', html`<p>${words}</p>`, { part: 'difference', cls: 'difference', about: 'do-not-give-conflict' }));
    }
    return notes.length ? html`${notes}` : nothing;
  }

  private renderDose(e: MedicationEntryView): TemplateResult {
    if (!e.dose) return html`<span class="not-recorded">${this.localize.term('medsDoseNotRecorded')}</span>`;
    const cut = this.cutDosages(e);
    if (cut) return cut;
    // Dosage built from structured fields is worded in English by src/fhir: say so to screen readers.
    const lang = e.doseBuilt && !this.localize.lang.toLowerCase().startsWith('en') ? 'en' : nothing;
    if (e.doseIncomplete) {
      const rest = withoutIncompletePrefix(e.dose);
      return html`${this.renderDoseIncomplete()}${rest ? html` <span lang=${lang}>${recordText(this.localize, rest)}</span>` : nothing}`;
    }
    return html`<span lang=${lang}>${this.renderDoseText(e.dose, e)}</span>`;
  }

  /**
   * A record with more than {@link NESTED_PREVIEW} dosage instructions: the first ones, then
   * "and N more" (a button showing the rest). `undefined` when nothing needs cutting.
   */
  private cutDosages(e: MedicationEntryView): TemplateResult | undefined {
    const r = e.resource;
    const list = r.resourceType === 'MedicationStatement' ? r.dosage : r.dosageInstruction;
    const key = `dosage:${e.key}`;
    if (!Array.isArray(list) || list.length <= NESTED_PREVIEW || this.expanded.has(key)) return undefined;
    const first = medicationDosageSummary(
      r.resourceType === 'MedicationStatement' ? { ...r, dosage: list.slice(0, NESTED_PREVIEW) } : { ...r, dosageInstruction: list.slice(0, NESTED_PREVIEW) },
    );
    const text = first.incomplete ? withoutIncompletePrefix(first.text ?? '') : (first.text ?? '');
    const lang = e.doseBuilt && !this.localize.lang.toLowerCase().startsWith('en') ? 'en' : nothing;
    return html`${e.doseIncomplete ? html`${this.renderDoseIncomplete()} ` : nothing}<span lang=${lang}>${recordText(this.localize, text)}</span>
      ${renderAndMore(this.localize, list.length - NESTED_PREVIEW, () => this.expand(key))}`;
  }

  /**
   * Its own marker, in words, for a structured dose that could not be fully read: the cell then
   * never reads as the whole instruction (`part="dose-incomplete"`).
   */
  private renderDoseIncomplete(): TemplateResult {
    // An incomplete record is a warning: the shared inline mark (icon and colour, in words).
    return renderCalloutMark('warning', html`${this.localize.term('medsDoseIncomplete')}`, { part: 'dose-incomplete', cls: 'dose-incomplete' });
  }

  /** A dose with each record-derived piece (dose, route, reason…) in its own `<bdi>`. */
  private renderDoseText(dose: string, e: MedicationEntryView | undefined): TemplateResult {
    const pieces = e && e.dose === dose ? dosePieces(e) : null;
    const t = this.localize;
    if (!pieces) return recordText(t, dose);
    // Built from structured parts with no amount ("as needed", "twice a day"): say the dose is
    // missing rather than let "as needed" read as the whole instruction.
    const noAmount = (ps: readonly DosePiece[]) => !ps.some((x) => x.kind === 'dose' || x.kind === 'text');
    return isolated(
      t,
      pieces.map(
        (ps) =>
          html`${noAmount(ps) ? html`<span class="not-recorded" lang=${t.lang}>${t.term('medsDoseNotRecorded')}</span> · ` : nothing}${isolated(
            t,
            ps.map((x) => (x.paren ? html`(${recordText(t, x.text)})` : x.text)),
            ' ',
          )}`,
      ),
      '; ',
    );
  }

  private renderDate(e: MedicationEntryView): TemplateResult {
    const t = this.localize;
    // One column, "Started / issued", whichever field the date came from (authoredOn, effective[x], dateAsserted).
    if (!e.date.value) return html`<span class="not-recorded">${t.term('notKnown')}</span>`;
    return html`<span class="date-value">${t.clinicalDate(e.date.value)}</span>`;
  }

  /**
   * Who prescribed it, or who recorded it when that was not a prescriber (an organization, the
   * patient or another reporter). In a group that mixes both (header "Prescriber / recorded by")
   * a recorder's cell says "Recorded by …"; in a group of one kind the header says it.
   */
  private renderPrescriber(e: MedicationEntryView, mixed: boolean): TemplateResult {
    const t = this.localize;
    const who = e.prescriber.text;
    const recorder = e.prescriber.role === 'recorded-by';
    if (!who) return html`<span class="not-recorded">${t.term('notKnown')}</span>`;
    if (!recorder || !mixed) return recordText(t, who);
    // The name where the language puts it, as its own node.
    return sentence(t, (slot) => t.term('medsRecordedBy', slot(who)));
  }

  private renderStatus(row: MedicationRowView): TemplateResult {
    const t = this.localize;
    const e = row.primary;
    let text: TemplateResult;
    if (row.group === 'do-not-take') {
      text = html`<strong class="do-not-give"><span aria-hidden="true">⊘</span> ${t.term('medsDoNotGive')}</strong>`;
    } else if (row.statusDiffers) {
      text = sentence(t, (slot) => t.list(row.statuses.map((s) => t.term('medsStatusAt', this.statusSlot(slot, s.value), slot(this.sourceName(s.source))))));
    } else {
      text = html`${this.statusWords(e)}`;
    }
    return text;
  }

  /**
   * The per-row mark of a prescription not stopped at death: quiet on screen (a small muted
   * sign; the group heading and its one note say it in words), in words for screen readers.
   */
  private renderAfterDeathMark(row: MedicationRowView): TemplateResult | typeof nothing {
    if (!row.activeAfterDeath) return nothing;
    const words = this.localize.term('medsNotStoppedAtDeath');
    return html` <span class="after-death-mark" part="after-death-mark" title=${words}
      ><span aria-hidden="true">◆</span><span class="visually-hidden">${words}</span></span
    >`;
  }

  private renderHistory(row: MedicationRowView): TemplateResult | typeof nothing {
    if (!row.earlier.length) return nothing;
    const t = this.localize;
    const key = `history:${row.id}`;
    const shown = preview(row.earlier, NESTED_PREVIEW, this.expanded.has(key));
    return html`<details class="history" part="history" ?open=${this.expanded.has(key)}>
      <summary class="history-summary">${t.term('medsEarlier', row.earlier.length)}</summary>
      <ul>
        ${shown.map(
          (e) => html`<li>
            <span class="date-value">${e.date.value ? t.clinicalDate(e.date.value) : t.term('notKnown')}</span> ·
            ${this.statusWords(e)} ·
            ${e.doseIncomplete
              ? html`${this.renderDoseIncomplete()} ${recordText(t, withoutIncompletePrefix(e.dose ?? ''))}`
              : e.dose
                ? this.renderDoseText(e.dose, e)
                : t.term('medsDoseNotRecorded')}
            ·
            ${recordText(t, this.sourceName(e.source))}
          </li>`,
        )}
        ${shown.length < row.earlier.length
          ? html`<li>${renderAndMore(t, row.earlier.length - shown.length, () => this.expand(key))}</li>`
          : nothing}
      </ul>
    </details>`;
  }

  private renderRow(row: MedicationRowView, columns: GroupColumns): TemplateResult {
    const t = this.localize;
    const e = row.primary;
    const store = this.activeStore;
    const differs = row.doseDiffers || row.statusDiffers || row.conflictingSources.length > 0;
    return html`<tr
      class="row ${row.activeAfterDeath ? 'after-death' : ''} ${differs ? 'differs' : ''}"
      part="row"
      data-group=${row.group}
    >
      <td class="cell-name" data-label=${t.term('medsColumnName')}>
        ${this.renderName(row)}${this.renderAfterDeathMark(row)} ${this.renderStrength(e)} ${this.renderDifferences(row)} ${this.renderHistory(row)}
        ${columns.compact
          ? html`<details class="more" part="more">
              <summary class="target">${t.term('medsMoreDetails')}</summary>
              <dl class="more-list">
                <div><dt>${columns.prescriber}</dt><dd part="prescriber">${this.renderPrescriber(e, columns.mixed)}</dd></div>
                <div><dt>${t.term('medsColumnDate')}</dt><dd part="date">${this.renderDate(e)}</dd></div>
              </dl>
            </details>`
          : nothing}
      </td>
      <td class="cell-dose" part="dose" data-label=${t.term('medsColumnDose')}>${this.renderDose(e)}</td>
      ${columns.status ? html`<td class="cell-status" part="status" data-label=${t.term('medsColumnStatus')}>${this.renderStatus(row)}</td>` : nothing}
      ${columns.compact
        ? nothing
        : html`<td class="cell-prescriber" part="prescriber" data-label=${columns.prescriber}>${this.renderPrescriber(e, columns.mixed)}</td>
            <td class="cell-date" part="date" data-label=${t.term('medsColumnDate')}>${this.renderDate(e)}</td>`}
      <td class="cell-source" part="source" data-label=${t.term('medsColumnSource')}>
        ${row.sources.map((s) => html`<ehr-source-badge compact .store=${store} source=${s} stale-after=${this.staleAfter}></ehr-source-badge>`)}
      </td>
    </tr>`;
  }
}
