import { html, nothing, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { AllergyIntolerance, Identifier, Patient } from 'fhir/r4';
import { EhrDataElement, baseStyles } from '../base/ehr-element.js';
import { patientQuery } from '../base/patient-query.js';
import { sourceStatus } from '../base/source-status-controller.js';
import { stateStyles } from '../base/state-styles.js';
import { renderError, renderNotShared, renderSkeleton, renderSourceNotices } from '../base/state-views.js';
import type { TermKey } from '../base/localize/localize.js';
import type { StoredRow } from '../base/store-types.js';
import { ageAt, type Age, type ParsedFhirDate } from '../../fhir/dates.js';
import { displayName } from '../../fhir/names.js';
import { genderKey, type GenderKey } from '../../fhir/gender.js';
import { describeIdentifier, identifierGroups, selectMainIdentifier } from '../../fhir/identifiers.js';
import { identifierCaption } from '../../fhir/identifier-systems.js';
import { deceasedInfo, type NoKnownAllergyKind } from '../../fhir/status.js';
import { compareLinkedPatients, deceasedAcross, type IdentityDifference, type SourcedPatient } from '../../fhir/patient-identity.js';
import { allergyOverview, type AllergyOverview } from '../../fhir/allergy-overview.js';
import { currentAddresses, currentTelecom, generalPractitioners, patientContacts, type ContactRoleKey, type TelecomDisplay } from '../../fhir/patient-details.js';
import { own } from '../../fhir/lookup.js';
import { PossibleMatchesController } from '../base/possible-matches-controller.js';
import { recordText, sentence } from '../base/record-text.js';
import { renderCallout, renderCalloutMark } from '../base/callout.js';
import { hasDirectionControls } from '../../fhir/direction.js';
import { verdictFor } from '../base/completeness-notes.js';
import type { PossibleMatchInfo } from '../base/store-types.js';
import styles from './patient-banner.styles.js';
import { IDENTIFIER_TERMS, NATIONAL_ID_TERMS } from './identifier-terms.js';

/** Detail of `ehr-banner-toggle`. */
export interface BannerToggleDetail {
  /** True when the details zone is now open. */
  expanded: boolean;
  patient?: string;
}

/** Detail of `ehr-possible-match-review`: the host shows these records to a person, who confirms or rejects each. */
export interface PossibleMatchReviewDetail {
  /** The banner's patient. */
  patient: string;
  /** Every possible match of the patient's linked set (ids for `store.confirmLink` / `rejectLink`). */
  matches: readonly PossibleMatchInfo[];
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ehr-banner-toggle': CustomEvent<BannerToggleDetail>;
    'ehr-possible-match-review': CustomEvent<PossibleMatchReviewDetail>;
  }
  interface HTMLElementTagNameMap {
    'ehr-patient-banner': EhrPatientBanner;
  }
}

const GENDER_TERMS: Record<GenderKey, TermKey> = {
  male: 'genderMale',
  female: 'genderFemale',
  other: 'genderOther',
  unknown: 'genderUnknown',
  'not-known': 'notKnown',
};

const NO_KNOWN_TERMS: Record<NoKnownAllergyKind, TermKey> = {
  'no-known-allergies': 'noKnownAllergies',
  'no-known-drug-allergies': 'bannerNoKnownDrugAllergies',
  'no-known-food-allergies': 'bannerNoKnownFoodAllergies',
  'no-known-environmental-allergies': 'bannerNoKnownEnvironmentalAllergies',
  'no-known-latex-allergies': 'bannerNoKnownLatexAllergies',
  'no-known-insect-allergies': 'bannerNoKnownInsectAllergies',
  'no-known-animal-allergies': 'bannerNoKnownAnimalAllergies',
  'no-allergy-information': 'allergiesNotRecorded',
};

const TELECOM_TERMS: Record<string, TermKey> = {
  phone: 'bannerPhone',
  email: 'bannerEmail',
  fax: 'bannerFax',
  sms: 'bannerSms',
  pager: 'bannerPager',
  url: 'bannerUrl',
  other: 'bannerOther',
};
const TELECOM_USE_TERMS: Record<string, TermKey> = {
  home: 'bannerUseHome',
  work: 'bannerUseWork',
  mobile: 'bannerUseMobile',
  temp: 'bannerUseTemp',
};
const ROLE_TERMS: Record<ContactRoleKey, TermKey> = {
  emergency: 'bannerRoleEmergency',
  'next-of-kin': 'bannerRoleNextOfKin',
  employer: 'bannerRoleEmployer',
  insurance: 'bannerRoleInsurance',
  agency: 'bannerRoleAgency',
  unknown: 'bannerRoleUnknown',
};

