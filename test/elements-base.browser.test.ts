import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, fixtureCleanup, html, nextFrame } from '@open-wc/testing-helpers';
import { expectNoAxeViolations } from './support/elements.js';
import { html as litHtml, nothing, type TemplateResult } from 'lit';
import type { AllergyIntolerance } from 'fhir/r4';
import {
  EhrDataElement,
  LiveQueryController,
  defineElement,
  de,
  registerTranslation,
  renderError,
  renderSkeleton,
  renderPartial,
  SourceStatusController,
  stateStyles,
  type RecordQuery,
  type RecordSource,
  type RowObserver,
  type SourceInfo,
  type StoredRow,
  type SyncReport,
  type SyncState,
} from '../src/elements/base/index.js';
import { EhrRecordProvider } from '../src/elements/record-provider/define.js';
import { EhrSourceBadge } from '../src/elements/source-badge/define.js';
import { EhrAllergyPanel } from '../src/elements/allergy-panel/define.js';
import { EhrMedicationList } from '../src/elements/medication-list/define.js';
import { seedStore } from './support/seed-store.js';

registerTranslation(de);

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Test double: a store whose live queries the test drives by hand. */
class ControlledStore implements RecordSource {
  queries: RecordQuery[] = [];
  observers: Array<{ query: RecordQuery; observer: RowObserver<StoredRow[]>; closed: boolean }> = [];
  sources: SourceInfo[] = [];
  syncCalls: string[] = [];
  syncImpl?: (patient: string, signal?: AbortSignal) => Promise<SyncReport>;

  async search(): Promise<StoredRow[]> {
    return [];
  }
  live(query: RecordQuery) {
    this.queries.push(query);
    const entry = { query, observer: {} as RowObserver<StoredRow[]>, closed: false };
    this.observers.push(entry);
    return {
      subscribe: (observer: RowObserver<StoredRow[]>) => {
        entry.observer = observer;
        return { unsubscribe: () => (entry.closed = true) };
      },
    };
  }
  async getSources() {
    return this.sources;
  }
  /** The newest open subscription. */
  get current() {
    return this.observers.filter((o) => !o.closed).at(-1)!;
  }
  emit(rows: StoredRow[]) {
    this.current.observer.next?.(rows);
  }
  fail(error: unknown) {
    this.current.observer.error?.(error);
  }
}

/** Test double with sync: `syncPatient` as the test says. */
class SyncingStore extends ControlledStore {
  syncPatient(patient: string, options?: { signal?: AbortSignal }): Promise<SyncReport> {
    this.syncCalls.push(patient);
    return this.syncImpl ? this.syncImpl(patient, options?.signal) : Promise.resolve({ errors: [], sources: {} });
  }
}

function allergyRow(id: string, patient = 'clinic/Patient/1', source = 'clinic'): StoredRow<AllergyIntolerance> {
  return {
    source,
    patient,
    fetchedAt: Date.now(),
    resource: { resourceType: 'AllergyIntolerance', id, patient: { reference: patient.slice(patient.indexOf('/') + 1) }, code: { text: `Allergy ${id}` } },
  };
}

/** A small element as an element author would write it, using the base API. */
class TestAllergyList extends EhrDataElement {
  static override styles = [EhrDataElement.styles, stateStyles];
  readonly allergies = new LiveQueryController<AllergyIntolerance>(this, {
    store: () => this.activeStore,
    query: () => (this.activePatient ? { patient: this.activePatient, type: 'AllergyIntolerance' } : undefined),
  });
  protected override render(): TemplateResult {
    const what = this.localize.term('allergies');
    return litHtml`<section aria-label=${what}>
      ${this.allergies.render({
        idle: () => litHtml`<p class="idle">${this.localize.term('notKnown')}</p>`,
        loading: (previous) =>
          previous ? litHtml`<ul class="rows stale-while-loading">${previous.map((r) => litHtml`<li>${r.resource.code?.text}</li>`)}</ul>` : renderSkeleton(this.localize, { what }),
        ready: (rows) =>
          rows.length
            ? litHtml`<ul class="rows">${rows.map((r) => litHtml`<li>${r.resource.code?.text} <ehr-source-badge source=${r.source}></ehr-source-badge></li>`)}</ul>`
            : litHtml`<p class="empty">${this.localize.term('allergiesNotRecorded')}</p>`,
        error: (error, retry) => renderError(this.localize, { what, error, onRetry: retry }),
      })}
    </section>`;
  }
}
defineElement('test-allergy-list', TestAllergyList);

/** Renders localized strings and the partial notice, for the localization tests. */
class TestTerms extends EhrDataElement {
  static override styles = [EhrDataElement.styles, stateStyles];
  readonly status = new SourceStatusController(this, { store: () => this.activeStore, syncState: () => this.syncState });
  protected override render() {
    return litHtml`<p class="terms">${this.localize.term('noKnownAllergies')}|${this.localize.term('deceased')}</p>
      <p class="date">${this.localize.clinicalDate('1974-12-25')}</p>
      <p class="datetime">${this.localize.clinicalDateTime(Date.UTC(2026, 10, 21, 14, 3), { timeZone: 'UTC' })}</p>
      ${renderPartial(this.localize, { failed: this.status.failed, notSynced: this.status.notSynced })}`;
  }
}
defineElement('test-terms', TestTerms);

