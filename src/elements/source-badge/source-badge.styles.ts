import { css } from 'lit';
import { token } from '../base/tokens.js';

export default css`
  :host {
    display: inline-block;
    vertical-align: middle;
    font-size: var(--ehr-source-badge-font-size, ${token('font-size-xs')});
    max-inline-size: 100%;
  }
  .base {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: ${token('space-2xs')};
    /* A label, not a control: no border box (nothing here is clickable), text in the muted colour. */
    padding: 0;
    border: 0;
    background: var(--ehr-source-badge-background, transparent);
    color: var(--ehr-source-badge-color, ${token('color-muted')});
    line-height: 1.3;
  }
  .label {
    font-weight: ${token('font-weight-bold')};
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  /* Compact (rows): the name wraps inside a narrow column rather than overflowing. */
  :host([compact]) .base {
    gap: ${token('space-3xs')} ${token('space-2xs')};
  }
  .time {
    color: ${token('color-muted')};
  }
  .status {
    display: inline-flex;
    align-items: baseline;
    gap: ${token('space-3xs')};
    font-weight: ${token('font-weight-bold')};
  }
  /* Stale and failed: a tinted background, a dashed underline, an icon and a word — not only a colour, and still no box. */
  :host([stale]) .base,
  .base.failed {
    padding-inline: ${token('space-2xs')};
    border-block-end: 2px dashed;
    border-radius: ${token('radius-s')};
  }
  :host([stale]) .base {
    border-color: ${token('color-warning')};
    background: ${token('color-warning-surface')};
  }
  :host([stale]) .status {
    color: ${token('color-warning')};
  }
  .base.failed {
    border-color: ${token('color-danger')};
    background: ${token('color-danger-surface')};
  }
  .base.failed .status {
    color: ${token('color-danger')};
  }
`;