/** The calendar part of a parsed date, at its recorded precision (`2021-02-21`, `2021-02`, `2021`). */
function calendarPart(d: ParsedFhirDate): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const y = String(d.year).padStart(4, '0');
  if (d.month === undefined) return y;
  if (d.day === undefined) return `${y}-${pad(d.month)}`;
  return `${y}-${pad(d.month)}-${pad(d.day)}`;
}

let nextId = 0;

/**
 * The patient banner: who this record is about, following the NHS Common User Interface (CUI)
 * patient banner guidance.
 *
 * **Zone 1** (always shown, in this order): name as `FAMILY, Given (Title)`; `Born 22-May-2018 (8y)`;
 * `Gender Female`; the main identifier with its type label (`NHS No. 943 476 5919`, `MRN …`; an
 * identifier recorded without a type is named by its system when that is a well-known national
 * one — `NHI ABC1234`, `IHI …`, `SSN …`, see `src/fhir/identifier-systems.ts` — else by its
 * issuer, the assigner or the provider the record came from: `St Elsewhere Hospital ID …`), its
 * value grouped for reading and never wrapped inside; then the allergy status, which is safety
 * information and so never hidden behind the details toggle: "Known allergies (3)",
 * "No known allergies", "Allergies not recorded" or "Allergies unavailable", each with an icon.
 * Titles lose an abbreviation's full stop (`(Mr)`). At 1,100 px zone 1 fits one line for
 * typical records; when it cannot, it wraps between fields, never inside one.
 * Labels have no colon; any value the record lacks reads "Not known", never blank. Ages follow
 * `ageAt`: days under a week, weeks and days under a month, months and days under a year, years
 * and months under two, then years; a partial birth date gives years only (or a range).
 *
 * **Deceased**: if any linked record says the patient died, the banner is marked in colour *and*
 * pattern (a hatched band and a double border) with a "Deceased" label and icon, the date of death
 * and the age at death (`Died 21-Feb-2021 (68y)`), and the birth date without a current age. A
 * death recorded without a date reads "Died Not known". The host gets the `deceased` attribute.
 *
 * **Linked records**: the patient key names one person; the banner reads every linked Patient row
 * (one per provider), names the providers ("Records from Riverside Clinic and St Elsewhere
 * Hospital"), and shows a warning (`role="alert"`, icon and text) when they disagree on name,
 * birth date, gender or death (see `src/fhir/patient-identity.ts` for what counts as agreement).
 * Zone 1 shows the record the key points to.
 *
 * **Zone 2** (the details, behind a toggle button with `aria-expanded` / `aria-controls`):
 * addresses, phone and email, contacts (next of kin, emergency contacts), GP, and the allergy
 * summary in one of four states — "Known allergies" (each substance once, however many providers
 * recorded it; unconfirmed ones marked), "No known allergies" (or the narrower coded statement,
 * e.g. "No known drug allergies"), "Allergies not recorded", "Allergies unavailable".
 * A negative statement is only made when the allergy query answered and every provider is
 * complete for THIS patient (its finished sync of this patient reported `ok`, or the store holds
 * a completed download for this patient or a linked one, `store.syncedSources`; a source's
 * `lastSyncAt` alone does not count, and syncing / offline / failed / never synced never do); if
 * one is not, or the sources cannot be read, the state is "unavailable" (known allergies are still
 * listed, marked as possibly incomplete). `<ehr-allergy-panel>` uses the same rule. See
 * `src/fhir/allergy-overview.ts`.
 *
 * **Minimal** (`minimal`, or a SMART launch with `need_patient_banner: false`, i.e.
 * `launch.needPatientBanner === false`): one line with name, born, gender (CUI's minimum
 * identifiers include it), main identifier and the allergy status — no providers note, no
 * details zone, no sync notices. The deceased marking and the disagreement warning are kept:
 * they are safety information the host's own banner may not have.
 * (Minimal rather than hidden, so those two warnings are never lost; a host that wants nothing can
 * set `hidden`.)
 *
 * **Landmark**: the banner is a `<section>` labelled "Patient" (not `role="banner"`, which is for
 * the page's own header and would be wrong inside a page region).
 *
 * States: loading (skeleton), error (`role="alert"` with Retry), patient not found in the store
 * ("Patient record not available"), partial (names the providers that failed or never synced,
 * with Retry asking the provider to sync), stale ("as of …"), offline. Set `hide-source-notices`
 * when the page shows sync status itself: the partial / stale / offline notices are then left
 * out; errors, "Patient record not available" and the allergy summary's "unavailable" and
 * "may be incomplete" notes are always shown.
 *
 * @tag ehr-patient-banner
 * @summary Patient banner (NHS CUI): name, born, gender, main identifier, deceased state, and an expandable details zone with contacts and the allergy summary.
 *
 * @event {CustomEvent<BannerToggleDetail>} ehr-banner-toggle - The details zone was opened or closed (`detail.expanded`).
 * @event {CustomEvent<PossibleMatchReviewDetail>} ehr-possible-match-review - "Review" was pressed on the possible-records notice; the host shows `detail.matches` to a person, who calls `store.confirmLink(id)` or `store.rejectLink(id)`.
 *
 * @csspart base - The banner section.
 * @csspart name - The patient's name.
 * @csspart born - Label "Born", date of birth and age.
 * @csspart gender - Label "Gender" and the gender in words.
 * @csspart identifier - The main identifier's label and value.
 * @csspart deceased - The "Deceased" label with its icon (deceased patients only).
 * @csspart died - Label "Died", date of death and age at death (deceased patients only).
 * @csspart toggle - The button that opens and closes the details zone.
 * @csspart details - The details zone (addresses, contacts, GP, allergies).
 * @csspart allergies - The allergy summary inside the details zone.
 * @csspart warning - The warning that linked records disagree (a warning callout, also `identity-warning`).
 * @csspart identity-warning - The same warning, by its own name.
 * @csspart allergy-status - Zone 1's allergy status: "Known allergies (N)", "No known allergies", "Allergies not recorded" or "Allergies unavailable"; `data-state` says which.
 * @csspart sources - The "Records from …" note.
 * @csspart possible-matches - "1 possible record at St Elsewhere": records that may be this patient, not merged.
 * @csspart review-button - The "Review" button of the possible-records notice.
 * @csspart skeleton - Loading placeholder.
 * @csspart error - Error box.
 * @csspart notice - Partial, stale, offline and "not available" notices.
 * @csspart retry-button - Retry buttons.
 * @csspart status-link - "See sync status" in the partial and stale notices, with `sync-status-href`.
 * @csspart direction-controls - The "⇄" sign after record text that holds text-direction control characters.
 * @csspart text-cut - "(N more characters not shown)" after record text cut at 1,000 characters.
 *
 * @cssproperty [--ehr-patient-banner-background=var(--ehr-color-surface-raised, #f6f8fa)] - Banner background.
 * @cssproperty [--ehr-patient-banner-border-color=var(--ehr-color-border, #8c959f)] - Banner border.
 * @cssproperty [--ehr-patient-banner-name-size=var(--ehr-font-size-xl, 1.375rem)] - Text size of the name.
 * @cssproperty [--ehr-patient-banner-deceased-color=var(--ehr-color-deceased, #2b2b2b)] - Deceased marker, border and hatching.
 * @cssproperty [--ehr-patient-banner-deceased-background=var(--ehr-color-deceased-surface, #e3e3e3)] - Background of a deceased patient's banner.
 */
