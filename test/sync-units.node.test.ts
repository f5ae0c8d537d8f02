/**
 * The pure parts of sync, without a server: Retry-After and back-off, capability detection,
 * page validation, history deletes, checkpoints, progress, upload squashing, the HTTP client's
 * behaviour on a scripted fetch, and the in-process lock.
 */
import { describe, expect, test } from 'vitest';
import { readBundlePage, parseEtag, parseRef, type HistoryEvent } from '../src/sync/bundle.js';
import { HistoryFold } from '../src/sync/history.js';

/** `Type/id` of the resources whose latest change in `events` is a delete (the engine's history fold). */
function deletedIn(events: HistoryEvent[], keys: string[]): string[] {
  const fold = new HistoryFold();
  for (const e of events) fold.add(e);
  return keys.filter((k) => fold.get(k.split('/')[0]!, k.split('/')[1]!)?.method === 'DELETE');
}
import { parseCapabilities, supportsSearchParam, unknownCapabilities } from '../src/sync/capabilities.js';
import { checkpointKey, serverTimeOf, sinceValue } from '../src/sync/checkpoint.js';
import { FhirClient, toIso } from '../src/sync/http.js';
import { withLock } from '../src/sync/locks.js';
import { ProgressTracker, type SyncProgress } from '../src/sync/progress.js';
import { DEFAULT_RETRY_POLICY, backoffDelay, parseRetryAfter } from '../src/sync/retry.js';
import { sameContent, squashable } from '../src/sync/upload.js';
import { SyncError } from '../src/sync/errors.js';
import type { OutboxEntry } from '../src/store/index.js';

describe('Retry-After and back-off', () => {
  test('Retry-After in seconds', () => {
    expect(parseRetryAfter('1')).toBe(1000);
    expect(parseRetryAfter(' 120 ')).toBe(120_000);
    expect(parseRetryAfter('0')).toBe(0);
  });

  test('Retry-After as an HTTP date is measured against the response Date, not the local clock', () => {
    const localClockIsWrong = () => Date.parse('1999-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', 'Wed, 21 Oct 2026 07:28:00 GMT', localClockIsWrong)).toBe(30_000);
    // Without a Date header, the clock is all there is.
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', null, () => Date.parse('2026-10-21T07:28:20Z'))).toBe(10_000);
    // A date in the past means "now".
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', 'Wed, 21 Oct 2026 07:29:00 GMT')).toBe(0);
  });

  test('missing or unreadable Retry-After is undefined', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  test('back-off doubles, is jittered between half and all, and is capped', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
    expect(backoffDelay(2, policy, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
    expect(backoffDelay(10, policy, () => 0)).toBe(500);
  });
});

describe('capabilities', () => {
  const statement = {
    resourceType: 'CapabilityStatement',
    fhirVersion: '4.0.1',
    rest: [
      {
        mode: 'server',
        interaction: [{ code: 'history-system' }, { code: 'transaction' }],
        resource: [
          {
            type: 'Patient',
            interaction: [{ code: 'read' }, { code: 'search-type' }, { code: 'history-type' }, { code: 'update' }],
            versioning: 'versioned-update',
            updateCreate: true,
            conditionalCreate: true,
            searchParam: [{ name: 'identifier' }, { name: '_lastUpdated' }],
            operation: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }],
          },
          { type: 'Observation', interaction: [{ code: 'search-type' }], versioning: 'versioned', searchParam: [{ name: 'patient' }] },
        ],
      },
    ],
  };

  test('reads what the server says it supports', () => {
    const caps = parseCapabilities(statement);
    expect(caps.known).toBe(true);
    expect(caps.everything).toBe(true);
    expect(caps.systemHistory).toBe(true);
    expect(caps.typeHistory.has('Patient')).toBe(true);
    expect(caps.typeHistory.has('Observation')).toBe(false);
    expect(caps.versionedUpdate.has('Patient')).toBe(true);
    expect(caps.versionedUpdate.has('Observation')).toBe(false);
    expect(caps.updateCreate.has('Patient')).toBe(true);
    expect(caps.conditionalCreate.has('Patient')).toBe(true);
    expect(supportsSearchParam(caps, 'Observation', 'patient')).toBe(true);
    expect(supportsSearchParam(caps, 'Observation', 'subject')).toBe(false);
  });

  test('without $everything, history or versioned-update nothing is assumed', () => {
    const plain = structuredClone(statement) as any;
    plain.rest[0].interaction = [];
    plain.rest[0].resource[0].operation = [];
    plain.rest[0].resource[0].interaction = [{ code: 'search-type' }];
    plain.rest[0].resource[0].versioning = 'no-version';
    const caps = parseCapabilities(plain);
    expect(caps.everything).toBe(false);
    expect(caps.systemHistory).toBe(false);
    expect(caps.typeHistory.size).toBe(0);
    expect(caps.versionedUpdate.size).toBe(0);
  });

  test('anything that is not a CapabilityStatement gives the safest assumptions', () => {
    for (const body of [undefined, null, {}, { resourceType: 'OperationOutcome' }, { resourceType: 'CapabilityStatement' }]) {
      expect(parseCapabilities(body)).toEqual(unknownCapabilities());
    }
  });
});

