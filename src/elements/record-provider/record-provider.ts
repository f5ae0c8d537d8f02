import { html, type CSSResultGroup } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ContextProvider } from '@lit/context';
import { EhrElement, baseStyles } from '../base/ehr-element.js';
import { launchContext, patientContext, storeContext, syncStateContext, userContext } from '../base/context.js';
import type { LaunchContext, PatientKey, RecordSource, SyncReport, SyncState, UserReference } from '../base/store-types.js';
import { safeStyleTokens } from '../../fhir/smart-style.js';
import styles from './record-provider.styles.js';

/** The SMART user (`fhirUser`) as the author reference of what elements record. */
function userFromLaunch(launch: LaunchContext | undefined): UserReference | undefined {
  return launch?.fhirUser ? { reference: launch.fhirUser } : undefined;
}

/**
 * Gives every ehr-element inside it a record store and a current patient, and optionally keeps
 * that patient's record in sync.
 *
 * Elements inside read `store`, `patient` and the SMART launch context through `@lit/context`
 * and re-render when any of them changes. An element's own `.store` / `patient` wins over the
 * provider's. Providers may nest (e.g. a second patient side by side); the nearest one answers.
 *
 * With `sync`, the provider calls `store.syncPatient(patient)` when it connects and whenever the
 * store or patient changes (a sync still running for the previous patient is aborted), and again
 * when a descendant asks through an `ehr-sync-request` event (e.g. a Retry button). Rows show from
 * the cache immediately and update as the sync writes them.
 *
 * Theme: `theme="dark"` switches every element inside to the dark tokens; `theme="auto"` follows
 * the operating system (`prefers-color-scheme`). Any `--ehr-*` property set on or above the
 * provider still wins over these.
 *
 * @tag ehr-record-provider
 * @summary Provides the record store, current patient and sync to the elements inside it.
 *
 * @slot - The elements that show the record (and any other content).
 *
 * @event {CustomEvent<SyncStartDetail>} ehr-sync-start - A sync of `patient` started.
 * @event {CustomEvent<SyncCompleteDetail>} ehr-sync-complete - The sync finished; `detail.report`
 *   lists per-source errors (some providers may have failed while others succeeded).
 * @event {CustomEvent<SyncErrorDetail>} ehr-sync-error - The sync as a whole failed (threw); `detail.error`.
 *
 * @cssproperty [--ehr-color-text=#1f2328] - Text colour (dark theme: `#e6edf3`).
 * @cssproperty [--ehr-color-muted=#57606a] - Secondary text (dark theme: `#a3adb8`).
 * @cssproperty [--ehr-color-surface=#ffffff] - Panel background (dark theme: `#0d1117`).
 * @cssproperty [--ehr-color-surface-raised=#f6f8fa] - Raised or alternate background (badges, headers) (dark theme: `#161b22`).
 * @cssproperty [--ehr-color-border=#8c959f] - Borders of controls and badges (dark theme: `#768390`).
 * @cssproperty [--ehr-color-border-subtle=#d0d7de] - Dividers (dark theme: `#3d444d`).
 * @cssproperty [--ehr-color-accent=#0b5cad] - Buttons and links (dark theme: `#6cb6ff`).
 * @cssproperty [--ehr-color-on-accent=#ffffff] - Text on the accent colour (dark theme: `#0d1117`).
 * @cssproperty [--ehr-color-focus=#0b5cad] - Focus ring (dark theme: `#6cb6ff`).
 * @cssproperty [--ehr-color-danger=#b3261e] - Errors, high criticality (dark theme: `#ff8a80`).
 * @cssproperty [--ehr-color-danger-surface=#fdecea] - Background of errors (dark theme: `#3b1219`).
 * @cssproperty [--ehr-color-warning=#7a4d00] - Warnings: a death, a refuted allergy, a criticality conflict, an incomplete record, stale data (dark theme: `#f0c060`).
 * @cssproperty [--ehr-color-warning-surface=#fff4d6] - Background of warnings (dark theme: `#3a2a00`).
 * @cssproperty [--ehr-color-success=#1a7f37] - Up to date (dark theme: `#6ad37c`).
 * @cssproperty [--ehr-color-success-surface=#e6f4ea] - Background of success notices (dark theme: `#0f2d1a`).
 * @cssproperty [--ehr-color-info=#0b5cad] - Information: offline, unconfirmed against confirmed, a reworded dose (dark theme: `#8ccaff`).
 * @cssproperty [--ehr-color-info-surface=#e7f0fb] - Background of informational notices (dark theme: `#0c2d48`).
 * @cssproperty [--ehr-color-deceased=#2b2b2b] - Deceased marking (dark theme: `#e6e6e6`).
 * @cssproperty [--ehr-color-deceased-surface=#e3e3e3] - Background of the deceased marking (dark theme: `#3a3a3a`).
 * @cssproperty [--ehr-color-skeleton=#e6e9ed] - Loading placeholders (dark theme: `#2d333b`).
 * @cssproperty [--ehr-space-3xs=0.125rem] - Spacing step.
 * @cssproperty [--ehr-space-2xs=0.25rem] - Spacing step.
 * @cssproperty [--ehr-space-xs=0.375rem] - Spacing step.
 * @cssproperty [--ehr-space-s=0.5rem] - Spacing step.
 * @cssproperty [--ehr-space-m=0.75rem] - Spacing step.
 * @cssproperty [--ehr-space-l=1rem] - Spacing step.
 * @cssproperty [--ehr-space-xl=1.5rem] - Spacing step.
 * @cssproperty [--ehr-space-2xl=2rem] - Spacing step.
 * @cssproperty [--ehr-font-family=system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif] - Text font.
 * @cssproperty [--ehr-font-family-mono=ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace] - Identifiers and codes.
 * @cssproperty [--ehr-font-size-xs=0.75rem] - Text size step.
 * @cssproperty [--ehr-font-size-s=0.875rem] - Text size step.
 * @cssproperty [--ehr-font-size-m=1rem] - Text size step.
 * @cssproperty [--ehr-font-size-l=1.125rem] - Text size step.
 * @cssproperty [--ehr-font-size-xl=1.375rem] - Text size step.
 * @cssproperty [--ehr-font-weight-normal=400] - Regular weight.
 * @cssproperty [--ehr-font-weight-bold=600] - Emphasis weight.
 * @cssproperty [--ehr-font-line-height=1.4] - Line height.
 * @cssproperty [--ehr-radius-s=2px] - Corner radius.
 * @cssproperty [--ehr-radius-m=4px] - Corner radius.
 * @cssproperty [--ehr-radius-l=8px] - Corner radius.
 * @cssproperty [--ehr-radius-pill=999px] - Corner radius.
 * @cssproperty [--ehr-focus-width=2px] - Focus ring width.
 * @cssproperty [--ehr-size-target=44px] - Least height and width of anything clickable the kit draws.
 * @cssproperty [--ehr-callout-bar-width=4px] - The bar at the start of a warning (an info's is half as wide).
 * @cssproperty [--ehr-color-backdrop=rgb(0 0 0 / 0.45)] - Behind a modal dialog (SMART `color_modal_backdrop`).
 * @cssproperty --ehr-font-family-heading - Headings' font, when set (SMART `font_family_heading`); else the text font.
 */
