/**
 * The CapabilityStatement a source last sent, kept with its validators (`ETag`, `Last-Modified`)
 * so that each sync asks `metadata` conditionally and a 304 costs no statement download or
 * parse. Every sync still asks: the cache saves the body, never the question, so a server whose
 * capabilities changed is believed on the next sync. A server that sends no validator is read in
 * full each time.
 *
 * Kept in memory by the engine and in the source's row (`SourceRecord.capabilities.cache`, next
 * to the summary hosts read), so a page that opens the store again revalidates too.
 */
import type { SourceRecord } from '../store/index.js';
import { capabilitiesFromJson, capabilitiesToJson, summarizeCapabilities, type ServerCapabilities } from './capabilities.js';

export interface CachedCapabilities {
  caps: ServerCapabilities;
  /** The base URL they were read from (a source moved to another URL starts again). */
  baseUrl: string;
  /** Local clock, ms, when the server last confirmed them (only for `capabilitiesTtlMs`). */
  at: number;
  etag?: string;
  lastModified?: string;
}

/** Request headers that ask `metadata` only if it changed: `If-None-Match`, else `If-Modified-Since`. */
export function validatorHeaders(cached: CachedCapabilities | undefined): Record<string, string> {
  if (cached?.etag) return { 'if-none-match': cached.etag };
  if (cached?.lastModified) return { 'if-modified-since': cached.lastModified };
  return {};
}

/** The validators of a `metadata` answer (none when the server sent neither). */
export function validatorsOf(headers: Headers): Pick<CachedCapabilities, 'etag' | 'lastModified'> {
  return validators(headers.get('etag'), headers.get('last-modified'));
}

function validators(etag: unknown, lastModified: unknown): Pick<CachedCapabilities, 'etag' | 'lastModified'> {
  const out: Pick<CachedCapabilities, 'etag' | 'lastModified'> = {};
  // Header values go back to the server verbatim: only printable ASCII is kept.
  if (typeof etag === 'string' && /^[\x21-\x7e]([\x20-\x7e]{0,254})$/.test(etag)) out.etag = etag;
  if (typeof lastModified === 'string' && !Number.isNaN(Date.parse(lastModified)) && /^[\x20-\x7e]{1,64}$/.test(lastModified)) out.lastModified = lastModified;
  return out;
}

/** What the source's row keeps: the summary hosts read, plus the cache when there is a validator. */
export function capabilitiesRecord(cached: CachedCapabilities): Record<string, unknown> {
  const summary = summarizeCapabilities(cached.caps);
  if (!cached.caps.known || (!cached.etag && !cached.lastModified)) return summary;
  return {
    ...summary,
    cache: {
      baseUrl: cached.baseUrl,
      ...(cached.etag ? { etag: cached.etag } : {}),
      ...(cached.lastModified ? { lastModified: cached.lastModified } : {}),
      statement: capabilitiesToJson(cached.caps),
    },
  };
}

/**
 * The cache kept in a source's row, if it is one, for the source's current base URL. `at` is 0:
 * a cache read from the store is always revalidated.
 */
export function storedCapabilities(source: SourceRecord): CachedCapabilities | undefined {
  const cache = (source.capabilities as { cache?: unknown } | undefined)?.cache as Record<string, unknown> | undefined;
  if (!cache || typeof cache !== 'object' || cache.baseUrl !== source.baseUrl) return undefined;
  const caps = capabilitiesFromJson(cache.statement);
  if (!caps) return undefined;
  const kept = validators(cache.etag, cache.lastModified);
  if (!kept.etag && !kept.lastModified) return undefined;
  return { caps, baseUrl: source.baseUrl, at: 0, ...kept };
}
