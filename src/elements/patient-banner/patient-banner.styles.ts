import { css } from 'lit';
import { token } from '../base/tokens.js';

export default css`
  :host {
    display: block;
    --_background: var(--ehr-patient-banner-background, ${token('color-surface-raised')});
    --_border: var(--ehr-patient-banner-border-color, ${token('color-border')});
    --_deceased: var(--ehr-patient-banner-deceased-color, ${token('color-deceased')});
    --_deceased-bg: var(--ehr-patient-banner-deceased-background, ${token('color-deceased-surface')});
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

  /* Zone 1: one line where it fits; when it must wrap, it wraps between fields, never inside one. */
  .zone1 {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    column-gap: ${token('space-s')};
    row-gap: ${token('space-2xs')};
  }
  .zone1 .label {
    font-size: ${token('font-size-s')};
  }
  /* Under zone 1: where the records come from, and the details toggle at the end of the line. */
  .zone1-foot {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    column-gap: ${token('space-m')};
  }
  .field,
  .deceased-label,
  .allergy-status {
    white-space: nowrap;
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
    font-size: ${token('font-size-s')};
    white-space: nowrap;
  }
  /* Groups of a value without separators of its own: spaced by CSS, so a copy is the exact value. */
  .id-group.spaced + .id-group.spaced {
    margin-inline-start: 0.3em;
  }

  /* Allergy status in zone 1: four states, each with an icon and words; "Known allergies" emphasised. */
  .allergy-status {
    font-size: ${token('font-size-s')};
    display: inline-flex;
    align-items: baseline;
    gap: ${token('space-2xs')};
    padding: ${token('space-3xs')} ${token('space-xs')};
    border-radius: ${token('radius-m')};
  }
  .allergy-status.known-allergies {
    color: ${token('color-warning')};
    background: ${token('color-warning-surface')};
    border-inline-start: ${token('callout-bar-width')} solid currentColor;
  }
  .allergy-status.known-allergies .allergy-words {
    color: ${token('color-text')};
  }
  .allergy-status.no-known-allergies .allergy-words {
    font-weight: ${token('font-weight-bold')};
  }
  .allergy-status.not-recorded,
  .allergy-status.unavailable,
  .allergy-status.loading {
    font-style: italic;
    color: ${token('color-muted')};
  }
  .allergy-status.unavailable .allergy-icon {
    color: ${token('color-danger')};
    font-style: normal;
  }
  .flag.invalid {
    color: ${token('color-danger')};
    font-weight: ${token('font-weight-bold')};
    font-size: ${token('font-size-s')};
  }

  .toggle {
    font: inherit;
    font-size: ${token('font-size-s')};
    color: ${token('color-accent')};
    background: transparent;
    border: 1px solid currentColor;
    border-radius: ${token('radius-m')};
    padding: 0 ${token('space-s')};
    min-block-size: ${token('size-target')};
    min-inline-size: ${token('size-target')};
    cursor: pointer;
    display: inline-flex;
    gap: ${token('space-2xs')};
    align-items: center;
  }
  .toggle:hover {
    background: ${token('color-surface')};
  }

  /* The identity disagreement is a warning callout (callout.ts); its list and action below. */
  .warning-list {
    margin: ${token('space-2xs')} 0;
    padding-inline-start: ${token('space-l')};
  }
  .identity-warning .label {
    color: ${token('color-text')};
    font-weight: ${token('font-weight-bold')};
  }
  .identity-warning .value {
    font-weight: ${token('font-weight-normal')};
  }

  .sources {
    font-size: ${token('font-size-s')};
  }

  .possible-line {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-s')};
    align-items: center;
  }
  .possible-text {
    flex: 1 1 auto;
    margin: 0;
  }
  .review {
    font: inherit;
    min-block-size: ${token('size-target')};
    min-inline-size: ${token('size-target')};
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
