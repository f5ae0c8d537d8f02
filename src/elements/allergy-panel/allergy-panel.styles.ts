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
  .row {
    border: 1px solid var(--_row-border);
    border-inline-start-width: 4px;
    border-radius: ${token('radius-m')};
    padding: ${token('space-s')} ${token('space-m')};
    background: ${token('color-surface')};
    min-inline-size: 0;
  }
  /* High criticality: thick border in the alert colour, the icon and the words. */
  .row.high {
    border-color: var(--_high);
    border-inline-start-width: 6px;
  }
  .row.high .criticality {
    color: var(--_high);
    background: var(--_high-surface);
    border-color: var(--_high);
  }
  /* Unconfirmed: dashed border and the word "Unconfirmed", never colour alone. */
  .row.unconfirmed,
  .statement.unconfirmed {
    border-style: dashed;
  }
  .row.past {
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
  .criticality,
  .status {
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
    border-style: dashed;
    color: ${token('color-warning')};
    background: ${token('color-warning-surface')};
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
  .differs {
    display: flex;
    gap: ${token('space-2xs')};
    padding: ${token('space-2xs')} ${token('space-s')};
    border: 1px dashed ${token('color-warning')};
    border-radius: ${token('radius-m')};
    background: ${token('color-warning-surface')};
    overflow-wrap: anywhere;
  }
  .differs strong {
    color: ${token('color-warning')};
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
  .hidden-note {
    margin: 0;
    color: ${token('color-muted')};
    font-size: ${token('font-size-s')};
  }
  .unavailable {
    margin: 0;
    font-weight: ${token('font-weight-bold')};
  }
`;
