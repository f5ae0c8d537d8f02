import { html, nothing, type TemplateResult } from 'lit';

/**
 * The kit's two kinds of safety message, the same in every element (looks: `calloutStyles`).
 *
 * - `warning`: something a clinician must not miss — a refuted allergy, a criticality conflict, a
 *   death, an incomplete record. Triangle icon, warning colours, a solid bar at the start.
 * - `info`: a difference worth knowing that changes nothing by itself — unconfirmed against
 *   confirmed, a reworded dose. Circled "i", info colours, a thinner bar.
 *
 * The kind follows the meaning of the message, not the mere fact that sources differ. Both are
 * said in words and marked by an icon shape, never by colour alone, and both expose the part of
 * their kind (`warning` or `info`) plus any element-specific part names.
 */
export type CalloutKind = 'warning' | 'info';

/** Options for {@link renderCallout} and {@link renderCalloutMark}. */
export interface CalloutOptions {
  /** Element-specific part names added after the kind's own (e.g. `"incomplete"`). */
  part?: string;
  /** Extra classes, for an element's own layout. */
  cls?: string;
  /** `note` (default), `alert` for what must interrupt (a disagreement on identity), or `status`. */
  role?: 'note' | 'alert' | 'status' | 'none';
  /** A bold first line. */
  title?: unknown;
  /** Data attribute value `data-callout` for tests and hosts: what the message is about. */
  about?: string;
}

const ICONS: Record<CalloutKind, string> = { warning: '⚠', info: 'ℹ' };

function partsOf(kind: CalloutKind, extra: string | undefined): string {
  return extra ? `${kind} ${extra}` : kind;
}

/** A block message: icon, optional title, body. */
export function renderCallout(kind: CalloutKind, body: unknown, options: CalloutOptions = {}): TemplateResult {
  const role = options.role ?? 'note';
  return html`<div
    class="callout callout-${kind} ${options.cls ?? ''}"
    part=${partsOf(kind, options.part)}
    role=${role === 'none' ? nothing : role}
    data-callout=${options.about ?? nothing}
  >
    <span class="callout-icon" aria-hidden="true">${ICONS[kind]}</span>
    <div class="callout-body">
      ${options.title !== undefined ? html`<p class="callout-title">${options.title}</p>` : nothing}${body}
    </div>
  </div>`;
}

/**
 * An inline mark beside what it qualifies (a disputed criticality at its badge, "unconfirmed"
 * after a substance): the same icon and colour as the block, without the box.
 */
export function renderCalloutMark(kind: CalloutKind, body: unknown, options: Omit<CalloutOptions, 'title' | 'role'> = {}): TemplateResult {
  return html`<span class="callout-mark callout-${kind} ${options.cls ?? ''}" part=${partsOf(kind, options.part)} data-callout=${options.about ?? nothing}
    ><span class="callout-icon" aria-hidden="true">${ICONS[kind]}</span>${body}</span
  >`;
}