export class EhrPatientBanner extends EhrDataElement {
  static override styles: CSSResultGroup = [baseStyles, stateStyles, styles];

  /**
   * Identifier systems to prefer for the main identifier, best first (after the NHS number,
   * which always wins). Attribute: space-separated URIs, e.g.
   * `identifier-systems="http://hl7.org/fhir/sid/us-ssn"`.
   */
  @property({
    attribute: 'identifier-systems',
    converter: {
      fromAttribute: (value: string | null) => (value ?? '').split(/\s+/).filter(Boolean),
      toAttribute: (value: string[]) => value.join(' '),
    },
  })
  identifierSystems: string[] = [];

  /** One-line banner: name, born, gender, main identifier and allergy status (plus deceased and disagreement warnings). */
  @property({ type: Boolean, reflect: true }) minimal = false;

  /** Whether the details zone is open. */
  @property({ type: Boolean, reflect: true }) expanded = false;

  /** Whether the banner currently marks the patient as deceased (also the host's `deceased` attribute). */
  get isDeceased(): boolean {
    return this.shownDeceased;
  }
  private shownDeceased = false;

  /** Age in ms after which a provider's data counts as out of date. Default 24 h. */
  @property({ type: Number, attribute: 'stale-after' }) staleAfter = 24 * 60 * 60 * 1000;

  private readonly detailsId = `ehr-patient-banner-details-${++nextId}`;

  private readonly patients = patientQuery<Patient>(this, 'Patient');

  private readonly allergies = patientQuery<AllergyIntolerance>(this, 'AllergyIntolerance');

  private readonly status = sourceStatus(this, { staleAfter: () => this.staleAfter, patient: () => this.activePatient });

  private readonly possible = new PossibleMatchesController(this, { store: () => this.activeStore, patient: () => this.activePatient });

  /** Minimal mode in effect: the attribute, or a SMART launch that says the host shows its own banner. */
  get isMinimal(): boolean {
    return this.minimal || this.activeLaunch?.needPatientBanner === false;
  }

  /** Opens or closes the details zone and emits `ehr-banner-toggle`. */
  toggle(force?: boolean): void {
    const next = force ?? !this.expanded;
    if (next === this.expanded) return;
    this.expanded = next;
    this.emit('ehr-banner-toggle', { expanded: next, patient: this.activePatient });
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // Set here, not as a reactive property, so marking the host never costs another render.
    this.toggleAttribute('deceased', this.shownDeceased);
  }

