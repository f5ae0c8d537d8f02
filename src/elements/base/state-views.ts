import { html, nothing, type TemplateResult } from 'lit';
import type { Localize } from './localize/localize.js';
import type { SourceState, SourceStatusController } from './source-status-controller.js';
import { sentence } from './record-text.js';

/**
 * The record states every element shows, rendered the same way everywhere: loading (skeleton),
 * empty, error, partial, stale and offline. Their looks are `stateStyles` (state-styles.ts).
 */

/** Describes what went wrong in words, without leaking stack traces. */
export function errorMessage(error: unknown, localize: Localize): string {
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === 'string' && error) return error;
  return localize.term('errorUnknown');
}

/** Loading placeholder: `lines` grey bars, announced once as "Loading <what>". */
export function renderSkeleton(localize: Localize, options: { what?: string; lines?: number } = {}): TemplateResult {
  const label = options.what ? localize.term('loadingWhat', options.what) : localize.term('loading');
  const lines = Array.from({ length: options.lines ?? 3 });
  return html`<div class="skeleton" part="skeleton" role="status" aria-live="polite" aria-busy="true">
    <span class="visually-hidden">${label}</span>
    ${lines.map(() => html`<div class="skeleton-line" aria-hidden="true"></div>`)}
  </div>`;
}

/**
 * "Not shared with this app": the SMART grant does not cover the element's data. Never "none
 * recorded": the app was not allowed to look, so nothing is known about what exists.
 */
export function renderNotShared(localize: Localize, what: string): TemplateResult {
  return html`<div part="not-shared" class="not-shared" role="note" aria-label=${`${what}: ${localize.term('notShared')}`}>
    <p class="not-shared-title"><strong>${localize.term('notShared')}</strong></p>
    <p class="not-shared-detail">${localize.term('notSharedDetail')}</p>
  </div>`;
}

/** "Nothing recorded" (or a specific message, e.g. "Allergies not recorded"). */
export function renderEmpty(message: string): TemplateResult {
  return html`<p class="empty" part="empty">${message}</p>`;
}

/** The Retry button at the end of an error or partial notice; nothing without `onRetry`. */
function renderRetry(localize: Localize, onRetry: (() => void) | undefined): TemplateResult | typeof nothing {
  return onRetry
    ? html`<button type="button" class="retry" part="retry-button" @click=${onRetry}>${localize.term('retry')}</button>`
    : nothing;
}

/**
 * Error box with `role="alert"`: what failed ("Allergies could not be loaded"), the reason, and a
 * Retry button (when `onRetry` is given) that keeps keyboard focus reachable.
 */
export function renderError(
  localize: Localize,
  options: { what: string; error?: unknown; onRetry?: () => void },
): TemplateResult {
  return html`<div class="notice error" part="error" role="alert">
    <span class="notice-icon" aria-hidden="true">✕</span>
    <div class="notice-body">
      <p class="notice-title">${localize.term('errorLoading', options.what)}</p>
      ${options.error !== undefined
        ? html`<p class="notice-detail">${sentence(localize, (slot) => localize.term('errorDetails', slot(errorMessage(options.error, localize))))}</p>`
        : nothing}
    </div>
    ${renderRetry(localize, options.onRetry)}
  </div>`;
}

/**
 * "Partial" notice: names the sources that failed and those never synced. Renders nothing when
 * every source is fine. `onRetry` (e.g. `() => this.requestSync()`) adds a Retry button.
 */
export function renderPartial(
  localize: Localize,
  options: { failed: SourceState[]; notSynced?: SourceState[]; onRetry?: () => void; link?: TemplateResult | typeof nothing },
): TemplateResult | typeof nothing {
  const failed = options.failed;
  const pending = options.notSynced ?? [];
  if (!failed.length && !pending.length) return nothing;
  return html`<div class="notice partial" part="notice" role="status">
    <span class="notice-icon" aria-hidden="true">!</span>
    <div class="notice-body">
      <p class="notice-title">${localize.term('partialRecord')}</p>
      ${failed.length
        ? html`<p class="notice-detail">
            ${sentence(localize, (slot) => localize.term('sourcesSyncFailed', failed.length, localize.list(failed.map((s) => slot(s.name)))))}
          </p>`
        : nothing}
      ${pending.length
        ? html`<p class="notice-detail">
            ${sentence(localize, (slot) => localize.term('sourcesNotSynced', pending.length, localize.list(pending.map((s) => slot(s.name)))))}
          </p>`
        : nothing}
      ${options.link ?? nothing}
    </div>
    ${renderRetry(localize, options.onRetry)}
  </div>`;
}

/** "May be out of date (as of 21-Nov-2026 14:03)", with a link to the sync status when given. */
export function renderStale(localize: Localize, asOf: number | string | Date, link: TemplateResult | typeof nothing = nothing): TemplateResult {
  return html`<div class="notice stale" part="notice" role="status">
    <span class="notice-icon" aria-hidden="true">⚠</span>
    <div class="notice-body">${localize.term('staleNotice', localize.clinicalDateTime(asOf))} ${link}</div>
  </div>`;
}

/** "You are offline. Showing information saved on this device." */
export function renderOffline(localize: Localize): TemplateResult {
  return html`<div class="notice offline" part="notice" role="status">
    <span class="notice-icon" aria-hidden="true">ℹ</span>
    <div class="notice-body">${localize.term('offlineNotice')}</div>
  </div>`;
}

/**
 * Follows a "See sync status" link without touching the page's URL (a host may route on the
 * hash): the target is looked up from the element's own tree outwards, scrolled into view and
 * focused. Without a target the link behaves as a plain fragment link.
 */
function goToTarget(event: MouseEvent): void {
  const a = event.currentTarget as HTMLAnchorElement;
  const id = a.getAttribute('href')!.slice(1);
  let root: Node = a.getRootNode();
  let target: HTMLElement | null = null;
  while (!target) {
    target = (root as Document | ShadowRoot).getElementById?.(id) ?? null;
    if (target || !(root instanceof ShadowRoot)) break;
    root = root.host.getRootNode();
  }
  if (!target) return;
  event.preventDefault();
  if (!target.hasAttribute('tabindex') && target.tabIndex < 0) target.setAttribute('tabindex', '-1');
  target.scrollIntoView({ block: 'nearest' });
  target.focus({ preventScroll: true });
}

/**
 * The sync notices every element shows above its content, the same way everywhere: "Offline"
 * while the browser is, the providers that failed or were never synced (with Retry, which asks
 * the host or provider to sync: `ehr-sync-request`), and "as of" the oldest stale sync. Elements
 * leave them out under `hide-source-notices`; completeness notes are separate and never hidden.
 */
export function renderSourceNotices(
  localize: Localize,
  status: Pick<SourceStatusController, 'online' | 'failed' | 'notSynced' | 'stale'>,
  onRetry: () => void,
  options: { syncStatusHref?: string | undefined } = {},
): TemplateResult {
  const staleTimes = status.stale.map((s) => s.syncedAt).filter((t): t is number => t !== undefined);
  const href = options.syncStatusHref;
  // Only a fragment: the link stays on the page (a host attribute, but never a way out of it).
  const link = href && /^#[\w-]+$/.test(href) ? html`<a class="status-link" part="status-link" href=${href} @click=${goToTarget}>${localize.term('syncStatusLink')}</a>` : nothing;
  return html`${status.online ? nothing : renderOffline(localize)}
    ${renderPartial(localize, { failed: status.failed, notSynced: status.notSynced, onRetry, link })}
    ${staleTimes.length ? renderStale(localize, Math.min(...staleTimes), link) : nothing}`;
}
