/** Hash routes: `#/` is the patient list, `#/patient/<source>/<id>` one patient's record. */
export type Route = { view: 'list' } | { view: 'patient'; source: string; id: string };

export function patientHref(source: string, id: string): string {
  return `#/patient/${encodeURIComponent(source)}/${encodeURIComponent(id)}`;
}

export function currentRoute(hash = location.hash): Route {
  const m = /^#\/patient\/([^/]+)\/([^/]+)$/.exec(hash);
  if (!m) return { view: 'list' };
  try {
    return { view: 'patient', source: decodeURIComponent(m[1]!), id: decodeURIComponent(m[2]!) };
  } catch {
    return { view: 'list' };
  }
}

/** The store's key for a route's patient: `"<source>/Patient/<id>"`. */
export function patientKey(route: Extract<Route, { view: 'patient' }>): string {
  return `${route.source}/Patient/${route.id}`;
}
