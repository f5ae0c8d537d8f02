import type { Localize } from './localize.js';
import { translationFor } from './localize.js';

/** One element's terms: plain strings or functions of their arguments. */
export type TermTable = Record<string, string | ((...args: never[]) => string)>;

/** The arguments a term of `T` takes. */
export type ElementTermArgs<T extends TermTable, K extends keyof T> = T[K] extends (...args: infer A) => string ? A : [];

/**
 * Terms that belong to one element, shipped with it rather than in the shared `en.ts`, so an
 * element's words cost nothing on a page that does not use it. English and the kit's other
 * languages come with the element; a host's `registerTranslation(...)` may still override any key
 * (its translation is looked up first), so a host translates element terms the same way as the
 * shared ones.
 *
 * ```ts
 * const term = elementTerms(labEn, { de: labDe });
 * term(this.localize, 'labNone');
 * ```
 */
export function elementTerms<T extends TermTable>(en: T, others: Record<string, Partial<T>>) {
  return <K extends keyof T & string>(localize: Localize, key: K, ...args: ElementTermArgs<T, K>): string => {
    const lang = localize.lang.toLowerCase();
    const host = translationFor(lang) as unknown as Record<string, unknown>;
    const value = (host[key] ?? others[lang]?.[key] ?? others[lang.split('-')[0]!]?.[key] ?? en[key]) as string | ((...a: unknown[]) => string);
    return typeof value === 'function' ? value(...(args as unknown[])) : value;
  };
}
