/**
 * `smart.html`: the SMART app after sign-in. Completes the launch (`smartReady`), then shows the
 * launch patient's record with the kit's elements inside one `<ehr-record-provider>` that gets
 * the store, the patient and the whole launch context. For a provider launch without a patient,
 * a patient id can be chosen from the server's patients.
 */
import { html, nothing, render } from 'lit';
import { smartReady, SmartError, type SmartSession } from '../../src/smart/index.js';
import '../../src/elements/record-provider/define.js';
import '../../src/elements/patient-banner/define.js';
import '../../src/elements/allergy-panel/define.js';
import '../../src/elements/medication-list/define.js';
import '../../src/elements/lab-timeline/define.js';
import '../../src/elements/consent-dialog/define.js';
import '../../src/elements/sync-status/define.js';

const root = document.getElementById('root')!;
// Lit renders after existing children: take the "Completing the sign-in…" placeholder away.
root.replaceChildren();
const params = new URLSearchParams(location.search);
const instance = params.get('instance') ?? undefined;
/** `?instances=clinic,hospital`: restore several signed-in clients on this one page. */
const instances = params.get('instances')?.split(',').filter(Boolean);

declare global {
  interface Window {
    /** The session, for tests and for poking around in the console. */
    smartSession?: SmartSession;
    /** With `?instances=`: every restored session, in that order. */
    smartSessions?: SmartSession[];
  }
}

function showError(error: unknown): void {
  const code = error instanceof SmartError ? error.code : 'launch-failed';
  render(
    html`<main class="smart-error">
      <h1>${code === 'access-denied' ? 'Access not granted' : 'Sign-in failed'}</h1>
      <p id="smart-status" data-state="error" data-code=${code} role="alert">${error instanceof Error ? error.message : String(error)}</p>
      <p><a href="./launch.html?standalone=provider">Start again</a></p>
    </main>`,
    root,
  );
}

function showSession(session: SmartSession, signInAgain?: string): void {
  const ctx = session.context;
  render(
    html`<main class="smart-app">
      <p id="smart-status" data-state=${signInAgain ? 'sign-in-again' : 'ready'} class="smart-bar">
        ${signInAgain
          ? html`<strong role="alert">${signInAgain}</strong> <a href="./launch.html?standalone=provider&iss=${encodeURIComponent(ctx.serverUrl)}">Sign in again</a>`
          : html`Signed in${ctx.fhirUser ? html` as <span class="user">${ctx.fhirUser}</span>` : nothing} at ${new URL(ctx.serverUrl).host}.`}
        <button type="button" id="sign-out" @click=${() => void signOut(session)}>Sign out</button>
      </p>
      ${session.patientKey
        ? html`<ehr-record-provider sync .store=${session.store} .launch=${ctx} patient=${session.patientKey}>
            <ehr-patient-banner></ehr-patient-banner>
            <ehr-sync-status id="sync-status"></ehr-sync-status>
            <div class="panels">
              <ehr-allergy-panel sync-status-href="#sync-status"></ehr-allergy-panel>
              <ehr-medication-list sync-status-href="#sync-status"></ehr-medication-list>
            </div>
            <ehr-lab-timeline sync-status-href="#sync-status"></ehr-lab-timeline>
            <ehr-consent-dialog></ehr-consent-dialog>
          </ehr-record-provider>`
        : html`<p>No patient in context: this was a provider launch. Open a patient from the EHR, or sign in with a patient.</p>`}
    </main>`,
    root,
  );
}

async function signOut(session: SmartSession): Promise<void> {
  await session.signOut({ clearCache: true });
  window.smartSession = undefined;
  render(html`<main><h1>Signed out</h1><p id="smart-status" data-state="signed-out">Your session has ended and this app's copy of the record was deleted.</p></main>`, root);
}

async function showSessions(names: string[]): Promise<void> {
  const sessions: SmartSession[] = [];
  for (const name of names) sessions.push(await smartReady({ instance: name, sourceId: name, label: name }));
  window.smartSessions = sessions;
  render(
    html`<main class="smart-app">
      <h1>Signed-in sources</h1>
      <ul id="smart-status" data-state="ready">
        ${sessions.map((s) => html`<li data-instance=${s.instance}>${s.instance}: ${new URL(s.context.serverUrl).pathname} as ${s.context.fhirUser ?? 'unknown user'}</li>`)}
      </ul>
    </main>`,
    root,
  );
}

async function main(): Promise<void> {
  if (instances?.length) return showSessions(instances);
  const session = await smartReady({ ...(instance ? { instance } : {}), label: 'EHR' });
  window.smartSession = session;
  session.addEventListener('sign-in-required', (e) => showSession(session, (e as CustomEvent<{ reason: string }>).detail.reason));
  showSession(session);
}

main().catch(showError);
