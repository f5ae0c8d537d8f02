/// <reference types="vite/client" />
import type { Bundle, Patient } from 'fhir/r4';

/** One FHIR base the demo reads, as handed over by `npm start` in `VITE_FHIR_BASES`. */
interface DemoBase {
  id: string;
  label: string;
  url: string;
}

const fallbackBases: DemoBase[] = [
  { id: 'clinic', label: 'Riverside Clinic', url: 'http://127.0.0.1:8103/clinic/fhir' },
  { id: 'hospital', label: 'St Elsewhere Hospital', url: 'http://127.0.0.1:8103/hospital/fhir' },
];

function configuredBases(): DemoBase[] {
  const raw = import.meta.env.VITE_FHIR_BASES as string | undefined;
  if (!raw) return fallbackBases;
  try {
    return JSON.parse(raw) as DemoBase[];
  } catch {
    return fallbackBases;
  }
}

interface PatientRow {
  base: DemoBase;
  patient: Patient;
}

async function fetchPatients(base: DemoBase): Promise<PatientRow[]> {
  const rows: PatientRow[] = [];
  let next: string | undefined = `${base.url}/Patient?_count=100`;
  while (next) {
    const response: Response = await fetch(next, { headers: { Accept: 'application/fhir+json' } });
    if (!response.ok) throw new Error(`${base.label} answered HTTP ${response.status}`);
    const bundle = (await response.json()) as Bundle<Patient>;
    for (const entry of bundle.entry ?? []) if (entry.resource) rows.push({ base, patient: entry.resource });
    next = bundle.link?.find((l) => l.relation === 'next')?.url;
  }
  return rows;
}

function displayName(p: Patient): string {
  const name = p.name?.find((n) => n.use === 'official') ?? p.name?.[0];
  if (!name) return 'Not known';
  const family = name.family ? name.family.toUpperCase() : '';
  const given = (name.given ?? []).join(' ');
  return [family, given].filter(Boolean).join(', ') || name.text || 'Not known';
}

function cell(text: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function renderTable(rows: PatientRow[]): HTMLTableElement {
  const table = document.createElement('table');
  table.setAttribute('aria-label', 'Patients by provider');
  const head = table.createTHead().insertRow();
  for (const h of ['Name', 'Born', 'Provider']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  rows.sort((a, b) => displayName(a.patient).localeCompare(displayName(b.patient)));
  for (const { base, patient } of rows) {
    const tr = body.insertRow();
    tr.dataset.provider = base.id;
    tr.append(cell(displayName(patient)), cell(patient.birthDate ?? 'Not known'), cell(base.label));
  }
  return table;
}

function renderError(failures: string[]): HTMLElement {
  const box = document.createElement('div');
  box.className = 'error';
  box.setAttribute('role', 'alert');
  const h = document.createElement('h2');
  h.textContent = 'Some records could not be loaded';
  const list = document.createElement('ul');
  for (const f of failures) {
    const li = document.createElement('li');
    li.textContent = f;
    list.append(li);
  }
  box.append(h, list);
  return box;
}

async function main(): Promise<void> {
  const app = document.getElementById('app')!;
  const bases = configuredBases();
  const results = await Promise.allSettled(bases.map(fetchPatients));
  const rows: PatientRow[] = [];
  const failures: string[] = [];
  results.forEach((r, i) => {
    const base = bases[i]!;
    if (r.status === 'fulfilled') rows.push(...r.value);
    else failures.push(`${base.label} (${base.url}) is unreachable: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
  });
  app.replaceChildren();
  if (failures.length) app.append(renderError(failures));
  if (rows.length) app.append(renderTable(rows));
  else if (!failures.length) app.textContent = 'No patients on these servers.';
}

void main();
