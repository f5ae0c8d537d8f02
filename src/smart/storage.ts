/**
 * Where fhirclient keeps a SMART client's state, one namespace per client instance.
 *
 * fhirclient keeps one well-known key (`SMART_KEY`) per page, so two SMART clients on one page
 * (say, the clinic and the hospital) overwrite each other's pointer. Each `KeyedStorage` prefixes
 * every key with its instance name, so clients never meet.
 *
 * Tokens live only in `sessionStorage` (this tab, gone when it closes) or, with `'memory'`, only
 * in this page's memory: then the state that still has to survive the authorization redirect
 * (the PKCE verifier, endpoints) goes to `sessionStorage`, and the first state that carries a
 * token is moved to memory and removed from `sessionStorage`. Never IndexedDB or localStorage.
 */

/** The part of a `Storage` the kit uses (so tests and other tabs can pass their own). */
export type SessionLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

/** `'session'` (default): tokens survive a reload of this tab. `'memory'`: a reload needs a new launch. */
export type TokenStorage = 'session' | 'memory';

const ROOT = 'ehr-elements.smart';
const INSTANCE = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks an instance name (it becomes part of storage keys). */
export function checkInstance(instance: string): string {
  if (!INSTANCE.test(instance)) throw new TypeError(`SMART instance name "${instance.slice(0, 80)}" must be 1-64 letters, digits, "_" or "-".`);
  return instance;
}

function hasToken(value: unknown): boolean {
  const tr = (value as { tokenResponse?: { access_token?: unknown } } | null)?.tokenResponse;
  return typeof tr?.access_token === 'string' && tr.access_token.length > 0;
}

/** fhirclient's storage interface, namespaced by instance. */
export class KeyedStorage {
  readonly instance: string;
  readonly mode: TokenStorage;
  readonly #session: SessionLike;
  readonly #memory = new Map<string, unknown>();

  constructor(instance: string, mode: TokenStorage = 'session', session: SessionLike = globalThis.sessionStorage) {
    this.instance = checkInstance(instance);
    this.mode = mode;
    this.#session = session;
  }

  /** The prefix of this instance's keys. */
  get prefix(): string {
    return `${ROOT}.${this.instance}.`;
  }

  async get(key: string): Promise<unknown> {
    if (this.#memory.has(key)) return this.#memory.get(key);
    const raw = this.#session.getItem(this.prefix + key);
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return null;
    }
  }

  async set(key: string, value: unknown): Promise<unknown> {
    if (this.mode === 'memory' && (hasToken(value) || this.#memory.has(key))) {
      this.#memory.set(key, value);
      this.#session.removeItem(this.prefix + key);
    } else {
      this.#session.setItem(this.prefix + key, JSON.stringify(value));
    }
    return value;
  }

  async unset(key: string): Promise<boolean> {
    const had = this.#memory.delete(key) || this.#session.getItem(this.prefix + key) !== null;
    this.#session.removeItem(this.prefix + key);
    return had;
  }

  /** Removes everything this instance stored (sign-out). */
  clear(): void {
    this.#memory.clear();
    for (const key of keysWithPrefix(this.#session, this.prefix)) this.#session.removeItem(key);
  }
}

function keysWithPrefix(session: SessionLike, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < session.length; i++) {
    const key = session.key(i);
    if (key?.startsWith(prefix)) out.push(key);
  }
  return out;
}

/**
 * The instance whose launch produced `state` (the authorization redirect carries `state`, not
 * the instance), or `undefined` when no instance started it.
 */
export function instanceForState(state: string, session: SessionLike = globalThis.sessionStorage): string | undefined {
  for (const key of keysWithPrefix(session, `${ROOT}.`)) {
    const rest = key.slice(ROOT.length + 1);
    const dot = rest.indexOf('.');
    if (dot > 0 && rest.slice(dot + 1) === state) return rest.slice(0, dot);
  }
  return undefined;
}
