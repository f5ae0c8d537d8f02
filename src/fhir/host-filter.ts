/**
 * Host filters: a FHIRPath boolean expression a host sets on a list element (`filter="…"`) to
 * narrow what it shows without code ("only community medications", "not vital signs").
 *
 * - `fhirpath` (~160 KB gzip) is imported here on first use only, so a page that sets no filter
 *   never downloads it.
 * - A resource is kept when the expression yields exactly `true`; `false` or an empty result
 *   drops it. An expression that fails on one resource keeps that resource (a filter may narrow
 *   a view, never hide a record by accident) and counts it, so the element can say so.
 * - Evaluation is synchronous, with no terminology server and no `resolve()` across the network:
 *   a host expression cannot make the page fetch anything. Each resource is evaluated on a copy
 *   (fhirpath may annotate its input), never on the row other elements share.
 */
import type { Resource } from 'fhir/r4';

/** Longest expression accepted; a host filter is a line, not a program. */
export const MAX_FILTER_LENGTH = 2000;

/** The expression could not be used: not a string, too long, or not valid FHIRPath. */
export class HostFilterError extends Error {
  override readonly name = 'HostFilterError';
  constructor(
    /** The attribute that held it (`filter`, `group-by`). */
    readonly attribute: string,
    readonly expression: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a host filter made of a list. */
export interface HostFilterResult<T> {
  /** The items kept (in their order). */
  readonly kept: T[];
  /** How many there were before filtering. */
  readonly total: number;
  /** Items the expression failed on; kept, and counted here. */
  readonly failed: number;
}

/** A compiled host filter. */
export interface HostFilter {
  readonly expression: string;
  /** `true` keep, `false` drop, `'error'` the expression failed on this resource (keep it). */
  test(resource: Resource): boolean | 'error';
  /** Filters items by their resource. */
  apply<T>(items: readonly T[], resourceOf: (item: T) => Resource): HostFilterResult<T>;
}

type Compiled = (resource: unknown) => unknown[];

async function loadFhirpath(): Promise<{ compile: (expression: string, model: unknown) => Compiled; model: unknown }> {
  const [fp, r4] = await Promise.all([import('fhirpath'), import('fhirpath/fhir-context/r4')]);
  const lib = (fp as { default?: unknown }).default ?? fp;
  const model = (r4 as { default?: unknown }).default ?? r4;
  return { compile: (lib as { compile: (e: string, m: unknown) => Compiled }).compile, model };
}

/** Checks and compiles an expression of either kind; the errors name the attribute. */
async function compileExpression(expression: unknown, attribute: string): Promise<{ expression: string; run: Compiled }> {
  if (typeof expression !== 'string' || !expression.trim()) {
    throw new HostFilterError(attribute, String(expression ?? ''), `${attribute}: an empty expression filters nothing`);
  }
  if (expression.length > MAX_FILTER_LENGTH) {
    throw new HostFilterError(attribute, expression.slice(0, 80), `${attribute}: the expression is longer than ${MAX_FILTER_LENGTH} characters`);
  }
  const { compile, model } = await loadFhirpath();
  try {
    return { expression, run: compile(expression, model) };
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new HostFilterError(attribute, expression, `${attribute}: not a valid FHIRPath expression (${why})`);
  }
}

/**
 * Compiles `expression` (loading fhirpath the first time). Throws {@link HostFilterError} with a
 * message naming the attribute when it cannot be used.
 */
export async function compileHostFilter(expression: unknown, attribute = 'filter'): Promise<HostFilter> {
  const { run } = await compileExpression(expression, attribute);
  const test = (resource: Resource): boolean | 'error' => {
    try {
      const result = run(structuredClone(resource));
      return Array.isArray(result) && result.length === 1 && result[0] === true;
    } catch {
      return 'error';
    }
  };
  return {
    expression: expression as string,
    test,
    apply<T>(items: readonly T[], resourceOf: (item: T) => Resource): HostFilterResult<T> {
      const kept: T[] = [];
      let failed = 0;
      for (const item of items) {
        const verdict = test(resourceOf(item));
        if (verdict === 'error') failed++;
        if (verdict !== false) kept.push(item);
      }
      return { kept, total: items.length, failed };
    },
  };
}

/** A compiled host grouping expression (`group-by`): a key per resource. */
export interface HostKey {
  readonly expression: string;
  /**
   * The group key: the expression's single string (or number/code) result, `undefined` when it
   * yields nothing (the resource keeps its own grouping), `'error'` when it fails or yields
   * several values (also kept in its own group, and counted by the caller).
   */
  keyOf(resource: Resource): string | undefined | 'error';
}

/** Compiles a grouping expression such as `code.coding.where(system='http://loinc.org').code.first()`. */
export async function compileHostKey(expression: unknown, attribute = 'group-by'): Promise<HostKey> {
  const { run } = await compileExpression(expression, attribute);
  return {
    expression: expression as string,
    keyOf(resource: Resource): string | undefined | 'error' {
      try {
        const result = run(structuredClone(resource));
        if (!Array.isArray(result) || result.length === 0) return undefined;
        if (result.length > 1) return 'error';
        const v = result[0];
        if (typeof v === 'string') return v.trim() ? `host:${v.trim().slice(0, 256)}` : undefined;
        if (typeof v === 'number' || typeof v === 'boolean') return `host:${String(v)}`;
        return 'error';
      } catch {
        return 'error';
      }
    },
  };
}