export class EhrRecordProvider extends EhrElement {
  static override styles: CSSResultGroup = [baseStyles, styles];

  /** The record store shared with every element inside (property only). */
  @property({ attribute: false }) store?: RecordSource;

  /** Patient key shown by the elements inside: `"<source>/Patient/<id>"`. */
  @property({ reflect: true }) patient?: PatientKey;

  /** Run `store.syncPatient(patient)` on connect and whenever the patient or store changes. */
  @property({ type: Boolean, reflect: true }) sync = false;

  /** `light` (default look), `dark`, or `auto` (follows `prefers-color-scheme`). */
  @property({ reflect: true }) theme?: 'light' | 'dark' | 'auto';

  /**
   * SMART launch context (`smartReady()`'s `session.context`, or one built by the host), passed
   * down to every element inside. Property only. What it changes:
   * - `needPatientBanner: false`: the banner goes minimal (the deceased marking and the
   *   disagreement warning stay);
   * - `scopes`: an element whose type is not granted says "Not shared with this app"; the consent
   *   dialog is read-only without write scope on Consent;
   * - `fhirUser`: the author of consents when `user` is not set;
   * - `styleTokens` (from `smart_style_url`): set as `--ehr-*` properties on the provider, each
   *   value checked again; a token the host set inline on the provider itself is not overwritten.
   */
  @property({ attribute: false }) launch?: LaunchContext;

  /**
   * The current user, as a FHIR Reference (`{ reference: 'Practitioner/123', display: 'Dr Ana
   * Lopez' }`): recorded as the author of what elements write (consents and their Provenance).
   * Without it, elements that write say so and do not write. Property only.
   */
  @property({ attribute: false }) user?: UserReference;

  /** The latest sync of this provider: status, report or error. */
  @state() syncState: SyncState = { status: 'idle' };