/** Exposes a SourceStatusController with a patient, and a sync state the test sets by hand. */
class TestCompleteness extends EhrDataElement {
  fakeSync?: SyncState;
  readonly status = new SourceStatusController(this, {
    store: () => this.activeStore,
    syncState: () => this.fakeSync ?? this.syncState,
    patient: () => this.activePatient,
  });
  protected override render() {
    return litHtml`<p>${this.status.complete ? 'complete' : `incomplete: ${this.status.incomplete.map((s) => s.id).join(',')}`}</p>`;
  }
}
defineElement('test-completeness', TestCompleteness);

/** A controlled store that also answers `syncedSources` (patient key → source ids). */
function storeWithSynced(sources: SourceInfo[], synced: Record<string, string[]>) {
  const store = storeWith(sources) as ControlledStore & { syncedSources(key: string): Promise<string[]> };
  store.syncedSources = async (key: string) => synced[key] ?? [];
  return store;
}

async function completeness(store: RecordSource, patient = 'clinic/Patient/1') {
  const el = await fixture<TestCompleteness>(html`<test-completeness lang="en" .store=${store} patient=${patient}></test-completeness>`);
  await vi.waitFor(() => expect(el.status.loaded).toBe(true));
  await settle(el);
  return el;
}

const list = (el: Element) => el.querySelector('test-allergy-list') as TestAllergyList;
const shadow = (el: Element) => el.shadowRoot!;
async function settle(el: { updateComplete: Promise<unknown> }) {
  await el.updateComplete;
  await nextFrame();
}


/** A controlled store whose `getSources()` answers `sources`. */
function storeWith(sources: SourceInfo[]) {
  const store = new ControlledStore();
  store.sources = sources;
  return store;
}

/**
 * `<test-allergy-list>` inside a provider holding `store` and clinic patient 1 (with the provider's
 * `theme`, and the list's own `patient`, when given; `nothing` leaves an attribute out), after the
 * list's first render.
 */
async function listInProvider(store: RecordSource, options: { theme?: string; listPatient?: string } = {}) {
  const provider = await fixture<EhrRecordProvider>(html`<ehr-record-provider theme=${options.theme ?? nothing} .store=${store} patient="clinic/Patient/1">
    <test-allergy-list patient=${options.listPatient ?? nothing}></test-allergy-list>
  </ehr-record-provider>`);
  const el = list(provider);
  await settle(el);
  return { provider, el };
}

/** `<test-allergy-list>` on its own with `store` and clinic patient 1, after its first render. */
async function standaloneList(store: RecordSource) {
  const el = await fixture<TestAllergyList>(html`<test-allergy-list .store=${store} patient="clinic/Patient/1"></test-allergy-list>`);
  await settle(el);
  return el;
}

/** A lone `<ehr-source-badge lang="en">` for `source`, reading `sources` from its own store. */
function badgeFor(sources: SourceInfo[], source: string, options: { compact?: boolean } = {}) {
  return fixture<EhrSourceBadge>(
    html`<ehr-source-badge ?compact=${options.compact ?? false} lang="en" .store=${storeWith(sources)} source=${source}></ehr-source-badge>`,
  );
}

afterEach(() => {
  fixtureCleanup();
});

