import { html, type TemplateResult } from 'lit';

/**
 * Record text inside localized sentences. A translated term is a sentence with placeholders;
 * record-derived values (names, sources, doses…) must never be pasted into it as text, or a value
 * could imitate the sentence around it. `sentence()` hands the term private placeholder tokens
 * instead, then puts each value back as its own node (`<bdi>` for text).
 */

/** Record-derived text in its own `<bdi>`, so its direction cannot reorder what surrounds it. */
export function recordText(value: string): TemplateResult {
  return html`<bdi>${value}</bdi>`;
}

let counter = 0;

/**
 * Builds a localized sentence whose record-derived parts are separate nodes:
 *
 * ```ts
 * sentence((slot) => t.term('noRecordAt', slot(sourceName)))
 * ```
 *
 * `slot(value)` returns a token to pass to the term (or to `localize.list`); a string value is
 * rendered with {@link recordText}, a template as it is. The tokens carry a per-call nonce, so
 * text that is not a slot cannot pose as one.
 */
export function sentence(build: (slot: (value: string | TemplateResult) => string) => string): TemplateResult {
  const slots: Array<string | TemplateResult> = [];
  const nonce = `${(counter = (counter + 1) % 1e9)}.${Math.random().toString(36).slice(2, 8)}`;
  const text = build((value) => `\uE000${nonce}:${slots.push(value) - 1}\uE001`);
  const pieces = text.split(new RegExp(`\uE000${nonce.replace('.', '\\.')}:(\\d+)\uE001`));
  return html`${pieces.map((piece, i) => {
    if (i % 2 === 0) return piece;
    const value = slots[Number(piece)]!;
    return typeof value === 'string' ? recordText(value) : value;
  })}`;
}
