/**
 * Errors raised by the record store. Every public method of `LocalRecordStore` rejects with a
 * `StoreError` (never a raw Dexie or DOM error), so callers can branch on `code`.
 */

/** Machine-readable reason carried by every {@link StoreError}. */
export type StoreErrorCode =
  /** The browser refused to store more data. The transaction was rolled back as a whole. */
  | 'quota-exceeded'
  /** `purge()` would drop local writes not yet uploaded; pass `{ force: true }` to drop them. */
  | 'unsent-writes'
  /** Not a FHIR resource we can store: missing/odd `resourceType`, malformed `id`, wrong shape. */
  | 'invalid-resource'
  /** A source definition is unusable (bad id, base URL not absolute http(s)). */
  | 'invalid-source'
  /** A query or argument is malformed (e.g. a patient key that is not `<source>/Patient/<id>`). */
  | 'invalid-argument'
  /** The operation does not fit the current state (e.g. resolving an already resolved conflict). */
  | 'invalid-state'
  /** The store was closed with `close()`. */
  | 'closed'
  /** A source, outbox entry or conflict that the call refers to does not exist. */
  | 'not-found'
  /** IndexedDB refused to open the database at our version (Dexie 4 usually copes on its own). */
  | 'version-too-new'
  /** Any other IndexedDB failure; `cause` holds the original error. */
  | 'storage-failed';

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** Depth-first walk over an error and whatever it wraps (Dexie's `inner`, `failures`, `cause`). */
function* errorChain(error: unknown, depth = 0): Generator<unknown> {
  if (error == null || depth > 6) return;
  yield error;
  if (typeof error !== 'object') return;
  const e = error as { inner?: unknown; cause?: unknown; failures?: unknown };
  if (e.inner) yield* errorChain(e.inner, depth + 1);
  if (e.cause) yield* errorChain(e.cause, depth + 1);
  if (Array.isArray(e.failures)) for (const f of e.failures) yield* errorChain(f, depth + 1);
}

function hasName(error: unknown, ...names: string[]): boolean {
  for (const e of errorChain(error)) {
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string' && names.includes(name)) return true;
    // Legacy DOMException code for quota errors (22) as some engines still report it.
    if (names.includes('QuotaExceededError') && (e as { code?: unknown }).code === 22) return true;
  }
  return false;
}

/**
 * Turns whatever IndexedDB/Dexie threw into a `StoreError`. A quota failure is recognised wherever
 * it sits: thrown by a request, reported as the reason a transaction aborted (Dexie's
 * `AbortError` with the quota error as `inner`), or inside a bulk operation's failures.
 */
export function toStoreError(error: unknown, what: string): StoreError {
  if (error instanceof StoreError) return error;
  if (hasName(error, 'QuotaExceededError')) {
    return new StoreError(
      'quota-exceeded',
      `${what}: the browser's storage quota for this site is used up, so nothing from this ` +
        'operation was saved (data stored earlier is unchanged). Free space, e.g. purge patients ' +
        'no longer needed, and try again.',
      { cause: error },
    );
  }
  if (hasName(error, 'DatabaseClosedError')) {
    return new StoreError('closed', `${what}: the record store is closed.`, { cause: error });
  }
  if (hasName(error, 'VersionError')) {
    return new StoreError(
      'version-too-new',
      `${what}: the local database was created by a newer version of ehr-elements; ` +
        'reload the page to get the newer code.',
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError('storage-failed', `${what}: ${message}`, { cause: error });
}
