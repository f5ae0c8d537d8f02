/**
 * One syncing tab per source, and progress for the others.
 *
 * - `withSourceLock`: runs `task` holding the Web Lock `ehr-elements:sync:<db>:<source>` when the
 *   browser has `navigator.locks`, so two tabs never download or upload the same source at once;
 *   elsewhere (Node, old browsers) an in-process mutex with the same name does the job for one
 *   process. The lock is released when the task settles, or when the tab closes.
 * - `ProgressChannel`: posts progress events on `BroadcastChannel('ehr-elements:sync:<db>')` when
 *   available, so tabs that are not syncing can show what the syncing tab is doing. Data itself
 *   reaches other tabs through IndexedDB and the store's live queries, not through this channel.
 */
import type { SyncProgress } from './progress.js';

export function lockName(db: string, source: string): string {
  return `ehr-elements:sync:${db}:${source}`;
}

export function channelName(db: string): string {
  return `ehr-elements:sync:${db}`;
}

interface LockManagerLike {
  request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>;
}

function webLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : undefined;
}

/** Tail of the queue per lock name (in-process fallback). */
const localQueues = new Map<string, Promise<unknown>>();

/**
 * Runs `task` while holding the named lock. Waiting for the lock can be abandoned with `signal`
 * (the returned promise then rejects with an AbortError).
 */
export async function withLock<T>(name: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const locks = webLocks();
  if (locks) return locks.request(name, signal ? { signal } : {}, task);

  const previous = localQueues.get(name) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  localQueues.set(name, tail);
  try {
    await waitOrAbort(previous, signal);
    return await task();
  } finally {
    release();
    if (localQueues.get(name) === tail) localQueues.delete(name);
  }
}

export function withSourceLock<T>(db: string, source: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  return withLock(lockName(db, source), task, signal);
}

async function waitOrAbort(p: Promise<unknown>, signal?: AbortSignal): Promise<void> {
  if (!signal) {
    await p.catch(() => undefined);
    return;
  }
  if (signal.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(new DOMException('The operation was aborted.', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
    );
  });
}

/** Progress shared between tabs of one database; a no-op where BroadcastChannel is missing. */
export class ProgressChannel {
  private channel?: BroadcastChannel;
  private listeners = new Set<(p: SyncProgress) => void>();

  constructor(db: string) {
    const BC = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
    if (typeof BC !== 'function') return;
    try {
      this.channel = new BC(channelName(db));
      this.channel.onmessage = (event: MessageEvent) => {
        const data = event.data as { kind?: string; progress?: SyncProgress } | undefined;
        if (data?.kind === 'progress' && data.progress) for (const l of this.listeners) l(data.progress);
      };
      // Node keeps the process alive for an open channel; a cache must not do that.
      (this.channel as unknown as { unref?: () => void }).unref?.();
    } catch {
      this.channel = undefined;
    }
  }

  /** Tells other tabs. (This tab's own listeners are called by the engine directly.) */
  post(progress: SyncProgress): void {
    try {
      this.channel?.postMessage({ kind: 'progress', progress });
    } catch {
      /* closed or not cloneable: progress is best effort */
    }
  }

  /** Listens to progress posted by other tabs. Returns an unsubscribe function. */
  listen(listener: (p: SyncProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    this.channel?.close();
    this.channel = undefined;
  }
}
