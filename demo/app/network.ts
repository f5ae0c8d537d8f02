/**
 * The demo's "bad day" switches: go offline, or take one provider's server down. They act on the
 * `fetch` each source syncs with (the kit's own hook for that, `SourceInit.fetch`), so the kit
 * sees exactly what it would see: offline, a `TypeError` as browsers throw it; an outage, a 503
 * with an OperationOutcome. The cached record stays on screen either way.
 */
type Listener = () => void;

const state = { offline: false, down: new Set<string>() };
const listeners = new Set<Listener>();

export function isOffline(): boolean {
  return state.offline;
}

export function isDown(source: string): boolean {
  return state.down.has(source);
}

export function setOffline(offline: boolean): void {
  state.offline = offline;
  for (const l of listeners) l();
}

export function setDown(source: string, down: boolean): void {
  if (down) state.down.add(source);
  else state.down.delete(source);
  for (const l of listeners) l();
}

export function onNetworkChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The fetch for source `id`: the real one unless a switch says otherwise. */
export function demoFetch(id: string): typeof fetch {
  return async (input, init) => {
    if (state.offline) throw new TypeError('Failed to fetch (the demo is offline)');
    if (state.down.has(id)) {
      const outcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'transient', diagnostics: 'Simulated outage (demo switch)' }] };
      return new Response(JSON.stringify(outcome), { status: 503, headers: { 'content-type': 'application/fhir+json', 'retry-after': '1' } });
    }
    return globalThis.fetch(input, init);
  };
}
