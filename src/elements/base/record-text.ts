import { html, nothing, type TemplateResult } from 'lit';
import { hasDirectionControls } from '../../fhir/direction.js';
import type { Localize } from './localize/localize.js';

/**
 * How record text is shown (see `src/elements/README.md`, "Record text").
 *
 * - Every record-derived string (names, codes shown as recorded, statuses, doses, identifier
 *   labels, provider names) is its own `<bdi>`: whatever direction controls it holds end with it,
 *   so it cannot reorder the values or words around it.
 * - A string that contains direction controls (U+202A–U+202E, U+2066–U+2069) is shown as recorded
 *   (the source system shows it the same way, and stripping would change what the record says),
 *   but marked: `data-direction-controls` on the `<bdi>`, a dashed underline, a "⇄" sign and, for
 *   screen readers and on hover, "contains text-direction control characters". The reader knows
 *   the order on screen may not be the order of the characters.
 * - Localized sentences never have record text pasted into them: `sentence()` hands the term
 *   private placeholder tokens, then puts each value back as its own node. A value that looks like
 *   a sentence ("… could not be checked") stays a value.
 */

/**
 * Record text longer than this many UTF-16 code units is cut for display. No real name, code,
 * dose or instruction comes near it; a megabyte of text from a broken or hostile server would
 * otherwise stall layout for seconds and bury the row. The full text stays in the store.
 */
export const MAX_SHOWN_TEXT = 1000;

/** The first {@link MAX_SHOWN_TEXT} code units of `value`, never splitting a surrogate pair. */
export function shownPart(value: string): string {
  if (value.length <= MAX_SHOWN_TEXT) return value;
  const end = /[\uD800-\uDBFF]/.test(value[MAX_SHOWN_TEXT - 1]!) ? MAX_SHOWN_TEXT - 1 : MAX_SHOWN_TEXT;
  return value.slice(0, end);
}

/**
 * Record-derived text in its own `<bdi>`, marked when it contains direction controls, cut (and
 * saying so, `part="text-cut"`) past {@link MAX_SHOWN_TEXT} characters. `className` goes on the
 * `<bdi>`.
 */
export function recordText(localize: Localize, value: string, className?: string): TemplateResult {
  const cls = className ?? nothing;
  const shown = shownPart(value);
  const cut =
    shown.length < value.length
      ? html`<span class="text-cut" part="text-cut">… ${localize.term('textCut', localize.number(value.length - shown.length))}</span>`
      : nothing;
  if (!hasDirectionControls(shown)) return html`<bdi class=${cls}>${shown}</bdi>${cut}`;
  const warning = localize.term('directionControls');
  return html`<bdi class=${cls} data-direction-controls title=${warning}>${shown}</bdi><span class="direction-controls" part="direction-controls"
      ><span aria-hidden="true" title=${warning}>⇄</span><span class="visually-hidden">(${warning})</span></span
    >${cut}`;
}

let counter = 0;

/**
 * Builds a localized sentence whose record-derived parts are separate nodes:
 *
 * ```ts
 * sentence(t, (slot) => t.term('noRecordAt', slot(sourceName)))
 * ```
 *
 * `slot(value)` returns a token to pass to the term (or to `localize.list`); a string value is
 * rendered with {@link recordText}, a template as it is. The tokens carry a per-call nonce, so
 * text that is not a slot cannot pose as one.
 */
export function sentence(localize: Localize, build: (slot: (value: string | TemplateResult) => string) => string): TemplateResult {
  const slots: Array<string | TemplateResult> = [];
  const nonce = `${(counter = (counter + 1) % 1e9)}.${Math.random().toString(36).slice(2, 8)}`;
  const text = build((value) => `\uE000${nonce}:${slots.push(value) - 1}\uE001`);
  const pieces = text.split(new RegExp(`\uE000${nonce.replace('.', '\\.')}:(\\d+)\uE001`));
  return html`${pieces.map((piece, i) => {
    if (i % 2 === 0) return piece;
    const value = slots[Number(piece)]!;
    return typeof value === 'string' ? recordText(localize, value) : value;
  })}`;
}
