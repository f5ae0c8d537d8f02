/**
 * Which URLs a server may send a client to, and which base URLs may be talked to at all. One rule,
 * used by the engine's HTTP client and by anything else that follows a server's links with the
 * user's credentials (the demo's patient list), so the two cannot drift apart.
 *
 * - A link is followed only when it stays under the source's base URL: same origin AND a path
 *   under the base path. Two FHIR bases on one host (`/clinic/fhir`, `/hospital/fhir`) are two
 *   sources with their own data and, often, their own credentials; the origin alone does not
 *   separate them.
 * - A base URL must be https, except on loopback (127.0.0.0/8, ::1, localhost), unless the host
 *   explicitly allows plain http for development (`allowInsecure`).
 */

/** True when `link` is an absolute URL (has a scheme). */
function isAbsolute(link: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(link);
}

/** Whether `url` (parsed) is the base itself or below it: same origin, path under the base path. */
export function isUnderBase(baseUrl: string, url: string): boolean {
  let base: URL;
  let target: URL;
  try {
    base = new URL(baseUrl.replace(/\/+$/, ''));
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.origin !== base.origin) return false;
  // Compared after the URL parser's normalisation (`..`, `%2e%2e`), which is what fetch will ask for.
  const basePath = base.pathname.replace(/\/+$/, '');
  return target.pathname === basePath || target.pathname.startsWith(`${basePath}/`);
}

/**
 * The URL to request for `link`, a path relative to the source's base or an absolute URL the
 * source sent, or `undefined` when the link leaves the source (another origin, or another path on
 * the same origin), in which case it must not be followed: the request would carry the source's
 * credentials elsewhere. Absolute URLs that stay are returned exactly as given (paging links are
 * never rebuilt).
 */
export function resolveSourceLink(baseUrl: string, link: string): string | undefined {
  const base = baseUrl.replace(/\/+$/, '');
  const url = isAbsolute(link) ? link : `${base}/${link.replace(/^\/+/, '')}`;
  return isUnderBase(base, url) ? url : undefined;
}

/** Whether `hostname` (as `URL.hostname` gives it) is this machine: 127.0.0.0/8, `[::1]`, `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host === '[::1]') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return !!m && m.slice(1).every((n) => Number(n) <= 255);
}

/**
 * Why `baseUrl` may not be used, or `undefined` when it may: https anywhere, http only on loopback
 * or with `allowInsecure`.
 */
export function transportProblem(baseUrl: string, allowInsecure = false): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return 'its base URL is not an absolute URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `its base URL uses ${url.protocol.replace(/:$/, '')}, not https`;
  if (isLoopbackHost(url.hostname) || allowInsecure) return undefined;
  return (
    `its base URL ${url.origin} is plain http to another machine, so health data and credentials would cross the ` +
    'network unencrypted; use https (allowInsecure permits http for development only)'
  );
}
