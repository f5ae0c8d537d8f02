/**
 * Pointing references at a resource's new id: when a server assigns its own id to a resource
 * created on this device, local writes that still name the device's id must follow it.
 */
import { parseReference } from './references.js';

/** Which references to change: those to `type/from` on one server. */
export interface Retarget {
  type: string;
  /** The id references name now. */
  from: string;
  /** The id they should name. */
  to: string;
  /**
   * Base URLs (no trailing slash) under which an absolute reference counts as the same server.
   * Relative references always do; absolute ones under other bases are left alone.
   */
  bases?: readonly string[];
}

/**
 * A copy of `value` (a resource, or any JSON) in which every `reference` to `target.type/from`
 * names `target.to` instead: relative (`Patient/a`, `Patient/a/_history/1`) and absolute under
 * one of `target.bases`, the form (and any version) kept; contained resources included. Returns
 * `value` itself when nothing matched, so a caller can tell whether anything changed.
 */
export function retargetReferences<T>(value: T, target: Retarget): T {
  const bases = new Set((target.bases ?? []).map((b) => b.replace(/\/+$/, '')));
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) {
      let out: unknown[] | undefined;
      node.forEach((item, i) => {
        const next = visit(item);
        if (next !== item) (out ??= [...node])[i] = next;
      });
      return out ?? node;
    }
    if (!node || typeof node !== 'object') return node;
    let out: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(node as Record<string, unknown>)) {
      const next = key === 'reference' && typeof item === 'string' ? retargetOne(item, target, bases) : visit(item);
      // defineProperty, not assignment: a key named `__proto__` in record data stays a plain key.
      if (next !== item) Object.defineProperty((out ??= { ...(node as Record<string, unknown>) }), key, { value: next, enumerable: true, writable: true, configurable: true });
    }
    return out ?? node;
  };
  return visit(value) as T;
}

function retargetOne(reference: string, target: Retarget, bases: ReadonlySet<string>): string {
  const parsed = parseReference(reference);
  if (!parsed || (parsed.kind !== 'relative' && parsed.kind !== 'absolute')) return reference;
  if (parsed.type !== target.type || parsed.id !== target.from) return reference;
  const base = parsed.kind === 'absolute' ? (parsed.base ?? '') : '';
  if (parsed.kind === 'absolute' && !bases.has(base.replace(/\/+$/, ''))) return reference;
  const version = parsed.version ? `/_history/${parsed.version}` : '';
  const prefix = parsed.kind === 'absolute' ? `${base}/` : '';
  return `${prefix}${target.type}/${target.to}${version}`;
}
