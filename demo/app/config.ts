/// <reference types="vite/client" />

/** One FHIR base the demo reads, as handed over by `npm start` in `VITE_FHIR_BASES`. */
export interface DemoBase {
  id: string;
  label: string;
  url: string;
}

/** Used when the SPA runs on its own (plain `vite`): the FHIR server at its default port. */
const fallbackBases: DemoBase[] = [
  { id: 'clinic', label: 'Riverside Clinic', url: 'http://127.0.0.1:8103/clinic/fhir' },
  { id: 'hospital', label: 'St Elsewhere Hospital', url: 'http://127.0.0.1:8103/hospital/fhir' },
];

/** The shipped sample data links patients by SSN, or by MRN where there is none. */
const fallbackLinkSystems = ['http://hl7.org/fhir/sid/us-ssn', 'urn:inferno:mrn', 'urn:oid:1.2.36.146.595.217.0.1'];

function fromEnv<T>(raw: string | undefined, fallback: T, valid: (v: unknown) => boolean): T {
  if (!raw) return fallback;
  try {
    const value: unknown = JSON.parse(raw);
    return valid(value) ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

export const bases: DemoBase[] = fromEnv(import.meta.env.VITE_FHIR_BASES as string | undefined, fallbackBases, (v) =>
  Array.isArray(v) && v.every((b) => b && typeof b.id === 'string' && typeof b.url === 'string'),
);

/** Identifier systems that say two Patient records are the same person (`loadSampleData().linkIdentifierSystems`). */
export const linkIdentifierSystems: string[] = fromEnv(
  import.meta.env.VITE_LINK_SYSTEMS as string | undefined,
  fallbackLinkSystems,
  (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'),
);

/** The SMART entries `npm start` sets up: the simulated EHR, and the FHIR bases behind sign-in. */
export const smartLinks: { ehr?: string; standalone?: string } = (() => {
  const ehr = import.meta.env.VITE_SMART_EHR_URL as string | undefined;
  let first: string | undefined;
  try {
    const list: unknown = JSON.parse((import.meta.env.VITE_SMART_ISS_LIST as string | undefined) ?? '[]');
    first = Array.isArray(list) ? list.find((s): s is string => typeof s === 'string' && !s.includes('/nopkce/')) : undefined;
  } catch {
    first = undefined;
  }
  return {
    ...(ehr ? { ehr } : {}),
    ...(first ? { standalone: `./launch.html?standalone=patient&iss=${encodeURIComponent(first)}` } : {}),
  };
})();

export function baseLabel(id: string): string {
  return bases.find((b) => b.id === id)?.label ?? id;
}
