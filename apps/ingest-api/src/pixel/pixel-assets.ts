import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { PublishedPixel } from '@attribution/pixel';
import type { ContentEncoding } from './negotiate-encoding';

export interface PixelRepresentation {
  body: Buffer;
  etag: string;
  /** Headers of a 200 (and of its HEAD). */
  headers: Readonly<Record<string, string>>;
  /** Headers of a 304: the caching and CORS ones, without those that describe a body. */
  notModifiedHeaders: Readonly<Record<string, string>>;
}

export type PixelAsset = Readonly<Record<ContentEncoding, PixelRepresentation>>;

/** One URL path segment; a leading letter or digit also rules out `.` and `..`. */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ETAG_HASH_CHARS = 16;

/**
 * A version's bytes never change, yet the max-age is an hour rather than a year: a version
 * withdrawn from the manifest leaves every cache within the hour, and meanwhile a CDN
 * revalidates for the price of a 304 thanks to the ETag.
 */
export const PIXEL_CACHE_CONTROL = 'public, max-age=3600';

const SHARED_HEADERS = {
  'Cache-Control': PIXEL_CACHE_CONTROL,
  Vary: 'Accept-Encoding',
  // Served like a public CDN: any site may load and time the script, no credentials involved.
  'Access-Control-Allow-Origin': '*',
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Timing-Allow-Origin': '*',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * Every representation of every published version, compressed once at boot so that a request
 * only picks a buffer. Keyed by the exact URL path: requests are matched against this map and
 * never touch the filesystem.
 */
export function precomputePixelAssets(versions: readonly PublishedPixel[]): ReadonlyMap<string, PixelAsset> {
  const assets = new Map<string, PixelAsset>();
  for (const pixel of versions) {
    if (!VERSION.test(pixel.version)) throw new Error(`pixel version ${JSON.stringify(pixel.version)} is not a single URL path segment`);
    const path = `/${pixel.version}/tracking.js`;
    if (assets.has(path)) throw new Error(`pixel version ${pixel.version} is published twice`);
    assets.set(path, encodeAll(pixel));
  }
  return assets;
}

function encodeAll({ body, sha256 }: PublishedPixel): PixelAsset {
  // Strong ETags must differ between encodings (RFC 9110 §8.8.3): the bytes differ.
  const tag = sha256.slice(0, ETAG_HASH_CHARS);
  const brotli = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  return {
    identity: represent(body, `"${tag}"`, 'identity'),
    gzip: represent(gzipSync(body, { level: constants.Z_BEST_COMPRESSION }), `"${tag}-gzip"`, 'gzip'),
    br: represent(brotli, `"${tag}-br"`, 'br'),
  };
}

function represent(body: Buffer, etag: string, encoding: ContentEncoding): PixelRepresentation {
  const notModifiedHeaders = { ...SHARED_HEADERS, ETag: etag };
  return {
    body,
    etag,
    notModifiedHeaders,
    headers: {
      ...notModifiedHeaders,
      // RFC 9239 made text/javascript the one JavaScript media type.
      'Content-Type': 'text/javascript; charset=utf-8',
      'Content-Length': String(body.length),
      ...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding }),
    },
  };
}
