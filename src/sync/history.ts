/**
 * What a server's `_history` says about a patient's cached resources, folded as it is read: the
 * latest change per resource, kept small (no resource bodies, only what delete and move detection
 * need), so memory grows with the changes kept, not with the pages read.
 *
 * Servers list history newest-first, but not every server does, so the listing order is never
 * trusted: changes are ordered by their time, and where times are missing or equal (whole-second
 * timestamps) a DELETE wins over a write; between two writes of the same instant the one listed
 * first stays. That can only err towards a delete of something re-created in the same instant,
 * and the listing that follows the history read re-fetches anything alive (it is then kept).
 */
import type { HistoryEvent } from './bundle.js';

/** The latest change of one resource, as kept by {@link HistoryFold}. */
export interface FoldedChange {
  type: string;
  id: string;
  method: HistoryEvent['method'];
  versionId?: string;
  at?: string;
  /**
   * For a write that carried its resource: whether that version still belongs to the patient
   * being synced. `false` means it was moved to another patient (or lost its patient).
   */
  belongsHere?: boolean;
}

interface Kept {
  change: FoldedChange;
  time: number;
}

export class HistoryFold {
  private readonly latest = new Map<string, Kept>();

  /** Adds one change; `belongsHere` as in {@link FoldedChange.belongsHere}. */
  add(event: Omit<HistoryEvent, 'resource'>, belongsHere?: boolean): void {
    const key = `${event.type}/${event.id}`;
    const time = event.at ? Date.parse(event.at) : NaN;
    const prev = this.latest.get(key);
    if (prev) {
      const timed = !Number.isNaN(time) && !Number.isNaN(prev.time) && time !== prev.time;
      const newer = timed ? time > prev.time : event.method === 'DELETE' && prev.change.method !== 'DELETE';
      if (!newer) return;
    }
    const change: FoldedChange = { type: event.type, id: event.id, method: event.method };
    if (event.versionId) change.versionId = event.versionId;
    if (event.at) change.at = event.at;
    if (event.method !== 'DELETE' && belongsHere !== undefined) change.belongsHere = belongsHere;
    this.latest.set(key, { change, time });
  }

  /** Adds every change `other` kept (another listing of the same history). */
  absorb(other: HistoryFold): void {
    for (const { change } of other.latest.values()) this.add(change, change.belongsHere);
  }

  /** The latest change of `type/id`, if the history had one. */
  get(type: string, id: string): FoldedChange | undefined {
    return this.latest.get(`${type}/${id}`)?.change;
  }

  /** How many resources have a change kept. */
  get size(): number {
    return this.latest.size;
  }
}