describe('bundle pages', () => {
  const where = { source: 'clinic', url: 'http://x/fhir/Observation' };

  test('a page that is not a Bundle is an error naming what came instead', () => {
    expect(() => readBundlePage({ resourceType: 'Patient', id: 'p' }, where)).toThrow(/expected a Bundle but got Patient/);
    try {
      readBundlePage({ resourceType: 'OperationOutcome', issue: [{ diagnostics: 'too costly' }] }, where);
      expect.unreachable();
    } catch (e) {
      expect((e as SyncError).code).toBe('not-bundle');
      expect((e as SyncError).message).toMatch(/too costly/);
    }
  });

  test('an entry without id is reported and skipped; the rest of the page is kept', () => {
    const page = readBundlePage(
      {
        resourceType: 'Bundle',
        type: 'searchset',
        total: 3,
        link: [{ relation: 'next', url: 'http://x/fhir/Observation?_snapshot=a&_offset=3' }],
        entry: [
          { resource: { resourceType: 'Observation', id: 'a' } },
          { fullUrl: 'urn:uuid:1', resource: { resourceType: 'Observation' } },
          { resource: { id: 'c' } },
          { resource: { resourceType: 'Observation', id: 'bad id!' } },
          { search: { mode: 'outcome' }, resource: { resourceType: 'OperationOutcome' } },
          { resource: { resourceType: 'Observation', id: 'd' } },
        ],
      },
      where,
    );
    expect(page.resources.map((r) => r.id)).toEqual(['a', 'd']);
    expect(page.problems.map((p) => p.index)).toEqual([1, 2, 3]);
    expect(page.problems[0]!.message).toMatch(/Observation without an id/);
    // The next link is taken exactly as given.
    expect(page.next).toBe('http://x/fhir/Observation?_snapshot=a&_offset=3');
    expect(page.total).toBe(3);
    expect(page.entryCount).toBe(6);
  });

  test('history: deletes and versions; the latest event per resource decides', () => {
    const page = readBundlePage(
      {
        resourceType: 'Bundle',
        type: 'history',
        entry: [
          { resource: { resourceType: 'AllergyIntolerance', id: 'a1', meta: { versionId: 'v1', lastUpdated: '2025-01-01T00:00:01Z' } }, request: { method: 'POST', url: 'AllergyIntolerance' } },
          { request: { method: 'DELETE', url: 'AllergyIntolerance/a1' }, response: { status: '410', etag: 'W/"v2"', lastModified: '2025-01-01T00:00:02Z' } },
          { request: { method: 'DELETE', url: 'Observation/o1' }, response: { status: '410', lastModified: '2025-01-01T00:00:03Z' } },
          { resource: { resourceType: 'Observation', id: 'o1', meta: { versionId: 'v9', lastUpdated: '2025-01-01T00:00:04Z' } }, request: { method: 'PUT', url: 'Observation/o1' } },
          { request: { method: 'DELETE' } },
        ],
      },
      where,
    );
    expect(page.history).toHaveLength(4);
    expect(page.problems).toHaveLength(1);
    const keys = ['AllergyIntolerance/a1', 'Observation/o1'];
    expect(deletedIn(page.history, keys)).toEqual(['AllergyIntolerance/a1']); // o1 came back after its delete
    const fold = new HistoryFold();
    for (const e of page.history) fold.add(e);
    expect(fold.get('AllergyIntolerance', 'a1')).toMatchObject({ method: 'DELETE', versionId: 'v2', at: '2025-01-01T00:00:02Z' });
    // Newest-first listings give the same answer.
    expect(deletedIn([...page.history].reverse(), keys)).toEqual(['AllergyIntolerance/a1']);
  });

  test('a delete whose time is missing or equal to the write before it is found in both listing orders', () => {
    const del = (lastModified?: string) => ({
      request: { method: 'DELETE', url: 'Observation/1' },
      response: { status: '204', ...(lastModified ? { lastModified } : {}) },
    });
    const put = (lastUpdated?: string) => ({
      request: { method: 'PUT', url: 'Observation/1' },
      response: { status: '200' },
      resource: { resourceType: 'Observation', id: '1', meta: { versionId: '2', ...(lastUpdated ? { lastUpdated } : {}) } },
    });
    const t = '2024-01-01T00:00:00Z';
    const cases = {
      'newest-first, delete without a time': [del(), put(t)],
      'newest-first, equal times': [del(t), put(t)],
      'newest-first, no times at all': [del(), put()],
      'oldest-first, delete without a time': [put(t), del()],
      'oldest-first, equal times': [put(t), del(t)],
      'oldest-first, no times at all': [put(), del()],
    };
    for (const [name, entry] of Object.entries(cases)) {
      const page = readBundlePage({ resourceType: 'Bundle', type: 'history', entry }, { source: 'c', url: 'x' });
      expect(page.history, name).toHaveLength(2);
      expect(deletedIn(page.history, ['Observation/1']), name).toEqual(['Observation/1']);
    }
    // With distinct times the later event wins whatever the order.
    const recreated = [del('2024-01-01T00:00:00Z'), put('2024-01-01T00:00:05Z')];
    for (const entry of [recreated, [...recreated].reverse()]) {
      const page = readBundlePage({ resourceType: 'Bundle', type: 'history', entry }, { source: 'c', url: 'x' });
      expect(deletedIn(page.history, ['Observation/1'])).toEqual([]);
    }
  });

  test('etags and references', () => {
    expect(parseEtag('W/"3f2a"')).toBe('3f2a');
    expect(parseEtag('"7"')).toBe('7');
    expect(parseRef('http://x/fhir/Observation/1/_history/2')).toEqual({ type: 'Observation', id: '1' });
    expect(parseRef('Patient/abc')).toEqual({ type: 'Patient', id: 'abc' });
    expect(parseRef('nothing')).toBeUndefined();
  });
});

