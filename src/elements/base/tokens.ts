import { css, unsafeCSS, type CSSResult } from 'lit';

/**
 * Design tokens. Every element reads them as `var(--ehr-<name>, <light default>)`, so:
 * - a host sets any `--ehr-*` property anywhere above the elements (`:root`, a wrapper, the
 *   provider) and it inherits into every shadow root;
 * - no element declares `--ehr-*` itself, so nothing it does can override the host's choice;
 * - with nothing set, the light defaults below apply.
 *
 * Dark theme, three documented ways:
 * 1. `<ehr-record-provider theme="dark">` (or `theme="auto"` to follow `prefers-color-scheme`);
 * 2. `adoptThemeStyles(document)` once, then class `ehr-theme-dark` on any ancestor;
 * 3. set the `--ehr-color-*` properties yourself (e.g. to match the host EMR).
 */
export const lightTokens = {
  'color-text': '#1f2328',
  'color-muted': '#57606a',
  'color-surface': '#ffffff',
  'color-surface-raised': '#f6f8fa',
  'color-border': '#8c959f',
  'color-border-subtle': '#d0d7de',
  'color-accent': '#0b5cad',
  'color-on-accent': '#ffffff',
  'color-focus': '#0b5cad',
  'color-danger': '#b3261e',
  'color-danger-surface': '#fdecea',
  'color-warning': '#7a4d00',
  'color-warning-surface': '#fff4d6',
  'color-success': '#1a7f37',
  'color-success-surface': '#e6f4ea',
  'color-info': '#0b5cad',
  'color-info-surface': '#e7f0fb',
  'color-deceased': '#2b2b2b',
  'color-deceased-surface': '#e3e3e3',
  'color-skeleton': '#e6e9ed',
  'space-3xs': '0.125rem',
  'space-2xs': '0.25rem',
  'space-xs': '0.375rem',
  'space-s': '0.5rem',
  'space-m': '0.75rem',
  'space-l': '1rem',
  'space-xl': '1.5rem',
  'space-2xl': '2rem',
  'font-family': "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif",
  'font-family-mono': "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace",
  'font-size-xs': '0.75rem',
  'font-size-s': '0.875rem',
  'font-size-m': '1rem',
  'font-size-l': '1.125rem',
  'font-size-xl': '1.375rem',
  'font-weight-normal': '400',
  'font-weight-bold': '600',
  'font-line-height': '1.4',
  'radius-s': '2px',
  'radius-m': '4px',
  'radius-l': '8px',
  'radius-pill': '999px',
  'focus-width': '2px',
  'size-target': '44px',
  'callout-bar-width': '4px',
} as const;

export type TokenName = keyof typeof lightTokens;

/** Dark theme: colours only; spacing and type are shared. */
export const darkTokens: Partial<Record<TokenName, string>> = {
  'color-text': '#e6edf3',
  'color-muted': '#a3adb8',
  'color-surface': '#0d1117',
  'color-surface-raised': '#161b22',
  'color-border': '#768390',
  'color-border-subtle': '#3d444d',
  'color-accent': '#6cb6ff',
  'color-on-accent': '#0d1117',
  'color-focus': '#6cb6ff',
  'color-danger': '#ff8a80',
  'color-danger-surface': '#3b1219',
  'color-warning': '#f0c060',
  'color-warning-surface': '#3a2a00',
  'color-success': '#6ad37c',
  'color-success-surface': '#0f2d1a',
  'color-info': '#8ccaff',
  'color-info-surface': '#0c2d48',
  'color-deceased': '#e6e6e6',
  'color-deceased-surface': '#3a3a3a',
  'color-skeleton': '#2d333b',
};

/**
 * A token as a CSS value with its light default: css`color: ${token('color-text')};`
 * → `color: var(--ehr-color-text, #1f2328);`.
 */
export function token(name: TokenName): CSSResult {
  return unsafeCSS(`var(--ehr-${name}, ${lightTokens[name]})`);
}

/** `--ehr-x: value;` declarations for a token map (used to build themes). */
export function tokenDeclarations(map: Partial<Record<TokenName, string>>): string {
  return Object.entries(map)
    .map(([name, value]) => `--ehr-${name}: ${value};`)
    .join('\n');
}

const darkDecl = unsafeCSS(tokenDeclarations(darkTokens));
const lightDecl = unsafeCSS(tokenDeclarations(lightTokens));

/**
 * Theme rules for an element that carries a `theme` attribute (the provider): `dark`, `light`
 * (pins the defaults even inside a dark page), or `auto` (follows the OS setting).
 */
export const hostThemeStyles = css`
  :host([theme='light']) {
    ${lightDecl}
    color-scheme: light;
  }
  :host([theme='dark']) {
    ${darkDecl}
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${darkDecl}
      color-scheme: dark;
    }
  }
`;

/** Document-level rules for the `ehr-theme-dark` / `ehr-theme-light` classes. */
export const documentThemeCss = `.ehr-theme-light { ${tokenDeclarations(lightTokens)} color-scheme: light; }
.ehr-theme-dark { ${tokenDeclarations(darkTokens)} color-scheme: dark; }`;

let documentSheet: CSSStyleSheet | undefined;

/**
 * Adds the `ehr-theme-dark` / `ehr-theme-light` class rules to a document (or shadow root) once,
 * so a host can switch themes with a class on any ancestor.
 */
export function adoptThemeStyles(root: Document | ShadowRoot = document): void {
  documentSheet ??= (() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(documentThemeCss);
    return sheet;
  })();
  if (!root.adoptedStyleSheets.includes(documentSheet)) {
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, documentSheet];
  }
}
