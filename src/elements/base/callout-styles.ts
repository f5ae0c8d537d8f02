import { css } from 'lit';
import { token } from './tokens.js';

/**
 * Looks of the two safety messages (callout.ts) and of the kit's interactive targets, shared by
 * every element through `stateStyles`.
 *
 * - `.callout-warning`: warning text colour on the warning surface, a solid bar of
 *   `--ehr-callout-bar-width` at the start.
 * - `.callout-info`: info colours, a bar half as wide.
 * - `.callout-mark`: the inline form, icon and colour only.
 * - `.target`: anything clickable the kit draws (disclosures, "show all", "more details") is at
 *   least `--ehr-size-target` (44 px) tall and wide, for ward tablets and gloved hands.
 */
export const calloutStyles = css`
  .callout {
    display: flex;
    align-items: flex-start;
    gap: ${token('space-s')};
    margin-block: ${token('space-xs')};
    padding: ${token('space-xs')} ${token('space-m')};
    border-radius: ${token('radius-m')};
    border-inline-start: ${token('callout-bar-width')} solid currentColor;
    font-size: ${token('font-size-s')};
  }
  .callout-warning {
    color: ${token('color-warning')};
    background: ${token('color-warning-surface')};
  }
  .callout-info {
    color: ${token('color-info')};
    background: ${token('color-info-surface')};
  }
  .callout.callout-info {
    border-inline-start-width: calc(${token('callout-bar-width')} / 2);
  }
  .callout-icon {
    flex: none;
    font-weight: ${token('font-weight-bold')};
    inline-size: 1.1em;
    text-align: center;
  }
  .callout-body {
    flex: 1;
    min-inline-size: 0;
    color: ${token('color-text')};
    overflow-wrap: anywhere;
  }
  .callout-body > p {
    margin: 0;
  }
  .callout-title {
    font-weight: ${token('font-weight-bold')};
  }
  .callout-mark {
    display: inline-flex;
    align-items: baseline;
    gap: ${token('space-3xs')};
    background: none;
    font-size: ${token('font-size-s')};
    font-weight: ${token('font-weight-bold')};
  }
  .callout-mark .callout-icon {
    inline-size: auto;
  }

  .target {
    min-block-size: ${token('size-target')};
    min-inline-size: ${token('size-target')};
    display: inline-flex;
    align-items: center;
    gap: ${token('space-2xs')};
  }
`;
