/**
 * Live reads: a Dexie liveQuery over a read, which re-runs after every committed write that may
 * change it (in this tab, or through Dexie's BroadcastChannel in others), passing on only answers
 * that differ from the last one by `print`. The reads also touch tables such as `sources` and
 * `links`, so e.g. a sync status update re-runs them; without the comparison elements would
 * re-render for nothing.
 */
import { liveQuery } from 'dexie';
import type { LiveObservable } from './types.js';

/** A live version of `read`, emitting on subscribe and then only answers whose `print` changed. */
export function liveDistinct<V>(read: () => Promise<V>, print: (value: V) => string): LiveObservable<V> {
  const query = liveQuery(read);
  return {
    subscribe(observer) {
      const o = typeof observer === 'function' ? { next: observer } : observer;
      let last: string | undefined;
      return query.subscribe({
        next: (value) => {
          const p = print(value);
          if (p === last) return;
          last = p;
          o.next?.(value);
        },
        error: (error) => o.error?.(error),
      });
    },
  };
}