describe('record provider and data elements', () => {
  it('gives the store and patient to an element inside it, which queries the store', async () => {
    const store = new ControlledStore();
    const { el } = await listInProvider(store);
    expect(el.activeStore).toBe(store);
    expect(el.activePatient).toBe('clinic/Patient/1');
    expect(store.queries).toEqual([{ patient: 'clinic/Patient/1', type: 'AllergyIntolerance' }]);
    expect(el.allergies.status).toBe('loading');
    expect(shadow(el).querySelector('[role=status]')?.textContent).toContain('Loading Allergies');

    store.emit([allergyRow('a1'), allergyRow('a2')]);
    await settle(el);
    expect(el.allergies.status).toBe('ready');
    expect([...shadow(el).querySelectorAll('.rows li')].map((li) => li.textContent?.trim().split(' ').slice(0, 2).join(' '))).toEqual([
      'Allergy a1',
      'Allergy a2',
    ]);
  });

  it('re-provides on a patient change: the element re-queries and never shows the old patient’s rows', async () => {
    const store = new ControlledStore();
    const { provider, el } = await listInProvider(store);
    store.emit([allergyRow('a1')]);
    await settle(el);
    const first = store.current;

    provider.patient = 'clinic/Patient/2';
    await settle(provider);
    await settle(el);
    expect(el.activePatient).toBe('clinic/Patient/2');
    expect(first.closed).toBe(true);
    expect(store.queries.at(-1)).toEqual({ patient: 'clinic/Patient/2', type: 'AllergyIntolerance' });
    expect(el.allergies.status).toBe('loading');
    expect(el.allergies.rows).toBeUndefined();
    expect(shadow(el).textContent).not.toContain('Allergy a1');

    store.emit([allergyRow('b1', 'clinic/Patient/2')]);
    await settle(el);
    expect(shadow(el).textContent).toContain('Allergy b1');
  });

  it('re-provides on a store change, and unsubscribes when the element leaves the page', async () => {
    const one = new ControlledStore();
    const two = new ControlledStore();
    const { provider, el } = await listInProvider(one);
    provider.store = two;
    await settle(provider);
    await settle(el);
    expect(one.current).toBeUndefined();
    expect(two.queries).toHaveLength(1);
    el.remove();
    expect(two.observers[0]!.closed).toBe(true);
  });

  it('lets an element’s own patient win over the provider’s', async () => {
    const store = new ControlledStore();
    const { el } = await listInProvider(store, { listPatient: 'hospital/Patient/9' });
    expect(el.activePatient).toBe('hospital/Patient/9');
    expect(store.queries[0]!.patient).toBe('hospital/Patient/9');
  });

  it('keeps the rows of the same patient on screen while re-querying (no flicker)', async () => {
    const store = new ControlledStore();
    const el = await standaloneList(store);
    store.emit([allergyRow('a1')]);
    await settle(el);
    el.allergies.retry();
    await settle(el);
    expect(el.allergies.status).toBe('loading');
    expect(shadow(el).querySelector('.stale-while-loading')?.textContent).toContain('Allergy a1');
  });

  it('updates in place when the real store gets new rows (live query)', async () => {
    const { store, patient } = await seedStore({ name: `live-${Date.now()}` });
    const el = await fixture<TestAllergyList>(html`<test-allergy-list .store=${store} patient=${patient.clinic}></test-allergy-list>`);
    await vi.waitFor(() => expect(el.allergies.status).toBe('ready'));
    const before = el.allergies.rows!.length;
    expect(before).toBe(12);
    expect([...new Set(el.allergies.rows!.map((r) => r.source))].sort()).toEqual(['clinic', 'hospital']);

    const patientId = patient.clinic.split('/').at(-1)!;
    await store.applyPage('clinic', {
      upserts: [
        {
          resourceType: 'AllergyIntolerance',
          id: 'added-by-test',
          meta: { versionId: '1', lastUpdated: new Date().toISOString() },
          patient: { reference: `Patient/${patientId}` },
          code: { text: 'Latex' },
        } as AllergyIntolerance,
      ],
    });
    await vi.waitFor(() => expect(el.allergies.rows!.length).toBe(before + 1));
    await el.updateComplete;
    expect(shadow(el).textContent).toContain('Latex');
    store.close();
  });

  it('shows an error with role=alert, a reachable Retry button, and recovers on retry', async () => {
    const store = new ControlledStore();
    const el = await standaloneList(store);
    store.fail(new Error('IndexedDB is not available'));
    await settle(el);
    expect(el.allergies.status).toBe('error');
    const alert = shadow(el).querySelector('[role=alert]')!;
    expect(alert.textContent).toContain('Allergies could not be loaded');
    expect(alert.textContent).toContain('IndexedDB is not available');
    await expectNoAxeViolations(el);

    const button = alert.querySelector('button')!;
    expect(button.textContent).toBe('Retry');
    button.focus();
    expect(shadow(el).activeElement).toBe(button);
    expect(button.tabIndex).toBe(0);

    const before = store.queries.length;
    button.click();
    await settle(el);
    expect(store.queries.length).toBe(before + 1);
    expect(el.allergies.status).toBe('loading');
    store.emit([]);
    await settle(el);
    expect(shadow(el).querySelector('[role=alert]')).toBeNull();
    expect(shadow(el).textContent).toContain('Allergies not recorded');
  });

  it('shows the error when store.live throws, without retrying in a loop', async () => {
    const store = new ControlledStore();
    let calls = 0;
    store.live = () => {
      calls++;
      throw new Error('closed');
    };
    const el = await standaloneList(store);
    await settle(el);
    expect(calls).toBe(1);
    expect(shadow(el).querySelector('[role=alert]')).not.toBeNull();
  });
});

