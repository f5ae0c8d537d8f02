import { LitElement, css, type CSSResultGroup } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ContextConsumer } from '@lit/context';
import { launchContext, patientContext, storeContext, syncStateContext } from './context.js';
import { canReadType } from '../../fhir/smart-scopes.js';
import type { EhrEventDetail, EhrEventName } from './events.js';
import { Localize } from './localize/localize.js';
import { token } from './tokens.js';
import type { LaunchContext, PatientKey, RecordSource, SyncState } from './store-types.js';

/** Options for `emit`. Events bubble and cross shadow roots unless told otherwise. */
export interface EmitOptions {
  bubbles?: boolean;
  composed?: boolean;
  cancelable?: boolean;
}

/**
 * Styles every element starts from: box sizing, font and colour from tokens, `[hidden]` that
 * really hides, and a visible focus ring.
 */
export const baseStyles = css`
  :host {
    box-sizing: border-box;
    font-family: ${token('font-family')};
    font-size: ${token('font-size-m')};
    line-height: ${token('font-line-height')};
    color: ${token('color-text')};
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: ${token('focus-width')} solid ${token('color-focus')};
    outline-offset: 2px;
  }
  /* Record text with direction controls: shown as recorded, isolated, and marked (see record-text.ts). */
  bdi[data-direction-controls] {
    text-decoration: underline dashed ${token('color-warning')};
    text-underline-offset: 0.2em;
  }
  /* Record text cut for display (see record-text.ts). */
  .text-cut {
    color: ${token('color-muted')};
    font-size: ${token('font-size-xs')};
    margin-inline-start: 0.15em;
  }
  .direction-controls {
    color: ${token('color-warning')};
    font-size: ${token('font-size-xs')};
    margin-inline-start: 0.15em;
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;

/**
 * Base class of every ehr-elements component: a typed `emit`, localization (`this.localize`)
 * that follows the nearest `[lang]` / `[dir]`, and the shared base styles.
 */
export class EhrElement extends LitElement {
  static override styles: CSSResultGroup = [baseStyles];

  /** Terms, dates and numbers in the element's language. */
  protected readonly localize = new Localize(this);

  /**
   * Dispatches an `ehr-*` event whose detail type comes from `GlobalEventHandlersEventMap`.
   * Bubbles and composes by default. Returns the event (check `defaultPrevented` if cancelable).
   */
  emit<K extends EhrEventName>(name: K, detail: EhrEventDetail<K>, options: EmitOptions = {}): CustomEvent<EhrEventDetail<K>> {
    const event = new CustomEvent(name, {
      bubbles: true,
      composed: true,
      cancelable: false,
      ...options,
      detail,
    });
    this.dispatchEvent(event);
    return event;
  }
}

/**
 * Base class for elements that show record data. Gets the store, patient and SMART launch
 * context from the nearest `<ehr-record-provider>` (`@lit/context`, `subscribe: true`), and lets
 * the element's own `store` / `patient` properties win over the provider when set, so an
 * element works on its own or overrides one value inside a provider.
 *
 * Read `activeStore` / `activePatient` / `activeLaunch` / `syncState`; never the raw fields.
 */
export class EhrDataElement extends EhrElement {
  /**
   * The record store. Set it to use this element without a provider, or to override the
   * provider's store for this element only.
   */
  @property({ attribute: false }) store?: RecordSource;

  /**
   * Patient key (`"<source>/Patient/<id>"`). When set, wins over the provider's patient.
   */
  @property() patient?: PatientKey;

  /**
   * Hides the element's record-wide source notices: "This record may be incomplete" (partial),
   * "may be out of date" (stale) and "You are offline". For hosts that already show sync status
   * once for the whole page, so the same notice is not repeated in every element. It never hides
   * error states (`role="alert"`), "information unavailable" messages, or anything per row:
   * source badges still say "Out of date" / "Sync failed". Off by default (notices shown).
   * Elements without such notices (e.g. `<ehr-source-badge>`) ignore it.
   */
  @property({ type: Boolean, attribute: 'hide-source-notices' }) hideSourceNotices = false;

  /**
   * Where the page shows `<ehr-sync-status>`, as a fragment (`#sync-status`): the partial and
   * stale notices then link to it ("See sync status"). Anything but a `#fragment` is ignored.
   */
  @property({ attribute: 'sync-status-href' }) syncStatusHref?: string;

  @state() private contextStore?: RecordSource;
  @state() private contextPatient?: PatientKey;
  @state() private contextLaunch?: LaunchContext;
  @state() private contextSync?: SyncState;

  constructor() {
    super();
    new ContextConsumer(this, { context: storeContext, subscribe: true, callback: (v) => (this.contextStore = v) });
    new ContextConsumer(this, { context: patientContext, subscribe: true, callback: (v) => (this.contextPatient = v) });
    new ContextConsumer(this, { context: launchContext, subscribe: true, callback: (v) => (this.contextLaunch = v) });
    new ContextConsumer(this, { context: syncStateContext, subscribe: true, callback: (v) => (this.contextSync = v) });
  }

  /** The store in effect: own `store` property, else the provider's. */
  get activeStore(): RecordSource | undefined {
    return this.store ?? this.contextStore;
  }

  /** The patient in effect: own `patient` property/attribute, else the provider's. */
  get activePatient(): PatientKey | undefined {
    return this.patient || this.contextPatient;
  }

  /** SMART launch context from the provider, if any. */
  get activeLaunch(): LaunchContext | undefined {
    return this.contextLaunch;
  }

  /**
   * True when a SMART launch context lists granted scopes and none lets this app read any of
   * `types`: the element then says "Not shared with this app" instead of loading (or claiming
   * nothing is recorded).
   */
  protected notShared(types: readonly string[]): boolean {
    const scopes = this.activeLaunch?.scopes;
    return !!scopes && !types.some((t) => canReadType(scopes, t));
  }

  /** The provider's latest sync (status, report), if inside a provider. */
  get syncState(): SyncState | undefined {
    return this.contextSync;
  }

  /** Asks the nearest provider to sync this patient again (e.g. from a Retry button). */
  requestSync(): void {
    this.emit('ehr-sync-request', { patient: this.activePatient });
  }
}
