/**
 * Finding the same person in other sources.
 *
 * A patient downloaded from its own source names who it is through identifiers (in the systems
 * the host declared as linking, e.g. a national id) and through `Patient.link`. In every other
 * source we look for `Patient?identifier=<system>|<value>`; `Patient.link` references are followed
 * when they point into a known source (relative: the same source; absolute: a source whose base
 * URL they start with). The store computes the links itself from the Patient rows once they are
 * downloaded; this module only decides what to download.
 */
import type { Patient } from 'fhir/r4';
import { patientLinkTargets } from '../fhir/references.js';
import { readBundlePage } from './bundle.js';
import { patientSearchMethod, type ServerCapabilities } from './capabilities.js';
import type { FhirClient } from './http.js';
import { params } from './download.js';

/** `system|value` of the patient's identifiers in the linking systems. */
export function linkingIdentifiers(patient: Patient | undefined, systems: readonly string[]): string[] {
  if (!patient || !Array.isArray(patient.identifier)) return [];
  const wanted = new Set(systems);
  const out = new Set<string>();
  for (const i of patient.identifier) {
    if (i?.system && i.value && wanted.has(i.system)) out.add(`${i.system}|${i.value}`);
  }
  return [...out];
}

/** `Patient.link` targets resolved to `{ source, id }` among the known sources. */
export function linkTargets(
  patient: Patient | undefined,
  ownSource: string,
  sources: ReadonlyArray<{ id: string; baseUrl: string }>,
): Array<{ source: string; id: string }> {
  const out: Array<{ source: string; id: string }> = [];
  for (const target of patientLinkTargets(patient)) {
    if (!target.base) {
      out.push({ source: ownSource, id: target.id });
      continue;
    }
    const s = sources.find((x) => x.baseUrl.replace(/\/+$/, '') === target.base);
    if (s) out.push({ source: s.id, id: target.id });
  }
  return out;
}

/** What an identifier search of one source found. */
export interface IdentifierSearchResult {
  /** The Patients carrying one of the identifiers, each once (by id). */
  patients: Patient[];
  /** The server time of the first answer. */
  serverTime?: string;
}

/**
 * The Patients in the client's source that carry any of the identifiers. Each result is
 * checked: a lenient server that ignores an unknown or unsupported `identifier` parameter answers
 * with every Patient, and only those that really carry the exact `system|value` searched for are
 * candidates. Whether a candidate is the same person is the store's linking rule's decision.
 */
export async function findPatientsByIdentifier(
  client: FhirClient,
  identifiers: string[],
  signal?: AbortSignal,
  caps?: ServerCapabilities,
): Promise<IdentifierSearchResult> {
  const found = new Map<string, Patient>();
  let serverTime: string | undefined;
  // POST `_search` keeps the identifier (an SSN, say) out of every URL, and so out of logs, when
  // the server declares Patient search (see `patientSearchMethod`); GET otherwise. Next links are
  // the server's own and followed as given.
  const post = caps !== undefined && patientSearchMethod(caps) === 'POST';
  for (const identifier of identifiers) {
    let url: string | undefined = post ? 'Patient/_search' : `Patient?${params({ identifier })}`;
    const visited = new Set<string>();
    let first = true;
    while (url && !visited.has(url)) {
      visited.add(url);
      const response =
        first && post
          ? await client.request(url, { method: 'POST', form: new URLSearchParams({ identifier }), signal })
          : await client.get(url, { signal });
      first = false;
      serverTime ??= response.serverTime;
      const page = readBundlePage(response.body, { source: client.source, url: response.url });
      for (const r of page.resources) {
        if (r.resourceType === 'Patient' && r.id && carries(r as Patient, identifier)) found.set(r.id, r as Patient);
      }
      url = page.next;
    }
  }
  return { patients: [...found.values()], ...(serverTime ? { serverTime } : {}) };
}

/** Whether the patient has the identifier `system|value` (exact match on both). */
function carries(patient: Patient, identifier: string): boolean {
  const bar = identifier.indexOf('|');
  const system = identifier.slice(0, bar);
  const value = identifier.slice(bar + 1);
  return linkingIdentifiers(patient, [system]).includes(`${system}|${value}`);
}
