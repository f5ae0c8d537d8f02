import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PatientKey, PossibleMatchInfo, RecordSource } from './store-types.js';

/** Candidate records of one source that may be the patient. */
export interface PossibleRecords {
  /** Source id of the candidates. */
  source: string;
  /** Distinct candidate patient keys, sorted. */
  candidates: string[];
}

export interface PossibleMatchesOptions {
  store: () => RecordSource | undefined;
  patient: () => PatientKey | undefined;
}

/**
 * Follows `store.livePossibleMatches(patient)`: records that may be this patient but are not
 * linked (the store's linking rule would not merge them; a person confirms or rejects). Clears
 * at once when the patient or store changes, so one patient's candidates never show under
 * another. A store without `livePossibleMatches` has none.
 */
export class PossibleMatchesController implements ReactiveController {
  /** The current matches, one entry per pair (see the store's `PossibleMatch`). */
  matches: readonly PossibleMatchInfo[] = [];
  private subscription?: { unsubscribe(): void };
  private key?: string;
  private lastStore?: RecordSource;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: PossibleMatchesOptions,
  ) {
    host.addController(this);
  }

  /** Candidates grouped by source, in source id order. */
  get bySource(): PossibleRecords[] {
    const map = new Map<string, Set<string>>();
    for (const m of this.matches) {
      if (!map.has(m.source)) map.set(m.source, new Set());
      map.get(m.source)!.add(m.candidate);
    }
    return [...map]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([source, set]) => ({ source, candidates: [...set].sort() }));
  }

  hostConnected(): void {
    this.check();
  }

  hostUpdate(): void {
    this.check();
  }

  hostDisconnected(): void {
    this.stop();
    this.key = undefined;
    this.lastStore = undefined;
  }

  private stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private check(): void {
    const store = this.options.store();
    const patient = this.options.patient();
    if (store === this.lastStore && patient === this.key) return;
    this.stop();
    this.lastStore = store;
    this.key = patient;
    if (this.matches.length) {
      this.matches = [];
      this.host.requestUpdate();
    }
    if (!store?.livePossibleMatches || !patient) return;
    try {
      this.subscription = store.livePossibleMatches(patient).subscribe({
        next: (value) => {
          if (this.key !== patient || this.lastStore !== store) return;
          this.matches = Array.isArray(value) ? value : [];
          this.host.requestUpdate();
        },
        // Unknown is shown as none: the notice is an offer to review, not a completeness claim.
        error: () => undefined,
      });
    } catch {
      /* a store that cannot answer offers nothing to review */
    }
  }
}
