import { css } from 'lit';
import { token } from '../base/tokens.js';

export default css`
  :host {
    display: block;
    container-type: inline-size;
  }
  /* One column that may shrink below its content (minmax(0, 1fr) and min-inline-size: 0 on every
     child): the list never grows wider than its host; long text wraps instead. */
  .base,
  .group {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
  }
  /* Dense by default: a group is its heading and its table, close together. */
  .base {
    gap: ${token('space-s')};
  }
  .group {
    gap: ${token('space-2xs')};
  }
  .base > *,
  .group > * {
    min-inline-size: 0;
  }
  /* The element heading is the shared .heading (state-styles.ts); group headings are one step down. */
  .group-heading {
    margin: 0;
    font-size: ${token('font-size-m')};
    font-weight: ${token('font-weight-bold')};
    overflow-wrap: anywhere;
  }
  .no-active {
    font-style: normal;
    font-weight: ${token('font-weight-bold')};
    color: ${token('color-text')};
    padding-block: 0;
  }
  .count {
    font-weight: ${token('font-weight-normal')};
    color: ${token('color-muted')};
  }
  /* "Do not take" must never read as a prescription: heading and rows carry a mark and a border. */
  .group.do-not-take .group-heading::before {
    content: '⊘ ';
  }
  .group.do-not-take .table {
    border-inline-start: 4px double ${token('color-danger')};
  }
  .group.stopped .name {
    font-weight: ${token('font-weight-normal')};
  }

  /* Difference notes are the shared callouts (callout-styles.ts), tighter inside a cell. */
  .difference {
    margin-block: ${token('space-3xs')} 0;
    padding-block: ${token('space-3xs')};
  }
  .icon {
    flex: none;
    font-weight: ${token('font-weight-bold')};
  }

  /* Fixed layout with the same <colgroup> in every group: the columns of Active, Stopped and the
     other groups line up, and content can not push the table wider than the element. */
  .table {
    inline-size: 100%;
    table-layout: fixed;
    border-collapse: collapse;
    font-size: ${token('font-size-s')};
  }
  /* Date and source get what a date and a one-line compact badge need; dose, status and
     prescriber a share (a "FAMILY, Given (Title)" fits on one line at 1,100 px); the name column
     (no width) takes the rest, so it grows most on wide screens. Above the stacking width (56rem)
     the widths always add up to less than the table. */
  .col-dose {
    inline-size: 22.5%;
  }
  .col-status {
    inline-size: 11%;
  }
  .col-prescriber {
    inline-size: 9.5rem;
  }
  .col-date {
    inline-size: 6.25rem;
  }
  .col-source {
    inline-size: 11rem;
  }
  th,
  td {
    text-align: start;
    vertical-align: top;
    padding: ${token('space-2xs')} ${token('space-xs')};
    line-height: 1.35;
    border-block-end: 1px solid var(--ehr-medication-list-row-border, ${token('color-border-subtle')});
    /* Columns have fixed widths, so a long word (record text) breaks inside its cell. */
    overflow-wrap: anywhere;
  }
  thead th {
    /* Our own words: broken between words (or hyphenated), never inside one ("ausgestell|t"). */
    overflow-wrap: normal;
    hyphens: auto;
    background: var(--ehr-medication-list-header-background, ${token('color-surface-raised')});
    font-weight: ${token('font-weight-bold')};
    border-block-end-color: ${token('color-border')};
  }
  .cell-name bdi,
  .cell-dose bdi,
  .cell-prescriber bdi {
    overflow-wrap: anywhere;
  }
  /* Inline, so the quiet "not stopped at death" mark follows the name on its line. */
  .name {
    display: inline;
    font-weight: ${token('font-weight-bold')};
  }
  /* A pack size, release period or code moved after the ingredient: there, but quiet. */
  .qualifier {
    color: ${token('color-muted')};
    font-weight: ${token('font-weight-normal')};
  }
  .name-button {
    font: inherit;
    font-weight: ${token('font-weight-bold')};
    color: ${token('color-accent')};
    background: none;
    border: 0;
    padding: 0;
    text-align: start;
    text-decoration: underline;
    cursor: pointer;
  }
  .missing,
  /* Completeness: "May be incomplete: …" (never hidden) and "No record at …". */
  .note {
    margin: ${token('space-xs')} 0;
    font-size: ${token('font-size-s')};
  }
  .not-recorded {
    font-style: italic;
    color: ${token('color-muted')};
    font-weight: ${token('font-weight-normal')};
  }
  .strength {
    display: block;
    color: ${token('color-muted')};
  }
  .date-kind {
    color: ${token('color-muted')};
  }
  /* A date is never broken at its hyphens. */
  .date-value {
    white-space: nowrap;
  }
  /* Not stopped at death: a quiet mark after the name (the heading and the one note say it in words). */
  .after-death-mark {
    color: ${token('color-muted')};
    font-size: ${token('font-size-xs')};
    font-weight: ${token('font-weight-normal')};
  }
  .do-not-give {
    color: ${token('color-danger')};
  }
  .cell-source ehr-source-badge {
    margin-block-end: ${token('space-3xs')};
    margin-inline-end: ${token('space-3xs')};
  }
  .history {
    margin-block-start: ${token('space-2xs')};
    font-size: ${token('font-size-s')};
  }
  /* Targets for ward tablets: the disclosure and the "show all" / "and N more" buttons are at
     least --ehr-size-target (44 px) tall and wide. */
  .history summary {
    cursor: pointer;
    color: ${token('color-accent')};
    min-block-size: ${token('size-target')};
    min-inline-size: ${token('size-target')};
    box-sizing: border-box;
    line-height: ${token('size-target')};
    inline-size: fit-content;
  }
  .show-all-button,
  .show-more {
    min-block-size: ${token('size-target')};
    min-inline-size: ${token('size-target')};
  }
  .history ul {
    margin: ${token('space-2xs')} 0 0;
    padding-inline-start: ${token('space-l')};
  }

  /* Narrow containers: each row becomes a block of "label: value" lines. Below 56rem the six
     columns would be too narrow for names, dates and prescribers. */
  @container (max-width: 56rem) {
    .table colgroup {
      display: none;
    }
    .table,
    .table tbody,
    .table tr,
    .table td {
      display: block;
    }
    .table thead {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    .table tr {
      border-block-end: 1px solid var(--ehr-medication-list-row-border, ${token('color-border-subtle')});
      padding-block: ${token('space-xs')};
    }
    .table td {
      border: 0;
      padding-block: ${token('space-3xs')};
      max-inline-size: none;
    }
    .table td:not(.cell-name)::before {
      content: attr(data-label) ': ';
      color: ${token('color-muted')};
    }
  }
  /* Compact: prescriber and date behind "More details" in the name cell. */
  .table.compact .col-source {
    inline-size: 11rem;
  }
  .more > summary {
    color: ${token('color-accent')};
    cursor: pointer;
    font-size: ${token('font-size-s')};
  }
  .more-list {
    margin: 0 0 ${token('space-2xs')};
    display: flex;
    flex-wrap: wrap;
    gap: 0 ${token('space-l')};
    font-size: ${token('font-size-s')};
  }
  .more-list dt {
    color: ${token('color-muted')};
    display: inline;
    margin-inline-end: ${token('space-2xs')};
  }
  .more-list dd {
    display: inline;
    margin: 0;
  }
`;
