/**
 * Which URLs a server may send a client to (paging `next` links and the like). One rule, used by
 * the engine's HTTP client and by anything else that follows a server's links with the user's
 * credentials (the demo's patient list), so the two cannot drift apart.
 */

/** True when `link` is an absolute URL (has a scheme). */
function isAbsolute(link: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(link);
}

/**
 * The URL to request for `link`, a path relative to the source's base or an absolute URL the
 * source sent, or `undefined` when the link leaves the source (another origin), in which case it
 * must not be followed: the request would carry the source's credentials elsewhere. Absolute URLs
 * that stay are returned exactly as given (paging links are never rebuilt).
 */
export function resolveSourceLink(baseUrl: string, link: string): string | undefined {
  const base = baseUrl.replace(/\/+$/, '');
  if (!isAbsolute(link)) return `${base}/${link.replace(/^\/+/, '')}`;
  let target: URL;
  try {
    target = new URL(link);
  } catch {
    return undefined;
  }
  return target.origin === new URL(base).origin ? link : undefined;
}
