import { css } from 'lit';
import { token } from '../base/tokens.js';

export default css`
  :host {
    display: block;
    container-type: inline-size;
  }
  .base {
    display: grid;
    gap: ${token('space-m')};
  }
  .heading {
    margin: 0;
    font-size: ${token('font-size-xl')};
    font-weight: ${token('font-weight-bold')};
  }
  .group {
    display: grid;
    gap: ${token('space-xs')};
  }
  .group-heading {
    margin: 0;
    font-size: ${token('font-size-l')};
    font-weight: ${token('font-weight-bold')};
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

  .warning,
  .difference {
    display: flex;
    align-items: flex-start;
    gap: ${token('space-xs')};
    margin: ${token('space-2xs')} 0 0;
    padding: ${token('space-2xs')} ${token('space-s')};
    border: 1px dashed ${token('color-warning')};
    border-inline-start-width: 4px;
    border-radius: ${token('radius-m')};
    background: ${token('color-warning-surface')};
    color: ${token('color-text')};
    font-size: ${token('font-size-s')};
    overflow-wrap: anywhere;
  }
  .warning {
    border-style: solid;
    border-color: ${token('color-deceased')};
    background: ${token('color-deceased-surface')};
    color: ${token('color-deceased')};
  }
  .icon {
    flex: none;
    font-weight: ${token('font-weight-bold')};
  }

  .table {
    inline-size: 100%;
    border-collapse: collapse;
    font-size: ${token('font-size-s')};
  }
  th,
  td {
    text-align: start;
    vertical-align: top;
    padding: ${token('space-xs')} ${token('space-s')};
    border-block-end: 1px solid var(--ehr-medication-list-row-border, ${token('color-border-subtle')});
    /* break-word (not anywhere) keeps columns from being squeezed to a letter per line; a single
       unbroken 10,000-character word still wraps because cells have a maximum width. */
    overflow-wrap: break-word;
  }
  thead th {
    background: var(--ehr-medication-list-header-background, ${token('color-surface-raised')});
    font-weight: ${token('font-weight-bold')};
    border-block-end-color: ${token('color-border')};
  }
  .cell-name {
    min-inline-size: 14rem;
    max-inline-size: 28rem;
  }
  .cell-dose {
    min-inline-size: 9rem;
    max-inline-size: 20rem;
  }
  .cell-status {
    min-inline-size: 8rem;
    max-inline-size: 16rem;
  }
  .cell-prescriber {
    min-inline-size: 9rem;
    max-inline-size: 16rem;
  }
  .cell-source {
    max-inline-size: 13rem;
  }
  .cell-name bdi,
  .cell-dose bdi,
  .cell-prescriber bdi {
    overflow-wrap: anywhere;
  }
  .name {
    display: block;
    font-weight: ${token('font-weight-bold')};
    font-size: ${token('font-size-m')};
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
  .date-value {
    white-space: nowrap;
  }
  .after-death-mark {
    display: inline-flex;
    gap: ${token('space-3xs')};
    margin-inline-start: ${token('space-2xs')};
    padding: 0 ${token('space-2xs')};
    border: 1px solid ${token('color-deceased')};
    border-radius: ${token('radius-m')};
    background: ${token('color-deceased-surface')};
    color: ${token('color-deceased')};
    font-weight: ${token('font-weight-bold')};
    white-space: nowrap;
  }
  .row.after-death td {
    background-image: repeating-linear-gradient(135deg, transparent 0 8px, ${token('color-deceased-surface')} 8px 9px);
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
  .history summary {
    cursor: pointer;
    color: ${token('color-accent')};
  }
  .history ul {
    margin: ${token('space-2xs')} 0 0;
    padding-inline-start: ${token('space-l')};
  }

  /* Narrow containers: each row becomes a block of "label: value" lines. */
  @container (max-width: 40rem) {
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
`;