  private readonly storeProvider = new ContextProvider(this, { context: storeContext });
  private readonly patientProvider = new ContextProvider(this, { context: patientContext });
  private readonly launchProvider = new ContextProvider(this, { context: launchContext });
  private readonly userProvider = new ContextProvider(this, { context: userContext });
  private readonly syncProvider = new ContextProvider(this, { context: syncStateContext, initialValue: this.syncState });

  private abort?: AbortController;
  private syncedFor?: { store: RecordSource; patient: PatientKey };

  /** Tokens this provider set from a SMART style, so a new launch can take them away again. */
  private styledTokens = new Map<string, string>();

  private applyStyleTokens(tokens: Record<string, string>): void {
    for (const [name, value] of this.styledTokens) {
      // Remove only what we set: a host that changed the property since then keeps its value.
      if (this.style.getPropertyValue(name) === value) this.style.removeProperty(name);
    }
    this.styledTokens.clear();
    for (const [name, value] of Object.entries(tokens)) {
      if (this.style.getPropertyValue(name) !== '') continue;
      this.style.setProperty(name, value);
      this.styledTokens.set(name, this.style.getPropertyValue(name));
    }
  }

  /** The report of the last finished sync, if any. */
  get lastSyncReport(): SyncReport | undefined {
    return this.syncState.report;
  }

  constructor() {
    super();
    this.addEventListener('ehr-sync-request', (event) => {
      // Answer only requests for our patient (or no patient); let outer providers see others.
      const wanted = event.detail?.patient;
      if (wanted && wanted !== this.patient) return;
      event.stopPropagation();
      void this.syncNow();
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A reconnect (e.g. the host moved us) should sync again if asked to.
    this.syncedFor = undefined;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
    this.abort = undefined;
    if (this.syncState.status === 'syncing') this.setSyncState({ status: 'idle', patient: this.patient });
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('store')) this.storeProvider.setValue(this.store);
    if (changed.has('patient')) this.patientProvider.setValue(this.patient || undefined);
    if (changed.has('launch')) {
      this.launchProvider.setValue(this.launch);
      this.applyStyleTokens(safeStyleTokens(this.launch?.styleTokens));
    }
    if (changed.has('user') || changed.has('launch')) this.userProvider.setValue(this.user ?? userFromLaunch(this.launch));
    if (changed.has('syncState')) this.syncProvider.setValue(this.syncState);
    if ((changed.has('patient') || changed.has('store')) && this.syncState.patient && this.syncState.patient !== this.patient) {
      // The last report was about another patient: do not show it under this one.
      this.abort?.abort();
      this.syncState = { status: 'idle', patient: this.patient };
      this.syncProvider.setValue(this.syncState);
    }
  }

  protected override updated(): void {
    if (!this.sync || !this.store || !this.patient) return;
    if (this.syncedFor?.store === this.store && this.syncedFor.patient === this.patient) return;
    const wanted = { store: this.store, patient: this.patient };
    this.syncedFor = wanted;
    // Start after this update has finished: the sync changes `syncState`, which is a new update.
    queueMicrotask(() => {
      if (this.isConnected && this.syncedFor === wanted) void this.syncNow();
    });
  }

  /**
   * Syncs the current patient now (whatever the `sync` attribute says). Resolves with the report,
   * or `undefined` when there is nothing to sync, the store cannot sync, or the sync was
   * superseded by a newer one.
   */
  async syncNow(): Promise<SyncReport | undefined> {
    const store = this.store;
    const patient = this.patient;
    if (!store || !patient || typeof store.syncPatient !== 'function') return undefined;
    this.syncedFor = { store, patient };
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.setSyncState({ status: 'syncing', patient, startedAt: Date.now() });
    this.emit('ehr-sync-start', { patient });
    try {
      const report = await store.syncPatient(patient, {
        signal: abort.signal,
        onProgress: (progress) => {
          if (this.abort === abort) this.setSyncState({ ...this.syncState, progress });
        },
      });
      if (this.abort !== abort) return undefined;
      this.abort = undefined;
      this.setSyncState({ status: 'complete', patient, report, startedAt: this.syncState.startedAt, finishedAt: Date.now() });
      this.emit('ehr-sync-complete', { patient, report });
      return report;
    } catch (error) {
      if (this.abort !== abort) return undefined;
      this.abort = undefined;
      this.setSyncState({ status: 'error', patient, error, startedAt: this.syncState.startedAt, finishedAt: Date.now() });
      const message = error instanceof Error ? error.message : String(error);
      this.emit('ehr-sync-error', { patient, error, message });
      return undefined;
    }
  }

  private setSyncState(next: SyncState) {
    this.syncState = next;
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ehr-record-provider': EhrRecordProvider;
  }
}
