/**
 * What a sync status display says about one source, worked out from what the store knows of it
 * (its last sync, status, error), the provider's live progress, the browser's online state and
 * this patient's coverage. Pure: `<ehr-sync-status>` renders the result, and it is tested in Node.
 */

/** One source as the status line reads it (a subset of the elements' `SourceState`). */
export interface SourceSyncFacts {
  readonly id: string;
  /** Last successful sync, epoch ms (the server's time when the engine had it). */
  readonly syncedAt?: number;
  /** The store's status for the source (`ok`, `syncing`, `error`, `unauthorized`, `offline` …). */
  readonly status?: string;
  /** The last sync failed. */
  readonly failed: boolean;
  /** The error message, when failed. */
  readonly message?: string;
  /** The engine's error code (`network`, `timeout`, `throttled`, `http`, `unauthorized` …), when known. */
  readonly code?: string;
  /** HTTP status of the failure, when there was one. */
  readonly httpStatus?: number;
  /** Searched for this patient; no record of them. */
  readonly noRecord: boolean;
}

/** The sync engine's progress event for one source (`SyncProgress`), as far as the line needs it. */
export interface SourceProgress {
  readonly source: string;
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  readonly estimated: boolean;
}

/** Error codes the status line has words for; anything else is `other`. */
export type SyncFailureReason = 'unauthorized' | 'forbidden' | 'throttled' | 'network' | 'timeout' | 'http' | 'refused' | 'other';

const REASONS: ReadonlyMap<string, SyncFailureReason> = new Map([
  ['unauthorized', 'unauthorized'],
  ['forbidden', 'forbidden'],
  ['throttled', 'throttled'],
  ['network', 'network'],
  ['offline', 'network'],
  ['timeout', 'timeout'],
  ['http', 'http'],
  ['refused', 'refused'],
  // The answer came but could not be used, or would have led away from the source.
  ['malformed', 'refused'],
  ['content-type', 'refused'],
  ['not-bundle', 'refused'],
  ['foreign-link', 'refused'],
  ['redirect', 'refused'],
  ['insecure-transport', 'refused'],
]);

/** The line for one source: what the display says, in keys (the element has the words). */
export type SourceSyncLine =
  | { readonly kind: 'syncing'; readonly phase: string; readonly done?: number; readonly total?: number; readonly estimated: boolean }
  | { readonly kind: 'failed'; readonly reason: SyncFailureReason; readonly httpStatus?: number; readonly message?: string; readonly syncedAt?: number }
  | { readonly kind: 'offline'; readonly syncedAt?: number }
  | { readonly kind: 'no-record'; readonly syncedAt?: number }
  | { readonly kind: 'synced'; readonly syncedAt: number }
  | { readonly kind: 'not-synced' };

/** The reason of a failure, from the engine's code or, failing that, the store's status. */
export function failureReason(code: string | undefined, status: string | undefined): SyncFailureReason {
  return (code !== undefined ? REASONS.get(code) : undefined) ?? (status !== undefined ? REASONS.get(status) : undefined) ?? 'other';
}

/**
 * One source's line. In order: syncing now (with progress when this source reported some, its
 * total marked estimated when the server gave none); failed (with the reason in words and the
 * last good sync, if any); offline (the browser says so: nothing can be synced); searched with no
 * record of this patient; synced (when); never synced.
 *
 * `syncing` is the provider's sync in progress; a source whose progress reached `done` or `error`
 * is no longer syncing. Without it, a source the store marks `syncing` (another tab's sync) is.
 */
export function sourceSyncLine(
  source: SourceSyncFacts,
  context: { readonly syncing: boolean; readonly online: boolean; readonly progress?: SourceProgress },
): SourceSyncLine {
  const p = context.progress?.source === source.id ? context.progress : undefined;
  // This page's sync (until this source's own progress says it is done), or another tab's (the store's status).
  const running = context.syncing ? !p || (p.phase !== 'done' && p.phase !== 'error') : source.status === 'syncing';
  if (running && context.online) {
    const counted = p && Number.isFinite(p.done) && Number.isFinite(p.total) && p.total > 0;
    return counted
      ? { kind: 'syncing', phase: p.phase, done: Math.max(0, Math.min(p.done, p.total)), total: p.total, estimated: p.estimated }
      : { kind: 'syncing', phase: p?.phase ?? 'metadata', estimated: true };
  }
  const when = source.syncedAt !== undefined ? { syncedAt: source.syncedAt } : {};
  if (source.failed) {
    return {
      kind: 'failed',
      reason: failureReason(source.code, source.status),
      ...(source.httpStatus !== undefined ? { httpStatus: source.httpStatus } : {}),
      ...(source.message ? { message: source.message } : {}),
      ...when,
    };
  }
  if (!context.online) return { kind: 'offline', ...when };
  if (source.noRecord) return { kind: 'no-record', ...when };
  if (source.syncedAt !== undefined) return { kind: 'synced', syncedAt: source.syncedAt };
  return { kind: 'not-synced' };
}

/**
 * What a polite live region should say: only the changes of kind (a sync started, finished,
 * failed, went offline) or of a failure's reason, never each progress tick. Returns the lines whose kind differs from
 * `before` (by source id), so the element announces those and nothing else.
 */
export function changedLines<T extends { readonly id: string; readonly line: SourceSyncLine }>(before: readonly T[], now: readonly T[]): T[] {
  const old = new Map(before.map((l) => [l.id, announcedKey(l.line)]));
  return now.filter((l) => old.get(l.id) !== announcedKey(l.line));
}

/** What makes a line worth announcing again: its kind, and for a failure its reason. */
function announcedKey(line: SourceSyncLine): string {
  return line.kind === 'failed' ? `failed|${line.reason}|${line.httpStatus ?? ''}` : line.kind;
}
