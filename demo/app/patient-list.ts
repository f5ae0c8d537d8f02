import { html, nothing, type TemplateResult } from 'lit';
import type { Bundle, Patient } from 'fhir/r4';
import { resolveSourceLink } from '../../src/sync/source-links.js';
import { formatParsedDate, parseFhirDate } from '../../src/fhir/dates.js';
import { genderKey } from '../../src/fhir/gender.js';
import { identifierCaption } from '../../src/fhir/identifier-systems.js';
import { identifierGroups } from '../../src/fhir/identifiers.js';
import { translationFor, type TermKey } from '../../src/elements/base/localize/index.js';
import { IDENTIFIER_TERMS, NATIONAL_ID_TERMS } from '../../src/elements/patient-banner/identifier-terms.js';
import { bases, linkIdentifierSystems, type DemoBase } from './config.js';
import { lang, words } from './i18n.js';
import { groupPeople, searchPeople, type Person, type PatientRow } from './people.js';
import { patientHref } from './routes.js';

export type { PatientRow } from './people.js';

export interface PatientListResult {
  rows: PatientRow[];
  /** The rows joined into one per person (see people.ts). */
  people: Person[];
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

/** Reads the patients of every base and joins them into people; a base that fails is reported, never thrown. */
export async function loadPatientList(): Promise<PatientListResult> {
  const results = await Promise.allSettled(bases.map((b) => fetchPatients(b)));
  const rows: PatientRow[] = [];
  const failures: PatientListResult['failures'] = [];
  results.forEach((r, i) => {
    const base = bases[i]!;
    if (r.status === 'fulfilled') rows.push(...r.value);
    else failures.push({ base, reason: r.reason instanceof Error ? r.reason.message : String(r.reason) });
  });
  return { rows, people: groupPeople(rows, linkIdentifierSystems, bases), failures };
}

/** A kit term in the page's language (the list reuses the banner's words for identifiers and gender). */
function kitTerm(key: TermKey): string {
  const value = (translationFor(lang()) as Record<string, unknown>)[key] ?? (translationFor('en') as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : key;
}

const GENDER_TERMS: Record<string, TermKey> = { male: 'genderMale', female: 'genderFemale', other: 'genderOther' };

/** Born as the kit writes dates: `22-May-2018` in English, `22.05.2018` in German. */
function born(p: Patient): string {
  const parsed = typeof p.birthDate === 'string' ? parseFhirDate(p.birthDate) : null;
  return parsed ? formatParsedDate(parsed, lang(), { time: false }) : words().notKnown;
}

function identifierCell(person: Person): TemplateResult {
  const w = words();
  if (!person.identifier) return html`<span class="muted">${w.notKnown}</span>`;
  const { identifier, value, row } = person.identifier;
  const caption = identifierCaption(identifier);
  const label =
    caption.kind === 'type'
      ? kitTerm(IDENTIFIER_TERMS[caption.key])
      : caption.kind === 'national'
        ? kitTerm(NATIONAL_ID_TERMS[caption.key])
        : caption.kind === 'recorded'
          ? caption.text
          : w.issuedBy(caption.issuer ?? row.base.label);
  const spaced = !/[\s\-./]/.test(value);
  return html`<span class="id-label"><bdi>${label}</bdi></span>
    <bdi class="id-value">${identifierGroups(value).map((g) => html`<span class=${spaced ? 'id-group spaced' : 'id-group'}>${g}</span>`)}</bdi>`;
}

function personRow(person: Person): TemplateResult {
  const w = words();
  const p = person.main.patient;
  const providers = person.records.map((r) => r.base);
  return html`<tr data-person=${person.key} data-providers=${[...new Set(providers.map((b) => b.id))].join(' ')}>
    <th scope="row">
      <a href=${patientHref(person.main.base.id, p.id!)}><bdi>${person.name || w.notKnown}</bdi></a>
      ${person.deceased ? html`<span class="tag deceased"><span aria-hidden="true">◆</span> ${w.deceased}</span>` : nothing}
    </th>
    <td class="born">${born(p)}</td>
    <td class="gender">${kitTerm(GENDER_TERMS[genderKey(p)] ?? 'genderUnknown')}</td>
    <td class="identifier">${identifierCell(person)}</td>
    <td>
      <ul class="providers" aria-label=${w.heldBy}>
        ${[...new Map(providers.map((b) => [b.id, b])).values()].map((b) => html`<li class="provider-chip" data-provider=${b.id}>${b.label}</li>`)}
      </ul>
    </td>
  </tr>`;
}

/**
 * The list: one row per person, linked across providers, with born, gender, the main identifier
 * with its label, a Deceased tag and a chip per provider that holds a record; a search by name
 * or identifier that says how many it shows of how many.
 */
export function renderPatientList(
  state: PatientListResult | undefined,
  handlers: { query: string; onQuery: (query: string) => void; onRetry: () => void },
): TemplateResult {
  const w = words();
  const heading = html`<h2 id="list-heading">${w.patients}</h2>
    <p class="intro">${w.patientsIntro}</p>`;
  if (!state) return html`${heading}<p class="status" role="status">${w.loadingPatients}</p>`;
  const { people, failures } = state;
  const shown = searchPeople(people, handlers.query);
  return html`${heading}
    ${failures.length
      ? html`<div class="error" role="alert">
          <h3>${w.listErrorTitle}</h3>
          <ul>
            ${failures.map((f) => html`<li>${w.unreachable(f.base.label, f.base.url, f.reason)}</li>`)}
          </ul>
          <button type="button" @click=${handlers.onRetry}>${w.tryAgain}</button>
        </div>`
      : nothing}
    ${people.length
      ? html`<div class="list-search" role="search">
            <label for="patient-search">${w.searchLabel}</label>
            <input
              id="patient-search"
              type="search"
              autocomplete="off"
              .value=${handlers.query}
              @input=${(e: Event) => handlers.onQuery((e.target as HTMLInputElement).value)}
            />
            <p class="list-count" role="status">${shown.length === people.length ? w.peopleCount(people.length) : w.showingOf(shown.length, people.length)}</p>
          </div>
          ${shown.length
            ? html`<table class="patients" aria-label=${w.patientsTable}>
                <thead>
                  <tr>
                    <th scope="col">${w.colName}</th>
                    <th scope="col">${w.colBorn}</th>
                    <th scope="col">${w.colGender}</th>
                    <th scope="col">${w.colIdentifier}</th>
                    <th scope="col">${w.colProviders}</th>
                  </tr>
                </thead>
                <tbody>
                  ${shown.map(personRow)}
                </tbody>
              </table>`
            : html`<p class="status">${w.noMatch(handlers.query)}</p>`}`
      : failures.length
        ? nothing
        : html`<p class="status">${w.noPatients}</p>`}`;
}