  private records(rows: readonly StoredRow<Patient>[]): SourcedPatient[] {
    return rows.filter((r) => r.resource?.resourceType === 'Patient').map((r) => ({ source: r.source, patient: r.resource }));
  }

  protected override render(): TemplateResult {
    const label = this.localize.term('bannerRegion');
    const minimal = this.isMinimal;
    this.shownDeceased = false;
    const body = this.patients.render<TemplateResult>({
      idle: () => html`<p class="muted">${this.localize.term('bannerNoPatient')}</p>`,
      loading: () => renderSkeleton(this.localize, { what: label, lines: minimal ? 1 : 2 }),
      error: (error, retry) => renderError(this.localize, { what: label, error, onRetry: retry }),
      ready: (rows) => this.renderReady(rows, minimal),
    });
    return html`<section part="base" class="base ${minimal ? 'minimal' : ''} ${this.shownDeceased ? 'deceased' : ''}" aria-label=${label}>
      ${body ?? nothing}
    </section>`;
  }

  private renderReady(rows: StoredRow<Patient>[], minimal: boolean): TemplateResult {
    const records = this.records(rows);
    if (!records.length) {
      return html`<div class="notice not-found" part="notice" role="status">
        <span class="notice-icon" aria-hidden="true">?</span>
        <div class="notice-body">
          <p class="notice-title">${this.localize.term('bannerNotFound')}</p>
          ${minimal ? nothing : html`<p class="notice-detail">${this.localize.term('bannerNotFoundDetail')}</p>`}
        </div>
      </div>`;
    }
    const own = this.activePatient;
    const main = records.find((r) => `${r.source}/Patient/${r.patient.id}` === own) ?? records[0]!;
    const dead = deceasedAcross(records);
    this.shownDeceased = !!dead;
    const comparison = compareLinkedPatients(records, { locale: this.localize.lang });
    return html`
      <div class="zone1">
        ${this.renderName(main.patient)}
        ${dead
          ? html`<span class="deceased-label" part="deceased"
              ><span class="deceased-icon" aria-hidden="true">◆</span>${this.localize.term('deceased')}</span
            >`
          : nothing}
        ${this.renderBorn(main.patient, !!dead)} ${dead ? this.renderDied(main.patient, dead.patient) : nothing}
        ${this.renderGender(main.patient)} ${this.renderIdentifier(main)} ${this.renderAllergyStatus()}
      </div>
      ${comparison.agree ? nothing : this.renderWarning(comparison.differences)} ${this.renderPossibleMatches()}
      ${minimal
        ? nothing
        : html`<div class="zone1-foot">
            ${this.renderSources(records)}
            <button
              type="button"
              class="toggle"
              part="toggle"
              aria-expanded=${this.expanded ? 'true' : 'false'}
              aria-controls=${this.detailsId}
              @click=${() => this.toggle()}
            >
              <span class="chevron" aria-hidden="true">${this.expanded ? '▴' : '▾'}</span>
              ${this.localize.term(this.expanded ? 'bannerFewerDetails' : 'bannerMoreDetails')}
            </button>
          </div>`}
      ${minimal ? nothing : this.renderNotices()}
      ${minimal
        ? nothing
        : html`<div
            id=${this.detailsId}
            class="details"
            part="details"
            role="region"
            aria-label=${this.localize.term('bannerDetailsLabel')}
            ?hidden=${!this.expanded}
          >
            ${this.expanded ? this.renderDetails(main.patient) : nothing}
          </div>`}
    `;
  }

  // ------------------------------------------------------------------------------------------
  // Zone 1

  private renderName(patient: Patient): TemplateResult {
    const name = displayName(patient, { locale: this.localize.lang });
    return html`<span class="name ${name ? '' : 'unknown'}" part="name">${name ? recordText(this.localize, name) : html`<bdi>${this.localize.term('notKnown')}</bdi>`}</span>`;
  }

  private field(part: string, label: string | TemplateResult, value: TemplateResult | string, extra: TemplateResult | typeof nothing = nothing) {
    return html`<span class="field" part=${part}><span class="label">${label}</span> <span class="value">${value}</span>${extra}</span>`;
  }

  private renderBorn(patient: Patient, deceased: boolean): TemplateResult {
    const birth = typeof patient.birthDate === 'string' ? patient.birthDate.trim() : '';
    const date = this.localize.clinicalDate(birth || undefined);
    const age = deceased ? null : ageAt(birth || undefined);
    return this.field(
      'born',
      this.localize.term('born'),
      html`<bdi>${date}</bdi>`,
      age ? html` <span class="age">(${this.ageText(age)})</span>` : nothing,
    );
  }

