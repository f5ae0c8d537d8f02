import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Resource } from 'fhir/r4';
import type { RecordQuery, RecordSource, StoredRow } from './store-types.js';

/** `idle`: nothing to ask (no store or no patient). Then `loading` → `ready` | `error`. */
export type LiveQueryStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface LiveQueryOptions {
  /** Current store; read before every host update. */
  store: () => RecordSource | undefined;
  /** Current query, or `undefined` when there is nothing to ask yet (e.g. no patient). */
  query: () => RecordQuery | undefined;
}

export interface LiveQueryRenderers<T extends Resource, R> {
  idle?: () => R;
  loading?: (previous: StoredRow<T>[] | undefined) => R;
  ready?: (rows: StoredRow<T>[]) => R;
  error?: (error: unknown, retry: () => void) => R;
}

/** Stable text for a query, so `{patient, type}` rebuilt on each render is not a "change". */
function queryKey(query: RecordQuery | undefined): string {
  if (!query) return '';
  const sorted = Object.keys(query)
    .sort()
    .map((k) => [k, query[k]]);
  return JSON.stringify(sorted);
}

/**
 * Renders an element from `store.live(query)`: the cache answers first and the rows update in
 * place as sync writes land.
 *
 * - Subscribes when the host connects; re-subscribes when the store, or the query's text, changes
 *   (checked before each update, so a new patient from context is picked up in the same render).
 * - Unsubscribes on disconnect.
 * - While re-querying the same patient in the same store (another filter, `retry()`), the last rows
 *   stay visible (`rows`) with `status === 'loading'` to avoid flicker. When the patient or the
 *   store changes the rows are cleared at once: one patient's data must never be shown under
 *   another patient, not even for a frame.
 *
 * ```ts
 * private allergies = new LiveQueryController<AllergyIntolerance>(this, {
 *   store: () => this.activeStore,
 *   query: () => this.activePatient ? { patient: this.activePatient, type: 'AllergyIntolerance' } : undefined,
 * });
 * render() { return this.allergies.render({ loading: () => renderSkeleton(), ready: (rows) => ..., error: ... }); }
 * ```
 *
 * `patientQuery(this, 'AllergyIntolerance')` (`patient-query.ts`) builds exactly this controller.
 */
export class LiveQueryController<T extends Resource = Resource> implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly options: LiveQueryOptions;
  private subscription?: { unsubscribe(): void };
  private currentStore?: RecordSource;
  private currentKey = '';
  private currentPatient?: string;
  /** Bumped on every (re)subscribe so late values from an old subscription are ignored. */
  private generation = 0;
  private connected = false;
  /** Set when the next check must subscribe again even if nothing changed (connect, retry). */
  private force = true;

  status: LiveQueryStatus = 'idle';
  /** Latest rows (kept during a same-patient re-query; cleared on patient or store change). */
  rows: StoredRow<T>[] | undefined;
  error: unknown;
  /** `Date.now()` of the last value received. */
  updatedAt?: number;

  constructor(host: ReactiveControllerHost, options: LiveQueryOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
    // The subscription from before a disconnect is gone: make a fresh one.
    this.force = true;
    this.sync();
  }

  hostUpdate(): void {
    this.sync();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.stop();
  }

  /** Subscribes again from scratch (after an error, or to re-read). Keeps rows of the same patient. */
  retry(): void {
    this.force = true;
    this.sync();
    this.host.requestUpdate();
  }

  /** Picks the renderer for the current status. `loading` falls back to `ready` when rows are kept. */
  render<R>(renderers: LiveQueryRenderers<T, R>): R | undefined {
    switch (this.status) {
      case 'idle':
        return renderers.idle?.();
      case 'loading':
        if (this.rows && !renderers.loading) return renderers.ready?.(this.rows);
        return renderers.loading?.(this.rows);
      case 'ready':
        return renderers.ready?.(this.rows ?? []);
      case 'error':
        return renderers.error?.(this.error, () => this.retry());
    }
  }

  private stop() {
    this.generation++;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /** Compares store and query with what is subscribed; re-subscribes when either differs. */
  private sync() {
    if (!this.connected) return;
    const store = this.options.store();
    const query = this.options.query();
    const key = queryKey(query);
    if (!this.force && store === this.currentStore && key === this.currentKey) return;
    this.force = false;

    const samePatient = store === this.currentStore && query?.patient === this.currentPatient;
    this.stop();
    this.currentStore = store;
    this.currentKey = key;
    this.currentPatient = query?.patient;
    this.error = undefined;
    if (!samePatient) {
      this.rows = undefined;
      this.updatedAt = undefined;
    }
    if (!store || !query) {
      this.status = 'idle';
      this.rows = undefined;
      return;
    }
    this.status = 'loading';
    const generation = this.generation;
    try {
      this.subscription = store.live(query).subscribe({
        next: (rows) => {
          if (generation !== this.generation) return;
          this.rows = rows as StoredRow<T>[];
          this.status = 'ready';
          this.updatedAt = Date.now();
          this.host.requestUpdate();
        },
        error: (error) => {
          if (generation !== this.generation) return;
          this.fail(error);
        },
      });
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown) {
    this.status = 'error';
    this.error = error;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.host.requestUpdate();
  }
}
