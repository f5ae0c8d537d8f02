/**
 * `FhirClient`: one per source. The only place in the kit that calls `fetch`.
 *
 * - FHIR JSON in and out (`Accept: application/fhir+json`), `Cache-Control: no-cache` on every
 *   request so no cache in between hands back an old search page.
 * - A time limit per attempt (`AbortSignal.timeout`) joined with the caller's signal; the caller's
 *   abort is never retried and never turned into a server error.
 * - Retries with exponential back-off and jitter for 5xx, network failures, bodies cut off
 *   half-way and timeouts; `Retry-After` honoured on 429/503 (seconds or HTTP-date), up to a cap.
 * - 401/403 stop at once with a typed error: retrying will not make a token valid.
 * - Content type and JSON are checked; a body that is not what it claims is an error with the
 *   URL in the message, never `undefined` passed along.
 */
import { SyncError, isAbort, redactUrl, serverText } from './errors.js';
import { DEFAULT_LIMITS, limitError } from './limits.js';
import { isUnderBase, resolveSourceLink } from './source-links.js';
import {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  isRetryableStatus,
  parseRetryAfter,
  sleep as realSleep,
  type RetryPolicy,
  type Sleep,
} from './retry.js';

export interface HttpOptions {
  /** Time limit for one attempt (headers and body), ms. Default 30 s. */
  timeoutMs?: number;
  /** Retry policy; partial values are merged with the defaults. */
  retry?: Partial<RetryPolicy>;
  /** Injected wait (tests pass one that records the delay and returns at once). */
  sleep?: Sleep;
  /** Injected randomness for jitter. */
  random?: () => number;
  /** Clock used only to read an HTTP-date `Retry-After` when the response has no `Date`. */
  now?: () => number;
  /**
   * Largest response body read, bytes (default 50 MB, `SyncLimits.maxResponseBytes`). Counted
   * while the body streams in: past it the rest is not read (the stream is cancelled) and the
   * request fails with `limit-exceeded`, not retried.
   */
  maxResponseBytes?: number;
}

export interface FhirResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON body; undefined when the server sent none (e.g. 204, or 201 without a body). */
  body: T | undefined;
  /** Final URL asked. */
  url: string;
  /** The response `Date` header as an ISO instant, when present and readable: the server's clock. */
  serverTime?: string;
}

export interface RequestOptions {
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: unknown;
  /** Form-encoded body (`application/x-www-form-urlencoded`), e.g. for `POST [type]/_search`. */
  form?: URLSearchParams;
  signal?: AbortSignal;
  /**
   * Statuses handed back to the caller instead of thrown (e.g. 404/410 for a read, 412 for an
   * update). 2xx are always handed back.
   */
  accept?: number[];
  /** Override the retry count for this request (e.g. 0 for a request that must not repeat). */
  retries?: number;
}

const JSON_TYPES = /^application\/(fhir\+)?json\b/i;

/** Called after each attempt; used by tests and by progress to count retries. */
export type AttemptListener = (info: { url: string; method: string; attempt: number; status?: number; error?: string; waitMs?: number }) => void;

export class FhirClient {
  readonly source: string;
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly maxResponseBytes: number;
  onAttempt?: AttemptListener;

  constructor(source: string, baseUrl: string, fetchImpl?: typeof fetch, options: HttpOptions = {}) {
    this.source = source;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    // Bind so that a global fetch is not called with the client as `this` (browsers refuse that).
    const f = fetchImpl ?? globalThis.fetch;
    this.fetchImpl = (input, init) => f(input, init);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_LIMITS.maxResponseBytes;
  }

  /**
   * Resolves a path relative to the base (`Observation?patient=...`), or checks that an absolute
   * URL (a server's `next` link) stays on the base's origin. Absolute URLs are used exactly as
   * given: paging links are never rebuilt.
   */
  resolve(pathOrUrl: string): string {
    const resolved = resolveSourceLink(this.baseUrl, pathOrUrl);
    if (resolved !== undefined) return resolved;
    const target = URL.canParse(pathOrUrl) ? redactUrl(new URL(pathOrUrl).href) : 'an unreadable URL';
    throw new SyncError(
      'foreign-link',
      `${this.source}: the server linked to ${target}, which is not under its base URL ` +
        `(${this.baseUrl}); not following it, so credentials are not sent elsewhere.`,
      { source: this.source, url: pathOrUrl },
    );
  }

