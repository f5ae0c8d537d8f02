import { html, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

/**
 * Headings: every element that has one renders a real `<h1>`–`<h6>` at the level the host asks
 * for (`heading-level`), so the page's outline stays the host's. Static templates, because a tag
 * name cannot be a Lit binding.
 */

/** `value` as a heading level: a whole number 1–6 (fractions cut off); `fallback` when not a number. */
export function headingLevel(value: unknown, fallback = 2): number {
  const n = Math.trunc(Number(value));
  return Number.isFinite(n) && n !== 0 ? Math.min(6, Math.max(1, n)) : fallback;
}

/** A heading of `level` (see {@link headingLevel}) with `content`, and `id`, `class` and `part` as given. */
export function renderHeading(level: number, content: TemplateResult | string, attrs: { id?: string; cls?: string; part?: string } = {}): TemplateResult {
  const id = ifDefined(attrs.id);
  const cls = ifDefined(attrs.cls);
  const part = ifDefined(attrs.part);
  switch (headingLevel(level)) {
    case 1:
      return html`<h1 id=${id} class=${cls} part=${part}>${content}</h1>`;
    case 3:
      return html`<h3 id=${id} class=${cls} part=${part}>${content}</h3>`;
    case 4:
      return html`<h4 id=${id} class=${cls} part=${part}>${content}</h4>`;
    case 5:
      return html`<h5 id=${id} class=${cls} part=${part}>${content}</h5>`;
    case 6:
      return html`<h6 id=${id} class=${cls} part=${part}>${content}</h6>`;
    default:
      return html`<h2 id=${id} class=${cls} part=${part}>${content}</h2>`;
  }
}
