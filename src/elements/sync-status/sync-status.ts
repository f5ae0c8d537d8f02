import { html, nothing, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { EhrDataElement, baseStyles } from '../base/ehr-element.js';
import { sourceStatus, type SourceState } from '../base/source-status-controller.js';
import { headingStyles, stateStyles } from '../base/state-styles.js';
import { headingLevel, renderHeading } from '../base/heading.js';
import { recordText } from '../base/record-text.js';
import { term, type SyncTermKey } from './terms.js';
import { changedLines, sourceSyncLine, type SourceProgress, type SourceSyncLine, type SyncFailureReason } from '../../sync/status-line.js';
import styles from './sync-status.styles.js';

const REASON_TERMS: Record<SyncFailureReason, SyncTermKey> = {
  unauthorized: 'syncReasonUnauthorized',
  forbidden: 'syncReasonForbidden',
  throttled: 'syncReasonThrottled',
  network: 'syncReasonNetwork',
  timeout: 'syncReasonTimeout',
  http: 'syncReasonHttp',
  refused: 'syncReasonRefused',
  other: 'syncReasonOther',
};

const ICONS: Record<SourceSyncLine['kind'], string> = {
  syncing: '⟳',
  failed: '✕',
  offline: '⊘',
  'no-record': '○',
  synced: '✓',
  'not-synced': '–',
};

interface Line {
  id: string;
  name: string;
  line: SourceSyncLine;
}

function isProgress(value: unknown): value is SourceProgress {
  const p = value as Partial<SourceProgress> | null;
  return !!p && typeof p === 'object' && typeof p.source === 'string' && typeof p.phase === 'string' && typeof p.done === 'number' && typeof p.total === 'number';
}

/**
 * Where each provider's copy of the record stands: one line per source —
 * - synced: "Synced 5 minutes ago (03-Dec-2026 17:19)", relative and absolute, from the source's
 *   last successful sync (the server's time where the engine had it);
 * - syncing: "Syncing… 120 of about 400" with a progress bar; "about" while the server gave no
 *   total (the estimate is marked as one);
 * - failed: "Sync failed: server busy (HTTP 429)", the reason in words, the last good sync kept;
 * - offline: the browser is offline, the page shows what is saved on this device;
 * - no record: the provider was searched for this patient and holds no record of them;
 * - never synced.
 *
 * "Sync now" asks the nearest provider to sync the patient again (`ehr-sync-request`); it is
 * marked unavailable while a sync runs. Changes are announced politely to screen readers — a
 * sync starting, finishing or failing — never each progress tick.
 *
 * Give the element an `id` and the other elements' partial and stale notices can point to it:
 * set their `sync-status-href` to `#that-id`.
 *
 * @tag ehr-sync-status
 * @summary Per-source sync status with progress, errors in words, offline, "no record", and Sync now.
 *
 * @event {CustomEvent<SyncRequestDetail>} ehr-sync-request - "Sync now" was pressed; the provider syncs the patient.
 *
 * @csspart base - The labelled section.
 * @csspart heading - The heading.
 * @csspart list - The list of sources.
 * @csspart source - One source's line; `data-state` is `synced`, `syncing`, `failed`, `offline`, `no-record` or `not-synced`.
 * @csspart name - The source's name.
 * @csspart state - What the line says about it (icon and words).
 * @csspart progress - The progress bar of a syncing source (absent without a count).
 * @csspart sync-button - The "Sync now" button.
 * @csspart direction-controls - The "⇄" sign after record text that holds text-direction control characters.
 * @csspart text-cut - "(N more characters not shown)" after record text cut at 1,000 characters.
 */
export class EhrSyncStatus extends EhrDataElement {
  static override styles: CSSResultGroup = [baseStyles, stateStyles, headingStyles, styles];

  /** Heading text; default "Sync status". */
  @property() heading = '';

  /** Level of the heading (1–6). Default 2. */
  @property({ type: Number, attribute: 'heading-level' }) headingLevel = 2;

  private readonly status = sourceStatus(this, { patient: () => this.activePatient });

  /** The latest progress event per source during the current sync. */
  private progress = new Map<string, SourceProgress>();
  private progressSync?: number;
  private announced: Line[] = [];
  private announcement = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const sync = this.syncState;
    if (sync?.startedAt !== this.progressSync) {
      this.progress = new Map();
      this.progressSync = sync?.startedAt;
    }
    if (isProgress(sync?.progress)) this.progress.set(sync.progress.source, sync.progress);
  }

  private lines(): Line[] {
    const syncing = this.syncState?.status === 'syncing';
    const online = this.status.online;
    const errors = this.syncState?.report?.sources ?? {};
    return this.status.sources.map((s: SourceState) => {
      const error = errors[s.id]?.error;
      return {
        id: s.id,
        name: s.name,
        line: sourceSyncLine(
          {
            id: s.id,
            failed: s.failed,
            noRecord: s.noRecord,
            ...(s.syncedAt !== undefined ? { syncedAt: s.syncedAt } : {}),
            ...(typeof s.status === 'string' ? { status: s.status } : {}),
            ...(s.message ? { message: s.message } : {}),
            ...(typeof error?.code === 'string' ? { code: error.code } : {}),
            ...(typeof error?.status === 'number' ? { httpStatus: error.status } : {}),
          },
          { syncing, online, ...(this.progress.has(s.id) ? { progress: this.progress.get(s.id)! } : {}) },
        ),
      };
    });
  }

  /** "Synced 5 minutes ago (03-Dec-2026 17:19)", "Sync failed: server busy (HTTP 429)" … */
  private words(line: SourceSyncLine): string {
    const t = this.localize;
    const when = (at: number | undefined) => (at === undefined ? '' : ` ${term(t, 'syncLastGood', t.relativeTime(at), t.clinicalDateTime(at))}`);
    switch (line.kind) {
      case 'synced':
        return term(t, 'syncSyncedAt', t.relativeTime(line.syncedAt), t.clinicalDateTime(line.syncedAt));
      case 'syncing':
        if (line.done === undefined || line.total === undefined) return term(t, 'syncInProgress');
        return line.estimated ? term(t, 'syncProgressEstimated', t.number(line.done), t.number(line.total)) : term(t, 'syncProgress', t.number(line.done), t.number(line.total));
      case 'failed':
        return term(t, 'syncFailedBecause', term(t, REASON_TERMS[line.reason]) + (line.httpStatus ? ` (HTTP ${line.httpStatus})` : '')) + when(line.syncedAt);
      case 'offline':
        return term(t, 'syncOffline') + when(line.syncedAt);
      case 'no-record':
        return term(t, 'syncNoRecord');
      case 'not-synced':
        return t.term('notSyncedYet');
    }
  }

  protected override render(): TemplateResult {
    const t = this.localize;
    const level = headingLevel(this.headingLevel);
    const lines = this.status.loaded ? this.lines() : [];
    // Announce changes of kind only (a sync started, finished, failed), never each progress tick.
    if (this.status.loaded) {
      const changes = changedLines(this.announced, lines);
      if (changes.length && this.announced.length) this.announcement = changes.map((c) => `${c.name}: ${this.words(c.line)}`).join('. ');
      this.announced = lines;
    }
    const syncing = this.syncState?.status === 'syncing';
    return html`<section part="base" class="base" aria-labelledby="heading">
      ${renderHeading(level, this.heading || term(t, 'syncStatusHeading'), { id: 'heading', cls: 'heading', part: 'heading' })}
      ${!this.activeStore
        ? html`<p class="empty" part="empty">${term(t, 'syncNoStore')}</p>`
        : !this.status.loaded
          ? html`<p class="empty" part="empty">${t.term('loading')}</p>`
          : !lines.length
            ? html`<p class="empty" part="empty">${term(t, 'syncNoSources')}</p>`
            : html`<ul part="list" class="list">
                ${lines.map((l) => this.renderLine(l))}
              </ul>`}
      <button
        type="button"
        part="sync-button"
        class="sync-now target"
        aria-disabled=${syncing ? 'true' : 'false'}
        ?hidden=${!this.activeStore}
        @click=${() => {
          if (!syncing) this.requestSync();
        }}
      >
        ${term(t, syncing ? 'syncInProgress' : 'syncNow')}
      </button>
      <p class="visually-hidden" role="status" aria-live="polite">${this.announcement}</p>
    </section>`;
  }

  private renderLine(l: Line): TemplateResult {
    const line = l.line;
    const counted = line.kind === 'syncing' && line.done !== undefined && line.total !== undefined;
    return html`<li part="source" class="source ${line.kind}" data-source=${l.id} data-state=${line.kind}>
      <span part="name" class="name">${recordText(this.localize, l.name)}</span>
      <span part="state" class="state"><span class="icon" aria-hidden="true">${ICONS[line.kind]}</span> ${this.words(line)}</span>
      ${counted
        ? html`<progress part="progress" max=${line.total!} value=${line.done!} aria-label=${term(this.localize, 'syncProgressLabel', l.name)}></progress>`
        : nothing}
      ${line.kind === 'failed' && line.message ? html`<span class="detail">${recordText(this.localize, line.message)}</span>` : nothing}
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ehr-sync-status': EhrSyncStatus;
  }
}
