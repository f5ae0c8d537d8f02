import { css } from 'lit';
import { token } from '../base/tokens.js';

export default css`
  :host {
    display: block;
  }
  .base {
    display: grid;
    gap: ${token('space-xs')};
    justify-items: start;
  }
  .list {
    margin: 0;
    padding: 0;
    list-style: none;
    display: grid;
    gap: ${token('space-2xs')};
    inline-size: 100%;
  }
  .source {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: ${token('space-3xs')} ${token('space-s')};
    font-size: ${token('font-size-s')};
  }
  .name {
    font-weight: ${token('font-weight-bold')};
  }
  .icon {
    display: inline-block;
    inline-size: 1.1em;
    text-align: center;
    font-weight: ${token('font-weight-bold')};
  }
  .source.failed .state {
    color: ${token('color-danger')};
  }
  .source.offline .state,
  .source.not-synced .state,
  .source.no-record .state {
    color: ${token('color-muted')};
  }
  .source.synced .icon {
    color: ${token('color-success')};
  }
  .detail {
    flex-basis: 100%;
    color: ${token('color-muted')};
    font-size: ${token('font-size-xs')};
    overflow-wrap: anywhere;
  }
  progress {
    inline-size: 8rem;
  }
  .sync-now {
    font: inherit;
    justify-content: center;
    padding: 0 ${token('space-m')};
    color: ${token('color-accent')};
    background: ${token('color-surface')};
    border: 1px solid currentColor;
    border-radius: ${token('radius-m')};
    cursor: pointer;
  }
  .sync-now[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.7;
  }
  .sync-now[hidden] {
    display: none;
  }
`;
