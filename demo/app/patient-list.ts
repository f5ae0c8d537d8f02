import { html, nothing, type TemplateResult } from 'lit';
import type { Bundle, Patient } from 'fhir/r4';
import { resolveSourceLink } from '../../src/sync/source-links.js';
import { bases, type DemoBase } from './config.js';
import { words } from './i18n.js';
import { patientHref } from './routes.js';

export interface PatientRow {
  base: DemoBase;
  patient: Patient;
}

export interface PatientListResult {
  rows: PatientRow[];
  /** One entry per base that could not be read. */
  failures: Array<{ base: DemoBase; reason: string }>;
}

/**
 * Every Patient of one base, following the server's `next` links under the sync engine's own
 * rule (`resolveSourceLink`): a link that leaves the base URL — another origin, or another path
 * on the same origin — is not followed (it would carry the user's credentials elsewhere), and a link to a page already read stops the walk
 * instead of looping for ever. Both are reported as failures of that base.
 */
export async function fetchPatients(base: DemoBase, fetchImpl: typeof fetch = (input, init) => fetch(input, init)): Promise<PatientRow[]> {
  const rows: PatientRow[] = [];
  const visited = new Set<string>();
  let link: string | undefined = 'Patient?_count=100';
  while (link !== undefined) {
    const url = resolveSourceLink(base.url, link);
    if (url === undefined) throw new Error(`${leftBase(base.url, link)}; not followed`);
    if (visited.has(url)) throw new Error('the server linked back to a page already read; stopped');
    visited.add(url);
    const response: Response = await fetchImpl(url, { headers: { Accept: 'application/fhir+json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const bundle = (await response.json()) as Bundle<Patient>;
    for (const entry of bundle.entry ?? []) if (entry.resource?.id) rows.push({ base, patient: entry.resource });
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    link = typeof next === 'string' && next !== '' ? next : undefined;
  }
  return rows;
}

/** Where a refused link pointed, for a message: the origin, or origin and path when on our origin (never a query). */
function leftBase(baseUrl: string, link: string): string {
  if (!URL.canParse(link)) return 'the server linked to an unreadable URL';
  const url = new URL(link);
  if (url.origin !== new URL(baseUrl).origin) return `the server linked to another site (${url.origin})`;
  return `the server linked outside its base URL (${url.origin}${url.pathname})`;
}

/** Reads the patients of every base; a base that fails is reported, never thrown. */
export async function loadPatientList(): Promise<PatientListResult> {
  const results = await Promise.allSettled(bases.map((b) => fetchPatients(b)));
  const out: PatientListResult = { rows: [], failures: [] };
  results.forEach((r, i) => {
    const base = bases[i]!;
    if (r.status === 'fulfilled') out.rows.push(...r.value);
    else out.failures.push({ base, reason: r.reason instanceof Error ? r.reason.message : String(r.reason) });
  });
  out.rows.sort((a, b) => displayName(a.patient).localeCompare(displayName(b.patient)) || a.base.label.localeCompare(b.base.label));
  return out;
}

/** `FAMILY, Given`, as the banner shows it. */
export function displayName(p: Patient): string {
  const name = p.name?.find((n) => n.use === 'official') ?? p.name?.[0];
  if (!name) return '';
  const family = name.family ? name.family.toUpperCase() : '';
  const given = (name.given ?? []).join(' ');
  return [family, given].filter(Boolean).join(', ') || name.text || '';
}

export function renderPatientList(state: PatientListResult | undefined, onRetry: () => void): TemplateResult {
  const w = words();
  const heading = html`<h2 id="list-heading">${w.patients}</h2>
    <p class="intro">${w.patientsIntro}</p>`;
  if (!state) return html`${heading}<p class="status" role="status">${w.loadingPatients}</p>`;
  const { rows, failures } = state;
  return html`${heading}
    ${failures.length
      ? html`<div class="error" role="alert">
          <h3>${w.listErrorTitle}</h3>
          <ul>
            ${failures.map((f) => html`<li>${w.unreachable(f.base.label, f.base.url, f.reason)}</li>`)}
          </ul>
          <button type="button" @click=${onRetry}>${w.tryAgain}</button>
        </div>`
      : nothing}
    ${rows.length
      ? html`<table class="patients" aria-label=${w.patientsTable}>
          <thead>
            <tr>
              <th scope="col">${w.colName}</th>
              <th scope="col">${w.colBorn}</th>
              <th scope="col">${w.colProvider}</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              ({ base, patient }) => html`<tr data-provider=${base.id} data-patient=${patient.id!}>
                <td><a href=${patientHref(base.id, patient.id!)}>${displayName(patient) || w.notKnown}</a></td>
                <td>${patient.birthDate ?? w.notKnown}</td>
                <td>${base.label}</td>
              </tr>`,
            )}
          </tbody>
        </table>`
      : failures.length
        ? nothing
        : html`<p class="status">${w.noPatients}</p>`}`;
}
