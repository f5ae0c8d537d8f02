/**
 * Unicode direction controls in record text. The embedding and override controls (U+202A–U+202E)
 * and the isolates (U+2066–U+2069) change the order in which text is shown: "\u202Egm 005" shows as
 * "500 mg". Inside record text they may be legitimate (mixed Arabic/Hebrew and Latin) or an attempt
 * to make one value look like another, or to reorder the values around it.
 */

const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

/** True when `text` contains a direction embedding, override or isolate control. */
export function hasDirectionControls(text: unknown): boolean {
  return typeof text === 'string' && CONTROLS.test(text);
}
