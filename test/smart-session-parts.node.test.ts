import { describe, expect, it } from 'vitest';
import { authorizedFetch, type TokenClient } from '../src/smart/authorized-fetch.js';
import { KeyedStorage, instanceForState } from '../src/smart/storage.js';

/** An in-memory `sessionStorage` (Node has none). */
class SessionMap {
  readonly #map = new Map<string, string>();
  get length() {
    return this.#map.size;
  }
  key(i: number) {
    return [...this.#map.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.#map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.#map.set(k, String(v));
  }
  removeItem(k: string) {
    this.#map.delete(k);
  }
  keys() {
    return [...this.#map.keys()];
  }
}

/**
 * A stand-in for fhirclient's `Client` (named as such): it holds a token response and, on
 * `refresh()`, takes a while and then swaps in the next token, as the real one does.
 */
function tokenClient(options: { refreshFails?: boolean; expiresAt?: number } = {}) {
  let n = 1;
  const calls = { refresh: 0 };
  const client: TokenClient = {
    state: { tokenResponse: { access_token: 'token-1', refresh_token: 'refresh-1', scope: 'offline_access' }, expiresAt: options.expiresAt ?? 10_000 },
    async refresh() {
      calls.refresh++;
      await new Promise((r) => setTimeout(r, 20));
      if (options.refreshFails) {
        delete client.state.tokenResponse!.refresh_token;
        throw new Error('invalid_grant');
      }
      n++;
      client.state.tokenResponse = { ...client.state.tokenResponse, access_token: `token-${n}` };
      client.state.expiresAt = 10_000 + n;
    },
  };
  return { client, calls };
}

/** A FHIR server's answer: 200 for the current token, 401 for any other. */
function serverAccepting(current: () => string | undefined, seen: string[]) {
  return async (_input: RequestInfo | URL, init?: RequestInit) => {
    const auth = new Headers(init?.headers).get('authorization') ?? '';
    seen.push(auth);
    return new Response('{}', { status: auth === `Bearer ${current()}` ? 200 : 401 });
  };
}

describe('authorizedFetch', () => {
  it('sends the token, and on a 401 refreshes once for all the requests that ran into it', async () => {
    const { client, calls } = tokenClient();
    const seen: string[] = [];
    let accepted = 'token-2'; // the server has already expired token-1
    const auth = authorizedFetch(client, { fetch: serverAccepting(() => accepted, seen), now: () => 0 });
    const statuses = await Promise.all(Array.from({ length: 5 }, () => auth.fetch('http://x/fhir/Patient').then((r) => r.status)));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(calls.refresh).toBe(1);
    expect(seen.filter((s) => s === 'Bearer token-1')).toHaveLength(5);
    expect((await auth.fetch('http://x/fhir/Patient')).status).toBe(200);
    expect(calls.refresh).toBe(1);
  });

  it('refreshes before sending when the token is about to expire', async () => {
    const { client, calls } = tokenClient({ expiresAt: 100 });
    const seen: string[] = [];
    const auth = authorizedFetch(client, { fetch: serverAccepting(() => 'token-2', seen), now: () => 80, refreshAheadSeconds: 30 });
    expect((await auth.fetch('http://x/fhir/Patient')).status).toBe(200);
    expect(calls.refresh).toBe(1);
    expect(seen).toEqual(['Bearer token-2']);
  });

  it('when the refresh is refused, asks for a new sign-in once and answers 401 from then on without calling the server', async () => {
    const { client } = tokenClient({ refreshFails: true });
    const seen: string[] = [];
    const reasons: string[] = [];
    const auth = authorizedFetch(client, { fetch: serverAccepting(() => 'never', seen), now: () => 0, onSignInRequired: (r) => reasons.push(r) });
    expect((await auth.fetch('http://x/fhir/Patient')).status).toBe(401);
    expect(auth.signInRequired).toBe(true);
    const later = await auth.fetch('http://x/fhir/Observation');
    expect(later.status).toBe(401);
    expect(JSON.stringify(await later.json())).toMatch(/sign in again/);
    expect(seen).toHaveLength(1);
    expect(reasons).toHaveLength(1);
  });

  it('after revoke (sign-out) sends nothing', async () => {
    const { client } = tokenClient();
    const seen: string[] = [];
    const auth = authorizedFetch(client, { fetch: serverAccepting(() => 'token-1', seen), now: () => 0 });
    auth.revoke('Signed out.');
    expect((await auth.fetch('http://x/fhir/Patient')).status).toBe(401);
    expect(seen).toEqual([]);
  });
});

describe('KeyedStorage', () => {
  it('keeps two instances apart, and finds the instance a state belongs to', async () => {
    const session = new SessionMap();
    const clinic = new KeyedStorage('clinic', 'session', session);
    const hospital = new KeyedStorage('hospital', 'session', session);
    await clinic.set('SMART_KEY', 'state-a');
    await hospital.set('SMART_KEY', 'state-b');
    await clinic.set('state-a', { serverUrl: 'http://clinic' });
    expect(await clinic.get('SMART_KEY')).toBe('state-a');
    expect(await hospital.get('SMART_KEY')).toBe('state-b');
    expect(await hospital.get('state-a')).toBeNull();
    expect(instanceForState('state-a', session)).toBe('clinic');
    expect(instanceForState('state-b', session)).toBeUndefined();
    clinic.clear();
    expect(await clinic.get('SMART_KEY')).toBeNull();
    expect(await hospital.get('SMART_KEY')).toBe('state-b');
  });

  it("in memory mode, a state with a token never reaches sessionStorage; one without does (it must survive the redirect)", async () => {
    const session = new SessionMap();
    const storage = new KeyedStorage('app', 'memory', session);
    await storage.set('s1', { codeVerifier: 'v' });
    expect(session.keys()).toEqual(['ehr-elements.smart.app.s1']);
    await storage.set('s1', { codeVerifier: 'v', tokenResponse: { access_token: 'secret' } });
    expect(session.keys()).toEqual([]);
    expect(await storage.get('s1')).toMatchObject({ tokenResponse: { access_token: 'secret' } });
    await storage.set('s1', { tokenResponse: {} });
    expect(session.keys()).toEqual([]);
  });

  it('refuses instance names that could collide with another key', () => {
    expect(() => new KeyedStorage('a.b', 'session', new SessionMap())).toThrow(/letters, digits/);
    expect(() => new KeyedStorage('', 'session', new SessionMap())).toThrow();
  });
});