  private renderGender(patient: Patient): TemplateResult {
    return this.field('gender', this.localize.term('gender'), this.localize.term(GENDER_TERMS[genderKey(patient)]));
  }

  private renderIdentifier(main: SourcedPatient): TemplateResult {
    const chosen = selectMainIdentifier(main.patient.identifier, { preferredSystems: this.identifierSystems });
    const shown = describeIdentifier(chosen);
    if (!shown) return this.field('identifier', this.localize.term('bannerIdGeneric'), this.localize.term('notKnown'));
    return this.field(
      'identifier',
      this.identifierCaption(chosen!, main.source),
      this.identifierValue(shown.value),
      shown.valid === false ? html` ${renderCalloutMark('warning', this.localize.term('bannerNhsNumberInvalid'), { cls: 'flag invalid' })}` : nothing,
    );
  }

  /**
   * The identifier's label (`identifierCaption`): its type's term; the type's recorded words
   * (record text: their own `<bdi>`); a well-known national system's name (`NHI`, `IHI` …); else
   * its issuer — the assigner, or the provider the record came from ("St Elsewhere Hospital
   * ID") — so a bare value is never shown without saying whose number it is.
   */
  private identifierCaption(identifier: Identifier, source: string): string | TemplateResult {
    const caption = identifierCaption(identifier);
    switch (caption.kind) {
      case 'type':
        return this.localize.term(IDENTIFIER_TERMS[caption.key]);
      case 'recorded':
        return recordText(this.localize, caption.text);
      case 'national':
        return this.localize.term(NATIONAL_ID_TERMS[caption.key]);
      case 'issuer': {
        const issuer = caption.issuer ?? this.status.label(source);
        return sentence(this.localize, (slot) => this.localize.term('bannerIdIssuedBy', slot(issuer)));
      }
    }
  }

  /**
   * An identifier value in groups for reading (`identifierGroups`), on one line: the groups are
   * spaced by CSS, so what a user copies is exactly the recorded value. Values with direction
   * controls or cut for length go through `recordText` as they are.
   */
  private identifierValue(value: string): TemplateResult {
    if (hasDirectionControls(value) || value.length > 64) return recordText(this.localize, value, 'id-value');
    const cls = /[\s\-./]/.test(value) ? 'id-group' : 'id-group spaced';
    return html`<bdi class="id-value">${identifierGroups(value).map((g) => html`<span class=${cls}>${g}</span>`)}</bdi>`;
  }

  /** "Died 21-Feb-2021 (68y)": date of death as recorded (calendar day, no time-zone shift) and age at death. */
  private renderDied(main: Patient, from: Patient): TemplateResult {
    const info = deceasedInfo(from);
    const date = info.date ? calendarPart(info.date) : undefined;
    const birth = typeof main.birthDate === 'string' && main.birthDate.trim() ? main.birthDate.trim() : undefined;
    const age = date ? ageAt(birth, date) : null;
    return html`<span class="field" part="died"
      ><span class="label">${this.localize.term('died')}</span>
      <span class="value"><bdi>${date ? this.localize.clinicalDate(date) : this.localize.term('notKnown')}</bdi></span>${age
        ? html` <span class="age" title=${this.localize.term('ageAtDeath')}>(${this.ageText(age)})</span>`
        : nothing}</span
    >`;
  }

  /** Age in the short localized form: `5d`, `2w 3d`, `3m 12d`, `1y 3m`, `8y`, `52–53y`. */
  private ageText(age: Age): string {
    const t = this.localize;
    const both = (a: string, b: string, second: number) => (second ? `${a} ${b}` : a);
    switch (age.unit) {
      case 'days':
        return t.term('ageDays', age.totalDays);
      case 'weeks-days':
        return both(t.term('ageWeeks', Math.floor(age.totalDays / 7)), t.term('ageDays', age.totalDays % 7), age.totalDays % 7);
      case 'months-days':
        return both(t.term('ageMonths', age.months), t.term('ageDays', age.days), age.days);
      case 'years-months':
        return both(t.term('ageYears', age.years), t.term('ageMonths', age.months), age.months);
      case 'years':
        return t.term('ageYears', age.years);
      case 'years-range': {
        const m = /(\d+)\D+(\d+)/.exec(age.display);
        return m ? t.term('bannerAgeRange', Number(m[1]), Number(m[2])) : t.term('ageYears', age.years);
      }
    }
  }

