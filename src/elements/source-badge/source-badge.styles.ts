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
    padding: ${token('space-3xs')} ${token('space-xs')};
    border: 1px solid var(--ehr-source-badge-border-color, ${token('color-border')});
    border-radius: ${token('radius-m')};
    background: var(--ehr-source-badge-background, ${token('color-surface-raised')});
    color: ${token('color-text')};
    line-height: 1.3;
  }
  .label {
    font-weight: ${token('font-weight-bold')};
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  /* Compact (rows): a slimmer box; the name wraps inside a narrow column rather than overflowing. */
  :host([compact]) .base {
    padding: 0 ${token('space-2xs')};
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
  /* Stale and failed: a dashed border, an icon and a word, not only a colour. */
  :host([stale]) .base,
  .base.failed {
    border-style: dashed;
    border-width: 2px;
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
