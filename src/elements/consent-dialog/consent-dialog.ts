import { html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ContextConsumer } from '@lit/context';
import type { Consent, Resource } from 'fhir/r4';
import { EhrDataElement, baseStyles } from '../base/ehr-element.js';
import { patientQuery } from '../base/patient-query.js';
import { headingStyles, stateStyles } from '../base/state-styles.js';
import { renderError, renderNotShared, renderSkeleton } from '../base/state-views.js';
import { userContext } from '../base/context.js';
import { canWriteType } from '../../fhir/smart-scopes.js';
import { recordText } from '../base/record-text.js';
import { term, type ConsentTermKey } from './terms.js';
import type { ConflictInfo, StoredRow, UserReference } from '../base/store-types.js';
import { consentView, type ConsentView } from '../../fhir/consent-view.js';
import { parsePatientKey } from '../../fhir/references.js';
import type { ConsentProblem, ShareConsentInput } from '../../fhir/consent-build.js';
import styles from './consent-dialog.styles.js';

/** Detail of `ehr-consent-save` (cancelable: a host may veto) and `ehr-consent-saved`. */
export interface ConsentSaveDetail {
  consent: Consent;
  /** The source it is saved to. */
  source: string;
}
/** Detail of `ehr-consent-revoke` (cancelable). */
export interface ConsentRevokeDetail {
  consent: Consent;
  source: string;
  /** The status it is changed to (`inactive` for a revocation). */
  to: string;
}
/** Detail of `ehr-consent-close`. */
export interface ConsentCloseDetail {
  /** Why: the close button, Escape, or the host's `close()`. */
  reason: 'button' | 'escape' | 'host';
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ehr-consent-save': CustomEvent<ConsentSaveDetail>;
    'ehr-consent-saved': CustomEvent<ConsentSaveDetail>;
    'ehr-consent-revoke': CustomEvent<ConsentRevokeDetail>;
    'ehr-consent-close': CustomEvent<ConsentCloseDetail>;
  }
}

/** An organization a consent can name: a FHIR Reference with words. */
export interface ConsentOrganization {
  reference: string;
  display: string;
}

type Body = typeof import('./consent-body.js');
let bodyModule: Promise<Body> | undefined;

/** The state a consent's local copy is in. */
export type ConsentWriteState = 'pending' | 'uploaded' | 'conflict' | 'server';

/** What the lazily loaded dialog body reads and calls. */
export interface ConsentDialogHost {
  readonly views: ConsentView[];
  readonly readonly: boolean;
  readonly user: UserReference | undefined;
  readonly organizations: ConsentOrganization[];
  readonly busy: boolean;
  readonly problems: ConsentProblem[];
  readonly message: string | undefined;
  readonly preview: { actor: string; purpose: string; dataClass: string };
  readonly now: number;
  readonly lang: string;
  writeState(v: ConsentView): ConsentWriteState;
  conflictOf(v: ConsentView): ConflictInfo | undefined;
  t(key: ConsentTermKey): string;
  term: EhrConsentDialog['localizeTerm'];
  date(value: string | undefined): string;
  badge(source: string): TemplateResult;
  text(value: string): TemplateResult | string;
  setPreview(p: Partial<{ actor: string; purpose: string; dataClass: string }>): void;
  saveNew(input: Omit<ShareConsentInput, 'patient' | 'author' | 'now' | 'custodian'>): void;
  changeStatus(v: ConsentView, to: string): void;
  resolve(v: ConsentView, take: 'local' | 'server'): void;
}