  /** The error for a redirect answer, saying where it pointed (without a query) when readable. */
  private redirectError(response: Response, method: string, url: string): SyncError {
    const location = response.headers.get('location');
    let where = 'a location the browser does not reveal';
    if (location && URL.canParse(location, url)) {
      const target = new URL(location, url).href;
      where = `${redactUrl(target)}${isUnderBase(this.baseUrl, target) ? '' : `, which is not under the base URL ${this.baseUrl}`}`;
    }
    return new SyncError(
      'redirect',
      `${this.source}: the server redirected ${method} ${url} to ${where}; redirects are not followed ` +
        '(configure the source with the final base URL).',
      { status: response.status || undefined, source: this.source, url },
    );
  }

  /** GET expecting JSON. */
  get<T = unknown>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<FhirResponse<T>> {
    return this.request<T>(path, { ...options, method: 'GET' });
  }

  async request<T = unknown>(path: string, options: RequestOptions = {}): Promise<FhirResponse<T>> {
    const url = this.resolve(path);
    const method = options.method ?? 'GET';
    const headers: Record<string, string> = {
      accept: 'application/fhir+json',
      'cache-control': 'no-cache',
      ...lowerKeys(options.headers ?? {}),
    };
    let payload: string | undefined;
    if (options.form !== undefined) {
      payload = options.form.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/fhir+json';
    }
    const retries = options.retries ?? this.policy.retries;
    const signal = options.signal;

    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw aborted(this.source, url);
      let failure: SyncError;
      let waitMs: number | undefined;
      try {
        const response = await this.attempt<T>(url, method, headers, payload, signal, options.accept ?? []);
        this.onAttempt?.({ url, method, attempt, status: response.status });
        return response;
      } catch (error) {
        if (isAbort(error, signal)) throw aborted(this.source, url);
        failure = error instanceof SyncError ? error : networkError(this.source, url, error);
        const retryable = isRetryable(failure);
        if (!retryable || attempt >= retries) {
          this.onAttempt?.({ url, method, attempt, status: failure.status, error: failure.message });
          throw failure;
        }
        const retryAfter = (failure as SyncError & { retryAfterMs?: number }).retryAfterMs;
        if (retryAfter !== undefined) {
          if (retryAfter > this.policy.maxRetryAfterMs) {
            throw new SyncError(
              'throttled',
              `${this.source}: the server asked to wait ${Math.round(retryAfter / 1000)} s before retrying ` +
                `(limit ${Math.round(this.policy.maxRetryAfterMs / 1000)} s): ${url}`,
              { status: failure.status, source: this.source, url },
            );
          }
          waitMs = retryAfter;
        } else {
          waitMs = backoffDelay(attempt, this.policy, this.random);
        }
        this.onAttempt?.({ url, method, attempt, status: failure.status, error: failure.message, waitMs });
      }
      try {
        await this.sleep(waitMs, signal);
      } catch (error) {
        if (isAbort(error, signal)) throw aborted(this.source, url);
        throw error;
      }
    }
  }

  /** One attempt: fetch, read the whole body, check it. Throws `SyncError` on any failure. */
  private async attempt<T>(
    url: string,
    method: string,
    headers: Record<string, string>,
    payload: string | undefined,
    callerSignal: AbortSignal | undefined,
    accept: number[],
  ): Promise<FhirResponse<T>> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      // Redirects are not followed: one could lead away from the source's base with its credentials.
      response = await this.fetchImpl(url, { method, headers, body: payload, signal, cache: 'no-store', redirect: 'manual' });
      if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400 && response.status !== 304)) {
        await response.body?.cancel().catch(() => undefined);
        throw this.redirectError(response, method, url);
      }
      // The time limit covers the body too: a server that stalls mid-body is as stuck as one
      // that never answers.
      text = await readText(response, this.maxResponseBytes, () =>
        limitError(
          this.source,
          'maxResponseBytes',
          `${this.source}: the answer is larger than ${this.maxResponseBytes} bytes (limit maxResponseBytes); stopped reading it: ${method} ${url}`,
          url,
        ),
      );
    } catch (error) {
      if (callerSignal?.aborted) throw error;
      if (error instanceof SyncError) throw error;
      if (timeout.aborted) {
        throw new SyncError('timeout', `${this.source}: no complete answer within ${this.timeoutMs} ms: ${method} ${url}`, {
          source: this.source,
          url,
          cause: error,
        });
      }
      throw networkError(this.source, url, error);
    }

    const status = response.status;
    const dateHeader = response.headers.get('date');
    const serverTime = toIso(dateHeader);
    const ok = (status >= 200 && status < 300) || accept.includes(status);

    if (!ok) {
      const detail = outcomeText(text);
      const where = `${method} ${url}`;
      if (status === 401) {
        throw new SyncError('unauthorized', `${this.source}: not signed in or the access token expired (401): ${where}${detail}`, {
          status, source: this.source, url,
        });
      }
      if (status === 403) {
        throw new SyncError('forbidden', `${this.source}: access denied (403): ${where}${detail}`, { status, source: this.source, url });
      }
      const error = new SyncError(
        status === 429 || status === 503 ? 'throttled' : 'http',
        `${this.source}: the server answered ${status}${response.statusText ? ` ${serverText(response.statusText, 60)}` : ''}: ${where}${detail}`,
        { status, source: this.source, url },
      ) as SyncError & { retryAfterMs?: number };
      if (status === 429 || status === 503) {
        const ms = parseRetryAfter(response.headers.get('retry-after'), dateHeader, this.now);
        if (ms !== undefined) error.retryAfterMs = ms;
      }
      throw error;
    }

    if (text.trim() === '') {
      return { status, headers: response.headers, body: undefined, url, serverTime };
    }
    const type = response.headers.get('content-type') ?? '';
    if (!JSON_TYPES.test(type)) {
      throw new SyncError(
        'content-type',
        `${this.source}: expected FHIR JSON but the server sent ${type ? serverText(type, 80) : 'no content type'} ` +
          `(${text.length} bytes starting ${serverText(text.slice(0, 40))}): ${method} ${url}`,
        { status, source: this.source, url },
      );
    }
    let body: T;
    try {
      body = JSON.parse(text) as T;
    } catch (error) {
      throw new SyncError(
        'malformed',
        // The parser's message quotes the body, so it is server text too.
        `${this.source}: the server's answer is not valid JSON (${serverText((error as Error).message, 120)}): ${method} ${url}`,
        { status, source: this.source, url, cause: error },
      );
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new SyncError('malformed', `${this.source}: the server's answer is not a FHIR resource: ${method} ${url}`, {
        status, source: this.source, url,
      });
    }
    return { status, headers: response.headers, body, url, serverTime };
  }
}