  private renderWarning(differences: readonly IdentityDifference[]): TemplateResult {
    const fieldTerm: Record<IdentityDifference['field'], TermKey> = {
      name: 'bannerFieldName',
      birthDate: 'bannerFieldBirthDate',
      gender: 'bannerFieldGender',
      deceased: 'bannerFieldDeceased',
    };
    const valueText = (field: IdentityDifference['field'], value: string): string => {
      switch (field) {
        case 'birthDate':
          return this.localize.clinicalDate(value);
        case 'gender':
          return this.localize.term(GENDER_TERMS[genderKey(value)]);
        case 'deceased':
          return this.localize.term(value === 'deceased' ? 'deceased' : 'bannerAlive');
        default:
          return value;
      }
    };
    return renderCallout(
      'warning',
      html`<ul class="warning-list">
          ${differences.map(
            (d) => html`<li>
              <span class="label">${this.localize.term(fieldTerm[d.field])}</span>
              ${d.values.map(
                (v, i) =>
                  html`${i ? '; ' : ' '}${recordText(this.localize, valueText(d.field, v.value), 'value')}
                    (${sentence(this.localize, (slot) => this.localize.list(v.sources.map((s) => slot(this.status.label(s)))))})`,
              )}
            </li>`,
          )}
        </ul>
        <p class="warning-action">${this.localize.term('bannerIdentityWarningAction')}</p>`,
      { role: 'alert', part: 'identity-warning', cls: 'identity-warning', title: this.localize.term('bannerIdentityWarningTitle'), about: 'identity' },
    );
  }

  /**
   * Records that may be this patient but are not merged (the store's linking rule needs a person):
   * one line per source with a Review button. Shown in minimal mode too: it says the banner may
   * not show everything known about this person.
   */
  private renderPossibleMatches(): TemplateResult | typeof nothing {
    const groups = this.possible.bySource;
    if (!groups.length) return nothing;
    const t = this.localize;
    const textId = `${this.detailsId}-possible`;
    // Information, not a warning: nothing is merged, and the banner shows only linked records.
    return renderCallout(
      'info',
      html`<div class="possible-line">
        <p class="possible-text" id=${textId}>
          ${groups.map(
            (g, i) => html`${i ? '; ' : nothing}${sentence(t, (slot) => t.term('bannerPossibleRecords', g.candidates.length, slot(this.status.label(g.source))))}`,
          )}
          <span aria-hidden="true">—</span>
        </p>
        <button
          aria-describedby=${textId}
          type="button"
          class="review"
          part="review-button"
          @click=${() => this.emit('ehr-possible-match-review', { patient: this.activePatient ?? '', matches: this.possible.matches })}
        >
          ${t.term('bannerPossibleRecordsReview')}
        </button>
      </div>`,
      { part: 'possible-matches', cls: 'possible', role: 'status', about: 'possible-matches' },
    );
  }

  private renderSources(records: readonly SourcedPatient[]): TemplateResult | typeof nothing {
    const ids = [...new Set(records.map((r) => r.source))];
    if (!ids.length) return nothing;
    return html`<p class="sources" part="sources">
      <span class="label">${this.localize.term('bannerRecordsFrom')}</span>
      ${sentence(this.localize, (slot) => this.localize.list(ids.map((id) => slot(this.status.label(id)))))}
    </p>`;
  }

  private renderNotices(): TemplateResult | typeof nothing {
    // hide-source-notices: the host shows sync status itself. Errors, "not available" and the
    // allergy summary's own "unavailable" / "may be incomplete" notes are never hidden.
    if (this.hideSourceNotices) return nothing;
    return renderSourceNotices(this.localize, this.status, () => this.requestSync(), { syncStatusHref: this.syncStatusHref });
  }


  // ------------------------------------------------------------------------------------------
  // Zone 2

  private renderDetails(patient: Patient): TemplateResult {
    const t = this.localize;
    const addresses = currentAddresses(patient);
    const telecom = currentTelecom(patient.telecom);
    const contacts = patientContacts(patient);
    const gps = generalPractitioners(patient);
    return html`<dl class="details-list">
        <div class="detail">
          <dt class="label">${t.term('bannerAddress')}</dt>
          ${addresses.length
            ? addresses.map((a) => html`<dd>${recordText(t, a.text)}</dd>`)
            : html`<dd class="unknown">${t.term('notKnown')}</dd>`}
        </div>
        <div class="detail">
          <dt class="label">${t.term('bannerContactDetails')}</dt>
          ${telecom.length ? telecom.map((c) => html`<dd>${this.renderTelecom(c)}</dd>`) : html`<dd class="unknown">${t.term('notKnown')}</dd>`}
        </div>
        <div class="detail">
          <dt class="label">${t.term('bannerContacts')}</dt>
          ${contacts.length
            ? contacts.map(
                (c) => html`<dd class="contact">
                  ${c.roles.length
                    ? html`<span class="role"
                        >${c.roles.map((r, i) => html`${i ? ', ' : ''}${r.key ? t.term(ROLE_TERMS[r.key]) : recordText(t, r.text ?? '')}`)}</span
                      > `
                    : nothing}
                  ${c.name ? recordText(t, c.name, 'value') : html`<bdi class="value">${t.term('notKnown')}</bdi>`}
                  ${c.telecom.map((x) => html`<span class="contact-telecom">${this.renderTelecom(x)}</span>`)}
                  ${c.address ? html`<span class="contact-address">${recordText(t, c.address)}</span>` : nothing}
                </dd>`,
              )
            : html`<dd class="unknown">${t.term('notKnown')}</dd>`}
        </div>
        ${gps.length
          ? html`<div class="detail">
              <dt class="label">${t.term('bannerGp')}</dt>
              ${gps.map((g) => html`<dd>${recordText(t, g)}</dd>`)}
            </div>`
          : nothing}
      </dl>
      ${this.renderAllergies()}`;
  }