/**
 * The patient's consents to share their record, from every linked source, in a modal dialog;
 * and recording and revoking them.
 *
 * - The element shows a one-line summary ("Consents: 2 in force") and a "Manage consents" button;
 *   `show()` (or the button) opens a native modal `<dialog>`: focus moves into it and stays there,
 *   Escape closes it, focus returns to what opened it, and the title labels it. Its contents load
 *   on first open (`import()`), so a page pays for the dialog only when someone opens it.
 * - Each consent: status, in force or not (and why: ended, not yet started, not active; an
 *   entered-in-error consent is said to be one and never shown as in force), scope, category,
 *   period, policy, source, and its provisions in plain words (permit/deny, who, actions,
 *   purposes, data classes, data periods, nested exceptions; a type the record leaves out is
 *   read from the policy or the parent and said to be). An outer deny with nested permits reads
 *   "Opt-in".
 * - "Who can see what": an organization, a purpose and a data class give the effective decision
 *   (Permitted, Denied, Not covered) and the provision that decides it (see
 *   `src/fhir/consent-decision.ts`).
 * - Recording: permit sharing with a named organization for a purpose and a period, optionally
 *   excluding data classes (IHE PCF basic/intermediate, `src/fhir/consent-build.ts`), validated
 *   field by field before saving. The author is the provider's `user`; without one, writing is
 *   off and the dialog says why. `ehr-consent-save` (cancelable) fires first.
 * - Revoking sets a consent `inactive` and writes a Provenance with who and when; other status
 *   changes follow the table in `consent-build.ts`. `ehr-consent-revoke` (cancelable) first.
 * - Writes go through `store.save()` to the patient's source: each consent says "Waiting to
 *   upload", "Uploaded" or "Conflict" (with "Keep mine" / "Take theirs", `store.resolveConflict`).
 * - `readonly` hides every write control.
 *
 * @tag ehr-consent-dialog
 * @summary The patient's consents from all providers, who can see what, and recording or revoking a consent.
 *
 * @csspart base - The summary line and the open button.
 * @csspart summary - "Consents: N in force".
 * @csspart open-button - "Manage consents".
 * @csspart dialog - The native `<dialog>`.
 * @csspart title - The dialog's title.
 * @csspart close-button - The dialog's close button.
 * @csspart consent - One consent.
 * @csspart status - A consent's status and whether it is in force.
 * @csspart write-state - "Waiting to upload", "Uploaded", "Conflict".
 * @csspart provision - One provision in the tree.
 * @csspart preview - The "Who can see what" form and its answer (`decision`).
 * @csspart decision - The effective decision and the provision deciding it.
 * @csspart form - The new-consent form.
 * @csspart field-error - A validation message under a field.
 * @csspart message - The dialog's last message (saved, refused, failed).
 * @csspart conflict - A conflict with "Keep mine" and "Take theirs".
 * @csspart warning - The kit's warning callout. @csspart info - The kit's info callout.
 * @csspart empty - "No consents recorded". @csspart skeleton - Loading. @csspart error - Error box.
 *
 * @event ehr-consent-save - Before a new consent is saved; cancelable (`preventDefault()` vetoes). `detail: { consent, source }`.
 * @event ehr-consent-saved - A new consent and its Provenance are saved locally (upload follows with sync). `detail: { consent, source }`.
 * @event ehr-consent-revoke - Before a status change (revoke); cancelable. `detail: { consent, source, to }`.
 * @event ehr-consent-close - The dialog closed. `detail: { reason }`.
 */
export class EhrConsentDialog extends EhrDataElement {
  static override styles: CSSResultGroup = [baseStyles, stateStyles, headingStyles, styles];

  /** Hides recording, revoking and conflict choices (e.g. without write scope). */
  @property({ type: Boolean, reflect: true }) readonly = false;

  /** Whether the dialog is open (reflects; set it or call `show()` / `close()`). */
  @property({ type: Boolean, reflect: true }) open = false;

  /** Organizations offered in the preview and the new-consent form (besides those the consents name). */
  @property({ attribute: false }) organizations: ConsentOrganization[] = [];

  /** The current user (author of consents); wins over the provider's `user`. */
  @property({ attribute: false }) user?: UserReference;

