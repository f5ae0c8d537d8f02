import { css, html, nothing, type TemplateResult } from 'lit';
import type { Localize } from './localize/localize.js';
import type { SourceState } from './source-status-controller.js';
import { token } from './tokens.js';
import { sentence } from './record-text.js';

/**
 * Shared looks for the record states every element has: loading (skeleton), empty, error,
 * partial, stale and offline. Add `stateStyles` to an element's `styles` and use the
 * `render*` helpers below; their parts are `skeleton`, `empty`, `error`, `notice`.
 * Every state is said in words and marked by an icon shape, never by colour alone.
 */
export const stateStyles = css`
  .skeleton {
    display: grid;
    gap: ${token('space-s')};
    padding-block: ${token('space-s')};
  }
  .skeleton-line {
    block-size: 0.9em;
    border-radius: ${token('radius-m')};
    background: ${token('color-skeleton')};
    animation: ehr-pulse 1.4s ease-in-out infinite;
  }
  .skeleton-line:nth-child(3n + 2) {
    inline-size: 80%;
  }
  .skeleton-line:nth-child(3n) {
    inline-size: 60%;
  }
  @keyframes ehr-pulse {
    50% {
      opacity: 0.45;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .skeleton-line {
      animation: none;
    }
  }

  .empty {
    color: ${token('color-muted')};
    font-style: italic;
    padding-block: ${token('space-s')};
    margin: 0;
  }

  .notice {
    display: flex;
    align-items: flex-start;
    gap: ${token('space-s')};
    padding: ${token('space-s')} ${token('space-m')};
    border: 1px solid currentColor;
    border-inline-start-width: 4px;
    border-radius: ${token('radius-m')};
    font-size: ${token('font-size-s')};
    margin-block: ${token('space-xs')};
  }
  .notice-body {
    flex: 1;
    min-inline-size: 0;
  }
  .notice-title {
    font-weight: ${token('font-weight-bold')};
    margin: 0;
  }
  .notice-detail {
    margin: ${token('space-3xs')} 0 0;
    color: ${token('color-text')};
    overflow-wrap: anywhere;
  }
  .notice-icon {
    flex: none;
    font-weight: ${token('font-weight-bold')};
    inline-size: 1.25em;
    text-align: center;
  }
  .notice.error {
    color: ${token('color-danger')};
    background: ${token('color-danger-surface')};
  }
  .notice.partial,
  .notice.stale {
    color: ${token('color-warning')};
    background: ${token('color-warning-surface')};
    border-style: dashed;
  }
  .notice.offline {
    color: ${token('color-info')};
    background: ${token('color-info-surface')};
  }
  .notice .notice-body {
    color: ${token('color-text')};
  }

  .retry {
    font: inherit;
    font-weight: ${token('font-weight-bold')};
    color: ${token('color-on-accent')};
    background: ${token('color-accent')};
    border: 1px solid ${token('color-accent')};
    border-radius: ${token('radius-m')};
    padding: ${token('space-2xs')} ${token('space-m')};
    cursor: pointer;
    flex: none;
  }
  .retry:hover {
    filter: brightness(1.1);
  }
  .retry:focus-visible {
    outline: ${token('focus-width')} solid ${token('color-focus')};
    outline-offset: 2px;
  }
  /* Long lists cut visibly: "Showing the first 50 of N." + "Show all N"; "and N more" inside a row. */
  .show-all {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${token('space-xs')};
    margin: ${token('space-xs')} 0;
    font-size: ${token('font-size-s')};
  }
  .show-all-button,
  .show-more {
    font: inherit;
    color: ${token('color-accent')};
    background: none;
    border: 1px solid currentColor;
    border-radius: ${token('radius-m')};
    padding: 0 ${token('space-xs')};
    cursor: pointer;
  }
  .show-all-button:focus-visible,
  .show-more:focus-visible {
    outline: ${token('focus-width')} solid ${token('color-focus')};
    outline-offset: 2px;
  }
`;

/**
 * The one heading look every element uses for its own heading (class `heading`), so elements
 * placed side by side (allergies beside medications) have headings of the same size. Sub-headings
 * inside an element (e.g. medication groups) are one step smaller (`font-size-m`).
 */
export const headingStyles = css`
  .heading {
    margin: 0;
    font-size: ${token('font-size-l')};
    font-weight: ${token('font-weight-bold')};
    line-height: 1.3;
    overflow-wrap: anywhere;
  }
`;

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
  options: { failed: SourceState[]; notSynced?: SourceState[]; onRetry?: () => void },
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
    </div>
    ${renderRetry(localize, options.onRetry)}
  </div>`;
}

/** "May be out of date (as of 21-Nov-2026 14:03)". */
export function renderStale(localize: Localize, asOf: number | string | Date): TemplateResult {
  return html`<div class="notice stale" part="notice" role="status">
    <span class="notice-icon" aria-hidden="true">⚠</span>
    <div class="notice-body">${localize.term('staleNotice', localize.clinicalDateTime(asOf))}</div>
  </div>`;
}

/** "You are offline. Showing information saved on this device." */
export function renderOffline(localize: Localize): TemplateResult {
  return html`<div class="notice offline" part="notice" role="status">
    <span class="notice-icon" aria-hidden="true">ℹ</span>
    <div class="notice-body">${localize.term('offlineNotice')}</div>
  </div>`;
}
