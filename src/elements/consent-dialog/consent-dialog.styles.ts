import { css } from 'lit';
import { token } from '../base/tokens.js';

export default css`
  :host {
    display: block;
  }
  .base {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-s')};
    align-items: center;
  }
  button.target {
    min-block-size: ${token('size-target')};
    min-inline-size: ${token('size-target')};
    font: inherit;
    cursor: pointer;
    border: 1px solid ${token('color-border')};
    border-radius: ${token('radius-m')};
    background: ${token('color-surface')};
    color: ${token('color-accent')};
    padding-inline: ${token('space-m')};
  }
  button.primary {
    background: ${token('color-accent')};
    color: ${token('color-on-accent')};
    font-weight: ${token('font-weight-bold')};
  }
  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  .dialog {
    inline-size: min(56rem, 96vw);
    max-block-size: 90vh;
    border: 1px solid ${token('color-border')};
    border-radius: ${token('radius-l')};
    padding: ${token('space-l')};
    background: ${token('color-surface')};
    color: ${token('color-text')};
  }
  .dialog::backdrop {
    background: var(--ehr-color-backdrop, rgb(0 0 0 / 0.45));
  }
  .dialog-head {
    display: flex;
    justify-content: space-between;
    align-items: center;
    gap: ${token('space-m')};
  }
  .title {
    margin: 0;
    font-size: ${token('font-size-xl')};
  }
  .sub {
    font-size: ${token('font-size-l')};
    margin: ${token('space-l')} 0 ${token('space-s')};
  }
  .consents,
  .tree,
  .tree ul {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .tree ul {
    padding-inline-start: ${token('space-xl')};
    border-inline-start: 2px solid ${token('color-border-subtle')};
  }
  .consent {
    border: 1px solid ${token('color-border-subtle')};
    border-radius: ${token('radius-m')};
    padding: ${token('space-s')} ${token('space-m')};
    margin-block-end: ${token('space-s')};
  }
  .consent:not(.in-force) {
    border-style: dashed;
    color: ${token('color-muted')};
  }
  .consent-head {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-s')};
    align-items: baseline;
    margin: 0;
  }
  .status[data-force='in-force'] {
    color: ${token('color-success')};
  }
  .status[data-force='entered-in-error'] {
    text-decoration: line-through;
  }
  .write-state {
    font-size: ${token('font-size-s')};
    border-block-end: 1px dashed currentColor;
  }
  .write-state[data-state='conflict'] {
    color: ${token('color-danger')};
    font-weight: ${token('font-weight-bold')};
  }
  .facts {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: ${token('space-3xs')} ${token('space-m')};
    margin: ${token('space-s')} 0;
    font-size: ${token('font-size-s')};
  }
  .facts dt {
    color: ${token('color-muted')};
  }
  .facts dd {
    margin: 0;
  }
  .provision p {
    margin: ${token('space-2xs')} 0;
  }
  .provision.deny > p > .type {
    color: ${token('color-danger')};
  }
  .provision.permit > p > .type {
    color: ${token('color-success')};
  }
  .inferred,
  .except,
  .also {
    color: ${token('color-muted')};
    font-size: ${token('font-size-s')};
  }
  .actions,
  .conflict {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-s')};
    align-items: center;
    margin-block-start: ${token('space-s')};
  }
  .fields,
  .form {
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-m')};
    align-items: end;
  }
  label {
    display: grid;
    gap: ${token('space-3xs')};
    font-size: ${token('font-size-s')};
  }
  label.check {
    display: flex;
    align-items: center;
    gap: ${token('space-2xs')};
    min-block-size: ${token('size-target')};
    min-inline-size: ${token('size-target')};
  }
  select,
  input {
    font: inherit;
    min-block-size: ${token('size-target')};
    box-sizing: border-box;
  }
  input[type='checkbox'] {
    min-block-size: 0;
  }
  fieldset {
    border: 1px solid ${token('color-border-subtle')};
    display: flex;
    flex-wrap: wrap;
    gap: ${token('space-s')};
  }
  .field-error {
    color: ${token('color-danger')};
    font-weight: ${token('font-weight-bold')};
  }
  .decision[data-decision='deny'] strong {
    color: ${token('color-danger')};
  }
  .decision[data-decision='permit'] strong {
    color: ${token('color-success')};
  }
  .message {
    border-inline-start: ${token('callout-bar-width')} solid ${token('color-info')};
    padding-inline-start: ${token('space-s')};
  }
`;