  /** The organization that keeps the consents (the host's own), recorded as `Consent.organization`. */
  @property({ attribute: false }) custodian?: ConsentOrganization;

  /** A policy URI new consents are made under; without it they record `policyRule` OPTIN. */
  @property({ attribute: 'policy-uri' }) policyUri?: string;

  private readonly consents = patientQuery<Consent>(this, 'Consent');
  @state() private contextUser?: UserReference;
  @state() private body?: Body;
  @state() private busy = false;
  @state() private problems: ConsentProblem[] = [];
  @state() private message?: string;
  @state() private conflicts: readonly ConflictInfo[] = [];
  @state() private preview = { actor: '', purpose: 'TREAT', dataClass: 'Observation' };
  @query('dialog') private dialog?: HTMLDialogElement;
  private opener?: Element | null;
  private readonly titleId = `ehr-consent-title-${Math.random().toString(36).slice(2, 10)}`;
  /** Clock (ms); tests and stories may fix it. */
  clock: () => number = () => Date.now();

  constructor() {
    super();
    new ContextConsumer(this, { context: userContext, subscribe: true, callback: (v) => (this.contextUser = v) });
  }

  /** Opens the dialog (loading its contents the first time). */
  async show(): Promise<void> {
    this.opener = (this.getRootNode() as Document | ShadowRoot).activeElement ?? document.activeElement;
    bodyModule ??= import('./consent-body.js');
    this.body = await bodyModule;
    this.open = true;
    await this.updateComplete;
    if (this.dialog && !this.dialog.open) this.dialog.showModal();
    void this.refreshConflicts();
  }

  /** Closes the dialog; focus returns to what opened it. */
  close(reason: ConsentCloseDetail['reason'] = 'host'): void {
    if (this.dialog?.open) this.dialog.close();
    if (!this.open) return;
    this.open = false;
    this.emit('ehr-consent-close', { reason });
    const back = this.opener as HTMLElement | null | undefined;
    if (back && typeof back.focus === 'function' && back.isConnected) back.focus();
    else this.renderRoot.querySelector<HTMLElement>('[part~="open-button"]')?.focus();
  }

  protected override updated(): void {
    if (this.open && this.body && this.dialog && !this.dialog.open) this.dialog.showModal();
    if (!this.open && this.dialog?.open) this.dialog.close();
  }

  private get activeUser(): UserReference | undefined {
    return this.user ?? this.contextUser;
  }

  private viewsCache?: { rows: StoredRow<Consent>[]; views: ConsentView[] };
  private views(rows: StoredRow<Consent>[]): ConsentView[] {
    if (this.viewsCache?.rows !== rows) {
      const now = this.clock();
      this.viewsCache = { rows, views: rows.map((r) => consentView(r.resource, r.source, now)) };
    }
    return this.viewsCache.views;
  }

  private rowOf(v: ConsentView): StoredRow<Consent> | undefined {
    return this.consents.rows?.find((r) => r.source === v.source && r.resource.id === v.id);
  }

  private async refreshConflicts(): Promise<void> {
    const store = this.activeStore;
    if (!store?.listConflicts) return;
    try {
      this.conflicts = (await store.listConflicts()).filter((c) => c.type === 'Consent' && !c.resolved);
    } catch {
      this.conflicts = [];
    }
  }

  private lastRows?: unknown;
  protected override willUpdate(): void {
    // A change in the rows (an upload landed, a conflict arrived) re-reads the conflicts.
    if (this.consents.rows !== this.lastRows) {
      this.lastRows = this.consents.rows;
      if (this.open) void this.refreshConflicts();
    }
  }

  private t(key: ConsentTermKey): string {
    return this.localizeTerm(key);
  }

  /** A term of this element with its arguments, for the dialog body. */
  readonly localizeTerm = (key: ConsentTermKey, ...args: unknown[]): string => (term as unknown as (l: unknown, k: string, ...a: unknown[]) => string)(this.localize, key, ...args);

