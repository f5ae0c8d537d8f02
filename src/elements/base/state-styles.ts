import { css } from 'lit';
import { calloutStyles } from './callout-styles.js';
import { token } from './tokens.js';

/**
 * Shared looks for the record states every element has: loading (skeleton), empty, error,
 * partial, stale and offline. Add `stateStyles` to an element's `styles` and render the states
 * with the helpers of `state-views.ts`; their parts are `skeleton`, `empty`, `error`, `notice`.
 * Every state is said in words and marked by an icon shape, never by colour alone.
 */
export const stateStyles = css`
  ${calloutStyles}
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

  /* SMART: the grant does not cover this element's data (renderNotShared). Not an error, not "empty". */
  .not-shared {
    border-inline-start: calc(${token('callout-bar-width')} / 2) solid ${token('color-info')};
    background: ${token('color-info-surface')};
    padding: ${token('space-s')} ${token('space-m')};
    margin-block: ${token('space-s')};
  }
  .not-shared p {
    margin: 0;
  }
  .not-shared .not-shared-detail {
    margin-block-start: ${token('space-2xs')};
    color: ${token('color-muted')};
    font-size: ${token('font-size-s')};
  }

  /* Completeness (completeness-notes.ts): an element with no entries. "May be incomplete" is a warning callout. */
  .empty-record .empty-title {
    margin: 0;
    font-weight: ${token('font-weight-bold')};
  }
  .empty-record .empty-detail {
    margin: ${token('space-2xs')} 0 0;
    color: ${token('color-muted')};
    font-size: ${token('font-size-s')};
  }

  .notice {
    display: flex;
    align-items: flex-start;
    gap: ${token('space-s')};
    padding: ${token('space-s')} ${token('space-m')};
    border-inline-start: ${token('callout-bar-width')} solid currentColor;
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
    min-block-size: ${token('size-target')};
    min-inline-size: ${token('size-target')};
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
  /* "See sync status" (sync-status-href): a link, and a 44 px target like every control. */
  .status-link {
    display: inline-flex;
    align-items: center;
    min-block-size: ${token('size-target')};
    color: ${token('color-accent')};
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
    padding: 0 ${token('space-s')};
    min-block-size: ${token('size-target')};
    min-inline-size: ${token('size-target')};
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
    /* A heading font of its own only when the host (or SMART's font_family_heading) sets one. */
    font-family: var(--ehr-font-family-heading, inherit);
    line-height: 1.3;
    overflow-wrap: anywhere;
  }
`;
