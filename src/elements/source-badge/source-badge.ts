import { html, nothing, type CSSResultGroup } from 'lit';
import { property } from 'lit/decorators.js';
import { EhrDataElement, baseStyles } from '../base/ehr-element.js';
import { sourceStatus } from '../base/source-status-controller.js';
import { DEFAULT_STALE_AFTER } from '../base/source-status-controller.js';
import styles from './source-badge.styles.js';
import { recordText } from '../base/record-text.js';

function toMillis(value: string | number | Date | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Says which provider a row came from and how fresh it is: "Riverside Clinic · as of
 * 21-Nov-2026 14:03". The label and last sync time come from the store's sources (through the
 * nearest `<ehr-record-provider>` or the badge's own `.store`); `label` and `as-of` override them.
 *
 * The badge is a label, not a control: no border box, nothing to click. When the time is older
 * than `stale-after` it says "Out of date" with an icon, a tinted background and a dashed
 * underline (the `stale` attribute is set for styling); when the source's last sync failed it
 * says "Sync failed" the same way. Colour is never the only signal.
 *
 * The `compact` form, for a badge in every row of a list or table, shows only the provider's
 * name: the "as of …" time is kept for screen readers (visually hidden text) and as the badge's
 * tooltip (`title`). "Out of date" and "Sync failed" are still shown in words, with their icon and
 * dashed border. The full form is the default.
 *
 * @tag ehr-source-badge
 * @summary Shows the source of a record row and when it was last synced.
 *
 * @csspart base - The badge box.
 * @csspart label - The provider's name.
 * @csspart time - The "as of …" text (visually hidden when `compact`).
 * @csspart status - The "Out of date" / "Sync failed" marker, when shown.
 * @csspart direction-controls - The "⇄" sign after record text that holds text-direction control characters.
 * @csspart text-cut - "(N more characters not shown)" after record text cut at 1,000 characters.
 *
 * @cssproperty [--ehr-source-badge-font-size=var(--ehr-font-size-xs, 0.75rem)] - Text size of the badge.
 * @cssproperty [--ehr-source-badge-background=transparent] - Badge background (when fresh).
 * @cssproperty [--ehr-source-badge-color=var(--ehr-color-muted, #57606a)] - Text colour (when fresh).
 */
export class EhrSourceBadge extends EhrDataElement {
  static override styles: CSSResultGroup = [baseStyles, styles];

  /** Source id of the row, e.g. `clinic` (`StoredRow.source`). */
  @property() source = '';

  /** Shown name; overrides the label the store has for the source. */
  @property() label?: string;

  /**
   * Time the data is "as of": ISO string, epoch ms or Date. Defaults to the source's last
   * successful sync in the store.
   */
  @property({ attribute: 'as-of' }) asOf?: string | number | Date;

  /** Age in milliseconds after which the badge shows as out of date. Default 24 h. */
  @property({ type: Number, attribute: 'stale-after' }) staleAfter = DEFAULT_STALE_AFTER;

  /** Also show the age in words ("3 hours ago") after the time. */
  @property({ type: Boolean }) relative = false;

  /**
   * Compact form for rows: only the provider's name is shown; the "as of …" time is read out by
   * screen readers and shown as a tooltip. "Out of date" / "Sync failed" still show in words.
   */
  @property({ type: Boolean, reflect: true }) compact = false;

  /** Reflects whether the badge currently counts as out of date (read-only, for styling). */
  @property({ type: Boolean, reflect: true }) stale = false;

  private readonly status = sourceStatus(this, { staleAfter: () => this.staleAfter });

  protected override willUpdate(): void {
    const time = this.effectiveTime();
    this.stale = time !== undefined && Date.now() - time > this.staleAfter;
  }

  private effectiveTime(): number | undefined {
    return toMillis(this.asOf) ?? (this.source ? this.status.source(this.source)?.syncedAt : undefined);
  }

  protected override render() {
    const info = this.source ? this.status.source(this.source) : undefined;
    const name = this.label || info?.name || this.source || this.localize.term('unknownSource');
    const time = this.effectiveTime();
    const failed = !!info?.failed;
    const timeText =
      time !== undefined
        ? this.localize.term('asOf', this.localize.clinicalDateTime(time)) + (this.relative ? ` (${this.localize.relativeTime(time)})` : '')
        : this.status.loaded || this.asOf !== undefined
          ? this.localize.term('notSyncedYet')
          : '';
    const statusText = failed ? this.localize.term('syncFailed') : this.stale ? this.localize.term('outOfDate') : '';
    const compact = this.compact;
    // Compact: the time moves into the tooltip (with the failure message, when there is one).
    const title = (compact ? [timeText, info?.message] : [info?.message]).filter(Boolean).join(' — ');
    return html`<span part="base" class="base ${failed ? 'failed' : ''}" title=${title || nothing}>
      <span class="visually-hidden">${this.localize.term('source')}:</span>
      <span part="label" class="label">${recordText(this.localize, name)}</span>
      ${timeText
        ? html`<span part="time" class=${compact ? 'time visually-hidden' : 'time'}>${compact ? `, ${timeText}` : timeText}</span>`
        : nothing}
      ${statusText
        ? html`<span part="status" class="status"><span aria-hidden="true">${failed ? '✕' : '⚠'}</span>${statusText}</span>`
        : nothing}
    </span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ehr-source-badge': EhrSourceBadge;
  }
}
