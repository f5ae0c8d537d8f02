import { html, nothing, type TemplateResult } from 'lit';
import type { Bundle, Patient } from 'fhir/r4';
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

async function fetchPatients(base: DemoBase): Promise<PatientRow[]> {
  const rows: PatientRow[] = [];
  let next: string | undefined = `${base.url}/Patient?_count=100`;
  while (next) {
    const response: Response = await fetch(next, { headers: { Accept: 'application/fhir+json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const bundle = (await response.json()) as Bundle<Patient>;
    for (const entry of bundle.entry ?? []) if (entry.resource?.id) rows.push({ base, patient: entry.resource });
    next = bundle.link?.find((l) => l.relation === 'next')?.url;
  }
  return rows;
}

/** Reads the patients of every base; a base that fails is reported, never thrown. */
export async function loadPatientList(): Promise<PatientListResult> {
  const results = await Promise.allSettled(bases.map(fetchPatients));
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
