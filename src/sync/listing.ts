/**
 * Reading a listing page by page: paging links followed as given, one page read ahead, an expired
 * paging link (410/404) restarting the listing a bounded number of times, unusable entries
 * reported.
 */
import type { Resource } from 'fhir/r4';
import { readBundlePage, type BundlePage } from './bundle.js';
import { SyncError, redactUrl } from './errors.js';
import type { FhirResponse } from './http.js';
import type { DownloadContext } from './download-context.js';

/** How many times a listing whose paging link expired is started again before the source fails. */
export const MAX_LISTING_RESTARTS = 3;

/** A 410 Gone (or 404) answer: for a next link, the server no longer holds the result set. */
export function isExpiredLink(error: unknown): error is SyncError {
  return error instanceof SyncError && error.code === 'http' && (error.status === 410 || error.status === 404);
}

/** The error that fails the source once a listing's paging links kept expiring. */
export function listingExpired(ctx: DownloadContext, startUrl: string, error: SyncError, restarts: number): SyncError {
  return new SyncError(
    'paging-expired',
    `${ctx.source}: the server's paging links for ${redactUrl(startUrl)} kept expiring (${error.status}), also after ` +
      `${restarts} fresh starts of the listing; gave up. The pages read before are kept and the next sync asks again.`,
    { status: error.status, source: ctx.source, url: error.url, cause: error },
  );
}

/** One GET of the download, after checking the sync's deadline. */
export function get(ctx: DownloadContext, url: string): Promise<FhirResponse> {
  ctx.budget?.checkDeadline(url);
  return ctx.client.get(url, { signal: ctx.signal });
}

/** Starts reading `url` now, for the query loop to pick up later (see `runQuery`). */
export function readAhead(ctx: DownloadContext, url: string): { url: string; response: Promise<FhirResponse>; cancel: AbortController } {
  const cancel = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, cancel.signal]) : cancel.signal;
  ctx.budget?.checkDeadline(url);
  const response = ctx.client.get(url, { signal });
  // Not awaited when writing the current page fails; the loop awaits it otherwise.
  response.catch(() => undefined);
  return { url, response, cancel };
}

/** All pages of a small search, applying nothing (caller decides). */
export async function searchAll(ctx: DownloadContext, start: string, named?: Set<string>): Promise<Resource[]> {
  let out: Resource[] = [];
  await readListing(ctx, start, {
    page: (page, response) => {
      reportProblems(ctx, page, response.url);
      out.push(...page.resources);
      // Entries that name a resource the page could not carry readably (see EntryProblem.named).
      for (const p of page.problems) if (p.named) named?.add(`${p.named.type}/${p.named.id}`);
    },
    restart: () => {
      out = [];
    },
    stopOnRepeat: true,
  });
  return out;
}

/**
 * Reads every page of a listing that is collected in memory (history, small searches), handing
 * each to `on.page`. A next link answered 410/404 (the server dropped the result set) starts the
 * listing again from `start`, after `on.restart`, at most {@link MAX_LISTING_RESTARTS} times.
 */
export async function readListing(
  ctx: DownloadContext,
  start: string,
  on: {
    /** May be async: the next page is asked for once it has finished. */
    page(page: BundlePage, response: FhirResponse, first: boolean): void | Promise<void>;
    restart(): void;
    /** A next link that repeats a page ends the listing quietly instead of failing it. */
    stopOnRepeat?: boolean;
  },
): Promise<void> {
  for (let restarts = 0; ; restarts++) {
    const visited = new Set<string>();
    let url: string | undefined = start;
    try {
      while (url) {
        if (visited.has(url)) {
          if (on.stopOnRepeat) break;
          throw new SyncError('malformed', `${ctx.source}: paging repeats ${url}`, { source: ctx.source, url });
        }
        visited.add(url);
        const response = await get(ctx, url);
        const page = readBundlePage(response.body, { source: ctx.source, url: response.url });
        ctx.budget?.countPage(page.entryCount, response.url);
        await on.page(page, response, url === start);
        url = page.next;
      }
      return;
    } catch (error) {
      if (url === undefined || url === start || !isExpiredLink(error)) throw error;
      if (restarts >= MAX_LISTING_RESTARTS) throw listingExpired(ctx, start, error, restarts);
      ctx.problem({
        source: ctx.source,
        code: 'paging-restarted',
        message: `${ctx.source}: a paging link expired (${error.status}); listing ${redactUrl(start)} again from its first page (restart ${restarts + 1} of ${MAX_LISTING_RESTARTS}).`,
      });
      on.restart();
    }
  }
}

export function reportProblems(ctx: DownloadContext, page: BundlePage, url: string): void {
  for (const p of page.problems) {
    ctx.problem({
      source: ctx.source,
      code: 'invalid-entry',
      message: `${ctx.source}: skipped entry ${p.index} of a page (${p.message})${p.fullUrl ? ` ${p.fullUrl}` : ''}: ${url}`,
      url,
    });
  }
}
