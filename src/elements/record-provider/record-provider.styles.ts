import { css } from 'lit';
import { hostThemeStyles } from '../base/tokens.js';

export default [
  css`
    :host {
      display: contents;
    }
  `,
  hostThemeStyles,
];
