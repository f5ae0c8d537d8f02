import { describe, expect, it } from 'vitest';
import { changedLines, failureReason, sourceSyncLine, type SourceSyncFacts } from '../src/sync/status-line.js';

const at = Date.UTC(2026, 11, 3, 17, 19);
const source = (over: Partial<SourceSyncFacts> = {}): SourceSyncFacts => ({ id: 'hospital', failed: false, noRecord: false, ...over });
const idle = { syncing: false, online: true };

describe('sourceSyncLine', () => {
  it('says when a source last synced, or that it never did', () => {
    expect(sourceSyncLine(source({ syncedAt: at, status: 'ok' }), idle)).toEqual({ kind: 'synced', syncedAt: at });
    expect(sourceSyncLine(source(), idle)).toEqual({ kind: 'not-synced' });
  });

  it('shows progress of this source while the provider syncs, estimated when the server gave no total', () => {
    const progress = { source: 'hospital', phase: 'download', done: 120, total: 400, estimated: true };
    expect(sourceSyncLine(source({ syncedAt: at }), { syncing: true, online: true, progress })).toEqual({
      kind: 'syncing',
      phase: 'download',
      done: 120,
      total: 400,
      estimated: true,
    });
    // Another source's progress says nothing about this one's numbers.
    expect(sourceSyncLine(source(), { syncing: true, online: true, progress: { ...progress, source: 'clinic' } })).toEqual({
      kind: 'syncing',
      phase: 'metadata',
      estimated: true,
    });
    // A finished source is no longer syncing though the provider still is.
    expect(sourceSyncLine(source({ syncedAt: at }), { syncing: true, online: true, progress: { ...progress, phase: 'done', done: 400 } }).kind).toBe('synced');
    // Nonsense numbers from a broken progress event are not shown as a count.
    const broken = { ...progress, done: Number.NaN, total: 0 };
    expect(sourceSyncLine(source(), { syncing: true, online: true, progress: broken })).toEqual({ kind: 'syncing', phase: 'download', estimated: true });
    // done never above total.
    expect(sourceSyncLine(source(), { syncing: true, online: true, progress: { ...progress, done: 900 } })).toMatchObject({ done: 400, total: 400 });
  });

  it("counts another tab's sync (the store's status) as syncing", () => {
    expect(sourceSyncLine(source({ status: 'syncing', syncedAt: at }), idle).kind).toBe('syncing');
  });

  it('names the reason of a failure in keys, keeping the last good sync', () => {
    expect(sourceSyncLine(source({ failed: true, code: 'timeout', syncedAt: at, message: 'no answer in 30 s' }), idle)).toEqual({
      kind: 'failed',
      reason: 'timeout',
      message: 'no answer in 30 s',
      syncedAt: at,
    });
    expect(sourceSyncLine(source({ failed: true, status: 'unauthorized' }), idle)).toMatchObject({ kind: 'failed', reason: 'unauthorized' });
    expect(sourceSyncLine(source({ failed: true, code: 'http', httpStatus: 503 }), idle)).toMatchObject({ reason: 'http', httpStatus: 503 });
    expect(failureReason('constructor', '__proto__')).toBe('other');
    expect(failureReason('malformed', 'error')).toBe('refused');
  });

  it('says offline (and not "syncing") when the browser is offline, and "no record" after a search found none', () => {
    expect(sourceSyncLine(source({ syncedAt: at }), { syncing: true, online: false })).toEqual({ kind: 'offline', syncedAt: at });
    expect(sourceSyncLine(source({ noRecord: true, syncedAt: at }), idle)).toEqual({ kind: 'no-record', syncedAt: at });
    // A failure is said even offline: it happened.
    expect(sourceSyncLine(source({ failed: true, code: 'network' }), { syncing: false, online: false }).kind).toBe('failed');
  });
});

describe('changedLines', () => {
  it('announces a change of kind, never a progress tick', () => {
    const line = (kind: 'syncing' | 'synced', done = 0) =>
      kind === 'syncing' ? { id: 'hospital', line: { kind, phase: 'download', done, total: 100, estimated: false } as const } : { id: 'hospital', line: { kind, syncedAt: at } as const };
    expect(changedLines([line('syncing', 10)], [line('syncing', 20)])).toEqual([]);
    expect(changedLines([line('syncing', 90)], [line('synced')]).map((l) => l.line.kind)).toEqual(['synced']);
    expect(changedLines([], [line('synced')]).length).toBe(1);
    // A failure whose reason became known is said again; the same failure is not.
    const failed = (reason: 'other' | 'http') => ({ id: 'lab', line: { kind: 'failed', reason } as const });
    expect(changedLines([failed('other')], [failed('http')]).length).toBe(1);
    expect(changedLines([failed('http')], [failed('http')]).length).toBe(0);
  });
});