describe('checkpoints', () => {
  test('the checkpoint is the server time: Date header first, then Bundle.meta.lastUpdated, never the local clock', () => {
    expect(serverTimeOf({ serverTime: '2025-03-01T10:00:05.000Z' }, '2025-03-01T10:00:09.123Z')).toBe('2025-03-01T10:00:05.000Z');
    expect(serverTimeOf({}, '2025-03-01T10:00:09.123+00:00')).toBe('2025-03-01T10:00:09.123Z');
    expect(serverTimeOf({}, undefined)).toBeUndefined();
    expect(toIso('Sat, 01 Mar 2025 10:00:05 GMT')).toBe('2025-03-01T10:00:05.000Z');
  });

  test('the next query starts an overlap before the checkpoint', () => {
    expect(sinceValue('2025-03-01T10:00:05.000Z', 2000)).toBe('2025-03-01T10:00:03.000Z');
    expect(sinceValue('not a time')).toBeUndefined();
    expect(checkpointKey('123', 'type:Observation')).toBe('patient:123:type:Observation');
  });
});

describe('progress', () => {
  test('done never exceeds total; totals are estimates until the last page', () => {
    const events: SyncProgress[] = [];
    const t = new ProgressTracker('clinic', (p) => events.push(p));
    t.start('download', 2);
    const q = t.query();
    q.page(50, true, 60); // server said 60
    q.page(50, true, 60); // but there are more than 60
    q.page(5, false);
    const q2 = t.query();
    q2.page(10, true); // unknown size
    q2.page(10, false);
    t.finish();
    for (const e of events) {
      expect(e.done).toBeLessThanOrEqual(e.total);
      if (e.total > 0) expect(e.done / e.total).toBeLessThanOrEqual(1);
    }
    // Estimated until the last page of the last planned query has arrived; exact from then on.
    const lastPage = events.findIndex((e) => e.done === 125);
    expect(events.slice(0, lastPage).every((e) => e.estimated)).toBe(true);
    expect(events.slice(lastPage).every((e) => !e.estimated)).toBe(true);
    expect(events.at(-1)).toMatchObject({ phase: 'done', done: 125, total: 125, estimated: false });
    expect(events.some((e) => e.clamped)).toBe(true);
  });
});

