/// <reference types="vite/client" />
/**
 * The demo SPA: the patient list read from every FHIR base, and one patient's record gathered
 * from all of them through `<ehr-record-provider>` and the elements (hash routes, see routes.ts).
 */
import { html, render } from 'lit';
import { lang, setLang, words, type Lang } from './app/i18n.js';
import { renderOptions, saveTheme, storedTheme, type Density, type Theme } from './app/options.js';
import { isDown, isOffline, setDown, setOffline } from './app/network.js';
import { bases, smartLinks } from './app/config.js';
import { loadPatientList, renderPatientList, type PatientListResult } from './app/patient-list.js';
import { renderPatientView, type SyncLine } from './app/patient-view.js';
import { currentRoute, patientKey, type Route } from './app/routes.js';
import { recordStore } from './app/store.js';
import type { RecordStore } from '../src/record-store.js';

interface AppState {
  route: Route;
  theme: Theme;
  density: Density;
  notice?: string;
  list?: PatientListResult;
  /** The patient list's search words. */
  query: string;
  store?: RecordStore;
  storeError?: string;
  sync: SyncLine;
}

const state: AppState = { route: currentRoute(), theme: storedTheme(), density: 'comfortable', sync: { kind: 'idle' }, query: '' };
const root = document.getElementById('root')!;
let listLoading: Promise<void> | undefined;
/** Set on navigation: focus goes to the new view once it is on the page (the record waits for the store). */
let focusPending = false;

function loadList(force = false): void {
  if (listLoading && !force) return;
  if (force) state.list = undefined;
  listLoading = loadPatientList().then((result) => {
    state.list = result;
    update();
  });
}

function openStore(): void {
  if (state.store) return;
  recordStore().then(
    (store) => {
      state.store = store;
      state.storeError = undefined;
      update();
    },
    (error: unknown) => {
      state.storeError = error instanceof Error ? error.message : String(error);
      update();
    },
  );
}

async function clearCache(): Promise<void> {
  const w = words();
  if (!confirm(w.clearConfirm)) return;
  try {
    const store = await recordStore();
    const result = await store.purge({ force: true });
    state.notice = w.cleared(result.resources);
    state.sync = { kind: 'idle' };
  } catch (error) {
    state.notice = w.clearFailed(error instanceof Error ? error.message : String(error));
  }
  update();
}

/** Syncs the open record again (after a switch changed what the servers answer). */
function resync(): void {
  const provider = document.querySelector('ehr-record-provider') as (HTMLElement & { syncNow?: () => Promise<unknown> }) | null;
  void provider?.syncNow?.();
}

function update(): void {
  const w = words();
  const route = state.route;
  if (route.view === 'list') loadList();
  else openStore();
  document.title = route.view === 'patient' ? `${w.recordRegion} · ehr-elements demo` : 'ehr-elements demo';
  render(
    html`<div class="app" lang=${lang()} data-theme=${state.theme}>
      <header class="app-header">
        <div class="brand">
          <h1>ehr-elements demo</h1>
          <p>${w.tagline}</p>
          ${smartLinks.ehr || smartLinks.standalone
            ? html`<p class="smart-links">
                ${smartLinks.ehr ? html`<a href=${smartLinks.ehr}>${w.smartEhr}</a>` : ''}
                ${smartLinks.standalone ? html` · <a href=${smartLinks.standalone}>${w.smartStandalone}</a>` : ''}
              </p>`
            : ''}
        </div>
        ${renderOptions(
          { theme: state.theme, density: state.density, offline: isOffline(), sources: bases.map((b) => ({ id: b.id, label: b.label, down: isDown(b.id) })) },
          state.notice,
          {
          onLang: (next: Lang) => {
            setLang(next);
            update();
          },
          onTheme: (next: Theme) => {
            state.theme = next;
            saveTheme(next);
            update();
          },
          onDensity: (next: Density) => {
            state.density = next;
            update();
          },
          onOffline: (offline: boolean) => {
            setOffline(offline);
            update();
            // Back online: sync now, which also uploads what was recorded while offline.
            if (!offline) resync();
          },
          onOutage: (source: string, down: boolean) => {
            setDown(source, down);
            update();
            resync();
          },
          onClear: () => void clearCache(),
        })}
      </header>
      <main id="app" tabindex="-1" data-view=${route.view}>
        ${route.view === 'list'
          ? renderPatientList(state.list, {
              query: state.query,
              onQuery: (query) => {
                state.query = query;
                update();
              },
              onRetry: () => {
                loadList(true);
                update();
              },
            })
          : renderPatientView(
              { patient: patientKey(route), theme: state.theme, density: state.density, store: state.store, storeError: state.storeError, sync: state.sync },
              {
                onSync: (line) => {
                  state.sync = line;
                  update();
                },
              },
            )}
      </main>
    </div>`,
    root,
  );
  if (focusPending) {
    const target = route.view === 'patient' ? document.querySelector<HTMLElement>('main .record') : document.querySelector<HTMLElement>('main');
    if (target) {
      focusPending = false;
      // The record sits in the provider's slot, which exists only after the provider's first render.
      const provider = target.closest('ehr-record-provider') as (HTMLElement & { updateComplete?: Promise<unknown> }) | null;
      void Promise.resolve(provider?.updateComplete).then(() => target.focus());
    }
  }
}

window.addEventListener('hashchange', () => {
  const before = state.route;
  state.route = currentRoute();
  if (before.view !== state.route.view || (before.view === 'patient' && state.route.view === 'patient' && patientKey(before) !== patientKey(state.route))) {
    state.sync = { kind: 'idle' };
    state.notice = undefined;
  }
  // Move focus to the new view, as a page load would, so keyboard and screen-reader users start there.
  focusPending = true;
  update();
});

update();