describe('sync through the provider', () => {
  it('syncs on connect and on patient change, with start/complete events and the report', async () => {
    const store = new SyncingStore();
    const report: SyncReport = { errors: [{ source: 'hospital', message: 'HTTP 503' }], sources: { clinic: { status: 'ok' }, hospital: { status: 'error' } } };
    store.syncImpl = async () => report;
    const events: string[] = [];
    const onEvent = (e: Event) => events.push(e.type);
    document.addEventListener('ehr-sync-start', onEvent);
    document.addEventListener('ehr-sync-complete', onEvent);
    try {
      const provider = await fixture<EhrRecordProvider>(html`<ehr-record-provider sync .store=${store} patient="clinic/Patient/1"></ehr-record-provider>`);
      await vi.waitFor(() => expect(provider.syncState.status).toBe('complete'));
      expect(store.syncCalls).toEqual(['clinic/Patient/1']);
      expect(provider.lastSyncReport).toBe(report);
      expect(events).toEqual(['ehr-sync-start', 'ehr-sync-complete']);

      provider.patient = 'clinic/Patient/2';
      await vi.waitFor(() => expect(store.syncCalls).toEqual(['clinic/Patient/1', 'clinic/Patient/2']));
    } finally {
      document.removeEventListener('ehr-sync-start', onEvent);
      document.removeEventListener('ehr-sync-complete', onEvent);
    }
  });

  it('emits ehr-sync-error when the sync throws, and syncs again on ehr-sync-request', async () => {
    const store = new SyncingStore();
    store.syncImpl = async () => {
      throw new Error('offline');
    };
    const provider = await fixture<EhrRecordProvider>(html`<ehr-record-provider .store=${store} patient="clinic/Patient/1">
      <test-allergy-list></test-allergy-list>
    </ehr-record-provider>`);
    // Without `sync` nothing happens on its own.
    await settle(provider);
    expect(store.syncCalls).toEqual([]);

    const errored = new Promise<CustomEvent>((resolve) => provider.addEventListener('ehr-sync-error', (e) => resolve(e), { once: true }));
    list(provider).requestSync();
    const event = await errored;
    expect(event.detail.message).toBe('offline');
    expect(event.bubbles && event.composed).toBe(true);
    expect(provider.syncState.status).toBe('error');
    expect(store.syncCalls).toEqual(['clinic/Patient/1']);
  });

  it('aborts a running sync when the patient changes and ignores its late result', async () => {
    const store = new SyncingStore();
    // Each sync finishes only when the test says so: no race with a timer.
    const calls: Array<{ patient: string; signal: AbortSignal; finish: () => Promise<void> }> = [];
    store.syncImpl = (patient, signal) =>
      new Promise((resolve) => {
        calls.push({
          patient,
          signal: signal!,
          finish: async () => resolve({ errors: [], sources: { clinic: { status: patient } } } as unknown as SyncReport),
        });
      });
    const provider = await fixture<EhrRecordProvider>(html`<ehr-record-provider sync .store=${store} patient="clinic/Patient/1"></ehr-record-provider>`);
    await vi.waitFor(() => expect(calls.map((c) => c.patient)).toEqual(['clinic/Patient/1']));
    provider.patient = 'clinic/Patient/2';
    await vi.waitFor(() => expect(calls.map((c) => c.patient)).toEqual(['clinic/Patient/1', 'clinic/Patient/2']));
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(calls[1]!.signal.aborted).toBe(false);

    await calls[1]!.finish();
    await vi.waitFor(() => expect(provider.syncState.status).toBe('complete'));
    expect(provider.lastSyncReport?.sources?.clinic?.status).toBe('clinic/Patient/2');
    // The aborted sync answers late; once its answer has been handed over (a task later, every
    // continuation has run) the provider still shows patient 2's report.
    await calls[0]!.finish();
    await new Promise((r) => setTimeout(r, 0));
    await settle(provider);
    expect(provider.syncState).toMatchObject({ status: 'complete', patient: 'clinic/Patient/2' });
    expect(provider.lastSyncReport?.sources?.clinic?.status).toBe('clinic/Patient/2');
  });
});