  private inForce(views: ConsentView[]): number {
    return views.filter((v) => v.force === 'in-force').length;
  }

  /** The SMART grant lets this app read consents but not record them. */
  private get writeNotGranted(): boolean {
    const scopes = this.activeLaunch?.scopes;
    return !!scopes && !canWriteType(scopes, 'Consent');
  }

  protected override render() {
    if (this.notShared(['Consent'])) {
      return html`<div part="base" class="base">${renderNotShared(this.localize, this.localize.term('consents'))}</div>`;
    }
    return html`<div part="base" class="base">
        ${this.consents.render({
          idle: () => html`<span part="summary" class="summary">${this.t('consentUnavailable')}</span>`,
          loading: () => renderSkeleton(this.localize, { what: this.localize.term('consents') }),
          ready: (rows) => html`<span part="summary" class="summary">${term(this.localize, 'consentSummary', this.inForce(this.views(rows)), rows.length)}</span>`,
          error: (error, retry) => renderError(this.localize, { what: this.localize.term('consents'), error, onRetry: retry }),
        })}
        <button type="button" part="open-button" class="target open-button" aria-haspopup="dialog" @click=${() => void this.show()}>${this.t('consentManage')}</button>
      </div>
      ${this.open && this.body ? this.renderDialog(this.body) : nothing}`;
  }

  private renderDialog(body: Body) {
    const rows = this.consents.rows ?? [];
    const host = this.hostApi(this.views(rows));
    return html`<dialog part="dialog" class="dialog" aria-labelledby=${this.titleId}
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.close('escape');
      }}>
      <div class="dialog-head">
        <h2 id=${this.titleId} part="title" class="title">${this.t('consentTitle')}</h2>
        <button type="button" part="close-button" class="target close-button" @click=${() => this.close('button')}>${this.t('consentClose')}</button>
      </div>
      ${body.renderConsentBody(host)}
    </dialog>`;
  }

  private hostApi(views: ConsentView[]): ConsentDialogHost {
    const self = this;
    return {
      views,
      readonly: this.readonly || !this.activeStore?.save || this.writeNotGranted,
      user: this.activeUser,
      organizations: this.organizationChoices(views),
      busy: this.busy,
      problems: this.problems,
      message: this.message,
      preview: this.preview,
      now: this.clock(),
      lang: this.localize.lang,
      writeState: (v) => {
        const row = this.rowOf(v);
        if (row?.local === 'conflict' || this.conflictOf(v)) return 'conflict';
        if (row?.local === 'pending') return 'pending';
        return row?.versionId ? 'server' : 'uploaded';
      },
      conflictOf: (v) => this.conflictOf(v),
      t: (k) => this.t(k),
      term: this.localizeTerm,
      date: (value) => (value ? this.localize.clinicalDate(value) : ''),
      badge: (source) => html`<ehr-source-badge compact .store=${this.activeStore} source=${source}></ehr-source-badge>`,
      text: (value) => recordText(this.localize, value),
      setPreview(p) {
        self.preview = { ...self.preview, ...p };
      },
      saveNew: (input) => void this.saveNew(input),
      changeStatus: (v, to) => void this.changeStatus(v, to),
      resolve: (v, take) => void this.resolve(v, take),
    };
  }

  private conflictOf(v: ConsentView): ConflictInfo | undefined {
    return this.conflicts.find((c) => c.source === v.source && c.resourceId === v.id);
  }

  private organizationChoices(views: ConsentView[]): ConsentOrganization[] {
    const seen = new Map<string, ConsentOrganization>();
    for (const o of this.organizations) if (o?.reference) seen.set(o.reference, o);
    const walk = (p: ConsentView['root']) => {
      if (!p) return;
      for (const a of p.actors) if (a.reference.includes('Organization/') && !seen.has(a.reference)) seen.set(a.reference, { reference: a.reference, display: a.display ?? a.reference });
      p.children.forEach(walk);
    };
    for (const v of views) walk(v.root);
    return [...seen.values()];
  }

