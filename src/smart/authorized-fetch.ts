/**
 * The `fetch` a SMART source syncs with: it adds the access token, refreshes it shortly before it
 * expires and once more when the server answers 401, with one refresh in flight however many
 * requests run at once. When no refresh is possible any more (no refresh token, or the server
 * refused it) the session needs a new sign-in: every later request answers 401 at once with an
 * OperationOutcome saying so, and the sync engine marks the source `unauthorized`.
 */

/** The part of a fhirclient `Client` this module uses. */
export interface TokenClient {
  state: { tokenResponse?: { access_token?: string; refresh_token?: string; scope?: string }; expiresAt?: number };
  /** Trades the refresh token for a new access token (fhirclient shares one task between callers). */
  refresh(): Promise<unknown>;
}

export interface AuthorizedFetchOptions {
  /** Refresh when the token expires within this many seconds. Default 30. */
  refreshAheadSeconds?: number;
  /** Called once when the session can no longer get tokens. */
  onSignInRequired?: (reason: string) => void;
  /** Called after every successful refresh. */
  onRefreshed?: () => void;
  /** The network `fetch` (default the global one). */
  fetch?: typeof fetch;
  /** Clock in seconds (tests). */
  now?: () => number;
}

/** A `fetch` with the session's token, plus what the session needs to know about it. */
export interface AuthorizedFetch {
  fetch: typeof fetch;
  /** True once the session needs a new sign-in. */
  readonly signInRequired: boolean;
  /** Makes every later request fail as unauthorized (sign-out). */
  revoke(reason: string): void;
}

function unauthorized(reason: string): Response {
  const outcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'login', diagnostics: reason }],
  };
  return new Response(JSON.stringify(outcome), { status: 401, headers: { 'content-type': 'application/fhir+json' } });
}

/** Builds the authorized `fetch` of one SMART client. */
export function authorizedFetch(client: TokenClient, options: AuthorizedFetchOptions = {}): AuthorizedFetch {
  const net = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const now = options.now ?? (() => Date.now() / 1000);
  const ahead = options.refreshAheadSeconds ?? 30;
  let stopped: string | undefined;
  let refreshing: Promise<boolean> | undefined;

  const token = () => client.state.tokenResponse?.access_token;

  const stop = (reason: string) => {
    if (stopped) return;
    stopped = reason;
    options.onSignInRequired?.(reason);
  };

  /** One refresh at a time: callers that arrive while one runs wait for it. */
  const refresh = (): Promise<boolean> => {
    refreshing ??= (async () => {
      if (!client.state.tokenResponse?.refresh_token) {
        stop('The authorization has expired and cannot be renewed: sign in again.');
        return false;
      }
      try {
        await client.refresh();
        options.onRefreshed?.();
        return true;
      } catch {
        stop('The authorization has expired (the server refused to renew it): sign in again.');
        return false;
      }
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };

  const send = (input: RequestInfo | URL, init: RequestInit | undefined, bearer: string) => {
    const headers = new Headers(init?.headers);
    headers.set('Authorization', `Bearer ${bearer}`);
    return net(input, { ...init, headers });
  };

  const fetchWithToken: typeof fetch = async (input, init) => {
    if (stopped) return unauthorized(stopped);
    const expiresAt = client.state.expiresAt;
    if (typeof expiresAt === 'number' && expiresAt - ahead <= now() && client.state.tokenResponse?.refresh_token) await refresh();
    if (stopped) return unauthorized(stopped);
    const used = token();
    if (!used) {
      stop('No access token: sign in again.');
      return unauthorized(stopped ?? '');
    }
    const response = await send(input, init, used);
    if (response.status !== 401) return response;
    // Another request may have refreshed while this one was out: then only retry.
    if (token() === used && !(await refresh())) return response;
    const fresh = token();
    if (!fresh || stopped) return response;
    return send(input, init, fresh);
  };

  return {
    fetch: fetchWithToken,
    get signInRequired() {
      return stopped !== undefined;
    },
    revoke(reason: string) {
      stopped ??= reason;
    },
  };
}