describe('localization', () => {
  it('uses the nearest [lang]: English and German terms, dates through Intl', async () => {
    const wrap = await fixture<HTMLDivElement>(html`<div>
      <div lang="en-GB"><test-terms id="en"></test-terms></div>
      <div lang="de-DE"><test-terms id="de"></test-terms></div>
    </div>`);
    const en = wrap.querySelector('#en') as TestTerms;
    const deEl = wrap.querySelector('#de') as TestTerms;
    await settle(en);
    await settle(deEl);
    expect(shadow(en).querySelector('.terms')!.textContent).toBe('No known allergies|Deceased');
    expect(shadow(deEl).querySelector('.terms')!.textContent).toBe('Keine bekannten Allergien|Verstorben');
    expect(shadow(en).querySelector('.date')!.textContent).toBe('25-Dec-1974');
    expect(shadow(deEl).querySelector('.date')!.textContent).toBe('25.12.1974');
    expect(shadow(en).querySelector('.datetime')!.textContent).toBe('21-Nov-2026 14:03');
    expect(shadow(deEl).querySelector('.datetime')!.textContent).toBe('21.11.2026, 14:03');
  });

  it('re-renders when an ancestor’s lang changes', async () => {
    const wrap = await fixture<HTMLDivElement>(html`<div lang="en"><test-terms></test-terms></div>`);
    const el = wrap.querySelector('test-terms') as TestTerms;
    await settle(el);
    wrap.setAttribute('lang', 'de');
    await vi.waitFor(() => expect(shadow(el).querySelector('.terms')!.textContent).toContain('Keine bekannten Allergien'));
  });

  it('keeps FHIR partial dates at their precision and says "Not known" for nonsense', async () => {
    const el = await fixture<TestTerms>(html`<test-terms lang="en"></test-terms>`);
    const l = (el as unknown as { localize: TestTerms['localize'] }).localize;
    expect(l.clinicalDate('1974')).toBe('1974');
    expect(l.clinicalDate('1974-12')).toBe('Dec-1974');
    expect(l.clinicalDate('not a date')).toBe('Not known');
    expect(l.clinicalDate(undefined)).toBe('Not known');
    expect(l.number(1234.5)).toBe('1,234.5');
    expect(l.relativeTime(Date.now() - 3 * 60 * MINUTE)).toBe('3 hours ago');
  });

  it('says "Not known" for a day that does not exist in English too (never rolls it over)', async () => {
    const el = await fixture<TestTerms>(html`<test-terms lang="en"></test-terms>`);
    const l = (el as unknown as { localize: TestTerms['localize'] }).localize;
    expect(l.clinicalDate('1970-02-30')).toBe('Not known');
    expect(l.clinicalDate('2019-02-29')).toBe('Not known');
    expect(l.clinicalDate('2019-13')).toBe('Not known');
    expect(l.clinicalDateTime('1970-02-30')).toBe('Not known');
    expect(l.clinicalDateTime('1970-02-30T10:00:00Z')).toBe('Not known');
    expect(l.clinicalDate('2020-02-29')).toBe('29-Feb-2020');
    expect(l.clinicalDate('1974-12-25')).toBe('25-Dec-1974');
  });

  it('shows a recorded date-time on its recorded calendar day and wall clock, whatever the viewer’s zone', async () => {
    for (const lang of ['en', 'de-DE']) {
      const el = await fixture<TestTerms>(html`<test-terms lang=${lang}></test-terms>`);
      const l = (el as unknown as { localize: TestTerms['localize'] }).localize;
      const en = lang === 'en';
      // At least one of these is on another day in any real time zone, were it converted.
      expect(l.clinicalDate('2021-02-21T23:30:00-05:00')).toBe(en ? '21-Feb-2021' : '21.02.2021');
      expect(l.clinicalDate('2021-02-21T00:30:00+14:00')).toBe(en ? '21-Feb-2021' : '21.02.2021');
      expect(l.clinicalDate('2021-02-21T08:45:12-05:00')).toBe(en ? '21-Feb-2021' : '21.02.2021');
      expect(l.clinicalDateTime('2021-02-21T08:45:12-05:00')).toBe(en ? '21-Feb-2021 08:45' : '21.02.2021, 08:45');
      expect(l.clinicalDateTime('2021-02-21T23:30:00-05:00')).toBe(en ? '21-Feb-2021 23:30' : '21.02.2021, 23:30');
      expect(l.clinicalDateTime('2021-02-21T00:30:00+14:00')).toBe(en ? '21-Feb-2021 00:30' : '21.02.2021, 00:30');
      // Asked for explicitly, a zone converts a date-time that carries an offset.
      expect(l.clinicalDateTime('2021-02-21T23:30:00-05:00', { timeZone: 'UTC' })).toBe(en ? '22-Feb-2021 04:30' : '22.02.2021, 04:30');
      expect(l.clinicalDate('2021-02-21T23:30:00-05:00', { timeZone: 'UTC' })).toBe(en ? '22-Feb-2021' : '22.02.2021');
      // The app's own instants (epoch numbers, Dates) are still shown in the viewer's local time.
      const local = new Date(2026, 10, 21, 14, 3);
      expect(l.clinicalDateTime(local.getTime())).toBe(en ? '21-Nov-2026 14:03' : '21.11.2026, 14:03');
      expect(l.clinicalDate(local)).toBe(en ? '21-Nov-2026' : '21.11.2026');
      expect(l.clinicalDateTime(Date.UTC(2026, 10, 21, 23, 51), { timeZone: 'Europe/Berlin' })).toBe(en ? '22-Nov-2026 00:51' : '22.11.2026, 00:51');
    }
  });

  it('gives German the numeric date form at the recorded precision, never the English month-name shape', async () => {
    const el = await fixture<TestTerms>(html`<test-terms lang="de-DE"></test-terms>`);
    const l = (el as unknown as { localize: TestTerms['localize'] }).localize;
    expect(l.clinicalDate('1952-07-31')).toBe('31.07.1952');
    expect(l.clinicalDate('2021-02-21')).toBe('21.02.2021');
    expect(l.clinicalDate('2020-08-23')).toBe('23.08.2020');
    expect(l.clinicalDate('1952-07')).toBe('07.1952');
    expect(l.clinicalDate('1952')).toBe('1952');
    expect(l.clinicalDate('2019-02-30')).toBe('Nicht bekannt');
    expect(l.clinicalDate(undefined)).toBe('Nicht bekannt');
    // A calendar date never moves with the time zone, whatever is asked for.
    expect(l.clinicalDate('1952-07-31', { timeZone: 'Pacific/Pago_Pago' })).toBe('31.07.1952');
    expect(l.clinicalDate(Date.UTC(2026, 10, 21, 23, 51), { timeZone: 'Europe/Berlin' })).toBe('22.11.2026');
    expect(l.clinicalDateTime(Date.UTC(2026, 10, 21, 23, 51), { timeZone: 'Europe/Berlin' })).toBe('22.11.2026, 00:51');
    expect(l.clinicalDateTime('2020-08-23')).toBe('23.08.2020');
  });

  it('names failed and never-synced sources with plurals', async () => {
    const store = storeWith([
      { id: 'clinic', label: 'Riverside Clinic', lastSyncAt: new Date().toISOString(), status: 'ok' },
      { id: 'hospital', label: 'St Elsewhere Hospital', status: 'error', lastError: 'HTTP 503' },
      { id: 'lab', label: 'City Lab', status: 'error' },
      { id: 'gp', label: 'Hillside GP' },
    ]);
    const el = await fixture<TestTerms>(html`<test-terms lang="en" .store=${store} patient="clinic/Patient/1"></test-terms>`);
    await vi.waitFor(() => expect(el.status.loaded).toBe(true));
    await settle(el);
    const notice = shadow(el).querySelector('.notice.partial')!;
    expect(notice.getAttribute('role')).toBe('status');
    expect(notice.textContent).toContain('2 providers could not be synced: St Elsewhere Hospital and City Lab');
    expect(notice.textContent).toContain('Hillside GP has not been synced yet');
    await expectNoAxeViolations(el);
  });
});

