/**
 * SMART `smart_style_url`: the host EHR's style hints, turned into the kit's `--ehr-*` tokens.
 *
 * The style document comes from the EHR's server, and its values end up in CSS custom
 * properties. Each field therefore passes a narrow grammar before it is used: a colour (hex,
 * `rgb()`/`hsl()` with numbers only, or one keyword), a length (a number with `px`, `rem`, `em`
 * or `%`, within sane bounds), or a font list (family names, quoted or not, separated by commas).
 * No `url(`, no `var(`, no semicolons, braces, backslashes or comments get through, so a hostile
 * style document can neither load anything nor break out of the property it lands in.
 */

/** Which `--ehr-*` token each SMART style field sets, and what kind of value it must be. */
export const SMART_STYLE_FIELDS = {
  color_background: { tokens: ['--ehr-color-surface'], kind: 'color' },
  color_error: { tokens: ['--ehr-color-danger'], kind: 'color' },
  color_highlight: { tokens: ['--ehr-color-accent', '--ehr-color-focus'], kind: 'color' },
  color_modal_backdrop: { tokens: ['--ehr-color-backdrop'], kind: 'color' },
  color_success: { tokens: ['--ehr-color-success'], kind: 'color' },
  color_text: { tokens: ['--ehr-color-text'], kind: 'color' },
  dim_border_radius: { tokens: ['--ehr-radius-m'], kind: 'length' },
  dim_font_size: { tokens: ['--ehr-font-size-m'], kind: 'length' },
  dim_spacing_size: { tokens: ['--ehr-space-m'], kind: 'length' },
  font_family_body: { tokens: ['--ehr-font-family'], kind: 'font' },
  font_family_heading: { tokens: ['--ehr-font-family-heading'], kind: 'font' },
} as const satisfies Record<string, { tokens: readonly `--ehr-${string}`[]; kind: 'color' | 'length' | 'font' }>;

export type SmartStyleField = keyof typeof SMART_STYLE_FIELDS;

/** `--ehr-*` token → validated CSS value. */
export type StyleTokens = Record<`--ehr-${string}`, string>;

const HEX = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const NUMBER = String.raw`[+-]?(?:\d{1,4}(?:\.\d{1,6})?|\.\d{1,6})`;
const ARG = String.raw`${NUMBER}(?:%|deg|turn|rad)?`;
const FUNCTIONAL = new RegExp(
  String.raw`^(?:rgba?|hsla?)\(\s*${ARG}(?:\s*,\s*${ARG}){2}(?:\s*,\s*${ARG})?\s*\)$|^(?:rgba?|hsla?)\(\s*${ARG}(?:\s+${ARG}){2}(?:\s*\/\s*${ARG})?\s*\)$`,
  'i',
);
const KEYWORD = /^[a-z]{3,24}$/i;
const LENGTH = /^(?:0|(\d{1,3}(?:\.\d{1,4})?|\.\d{1,4})(px|rem|em|%))$/;
const FAMILY_BARE = /^[A-Za-z][A-Za-z0-9-]*(?: [A-Za-z0-9-]+)*$/;
const FAMILY_QUOTED = /^(["'])[A-Za-z0-9 _-]{1,64}\1$/;

/** Largest length accepted per unit: beyond these a style would make the elements unusable. */
const MAX_LENGTH: Record<string, number> = { px: 96, rem: 6, em: 6, '%': 400 };

/**
 * A CSS colour, or `undefined`. `supports` (the browser's `CSS.supports`) is asked about keywords
 * so that only real colour names pass; without it any plain word passes (it cannot do harm: at
 * worst the token is invalid and the default applies).
 */
export function validColor(value: unknown, supports?: (property: string, value: string) => boolean): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (v.length > 64) return undefined;
  if (HEX.test(v) || FUNCTIONAL.test(v)) return v;
  if (KEYWORD.test(v) && (supports ? supports('color', v.toLowerCase()) : true)) return v.toLowerCase();
  return undefined;
}

/** A CSS length (`px`, `rem`, `em`, `%`, or `0`) within sane bounds, or `undefined`. */
export function validLength(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  // SMART's examples give unitless numbers for some sizes ("dim_border_radius": "6px", but
  // servers also send 6): a bare number is taken as px.
  const v = typeof value === 'number' ? `${value}px` : /^\d{1,3}(?:\.\d{1,4})?$/.test(value.trim()) ? `${value.trim()}px` : value.trim();
  const m = LENGTH.exec(v);
  if (!m) return undefined;
  if (v === '0') return v;
  const [, amount, unit] = m as unknown as [string, string, string];
  return Number(amount) <= (MAX_LENGTH[unit] ?? 0) ? v : undefined;
}

/** A font family list (`"Open Sans", Arial, sans-serif`), or `undefined` if any part is not a plain name. */
export function validFontList(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 200) return undefined;
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.length > 8) return undefined;
  for (const p of parts) if (!FAMILY_BARE.test(p) && !FAMILY_QUOTED.test(p)) return undefined;
  return parts.join(', ');
}

/** What `styleTokens` kept and what it dropped (field names only: values may be hostile). */
export interface StyleMapping {
  tokens: StyleTokens;
  /** Fields present but refused, for a console warning or a test. */
  rejected: SmartStyleField[];
}

/**
 * Maps a SMART style document onto `--ehr-*` tokens. Unknown fields are ignored; a known field
 * whose value fails its grammar is dropped (the kit's default stays) and named in `rejected`.
 */
export function styleTokens(document: unknown, supports?: (property: string, value: string) => boolean): StyleMapping {
  const tokens: StyleTokens = {};
  const rejected: SmartStyleField[] = [];
  if (!document || typeof document !== 'object' || Array.isArray(document)) return { tokens, rejected };
  const doc = document as Record<string, unknown>;
  for (const field of Object.keys(SMART_STYLE_FIELDS).sort() as SmartStyleField[]) {
    if (!Object.hasOwn(doc, field)) continue;
    const spec = SMART_STYLE_FIELDS[field];
    const raw = doc[field];
    const value = spec.kind === 'color' ? validColor(raw, supports) : spec.kind === 'length' ? validLength(raw) : validFontList(raw);
    if (value === undefined) {
      rejected.push(field);
      continue;
    }
    for (const token of spec.tokens) tokens[token] = value;
  }
  return { tokens, rejected };
}

/**
 * Re-checks a token map handed to an element (it may come from a host, not from `styleTokens`):
 * keeps only the tokens `SMART_STYLE_FIELDS` can produce, with values that pass the same grammar.
 */
export function safeStyleTokens(tokens: Readonly<Record<string, unknown>> | undefined): StyleTokens {
  const out: StyleTokens = {};
  if (!tokens) return out;
  for (const spec of Object.values(SMART_STYLE_FIELDS)) {
    for (const token of spec.tokens) {
      const raw = tokens[token];
      if (raw === undefined) continue;
      const value = spec.kind === 'color' ? validColor(raw) : spec.kind === 'length' ? validLength(raw) : validFontList(raw);
      if (value !== undefined) out[token] = value;
    }
  }
  return out;
}
