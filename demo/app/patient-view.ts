import { html, nothing, type TemplateResult } from 'lit';
import type { SyncReport } from '../../src/record-store.js';
import type { EhrRecordProvider } from '../../src/elements/record-provider/record-provider.js';
import '../../src/elements/record-provider/define.js';
import '../../src/elements/patient-banner/define.js';
import '../../src/elements/allergy-panel/define.js';
import '../../src/elements/medication-list/define.js';
import '../../src/elements/lab-timeline/define.js';
import '../../src/elements/sync-status/define.js';
import '../../src/elements/consent-dialog/define.js';
import { baseLabel } from './config.js';
import { list, time, words } from './i18n.js';

/**
 * The demo's signed-in clinician (fictional): the author of consents recorded here. A real host
 * passes its own user (or SMART's fhirUser) to the provider.
 */
const DEMO_USER = { reference: 'Practitioner/demo-clinician', display: 'Dr Sam Rivera (demo)' };

/** Organizations a consent can name in the demo (fictional, one per simulated provider). */
const DEMO_ORGANIZATIONS = [
  { reference: 'Organization/riverside-clinic', display: 'Riverside Clinic' },
  { reference: 'Organization/st-elsewhere-hospital', display: 'St Elsewhere Hospital' },
];

/** What the status line under the banner says, from the provider's sync events. */
export type SyncLine =
  | { kind: 'idle' }
  | { kind: 'syncing' }
  | { kind: 'complete'; report: SyncReport; at: number }
  | { kind: 'error'; message: string; at: number };

export interface PatientViewState {
  /** `"<source>/Patient/<id>"`. */
  patient: string;
  theme: 'light' | 'dark';
  /** `comfortable`: cards and the lab overview; `compact`: one line per entry, sparklines. */
  density: 'comfortable' | 'compact';
  store?: unknown;
  storeError?: string;
  sync: SyncLine;
}

export interface PatientViewHandlers {
  onSync: (line: SyncLine) => void;
}

function syncText(line: SyncLine): TemplateResult | string {
  const w = words();
  switch (line.kind) {
    case 'idle':
      return w.notSyncedYet;
    case 'syncing':
      return w.syncing;
    case 'error':
      return html`<span class="sync-failed">${w.syncFailed(line.message)}</span> ${w.at(time(line.at))}`;
    case 'complete': {
      const sources = Object.entries(line.report.sources);
      const ok = sources.filter(([, s]) => s.status === 'ok').map(([id]) => baseLabel(id));
      const failed = sources.filter(([, s]) => s.status === 'error');
      const skipped = sources.filter(([, s]) => s.status === 'skipped').map(([id]) => baseLabel(id));
      const parts: Array<TemplateResult | string> = [];
      if (ok.length) parts.push(w.upToDate(list(ok)) + (skipped.length && !failed.length ? `; ${w.noRecordAt(list(skipped))}` : ''));
      for (const [id, s] of failed) {
        // A short reason on the page; the engine's full message (URL, status) as a tooltip for developers.
        const reason = (w.reasons[s.error?.code ?? ''] ?? w.reasons.other!) + (s.error?.status ? ` (HTTP ${s.error.status})` : '');
        parts.push(html`<span class="sync-failed" title=${s.error?.message ?? ''}>${w.sourceFailed(baseLabel(id), reason)}</span>`);
      }
      return html`${parts.map((p, i) => html`${i ? html`<span aria-hidden="true"> · </span>` : nothing}${p}`)} ${w.at(time(line.at))}`;
    }
  }
}

/**
 * One patient's record: `<ehr-record-provider sync>` around the banner, the allergy panel, the
 * medication list, the lab timeline and the sync status per provider, with a sync status line and
 * "Sync now"; the panels' "See sync status" links lead to `<ehr-sync-status>`. The elements paint from the cache
 * at once; the provider syncs in the background and they update as rows land.
 */
export function renderPatientView(state: PatientViewState, handlers: PatientViewHandlers): TemplateResult {
  const w = words();
  const nav = html`<nav class="crumbs" aria-label=${w.pageNav}><a href="#/">← ${w.backToList}</a></nav>`;
  if (state.storeError) return html`${nav}<div class="error" role="alert"><p>${w.storeFailed(state.storeError)}</p></div>`;
  if (!state.store) return html`${nav}<p class="status" role="status">${w.openingStore}</p>`;
  const syncing = state.sync.kind === 'syncing';
  const syncNow = (event: Event) => {
    if (syncing) return;
    const provider = (event.currentTarget as HTMLElement).closest('ehr-record-provider') as EhrRecordProvider | null;
    void provider?.syncNow();
  };
  return html`${nav}
    <ehr-record-provider
      sync
      .user=${DEMO_USER}
      .store=${state.store}
      patient=${state.patient}
      theme=${state.theme}
      @ehr-sync-start=${() => handlers.onSync({ kind: 'syncing' })}
      @ehr-sync-complete=${(e: GlobalEventHandlersEventMap['ehr-sync-complete']) =>
        handlers.onSync({ kind: 'complete', report: e.detail.report as unknown as SyncReport, at: Date.now() })}
      @ehr-sync-error=${(e: GlobalEventHandlersEventMap['ehr-sync-error']) =>
        handlers.onSync({ kind: 'error', message: e.detail.message, at: Date.now() })}
    >
      <section class="record" aria-label=${w.recordRegion} tabindex="-1" data-patient=${state.patient}>
        <ehr-patient-banner sync-status-href="#sync-status"></ehr-patient-banner>
        <div class="sync-line">
          <p class="sync-status" role="status" data-state=${state.sync.kind}>${syncText(state.sync)}</p>
          <button type="button" class="sync-now" aria-disabled=${syncing ? 'true' : 'false'} @click=${syncNow}>${w.syncNow}</button>
        </div>
        <div class="record-columns">
          <div class="card allergies"><ehr-allergy-panel sync-status-href="#sync-status" density=${state.density === 'compact' ? 'compact' : 'dense'}></ehr-allergy-panel></div>
          <div class="card medications"><ehr-medication-list sync-status-href="#sync-status" density=${state.density === 'compact' ? 'compact' : 'dense'}></ehr-medication-list></div>
        </div>
        <div class="card labs"><ehr-lab-timeline sync-status-href="#sync-status" density=${state.density}></ehr-lab-timeline></div>
        <div class="record-columns">
          <div class="card consents"><ehr-consent-dialog .organizations=${DEMO_ORGANIZATIONS} .custodian=${DEMO_ORGANIZATIONS[0]}></ehr-consent-dialog></div>
          <div class="card sync" id="sync-status"><ehr-sync-status></ehr-sync-status></div>
        </div>
      </section>
    </ehr-record-provider>`;
}
