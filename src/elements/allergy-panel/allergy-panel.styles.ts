import { css } from 'lit';
import { token } from '../base/tokens.js';

export default css`
  :host {
    display: block;
    --_high: var(--ehr-allergy-panel-high-color, ${token('color-danger')});
    --_high-surface: var(--ehr-allergy-panel-high-background, ${token('color-danger-surface')});
    --_row-border: var(--ehr-allergy-panel-row-border-color, ${token('color-border-subtle')});
  }
  .base {
    container-type: inline-size;
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: ${token('space-s')};
  }
  .base > * {
    min-inline-size: 0;
  }
  .summary {
    margin: 0;
    color: ${token('color-muted')};
    font-size: ${token('font-size-s')};
  }
  .rows {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: ${token('space-s')};
  }
  .row.card {
    border: 1px solid var(--_row-border);
    border-inline-start-width: 4px;
    border-radius: ${token('radius-m')};
    padding: ${token('space-s')} ${token('space-m')};
    background: ${token('color-surface')};
    min-inline-size: 0;
  }
  /* High criticality: thick border in the alert colour, the icon and the words. */
  .row.card.high {
    border-color: var(--_high);
    border-inline-start-width: 6px;
  }
  .row.high .criticality {
    color: var(--_high);
    background: var(--_high-surface);
    border-color: var(--_high);
  }
  /* Unconfirmed: dashed border and the word "Unconfirmed", never colour alone. */
  .row.card.unconfirmed,
  .statement.unconfirmed {
    border-style: dashed;
  }
  .row.card.past {
    background: ${token('color-surface-raised')};
  }
  .row-head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: ${token('space-2xs')} ${token('space-s')};
  }
  .substance {
    font-weight: ${token('font-weight-bold')};
    font-size: ${token('font-size-m')};
    overflow-wrap: anywhere;
    min-inline-size: 0;
    margin: 0;
  }
  .criticality {
    display: inline-flex;
    align-items: center;
    gap: ${token('space-3xs')};
    font-size: ${token('font-size-s')};
    font-weight: ${token('font-weight-bold')};
    border: 1px solid ${token('color-border')};
    border-radius: ${token('radius-pill')};
    padding: 0 ${token('space-xs')};
    white-space: nowrap;
  }
  .status.unconfirmed {
    white-space: nowrap;
  }
  .icon {
    inline-size: 1em;
    block-size: 1em;
    flex: none;
  }
  .kind {
    color: ${token('color-muted')};
    font-size: ${token('font-size-s')};
  }
  .facts {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-3xs')} ${token('space-m')};
    margin: ${token('space-xs')} 0 0;
    font-size: ${token('font-size-s')};
  }
  .fact {
    display: flex;
    gap: ${token('space-2xs')};
    min-inline-size: 0;
  }
  .fact.reactions-fact {
    flex-basis: 100%;
  }
  .no-reactions dd {
    color: ${token('color-muted')};
  }
  .facts dt {
    color: ${token('color-muted')};
    flex: none;
  }
  .facts dt::after {
    content: ':';
  }
  .facts dd {
    margin: 0;
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  .reactions {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: ${token('space-2xs')};
  }
  .reaction .manifestation {
    font-weight: ${token('font-weight-bold')};
  }
  .reaction .severity-severe {
    font-weight: ${token('font-weight-bold')};
    text-decoration: underline;
  }
  .reaction-meta {
    color: ${token('color-muted')};
  }
  .sources {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-2xs')};
    align-items: center;
    margin-block-start: ${token('space-xs')};
  }
  .note {
    margin: ${token('space-xs')} 0 0;
    font-size: ${token('font-size-s')};
  }
  .statement {
    border: 1px solid ${token('color-border')};
    border-radius: ${token('radius-m')};
    padding: ${token('space-s')} ${token('space-m')};
  }
  .statement-text {
    font-weight: ${token('font-weight-bold')};
    margin: 0;
  }
  .past-group > summary {
    cursor: pointer;
    font-weight: ${token('font-weight-bold')};
    padding-block: ${token('space-2xs')};
  }
  .past-group > .rows {
    margin-block-start: ${token('space-s')};
  }
  .hidden-list > summary {
    font-weight: ${token('font-weight-bold')};
  }
  .hidden-entries {
    margin: ${token('space-2xs')} 0 0;
    padding-inline-start: ${token('space-l')};
  }
  .hidden-entry + .hidden-entry {
    margin-block-start: ${token('space-3xs')};
  }
  /* A disputed criticality: the warning mark right under (dense) or beside (cards) the badge. */
  .c-criticality {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: ${token('space-3xs')};
  }
  .criticality-dispute {
    font-size: ${token('font-size-xs')};
    overflow-wrap: anywhere;
  }
  .unavailable {
    margin: 0;
    font-weight: ${token('font-weight-bold')};
  }

  /* Dense rows: one allergy per line under column labels. */
  .columns,
  .row.dense {
    display: grid;
    grid-template-columns:
      minmax(0, 1.1fr) minmax(0, 1fr) 12.5rem 6.5rem
      minmax(0, 17.5rem);
    column-gap: ${token('space-m')};
    align-items: baseline;
    padding-inline: ${token('space-s')};
  }
  .columns.no-reactions-column,
  .no-reactions-column > .row.dense {
    grid-template-columns: minmax(0, 2fr) 12.5rem 6.5rem minmax(0, 17.5rem);
  }
  .columns.compact,
  .compact > .row.dense {
    grid-template-columns: minmax(0, 2fr) 12.5rem minmax(0, 17.5rem);
  }
  .compact-details {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-2xs')} ${token('space-l')};
  }
  .compact-details .cell-label {
    position: static;
    inline-size: auto;
    block-size: auto;
    overflow: visible;
    clip-path: none;
    color: ${token('color-muted')};
    margin-inline-end: ${token('space-2xs')};
  }
  .columns {
    color: ${token('color-muted')};
    font-size: ${token('font-size-xs')};
    border-block-end: 1px solid ${token('color-border')};
    padding-block-end: ${token('space-3xs')};
    border-inline-start: 4px solid transparent;
  }
  .rows.dense {
    gap: 0;
  }
  .row.dense {
    font-size: ${token('font-size-s')};
    line-height: 1.3;
    padding-block: ${token('space-3xs')};
    border-block-end: 1px solid var(--_row-border);
    border-inline-start: 4px solid transparent;
    row-gap: ${token('space-3xs')};
  }
  .row.dense.high {
    border-inline-start-color: var(--_high);
  }
  .row.dense.unconfirmed {
    border-block: 1px dashed ${token('color-warning')};
  }
  .row.dense.past {
    background: ${token('color-surface-raised')};
  }
  .row.dense > .cell {
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  .row.dense > .callout,
  .row.dense > .note,
  .row.dense > .more {
    grid-column: 1 / -1;
    margin-block: ${token('space-3xs')};
  }
  .row.dense .substance {
    font-weight: ${token('font-weight-bold')};
    font-size: ${token('font-size-m')};
  }
  .c-substance {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0 ${token('space-xs')};
  }
  .row.dense .criticality {
    padding-block: 0;
    line-height: 1.3;
    white-space: normal;
  }
  /* Low criticality is said, quietly: small muted words and the small circle, no pill. */
  .row.dense .criticality.low {
    border-color: transparent;
    padding-inline: 0;
    color: ${token('color-muted')};
    font-weight: normal;
    font-size: ${token('font-size-xs')};
  }
  .row.dense .sources {
    margin: 0;
  }
  .source-sep {
    color: ${token('color-muted')};
  }
  .c-source {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0 ${token('space-xs')};
  }
  .onset {
    display: inline-block;
    color: ${token('color-muted')};
    font-size: ${token('font-size-xs')};
    margin-inline-start: ${token('space-2xs')};
  }
  .none {
    color: ${token('color-muted')};
  }
  .reactions.inline,
  .reactions.inline > li {
    display: inline;
  }
  .reactions.inline > li + li::before {
    content: '; ';
  }
  .severity {
    color: ${token('color-muted')};
  }
  .severity.severity-severe {
    color: inherit;
    font-weight: ${token('font-weight-bold')};
    text-decoration: underline;
  }
  /* Labels of dense cells: for screen readers beside the column labels, shown when the row wraps. */
  .cell-label {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .more > summary {
    cursor: pointer;
    color: ${token('color-accent')};
  }
  .more[open] > summary {
    margin-block-end: ${token('space-2xs')};
  }
  /* Everything clickable here is at least the target size (44 px), for ward tablets. */
  .show-more,
  .show-all-button,
  details > summary.target {
    min-block-size: ${token('size-target')};
    min-inline-size: ${token('size-target')};
  }
  /* Disclosures keep a visible open/closed mark (the .target flex layout hides the native one). */
  details > summary.target {
    display: flex;
    align-items: center;
    gap: ${token('space-2xs')};
    list-style: none;
    cursor: pointer;
  }
  details > summary.target::-webkit-details-marker {
    display: none;
  }
  details > summary.target::before {
    content: '▸';
    flex: none;
  }
  details[open] > summary.target::before {
    content: '▾';
  }
  @container (max-width: 44rem) {
    .columns {
      display: none;
    }
    .rows > .row.dense {
      grid-template-columns: minmax(0, 1fr) auto;
    }
    .row.dense > .c-reaction,
    .row.dense > .c-dates,
    .row.dense > .c-source {
      grid-column: 1 / -1;
    }
    .cell-label {
      position: static;
      inline-size: auto;
      block-size: auto;
      overflow: visible;
      clip-path: none;
      color: ${token('color-muted')};
    }
    .cell-label::after {
      content: ':';
    }
  }
`;