/**
 * The body as text, read chunk by chunk and given up (stream cancelled) as soon as it passes
 * `max` bytes, or at once when `Content-Length` already says so.
 */
async function readText(response: Response, max: number, tooLarge: () => SyncError): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return response.text();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

function isRetryable(error: SyncError): boolean {
  if (error.code === 'network' || error.code === 'timeout') return true;
  if (error.status !== undefined && (error.code === 'http' || error.code === 'throttled')) return isRetryableStatus(error.status);
  return false;
}

function networkError(source: string, url: string, error: unknown): SyncError {
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const why = cause?.code ?? cause?.message;
  return new SyncError('network', `${source}: could not reach the server or the answer was cut off (${message}${why ? `: ${why}` : ''}): ${url}`, {
    source,
    url,
    cause: error,
  });
}

function aborted(source: string, url: string): SyncError {
  return new SyncError('aborted', `${source}: sync was aborted.`, { source, url });
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** `"Sat, 22 Nov 2025 10:00:05 GMT"` → `"2025-11-22T10:00:05.000Z"`; undefined if unreadable. */
export function toIso(httpDate: string | null | undefined): string | undefined {
  if (!httpDate) return undefined;
  const ms = Date.parse(httpDate);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The first diagnostics/details text of an OperationOutcome body, prefixed for a message. */
function outcomeText(text: string): string {
  if (!text) return '';
  try {
    const body = JSON.parse(text) as { resourceType?: string; issue?: Array<{ diagnostics?: string; details?: { text?: string } }> };
    if (body?.resourceType === 'OperationOutcome') {
      const msg = body.issue?.map((i) => i.details?.text ?? i.diagnostics).filter(Boolean).join('; ');
      if (msg) return ` — the server says ${serverText(msg)}`;
    }
  } catch {
    /* not JSON: nothing to add */
  }
  return '';
}