  /** The patient's own source and `Patient/<id>` there: where new consents are saved. */
  private target(): { source: string; patientRef: string } | undefined {
    const key = parsePatientKey(this.activePatient);
    return key ? { source: key.source, patientRef: `Patient/${key.id}` } : undefined;
  }

  private async saveNew(input: Omit<ShareConsentInput, 'patient' | 'author' | 'now' | 'custodian'>): Promise<void> {
    const store = this.activeStore;
    const target = this.target();
    if (!store?.save || !target || this.readonly) return;
    const { buildShareConsent, validateShareConsent, validateConsent } = await import('../../fhir/consent-build.js');
    const full: ShareConsentInput = {
      ...input,
      patient: { reference: target.patientRef },
      ...(this.activeUser ? { author: this.activeUser } : {}),
      ...(this.custodian ? { custodian: { reference: this.custodian.reference, display: this.custodian.display } } : {}),
      ...(this.policyUri ? { policyUri: this.policyUri } : {}),
      now: new Date(this.clock()).toISOString(),
    };
    const problems = validateShareConsent(full);
    this.problems = problems;
    this.message = undefined;
    if (problems.length) return;
    const { consent, provenance } = buildShareConsent(full, crypto.randomUUID());
    const more = validateConsent(consent);
    if (more.length) {
      this.problems = more;
      return;
    }
    const event = this.emit('ehr-consent-save', { consent, source: target.source }, { cancelable: true });
    if (event.defaultPrevented) {
      this.message = this.t('consentVetoed');
      return;
    }
    await this.write(target.source, [consent, provenance], () => {
      this.emit('ehr-consent-saved', { consent, source: target.source });
      this.message = this.t('consentSaved');
    });
  }

  private async changeStatus(v: ConsentView, to: string): Promise<void> {
    const store = this.activeStore;
    const user = this.activeUser;
    if (!store?.save || this.readonly) return;
    if (!user) {
      this.message = this.t('consentNoUser');
      return;
    }
    const { changeConsentStatus, ConsentError } = await import('../../fhir/consent-build.js');
    let change: ReturnType<typeof changeConsentStatus>;
    try {
      change = changeConsentStatus(v.resource, to, user, new Date(this.clock()).toISOString());
    } catch (error) {
      this.message = error instanceof ConsentError ? error.message : String(error);
      return;
    }
    const event = this.emit('ehr-consent-revoke', { consent: change.consent, source: v.source, to }, { cancelable: true });
    if (event.defaultPrevented) {
      this.message = this.t('consentVetoed');
      return;
    }
    await this.write(v.source, [change.consent, change.provenance], () => (this.message = this.t(to === 'inactive' ? 'consentRevoked' : 'consentStatusChanged')));
  }

  private async write(source: string, resources: Resource[], done: () => void): Promise<void> {
    this.busy = true;
    try {
      for (const r of resources) await this.activeStore!.save!(r, { source });
      done();
    } catch (error) {
      this.message = term(this.localize, 'consentSaveFailed', error instanceof Error ? error.message : String(error));
    } finally {
      this.busy = false;
    }
  }

  private async resolve(v: ConsentView, take: 'local' | 'server'): Promise<void> {
    const conflict = this.conflictOf(v);
    const store = this.activeStore;
    if (!conflict || !store?.resolveConflict || this.readonly) return;
    this.busy = true;
    try {
      await store.resolveConflict(conflict.id, { take });
      this.message = this.t(take === 'local' ? 'consentKeptMine' : 'consentTookTheirs');
      await this.refreshConflicts();
    } catch (error) {
      this.message = term(this.localize, 'consentSaveFailed', error instanceof Error ? error.message : String(error));
    } finally {
      this.busy = false;
    }
  }
}