describe('source completeness for the current patient', () => {
  const recent = () => new Date(Date.now() - MINUTE).toISOString();
  const both = (hospital: Partial<SourceInfo> = {}): SourceInfo[] => [
    { id: 'clinic', label: 'Riverside Clinic', lastSyncAt: recent(), status: 'ok' },
    { id: 'hospital', label: 'St Elsewhere Hospital', lastSyncAt: recent(), status: 'ok', ...hospital },
  ];

  it('a source synced (lastSyncAt, ok) for another patient only is NOT complete for this one', async () => {
    const store = storeWithSynced(both(), { 'clinic/Patient/1': ['clinic'], 'clinic/Patient/2': ['clinic', 'hospital'] });
    const el = await completeness(store);
    expect(el.status.complete).toBe(false);
    expect(el.status.incomplete.map((s) => s.name)).toEqual(['St Elsewhere Hospital']);
    const other = await completeness(store, 'clinic/Patient/2');
    expect(other.status.complete).toBe(true);
    expect(other.status.incomplete).toEqual([]);
  });

  it('a store that cannot say per patient (no syncedSources): lastSyncAt alone never makes a source complete', async () => {
    const el = await completeness(storeWith(both()));
    expect(el.status.complete).toBe(false);
    expect(el.status.incomplete.map((s) => s.id)).toEqual(['clinic', 'hospital']);
  });

  for (const status of ['syncing', 'offline', 'error', 'unauthorized'] as const) {
    it(`status "${status}" is not complete, even with an earlier completed download for this patient`, async () => {
      const store = storeWithSynced(both({ status }), { 'clinic/Patient/1': ['clinic', 'hospital'] });
      const el = await completeness(store);
      expect(el.status.complete).toBe(false);
      expect(el.status.incomplete.map((s) => s.id)).toEqual(['hospital']);
    });
  }

  it("the provider's finished sync of THIS patient reporting ok counts; a report for another patient or a running sync does not", async () => {
    const store = storeWith(both());
    const el = await completeness(store);
    expect(el.status.complete).toBe(false);
    const report: SyncReport = { errors: [], sources: { clinic: { status: 'ok' }, hospital: { status: 'ok' } } };
    el.fakeSync = { status: 'complete', patient: 'clinic/Patient/2', report };
    el.requestUpdate();
    await settle(el);
    await settle(el);
    expect(el.status.complete).toBe(false);
    el.fakeSync = { status: 'syncing', patient: 'clinic/Patient/1', report };
    el.requestUpdate();
    await settle(el);
    expect(el.status.complete).toBe(false);
    el.fakeSync = { status: 'complete', patient: 'clinic/Patient/1', report };
    el.requestUpdate();
    await settle(el);
    expect(el.status.complete).toBe(true);
    el.fakeSync = {
      status: 'complete',
      patient: 'clinic/Patient/1',
      report: { errors: [{ source: 'hospital', message: 'HTTP 503' }], sources: { clinic: { status: 'ok' }, hospital: { status: 'error' } } },
    };
    el.requestUpdate();
    await settle(el);
    expect(el.status.complete).toBe(false);
    expect(el.status.incomplete.map((s) => s.id)).toEqual(['hospital']);
  });

  it('sources unknown (no getSources, or it throws): completeness unknown, so NOT complete', async () => {
    const controlled = new ControlledStore();
    const bare: RecordSource = { search: async () => [], live: (query) => controlled.live(query) };
    const none = await completeness(bare);
    expect(none.status.known).toBe(false);
    expect(none.status.complete).toBe(false);
    const throwing = storeWith([]);
    throwing.getSources = async () => {
      throw new Error('IndexedDB gone');
    };
    const failed = await completeness(throwing);
    expect(failed.status.known).toBe(false);
    expect(failed.status.complete).toBe(false);
  });

  it('the real store: syncedSources answers from checkpoints tagged with the patient or a linked one', async () => {
    const { store, patient } = await seedStore({ name: `synced-sources-${Date.now()}`, hospital: { syncedAgo: MINUTE, status: 'ok', syncedPatient: 'hospital/Patient/someone-else' } });
    expect(await store.syncedSources(patient.clinic as never)).toEqual(['clinic']);
    expect(await store.syncedSources(patient.hospital as never)).toEqual(['clinic']);
    expect(await store.syncedSources('hospital/Patient/someone-else' as never)).toEqual(['hospital']);
    const everything = await seedStore({ name: `synced-sources-all-${Date.now()}` });
    expect(await everything.store.syncedSources(everything.patient.clinic as never)).toEqual(['clinic', 'hospital']);
  });

  it('the real store: a source searched with no record of the patient is complete and says noRecord', async () => {
    const { store, patient } = await seedStore({ name: `no-record-${Date.now()}`, hospital: { syncedAgo: MINUTE, status: 'ok', noRecord: true } });
    const el = await completeness(store as unknown as RecordSource, patient.clinic);
    expect(el.status.sources.map((s) => [s.id, s.complete, s.noRecord])).toEqual([
      ['clinic', true, false],
      ['hospital', true, true],
    ]);
    expect(el.status.complete).toBe(true);
    // Failing now: neither complete nor "no record", whatever was found before.
    await store.setSourceStatus('hospital', { status: 'error', lastError: 'HTTP 503' });
    el.status.refresh();
    await vi.waitFor(() => expect(el.status.source('hospital')).toMatchObject({ complete: false, noRecord: false, failed: true }));
  });
});