  private renderTelecom(c: TelecomDisplay): TemplateResult {
    const t = this.localize;
    const kindKey = own(TELECOM_TERMS, c.system);
    const useKey = own(TELECOM_USE_TERMS, c.use);
    const kind = kindKey ? t.term(kindKey) : '';
    const use = useKey ? t.term(useKey) : '';
    const label = [kind, use ? `(${use})` : ''].filter(Boolean).join(' ');
    return html`${label ? html`<span class="label">${label}</span> ` : nothing}${recordText(t, c.value, 'value')}`;
  }

  /**
   * The allergy overview the banner shows, in zone 1 and in the details: `undefined` while the
   * allergies or the providers' states are still being read. The completeness rule is the one the
   * allergy panel and the medication list share (`verdictFor`): providers not positively known to
   * be complete for THIS patient (a source's `lastSyncAt` is set by a sync of any patient;
   * syncing / offline / failed / never synced are not complete) make a negative statement
   * impossible; sources that cannot be read make completeness unknown.
   */
  private allergySummary(): { overview: AllergyOverview; missing: readonly string[]; unknown: boolean } | undefined {
    const q = this.allergies;
    if (q.status === 'idle' || (q.status === 'loading' && !q.rows) || !this.status.loaded) return undefined;
    const verdict = verdictFor(this.status);
    const unknown = verdict.state === 'unknown';
    const overview = allergyOverview(
      (q.rows ?? []).map((r) => ({ source: r.source, resource: r.resource })),
      { queryOk: q.status !== 'error', missingSources: unknown ? ['?'] : verdict.missing, locale: this.localize.lang },
    );
    return { overview, missing: verdict.missing, unknown };
  }

  /**
   * Zone 1's allergy status, always visible (minimal mode too: it is safety information): one of
   * the four states with an icon, in the allergy panel's words — "Known allergies (3)"
   * (emphasised; "may be incomplete" when a provider was not checked), "No known allergies" (or
   * the narrower coded statement), "Allergies not recorded", "Allergies unavailable".
   */
  private renderAllergyStatus(): TemplateResult {
    const t = this.localize;
    const chip = (state: string, icon: string, words: TemplateResult | string) =>
      html`<span class="allergy-status ${state}" part="allergy-status" data-state=${state}
        ><span class="allergy-icon" aria-hidden="true">${icon}</span> <span class="allergy-words">${words}</span></span
      >`;
    // Not granted by SMART: nothing can be said, least of all "not recorded".
    if (this.notShared(['AllergyIntolerance'])) return chip('not-shared', '✕', `${t.term('allergies')}: ${t.term('notShared')}`);
    const summary = this.allergySummary();
    if (!summary) return chip('loading', '…', t.term('bannerAllergyLoading'));
    const { overview } = summary;
    switch (overview.state) {
      case 'known-allergies':
        return chip(
          'known-allergies',
          '⚠',
          html`<strong>${t.term('bannerKnownAllergies')}</strong> (${t.number(overview.items.length)})${overview.incomplete
            ? html` · ${t.term('bannerAllergyMayBeIncomplete')}`
            : nothing}`,
        );
      case 'no-known-allergies': {
        const kinds = overview.noKnownKinds.includes('no-known-allergies') ? (['no-known-allergies'] as const) : overview.noKnownKinds;
        const unconfirmed = kinds.some((k) => overview.noKnownUnconfirmed.includes(k));
        const words = kinds.map((k) => t.term(NO_KNOWN_TERMS[k])).join('; ');
        return chip('no-known-allergies', unconfirmed ? '?' : '✓', unconfirmed ? `${words} (${t.term('unconfirmed')})` : words);
      }
      case 'not-recorded':
        return chip('not-recorded', '–', t.term('allergiesNotRecorded'));
      case 'unavailable':
        return chip('unavailable', '✕', t.term('allergyInfoUnavailable'));
    }
  }

