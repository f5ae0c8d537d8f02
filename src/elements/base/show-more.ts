import { html, nothing, type TemplateResult } from 'lit';
import type { Localize } from './localize/localize.js';

/**
 * Long lists are cut, visibly. A record may hold thousands of rows (or reactions, or dosages in
 * one row); rendering them all at once would freeze the page. Elements render a first part and
 * say so on screen, with a button that shows the rest.
 */

/** Rows of a list (medications in a group, allergies) rendered before "Show all N". */
export const LIST_PREVIEW = 50;
/** Items inside one row (reactions, dosage instructions, earlier records) rendered before "and N more". */
export const NESTED_PREVIEW = 10;

/** The first `limit` items, unless `expanded`. */
export function preview<T>(items: readonly T[], limit: number, expanded: boolean): readonly T[] {
  return expanded || items.length <= limit ? items : items.slice(0, limit);
}

/**
 * "Showing the first 50 of 1,234." with a "Show all 1,234" button (`part="show-all"`), when
 * `total` exceeds `shown`.
 */
export function renderShowAll(localize: Localize, shown: number, total: number, onShowAll: () => void): TemplateResult | typeof nothing {
  if (total <= shown) return nothing;
  const n = (x: number) => localize.number(x);
  return html`<p class="show-all" part="show-all" role="status">
    <span>${localize.term('showingFirst', n(shown), n(total))}</span>
    <button type="button" class="show-all-button" part="show-all-button" @click=${onShowAll}>${localize.term('showAll', n(total))}</button>
  </p>`;
}

/** "and 9,990 more" as a button that shows them (`part="show-more"`), inside a row. */
export function renderAndMore(localize: Localize, hidden: number, onShow: () => void): TemplateResult | typeof nothing {
  if (hidden <= 0) return nothing;
  return html`<button type="button" class="show-more" part="show-more" @click=${onShow}>${localize.term('andMore', localize.number(hidden))}</button>`;
}