describe('<ehr-source-badge>', () => {
  it('shows the source label and "as of" time, not stale when recent', async () => {
    const at = Date.now() - 5 * MINUTE;
    const store = storeWith([{ id: 'clinic', label: 'Riverside Clinic', lastSyncAt: new Date(at).toISOString(), status: 'ok' }]);
    const provider = await fixture<EhrRecordProvider>(html`<ehr-record-provider .store=${store} patient="clinic/Patient/1" lang="en">
      <ehr-source-badge source="clinic"></ehr-source-badge>
    </ehr-record-provider>`);
    const badge = provider.querySelector('ehr-source-badge') as EhrSourceBadge;
    await vi.waitFor(() => expect(shadow(badge).querySelector('[part=label]')?.textContent).toBe('Riverside Clinic'));
    expect(badge.stale).toBe(false);
    expect(shadow(badge).querySelector('[part=time]')!.textContent).toMatch(/^as of \d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}$/);
    expect(shadow(badge).querySelector('[part=status]')).toBeNull();
    // A label, not a button: no border box and no fill around a fresh badge.
    const look = getComputedStyle(shadow(badge).querySelector('[part=base]')!);
    expect([look.borderTopStyle, look.borderRightStyle, look.borderBottomStyle, look.borderLeftStyle]).toEqual(['none', 'none', 'none', 'none']);
    expect(look.backgroundColor).toBe('rgba(0, 0, 0, 0)');
    await expectNoAxeViolations(provider);
  });

  it('is stale (attribute, icon and words) when older than stale-after', async () => {
    const badge = await badgeFor([{ id: 'hospital', label: 'St Elsewhere Hospital', lastSyncAt: Date.now() - 3 * DAY, status: 'ok' }], 'hospital');
    await vi.waitFor(() => expect(badge.hasAttribute('stale')).toBe(true));
    await settle(badge);
    expect(shadow(badge).querySelector('[part=status]')!.textContent).toContain('Out of date');
    const base = shadow(badge).querySelector('[part=base]')!;
    // A dashed underline, not a box.
    expect(getComputedStyle(base).borderBottomStyle).toBe('dashed');
    expect(getComputedStyle(base).borderTopStyle).toBe('none');
    await expectNoAxeViolations(badge);

    // A longer threshold makes the same time fresh again.
    badge.staleAfter = 7 * DAY;
    await settle(badge);
    expect(badge.hasAttribute('stale')).toBe(false);
  });

  it('takes as-of and label overrides, and says "Not synced yet" for a never-synced source', async () => {
    const badge = await badgeFor([{ id: 'lab', label: 'City Lab' }], 'lab');
    await vi.waitFor(() => expect(shadow(badge).textContent).toContain('Not synced yet'));
    badge.asOf = '2026-11-21T14:03:00Z';
    badge.label = 'Lab (override)';
    badge.staleAfter = Number.MAX_SAFE_INTEGER;
    await settle(badge);
    expect(shadow(badge).querySelector('[part=label]')!.textContent).toBe('Lab (override)');
    expect(shadow(badge).querySelector('[part=time]')!.textContent).toMatch(/^as of 2[12]-Nov-2026 /);
  });

  it('shows "Sync failed" from the provider’s sync report', async () => {
    const store = new SyncingStore();
    store.sources = [{ id: 'hospital', label: 'St Elsewhere Hospital', lastSyncAt: Date.now() - MINUTE, status: 'ok' }];
    store.syncImpl = async () => ({ errors: [{ source: 'hospital', message: 'HTTP 503' }], sources: { hospital: { status: 'error' } } });
    const provider = await fixture<EhrRecordProvider>(html`<ehr-record-provider sync lang="en" .store=${store} patient="clinic/Patient/1">
      <ehr-source-badge source="hospital"></ehr-source-badge>
    </ehr-record-provider>`);
    const badge = provider.querySelector('ehr-source-badge')!;
    await vi.waitFor(() => expect(shadow(badge).querySelector('[part=status]')?.textContent).toContain('Sync failed'));
    await expectNoAxeViolations(provider);
  });
});