  private renderAllergies(): TemplateResult {
    const t = this.localize;
    const heading = t.term('allergies');
    const wrap = (content: TemplateResult, state: string) =>
      html`<div class="allergies ${state}" part="allergies" data-state=${state} role="group" aria-label=${heading}>${content}</div>`;
    if (this.notShared(['AllergyIntolerance'])) return wrap(renderNotShared(t, heading), 'not-shared');
    const summary = this.allergySummary();
    if (!summary) return wrap(renderSkeleton(t, { what: heading, lines: 1 }), 'loading');
    const { overview, missing, unknown } = summary;
    const list = (term: 'bannerAllergyIncomplete' | 'bannerAllergySourcesMissing') => sentence(t, (slot) => t.term(term, t.list(missing.map(slot))));
    switch (overview.state) {
      case 'known-allergies': {
        const counts = [t.term('bannerAllergyCount', overview.items.length)];
        if (overview.unconfirmedCount) counts.push(t.term('bannerUnconfirmedCount', overview.unconfirmedCount));
        return wrap(
          html`<p class="allergy-state known">
              <span class="allergy-icon" aria-hidden="true">⚠</span>
              <span class="allergy-title">${t.term('bannerKnownAllergies')}</span>
              <span class="allergy-count">(${counts.join(', ')})</span>
            </p>
            <ul class="allergy-list">
              ${overview.items.map(
                (a) => html`<li class=${a.unconfirmed ? 'unconfirmed' : ''}>
                  ${a.substance !== null ? recordText(t, a.substance, 'substance') : html`<bdi class="substance">${t.term('notKnown')}</bdi>`}
                  ${a.unconfirmed ? html`<span class="tag unconfirmed-tag"><span aria-hidden="true">?</span> ${t.term('unconfirmed')}</span>` : nothing}
                  ${a.criticality === 'high' ? html`<span class="tag high-tag"><span aria-hidden="true">!</span> ${t.term('bannerHighCriticality')}</span>` : nothing}
                </li>`,
              )}
            </ul>
            ${overview.conflicting ? renderCallout('warning', html`<p>${t.term('bannerAllergyConflict')}</p>`, { cls: 'allergy-note', about: 'allergy-conflict' }) : nothing}
            ${overview.incomplete
              ? renderCallout('warning', html`<p>${unknown ? t.term('allergyIncompleteUnknown') : list('bannerAllergyIncomplete')}</p>`, {
                  cls: 'allergy-note',
                  part: 'incomplete',
                  about: 'incomplete',
                })
              : nothing}`,
          'known-allergies',
        );
      }
      case 'no-known-allergies': {
        const kinds = overview.noKnownKinds;
        const general = kinds.includes('no-known-allergies');
        const shown: NoKnownAllergyKind[] = general ? ['no-known-allergies'] : [...kinds];
        // A "no known …" that no source confirmed is labelled so, and loses the tick.
        const unconfirmed = (k: NoKnownAllergyKind) => overview.noKnownUnconfirmed.includes(k);
        const anyUnconfirmed = shown.some(unconfirmed);
        return wrap(
          html`<p class="allergy-state none-known ${anyUnconfirmed ? 'unconfirmed' : ''}">
              <span class="allergy-icon" aria-hidden="true">${anyUnconfirmed ? '?' : '✓'}</span>
              <span class="allergy-title"
                >${shown.map(
                  (k, i) => html`${i ? '; ' : ''}${t.term(NO_KNOWN_TERMS[k])}${unconfirmed(k)
                    ? html` <span class="tag unconfirmed-tag" data-unconfirmed-statement>${t.term('unconfirmed')}</span>`
                    : nothing}`,
                )}</span
              >
            </p>
            ${general ? nothing : html`<p class="allergy-note">${t.term('bannerNoKnownOnly')}</p>`}`,
          'no-known-allergies',
        );
      }
      case 'not-recorded':
        return wrap(
          html`<p class="allergy-state not-recorded">
            <span class="allergy-icon" aria-hidden="true">–</span>
            <span class="allergy-title">${t.term('allergiesNotRecorded')}</span>
          </p>`,
          'not-recorded',
        );
      case 'unavailable':
        return wrap(
          html`<p class="allergy-state unavailable">
              <span class="allergy-icon" aria-hidden="true">✕</span>
              <span class="allergy-title">${t.term('allergyInfoUnavailable')}</span>
            </p>
            <p class="allergy-note">
              ${overview.reason === 'query-failed'
                ? t.term('bannerAllergyQueryFailed')
                : unknown
                  ? t.term('allergyUnavailableUnknown')
                  : list('bannerAllergySourcesMissing')}
            </p>
            ${overview.reason === 'query-failed'
              ? html`<button type="button" class="retry" part="retry-button" @click=${() => this.allergies.retry()}>
                  ${t.term('retryWhat', heading)}
                </button>`
              : html`<button type="button" class="retry" part="retry-button" @click=${() => this.requestSync()}>${t.term('retry')}</button>`}`,
          'unavailable',
        );
    }
  }
}
