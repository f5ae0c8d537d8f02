import { css } from 'lit';
import { token } from '../base/tokens.js';

export default css`
  :host {
    display: block;
    container-type: inline-size;
  }
  .base {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: ${token('space-s')};
  }
  .base > * {
    min-inline-size: 0;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-s')} ${token('space-l')};
    align-items: end;
  }
  .view-switch {
    display: inline-flex;
    gap: 0;
  }
  .view-switch button {
    border: 1px solid ${token('color-border')};
    background: ${token('color-surface')};
    color: ${token('color-text')};
    padding-inline: ${token('space-m')};
    font: inherit;
  }
  .view-switch button[aria-pressed='true'] {
    background: ${token('color-accent')};
    color: ${token('color-on-accent')};
    font-weight: ${token('font-weight-bold')};
  }
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-s')};
    align-items: end;
  }
  .filters label {
    display: grid;
    font-size: ${token('font-size-s')};
    color: ${token('color-muted')};
  }
  .filters label.check {
    display: flex;
    align-items: center;
    gap: ${token('space-2xs')};
    min-block-size: ${token('size-target')};
    min-inline-size: ${token('size-target')};
  }
  .filters input {
    font: inherit;
    min-block-size: ${token('size-target')};
    box-sizing: border-box;
  }
  .filters input[type='checkbox'] {
    min-block-size: 0;
  }
  .showing {
    margin: 0;
    font-size: ${token('font-size-s')};
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-s')};
  }
  .scroller {
    max-block-size: var(--ehr-lab-timeline-max-height, 32rem);
    overflow: auto;
    contain: strict;
    block-size: var(--ehr-lab-timeline-max-height, 32rem);
    border: 1px solid ${token('color-border-subtle')};
    /* The virtualizer places rows itself; the browser's scroll anchoring would fight it. */
    overflow-anchor: none;
  }
  .virtual-row {
    position: absolute;
    inset-inline: 0;
    top: 0;
  }
  .section {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-s')};
    align-items: baseline;
    padding-block: ${token('space-s')} ${token('space-2xs')};
    border-block-end: 2px solid ${token('color-border-subtle')};
    font-weight: ${token('font-weight-bold')};
  }
  .report-status,
  .conclusion {
    font-weight: ${token('font-weight-normal')};
    font-size: ${token('font-size-s')};
  }
  .report-status {
    color: ${token('color-muted')};
  }
  .row {
    padding-block: ${token('space-2xs')};
    border-block-end: 1px solid ${token('color-border-subtle')};
  }
  .row.critical {
    border-inline-start: ${token('callout-bar-width')} solid ${token('color-danger')};
    padding-inline-start: ${token('space-s')};
  }
  .line {
    display: grid;
    grid-template-columns: minmax(8rem, 2fr) minmax(6rem, 1.5fr) minmax(5.5rem, 1fr) minmax(6rem, 1.2fr) auto auto;
    gap: ${token('space-s')};
    align-items: center;
  }
  .line > * {
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  @container (max-width: 640px) {
    .line {
      grid-template-columns: minmax(0, 1fr) auto;
    }
  }
  .name {
    font-weight: ${token('font-weight-bold')};
  }
  .value .number {
    font-variant-numeric: tabular-nums;
    font-weight: ${token('font-weight-bold')};
  }
  .unit,
  .date,
  .range,
  .details {
    color: ${token('color-muted')};
    font-size: ${token('font-size-s')};
  }
  .absent {
    font-style: italic;
  }
  .interpretation {
    display: inline-flex;
    gap: ${token('space-3xs')};
    align-items: baseline;
    margin-inline-start: ${token('space-2xs')};
    padding-inline: ${token('space-2xs')};
    border: 1px solid currentColor;
    border-radius: ${token('radius-s')};
    font-size: ${token('font-size-s')};
  }
  .interpretation.abnormal {
    color: ${token('color-danger')};
    font-weight: ${token('font-weight-bold')};
  }
  .interpretation.critical {
    border-width: 2px;
    background: ${token('color-danger-surface')};
  }
  .marks {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-s')};
  }
  .marks:empty {
    display: none;
  }
  .corrected,
  .preliminary {
    font-size: ${token('font-size-s')};
    font-weight: ${token('font-weight-bold')};
    border-block-end: 1px dashed currentColor;
  }
  .details {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-2xs')} ${token('space-m')};
  }
  .details:empty {
    display: none;
  }
  .sources,
  .all-sources {
    display: inline-flex;
    flex-wrap: wrap;
    gap: ${token('space-2xs')} ${token('space-s')};
    align-items: baseline;
  }
  .component-name {
    color: ${token('color-muted')};
  }
  .sparkline polyline {
    fill: none;
    stroke: var(--ehr-lab-timeline-line-color, ${token('color-text')});
    stroke-width: 1.5;
  }
  .sparkline circle.abnormal {
    fill: var(--ehr-lab-timeline-abnormal-color, ${token('color-danger')});
  }
  .sparkline circle.open {
    fill: ${token('color-surface')};
    stroke: var(--ehr-lab-timeline-line-color, ${token('color-text')});
  }
  button.target,
  summary.target {
    min-block-size: ${token('size-target')};
    min-inline-size: ${token('size-target')};
    font: inherit;
    cursor: pointer;
  }
  .trend-button,
  .older {
    background: none;
    border: 1px solid ${token('color-border')};
    border-radius: ${token('radius-m')};
    color: ${token('color-accent')};
  }
  .trend {
    display: grid;
    gap: ${token('space-s')};
    padding-block: ${token('space-s')};
  }
  .chart {
    inline-size: 100%;
    max-inline-size: 40rem;
    block-size: auto;
    font-size: 11px;
  }
  .chart .band {
    fill: var(--ehr-lab-timeline-band-color, ${token('color-success-surface')});
  }
  .chart .grid {
    stroke: ${token('color-border-subtle')};
  }
  .chart .tick {
    fill: ${token('color-muted')};
  }
  .chart .line {
    fill: none;
    stroke: var(--ehr-lab-timeline-line-color, ${token('color-text')});
    stroke-width: 1.5;
  }
  .chart .point {
    fill: var(--ehr-lab-timeline-line-color, ${token('color-text')});
  }
  .chart .point.abnormal,
  .chart .point.critical {
    fill: var(--ehr-lab-timeline-abnormal-color, ${token('color-danger')});
  }
  .chart .point.open {
    fill: ${token('color-surface')};
    stroke: var(--ehr-lab-timeline-line-color, ${token('color-text')});
    stroke-width: 1.5;
  }
  .chart .gap {
    stroke: ${token('color-muted')};
    stroke-dasharray: 3 3;
  }
  .chart .note,
  .chart .comparator {
    fill: ${token('color-text')};
    font-weight: ${token('font-weight-bold')};
  }
  .trend-table {
    border-collapse: collapse;
    font-size: ${token('font-size-s')};
  }
  .trend-table caption {
    text-align: start;
    font-weight: ${token('font-weight-bold')};
  }
  .trend-table th,
  .trend-table td {
    text-align: start;
    padding: ${token('space-2xs')} ${token('space-s')};
    border-block-end: 1px solid ${token('color-border-subtle')};
    vertical-align: top;
  }
  .stored {
    color: ${token('color-muted')};
  }
  .day-pager {
    display: flex;
    gap: ${token('space-s')};
    align-items: center;
    flex-wrap: wrap;
  }
  .grid-scroller {
    contain: none;
    block-size: auto;
  }
  .grid {
    display: grid;
    min-inline-size: max-content;
  }
  .grid-row {
    display: grid;
    background: ${token('color-surface')};
  }
  .grid-header {
    position: sticky;
    top: 0;
    z-index: 2;
  }
  .cell {
    padding: ${token('space-2xs')} ${token('space-s')};
    border-block-end: 1px solid ${token('color-border-subtle')};
    border-inline-end: 1px solid ${token('color-border-subtle')};
    min-block-size: ${token('size-target')};
    box-sizing: border-box;
    background: inherit;
  }
  .cell.head {
    font-weight: ${token('font-weight-bold')};
    background: ${token('color-surface-raised')};
  }
  .cell.first {
    position: sticky;
    left: 0;
    z-index: 1;
    background: ${token('color-surface-raised')};
    font-weight: ${token('font-weight-bold')};
  }
  .cell:focus {
    outline: ${token('focus-width')} solid ${token('color-focus')};
    outline-offset: -2px;
  }
  .cell-value.abnormal .number {
    color: ${token('color-danger')};
  }
  .none-shown {
    margin: 0;
    color: ${token('color-muted')};
  }
`;