describe('<ehr-source-badge compact>', () => {
  const visible = (el: Element | null) => !!el && !el.classList.contains('visually-hidden') && el.getBoundingClientRect().width > 1;

  it('shows only the provider name; the "as of" time is for screen readers and the tooltip', async () => {
    const badge = await badgeFor([{ id: 'clinic', label: 'Riverside Clinic', lastSyncAt: Date.now() - 5 * MINUTE, status: 'ok' }], 'clinic', { compact: true });
    await vi.waitFor(() => expect(shadow(badge).querySelector('[part=label]')?.textContent).toBe('Riverside Clinic'));
    await settle(badge);
    const time = shadow(badge).querySelector('[part=time]')!;
    expect(time.textContent).toMatch(/as of \d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}$/);
    expect(visible(time)).toBe(false);
    expect(shadow(badge).querySelector('[part=base]')!.getAttribute('title')).toMatch(/^as of /);
    expect(shadow(badge).querySelector('[part=status]')).toBeNull();
    // One line: no taller than the full badge's single line of text.
    expect(badge.getBoundingClientRect().height).toBeLessThan(24);
    await expectNoAxeViolations(badge);
  });

  it('still says "Out of date" and "Sync failed" in words, with the dashed underline', async () => {
    const store = storeWith([
      { id: 'hospital', label: 'St Elsewhere Hospital', lastSyncAt: Date.now() - 3 * DAY, status: 'ok' },
      { id: 'lab', label: 'City Lab', lastSyncAt: Date.now() - MINUTE, status: 'error', lastError: 'HTTP 503' },
    ]);
    const wrapper = await fixture<HTMLElement>(html`<div lang="en">
      <ehr-source-badge compact .store=${store} source="hospital"></ehr-source-badge>
      <ehr-source-badge compact .store=${store} source="lab"></ehr-source-badge>
    </div>`);
    const [stale, failed] = [...wrapper.querySelectorAll('ehr-source-badge')] as EhrSourceBadge[];
    await vi.waitFor(() => expect(stale!.hasAttribute('stale')).toBe(true));
    await vi.waitFor(() => expect(shadow(failed!).querySelector('[part=status]')?.textContent).toContain('Sync failed'));
    await settle(stale!);
    const staleStatus = shadow(stale!).querySelector('[part=status]')!;
    expect(staleStatus.textContent).toContain('Out of date');
    expect(visible(staleStatus)).toBe(true);
    expect(visible(shadow(failed!).querySelector('[part=status]'))).toBe(true);
    expect(getComputedStyle(shadow(stale!).querySelector('[part=base]')!).borderBottomStyle).toBe('dashed');
    expect(getComputedStyle(shadow(failed!).querySelector('[part=base]')!).borderBottomStyle).toBe('dashed');
    await expectNoAxeViolations(wrapper);
  });

  it('is off by default (the full badge with its time)', async () => {
    const badge = await badgeFor([{ id: 'clinic', label: 'Riverside Clinic', lastSyncAt: Date.now(), status: 'ok' }], 'clinic');
    await vi.waitFor(() => expect(shadow(badge).querySelector('[part=time]')).not.toBeNull());
    expect(badge.compact).toBe(false);
    expect(visible(shadow(badge).querySelector('[part=time]'))).toBe(true);
  });
});

describe('shared look and options of the data elements', () => {
  it('allergy panel and medication list headings have the same size', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div lang="en"><ehr-allergy-panel></ehr-allergy-panel><ehr-medication-list></ehr-medication-list></div>`);
    const panel = wrapper.querySelector('ehr-allergy-panel') as EhrAllergyPanel;
    const meds = wrapper.querySelector('ehr-medication-list') as EhrMedicationList;
    await settle(panel);
    await settle(meds);
    const size = (el: Element) => getComputedStyle(shadow(el).querySelector('[part~="heading"]')!).fontSize;
    expect(size(panel)).toBe('18px');
    expect(size(meds)).toBe(size(panel));
  });

  it('hide-source-notices is a documented boolean attribute of every data element, off by default', async () => {
    const el = await fixture<TestTerms>(html`<test-terms></test-terms>`);
    expect(el.hideSourceNotices).toBe(false);
    el.setAttribute('hide-source-notices', '');
    expect(el.hideSourceNotices).toBe(true);
  });
});

describe('theme and base', () => {
  it('switches the tokens for everything inside theme="dark"', async () => {
    const store = new ControlledStore();
    const { provider, el } = await listInProvider(store, { theme: 'dark' });
    expect(getComputedStyle(el).color).toBe('rgb(230, 237, 243)');
    provider.theme = 'light';
    await settle(provider);
    expect(getComputedStyle(el).color).toBe('rgb(31, 35, 40)');
  });

  it('defines a tag once and ignores a second registration', () => {
    expect(() => defineElement('ehr-record-provider', EhrRecordProvider)).not.toThrow();
    class Other extends HTMLElement {}
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(() => defineElement('ehr-record-provider', Other)).not.toThrow();
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
    expect(customElements.get('ehr-record-provider')).toBe(EhrRecordProvider);
  });

  it('emits typed events that bubble and compose', async () => {
    const el = await fixture<TestAllergyList>(html`<test-allergy-list></test-allergy-list>`);
    const seen = new Promise<CustomEvent>((resolve) => document.addEventListener('ehr-sync-request', (e) => resolve(e), { once: true }));
    el.emit('ehr-sync-request', { patient: 'clinic/Patient/1' });
    const event = await seen;
    expect(event.detail.patient).toBe('clinic/Patient/1');
    expect(event.composed).toBe(true);
  });
});
