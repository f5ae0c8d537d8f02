import { css } from 'lit';
import { token } from '../base/tokens.js';

export default css`
  :host {
    display: block;
    --_background: var(--ehr-patient-banner-background, ${token('color-surface-raised')});
    --_border: var(--ehr-patient-banner-border-color, ${token('color-border')});
    --_deceased: var(--ehr-patient-banner-deceased-color, ${token('color-deceased')});
    --_deceased-bg: var(--ehr-patient-banner-deceased-background, ${token('color-deceased-surface')});
    --_warning: var(--ehr-patient-banner-warning-color, ${token('color-danger')});
  }
  p {
    margin: 0;
  }
  .base {
    position: relative;
    display: grid;
    gap: ${token('space-xs')};
    padding: ${token('space-s')} ${token('space-m')};
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: ${token('radius-m')};
    overflow-wrap: anywhere;
  }
  .base.minimal {
    padding-block: ${token('space-2xs')};
    gap: ${token('space-2xs')};
  }

  /* Deceased: a different colour AND a pattern (hatched band, double border) AND words. */
  .base.deceased {
    background: var(--_deceased-bg);
    border: 4px double var(--_deceased);
    padding-inline-start: calc(${token('space-m')} + 14px);
  }
  .base.deceased::before {
    content: '';
    position: absolute;
    inset-block: 0;
    inset-inline-start: 0;
    inline-size: 12px;
    background: repeating-linear-gradient(45deg, var(--_deceased) 0 3px, transparent 3px 7px);
  }
  .deceased-label {
    display: inline-flex;
    align-items: baseline;
    gap: ${token('space-2xs')};
    padding: 0 ${token('space-xs')};
    border-radius: ${token('radius-s')};
    background: var(--_deceased);
    color: var(--_deceased-bg);
    font-weight: ${token('font-weight-bold')};
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }

  .zone1 {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    column-gap: ${token('space-l')};
    row-gap: ${token('space-2xs')};
  }
  .name {
    font-size: var(--ehr-patient-banner-name-size, ${token('font-size-xl')});
    font-weight: ${token('font-weight-bold')};
    min-inline-size: 0;
  }
  .minimal .name {
    font-size: ${token('font-size-l')};
  }
  .name.unknown,
  .unknown {
    font-style: italic;
  }
  /* CUI: labels in a lighter style than values; values emphasised; no colons. */
  .label {
    color: ${token('color-muted')};
    font-weight: ${token('font-weight-normal')};
  }
  .value {
    font-weight: ${token('font-weight-bold')};
  }
  .id-value {
    font-family: ${token('font-family-mono')};
    letter-spacing: 0.02em;
  }
  .flag.invalid {
    color: ${token('color-danger')};
    font-weight: ${token('font-weight-bold')};
    font-size: ${token('font-size-s')};
  }

  .toggle {
    margin-inline-start: auto;
    font: inherit;
    font-size: ${token('font-size-s')};
    color: ${token('color-accent')};
    background: transparent;
    border: 1px solid currentColor;
    border-radius: ${token('radius-m')};
    padding: ${token('space-3xs')} ${token('space-s')};
    cursor: pointer;
    display: inline-flex;
    gap: ${token('space-2xs')};
    align-items: center;
  }
  .toggle:hover {
    background: ${token('color-surface')};
  }

  .warning {
    display: flex;
    gap: ${token('space-s')};
    padding: ${token('space-s')} ${token('space-m')};
    border: 2px solid var(--_warning);
    border-inline-start-width: 6px;
    border-radius: ${token('radius-m')};
    background: ${token('color-danger-surface')};
    color: ${token('color-text')};
  }
  .warning-icon {
    color: var(--_warning);
    font-weight: ${token('font-weight-bold')};
    font-size: ${token('font-size-l')};
    line-height: 1;
  }
  .warning-title {
    font-weight: ${token('font-weight-bold')};
  }
  .warning-list {
    margin: ${token('space-2xs')} 0;
    padding-inline-start: ${token('space-l')};
  }
  .warning .label {
    color: ${token('color-text')};
    font-weight: ${token('font-weight-bold')};
  }
  .warning .value {
    font-weight: ${token('font-weight-normal')};
  }

  .sources {
    font-size: ${token('font-size-s')};
  }

  .possible {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-s')};
    align-items: center;
    padding: ${token('space-2xs')} ${token('space-s')};
    border: 1px dashed ${token('color-border')};
    border-radius: ${token('radius-m')};
    font-size: ${token('font-size-s')};
  }
  .possible-icon {
    font-weight: ${token('font-weight-bold')};
  }
  .possible-text {
    flex: 1 1 auto;
    margin: 0;
  }
  .review {
    font: inherit;
    min-height: 24px;
    padding: 0 ${token('space-s')};
    border: 1px solid ${token('color-border')};
    border-radius: ${token('radius-m')};
    background: ${token('color-surface')};
    color: inherit;
    cursor: pointer;
  }
  .muted {
    color: ${token('color-muted')};
    font-style: italic;
  }

  .details {
    border-block-start: 1px solid ${token('color-border-subtle')};
    padding-block-start: ${token('space-s')};
    display: grid;
    gap: ${token('space-s')};
  }
  .details[hidden] {
    display: none;
  }
  .details-list {
    margin: 0;
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
    gap: ${token('space-s')} ${token('space-l')};
  }
  .detail dt {
    font-size: ${token('font-size-s')};
  }
  .detail dd {
    margin: 0;
  }
  .contact {
    display: flex;
    flex-wrap: wrap;
    column-gap: ${token('space-s')};
  }
  .role {
    font-style: italic;
  }

  .allergies {
    display: grid;
    gap: ${token('space-2xs')};
  }
  .allergy-state {
    display: flex;
    gap: ${token('space-xs')};
    align-items: baseline;
  }
  .allergy-icon {
    inline-size: 1.25em;
    text-align: center;
    font-weight: ${token('font-weight-bold')};
  }
  /* CUI: "Known allergies" emphasised; known/no-known in data style; the other two in label style. */
  .allergy-state.known .allergy-title {
    font-weight: ${token('font-weight-bold')};
    font-size: ${token('font-size-l')};
  }
  .allergy-state.known .allergy-icon {
    color: ${token('color-danger')};
  }
  .allergy-state.none-known .allergy-title {
    font-weight: ${token('font-weight-bold')};
  }
  .allergy-state.not-recorded .allergy-title,
  .allergy-state.unavailable .allergy-title {
    font-style: italic;
  }
  .allergy-state.unavailable .allergy-icon {
    color: ${token('color-danger')};
  }
  .allergy-list {
    margin: 0;
    padding-inline-start: ${token('space-xl')};
  }
  .allergy-list .substance {
    font-weight: ${token('font-weight-bold')};
  }
  .allergy-list li.unconfirmed .substance {
    font-weight: ${token('font-weight-normal')};
    font-style: italic;
  }
  .tag {
    display: inline-flex;
    gap: ${token('space-3xs')};
    font-size: ${token('font-size-xs')};
    padding: 0 ${token('space-2xs')};
    border: 1px dashed currentColor;
    border-radius: ${token('radius-s')};
    margin-inline-start: ${token('space-2xs')};
  }
  .unconfirmed-tag {
    color: ${token('color-warning')};
  }
  .high-tag {
    color: ${token('color-danger')};
    border-style: solid;
    font-weight: ${token('font-weight-bold')};
  }
  .allergy-note {
    font-size: ${token('font-size-s')};
  }
  .allergies .retry {
    justify-self: start;
  }
  .notice.not-found {
    color: ${token('color-warning')};
    background: ${token('color-warning-surface')};
  }

  @media (forced-colors: active) {
    .base.deceased::before {
      background: repeating-linear-gradient(45deg, CanvasText 0 3px, Canvas 3px 7px);
    }
    .deceased-label {
      border: 2px solid CanvasText;
    }
  }
`;
