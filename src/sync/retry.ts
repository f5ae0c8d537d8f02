/**
 * Retry policy: how many times, how long to wait, and how to read a server's `Retry-After`.
 * Pure functions plus an abortable `sleep`; the HTTP client takes all of them as options so tests
 * can run without real waiting.
 */

export interface RetryPolicy {
  /** Extra attempts after the first one, for 5xx, 429/503, network errors and timeouts. */
  retries: number;
  /** First back-off delay in ms; doubles each attempt. */
  baseDelayMs: number;
  /** Largest back-off delay in ms. */
  maxDelayMs: number;
  /**
   * Longest `Retry-After` we honour, in ms. A server asking for more is reported as `throttled`
   * instead of keeping the sync hanging.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** Waits `ms`, or rejects with an `AbortError` as soon as `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function abortReason(signal: AbortSignal): unknown {
  const r = signal.reason;
  if (r && typeof r === 'object' && (r as { name?: unknown }).name === 'AbortError') return r;
  return new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * Exponential back-off with "full jitter": a random delay between half and all of
 * `base * 2^attempt`, capped. Jitter keeps many tabs or devices from retrying in lock-step.
 * `attempt` counts from 0 (the wait before the first retry).
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}

/**
 * Reads a `Retry-After` header: either delay-seconds (`"120"`) or an HTTP-date. A date is measured
 * against the response's own `Date` header when there is one (both are the server's clock, so the
 * browser's clock, which may be wrong, does not enter); otherwise against `now`.
 * Returns milliseconds (≥ 0), or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  responseDate?: string | null,
  now: () => number = Date.now,
): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  const reference = responseDate ? Date.parse(responseDate) : NaN;
  const from = Number.isNaN(reference) ? now() : reference;
  return Math.max(0, at - from);
}

/** Statuses worth another try: the server or something in between had a bad moment. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}
