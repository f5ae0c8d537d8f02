/**
 * Helpers for the element tests that run in Chromium: the accessibility check, and waiting for
 * the data an element's display depends on before asserting that something is NOT shown.
 */
import axe from 'axe-core';
import { expect } from 'vitest';

/** Fails with the list of axe-core violations (rule id and nodes) inside `el`, if any. */
export async function expectNoAxeViolations(el: Element): Promise<void> {
  const result = await axe.run(el, { resultTypes: ['violations'] });
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** What a source-status reader asks of a store (the methods elements call for notices). */
interface SourceReads {
  getSources?: () => Promise<unknown>;
  syncedSources?: (patient: string) => Promise<string[]>;
  coverage?: (patient: string) => Promise<unknown>;
}

/**
 * Wraps `store`'s `getSources` and `coverage` (or, without it, `syncedSources`) (in place) so a test can wait until an element
 * has READ its sources' states: `await sourcesRead(); await el.updateComplete;` comes before
 * asserting that a notice is absent, so the absence cannot just mean "not loaded yet". Resolves
 * after the next answer of each method the store has (a store without `syncedSources` is not
 * waited for).
 */
export function trackSourceReads<T extends object>(store: T): { store: T; sourcesRead: () => Promise<void> } {
  const s = store as T & SourceReads;
  const waits: Promise<void>[] = [];
  // Elements read `coverage` when the store has it, else `syncedSources`.
  const perPatient = typeof (s as Record<string, unknown>).coverage === 'function' ? 'coverage' : 'syncedSources';
  for (const name of ['getSources', perPatient] as const) {
    const original = s[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (typeof original !== 'function') continue;
    let answered!: () => void;
    waits.push(new Promise<void>((resolve) => (answered = resolve)));
    (s as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await original.apply(store, args);
      } finally {
        // After the caller's own continuation has run: a macrotask, not a guess at a duration.
        setTimeout(answered, 0);
      }
    };
  }
  return { store, sourcesRead: async () => void (await Promise.all(waits)) };
}

/** Visible text of a node and its shadow roots (styles left out), whitespace collapsed. */
export function visibleText(node: Node): string {
  const walk = (n: Node): string => {
    if (n.nodeType === Node.TEXT_NODE) return n.textContent ?? '';
    if (n instanceof HTMLElement && n.tagName === 'STYLE') return '';
    const kids = n instanceof Element && n.shadowRoot ? n.shadowRoot.childNodes : n.childNodes;
    return [...kids].map(walk).join('');
  };
  return walk(node).replace(/\s+/g, ' ').trim();
}