describe('upload helpers', () => {
  const entry = (seq: number, id: string, operation: OutboxEntry['operation']): OutboxEntry => ({
    seq,
    source: 'clinic',
    type: 'Consent',
    id,
    operation,
    body: operation === 'delete' ? null : ({ resourceType: 'Consent', id } as never),
    status: 'pending',
    attempts: 0,
    createdAt: 0,
  });

  test('only adjacent writes of one resource are squashed, and never past a delete', () => {
    expect(squashable([entry(1, 'a', 'create'), entry(2, 'a', 'update'), entry(3, 'b', 'create'), entry(4, 'a', 'update')]).map((e) => e.seq)).toEqual([1, 2]);
    expect(squashable([entry(1, 'a', 'update'), entry(2, 'a', 'delete'), entry(3, 'a', 'create')]).map((e) => e.seq)).toEqual([1, 2]);
  });

  test('same content ignores meta', () => {
    const a = { resourceType: 'Consent', id: 'x', status: 'active', meta: { versionId: '1' } } as never;
    const b = { status: 'active', id: 'x', resourceType: 'Consent' } as never;
    expect(sameContent(a, b)).toBe(true);
    expect(sameContent(a, { ...(b as object), status: 'inactive' } as never)).toBe(false);
  });
});

describe('FhirClient on a scripted fetch', () => {
  type Step = { status?: number; body?: unknown; text?: string; headers?: Record<string, string>; throws?: unknown; hang?: boolean };
  function scripted(steps: Step[]) {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const step = steps.shift() ?? { status: 200, body: { resourceType: 'Bundle', type: 'searchset' } };
      if (step.hang) {
        return new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
      }
      if (step.throws) throw step.throws;
      const text = step.text ?? JSON.stringify(step.body ?? {});
      return new Response(text, {
        status: step.status ?? 200,
        headers: { 'content-type': 'application/fhir+json', date: 'Sat, 01 Mar 2025 10:00:05 GMT', ...step.headers },
      });
    }) as unknown as typeof fetch;
    return { calls, fetchImpl };
  }
  const sleeps: number[] = [];
  const options = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 1, retry: { retries: 3, baseDelayMs: 100 } };

  test('sends FHIR JSON headers and no-cache, and reports the server time', async () => {
    const { calls, fetchImpl } = scripted([{ body: { resourceType: 'Bundle' } }]);
    const client = new FhirClient('clinic', 'http://x/fhir/', fetchImpl, options);
    const r = await client.get('Observation?patient=Patient/1');
    expect(calls[0]!.url).toBe('http://x/fhir/Observation?patient=Patient/1');
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(headers.accept).toBe('application/fhir+json');
    expect(headers['cache-control']).toBe('no-cache');
    expect(r.serverTime).toBe('2025-03-01T10:00:05.000Z');
  });

  test('5xx and cut-off answers are retried with back-off', async () => {
    sleeps.length = 0;
    const { calls, fetchImpl } = scripted([{ status: 500 }, { throws: new TypeError('terminated') }, { body: { resourceType: 'Bundle' } }]);
    const r = await new FhirClient('clinic', 'http://x/fhir', fetchImpl, options).get('Patient');
    expect(r.status).toBe(200);
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
  });

  test('429 waits as long as Retry-After says', async () => {
    sleeps.length = 0;
    const { fetchImpl } = scripted([{ status: 429, headers: { 'retry-after': '1' } }, { body: { resourceType: 'Bundle' } }]);
    await new FhirClient('clinic', 'http://x/fhir', fetchImpl, options).get('Patient');
    expect(sleeps).toEqual([1000]);
  });

  test('a Retry-After beyond the cap is reported instead of waited for', async () => {
    const { fetchImpl } = scripted([{ status: 503, headers: { 'retry-after': '3600' } }]);
    await expect(new FhirClient('clinic', 'http://x/fhir', fetchImpl, options).get('Patient')).rejects.toMatchObject({ code: 'throttled', status: 503 });
  });

  test('401 stops at once', async () => {
    const { calls, fetchImpl } = scripted([{ status: 401, body: { resourceType: 'OperationOutcome', issue: [{ diagnostics: 'token expired' }] } }]);
    await expect(new FhirClient('clinic', 'http://x/fhir', fetchImpl, options).get('Patient')).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    expect(calls).toHaveLength(1);
  });

  test('wrong content type and malformed JSON are clear errors, not retried', async () => {
    const html = scripted([{ text: '<html>login</html>', headers: { 'content-type': 'text/html' } }]);
    await expect(new FhirClient('c', 'http://x/fhir', html.fetchImpl, options).get('Patient')).rejects.toMatchObject({ code: 'content-type' });
    expect(html.calls).toHaveLength(1);
    const bad = scripted([{ text: '{"resourceType": "Bund' }]);
    await expect(new FhirClient('c', 'http://x/fhir', bad.fetchImpl, options).get('Patient')).rejects.toThrow(/not valid JSON/);
  });

  test('a request that takes too long times out (and is retried as a network failure)', async () => {
    const { calls, fetchImpl } = scripted([{ hang: true }, { hang: true }]);
    const client = new FhirClient('c', 'http://x/fhir', fetchImpl, { ...options, timeoutMs: 20, retry: { retries: 1 } });
    await expect(client.get('Patient')).rejects.toMatchObject({ code: 'timeout' });
    expect(calls).toHaveLength(2);
  });

  test("the caller's abort is never retried", async () => {
    const { calls, fetchImpl } = scripted([{ hang: true }]);
    const ac = new AbortController();
    const p = new FhirClient('c', 'http://x/fhir', fetchImpl, options).get('Patient', { signal: ac.signal });
    setTimeout(() => ac.abort(), 5);
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
    expect(calls).toHaveLength(1);
  });

  test('next links to another origin are refused', () => {
    const client = new FhirClient('c', 'http://x/fhir', scripted([]).fetchImpl, options);
    expect(() => client.resolve('http://evil.example/fhir/Patient?page=2')).toThrow(
      'c: the server linked to http://evil.example/fhir/Patient?…, which is not under its base URL (http://x/fhir); not following it, so credentials are not sent elsewhere.',
    );
    expect(client.resolve('http://x/fhir/Patient?_snapshot=1&_offset=2')).toBe('http://x/fhir/Patient?_snapshot=1&_offset=2');
  });
});

test('the in-process lock runs tasks of one name one after another', async () => {
  const order: string[] = [];
  const task = (name: string, ms: number) => async () => {
    order.push(`${name} start`);
    await new Promise((r) => setTimeout(r, ms));
    order.push(`${name} end`);
  };
  await Promise.all([withLock('l', task('a', 20)), withLock('l', task('b', 1)), withLock('other', task('c', 1))]);
  expect(order.indexOf('a end')).toBeLessThan(order.indexOf('b start'));
  expect(order.indexOf('c end')).toBeLessThan(order.indexOf('a end'));
});
