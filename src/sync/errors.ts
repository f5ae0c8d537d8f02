/**
 * Errors raised while talking to a FHIR server. Every failure the sync engine reports carries a
 * `code` a host can branch on, the HTTP status when there was one, and the source it concerns.
 */

export type SyncErrorCode =
  /** The server answered 401: the access token is missing or expired. Not retried. */
  | 'unauthorized'
  /** The server answered 403: the user may not see this. Not retried. */
  | 'forbidden'
  /** 429/503 kept coming back, or asked us to wait longer than we are willing to. */
  | 'throttled'
  /** No usable answer: connection refused, reset, or the body stopped half-way. */
  | 'network'
  /** The server did not answer within the time limit. */
  | 'timeout'
  /** Any other non-2xx status (after retries, for 5xx). */
  | 'http'
  /** The body is not JSON, or is JSON but not what FHIR says it should be. */
  | 'malformed'
  /** The answer is not `application/fhir+json` / `application/json`. */
  | 'content-type'
  /** A search answered with something other than a Bundle. */
  | 'not-bundle'
  /** One entry of an otherwise good page was unusable (no resourceType or id); it was skipped. */
  | 'invalid-entry'
  /** A `next` link pointed away from the source's base URL; we do not send credentials elsewhere. */
  | 'foreign-link'
  /** The server answered with a redirect; not followed (it could lead away from the source). */
  | 'redirect'
  /** The source's base URL is plain http to another machine and `allowInsecure` was not given. */
  | 'insecure-transport'
  /** A limit of `SyncLimits` was hit (`limit` names it); the source stopped there. */
  | 'limit-exceeded'
  /**
   * The server's paging links for one listing kept expiring (410/404: its result set was dropped),
   * also after the listing was started again a few times. What was read before is kept.
   */
  | 'paging-expired'
  /** The caller aborted the sync. */
  | 'aborted'
  /** The source is not known to the store, or a patient key is malformed. */
  | 'invalid-argument'
  /** The local store failed while applying a page. */
  | 'store'
  /** Anything else. */
  | 'internal';

/** C0/C1 controls and the Unicode direction controls (LRM/RLM/ALM, embeddings, overrides, isolates). */
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Longest message a `SyncError` carries (and so `lastError`). */
export const MAX_MESSAGE_LENGTH = 1000;
/** Longest piece of server-chosen text quoted in a message. */
export const MAX_SERVER_TEXT = 200;

/**
 * A URL as it may appear in a message: scheme, host and path; a query string or fragment (which
 * can carry identifiers, e.g. `identifier=…|<SSN>`, or a server's tokens) becomes `?…`.
 */
export function redactUrl(url: string): string {
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : `${url.slice(0, cut)}?…`;
}

/**
 * Server-chosen text (an OperationOutcome's diagnostics, a status text, a content type, the start
 * of a body) made safe to put in a message: controls and direction controls dropped, whitespace
 * runs folded, cut to {@link MAX_SERVER_TEXT} characters, and quoted as a JSON string so it cannot
 * pass for our own words.
 */
export function serverText(text: string, max = MAX_SERVER_TEXT): string {
  const clean = String(text).replace(/\s+/g, ' ').replace(UNSAFE_CHARS, '').trim();
  return JSON.stringify(clean.length > max ? `${clean.slice(0, max)}…` : clean);
}

/**
 * What every `SyncError` message (and so every `lastError`) goes through: query strings and
 * fragments of absolute URLs replaced by `?…`, controls and direction controls dropped, cut to
 * {@link MAX_MESSAGE_LENGTH} characters.
 */
export function sanitizeMessage(message: string): string {
  const out = String(message)
    .replace(UNSAFE_CHARS, (c) => (c === '\n' || c === '\r' || c === '\t' ? ' ' : ''))
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => {
      // A URL at the end of a parenthesis or sentence keeps its closing punctuation.
      const tail = /[).,;:]+$/.exec(url)?.[0] ?? '';
      const body = tail ? url.slice(0, -tail.length) : url;
      return redactUrl(body) + tail;
    });
  return out.length > MAX_MESSAGE_LENGTH ? `${out.slice(0, MAX_MESSAGE_LENGTH)}…` : out;
}

export class SyncError extends Error {
  readonly code: SyncErrorCode;
  readonly status?: number;
  readonly source?: string;
  readonly url?: string;
  /** For `limit-exceeded`: which limit (`maxResponseBytes`, `maxPages`, ...). */
  readonly limit?: string;

  constructor(
    code: SyncErrorCode,
    message: string,
    options: { status?: number; source?: string; url?: string; cause?: unknown; limit?: string } = {},
  ) {
    super(sanitizeMessage(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SyncError';
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
    if (options.source !== undefined) this.source = options.source;
    if (options.url !== undefined) this.url = options.url;
    if (options.limit !== undefined) this.limit = options.limit;
  }
}

/** True when `error` is the caller's own abort (never retried, never reported as a failure of the server). */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (error instanceof SyncError) return error.code === 'aborted';
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}

/** Normalises anything thrown into a `SyncError`, keeping the original as `cause`. */
export function toSyncError(error: unknown, source?: string): SyncError {
  if (error instanceof SyncError) {
    if (source && !error.source) {
      return new SyncError(error.code, error.message, {
        status: error.status,
        source,
        url: error.url,
        cause: error.cause,
        limit: error.limit,
      });
    }
    return error;
  }
  const name = (error as { name?: unknown } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'AbortError') return new SyncError('aborted', 'Sync was aborted.', { source, cause: error });
  if (name === 'StoreError') {
    return new SyncError('store', `Local store failed: ${message}`, { source, cause: error });
  }
  return new SyncError('internal', message, { source, cause: error });
}
