import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One published tracking.js, as the ingest API serves it. */
export interface PublishedPixel {
  /** `v1`, `v1.1`... (the URL segment: `/v1/tracking.js`). */
  version: string;
  body: Buffer;
  /** Hex SHA-256 of `body`, as recorded at publication. */
  sha256: string;
}

/** An entry of `versions/manifest.json`, written by scripts/publish.js. */
export interface ManifestEntry {
  file: string;
  sha256: string;
  bytes: number;
  gzipBytes: number;
  publishedAt: string;
}

export interface Manifest {
  versions: Record<string, ManifestEntry>;
}

/** The package's `versions/` directory, from `src` (ts-jest) and `dist` alike. */
export const PUBLISHED_VERSIONS_DIR = path.join(__dirname, '..', 'versions');

export function readManifest(dir: string = PUBLISHED_VERSIONS_DIR): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

/**
 * Every published version with its bytes. A published file is immutable: sites may pin it with
 * Subresource Integrity and CDNs keep revalidating the same ETag, so the bytes are checked against the manifest
 * and a mismatch throws rather than letting a server hand out altered code.
 */
export function loadPublishedVersions(dir: string = PUBLISHED_VERSIONS_DIR): PublishedPixel[] {
  return Object.entries(readManifest(dir).versions).map(([version, entry]) => {
    const file = path.resolve(dir, entry.file);
    if (!file.startsWith(path.resolve(dir) + path.sep)) {
      throw new Error(`tracking.js ${version}: manifest path ${entry.file} leaves ${dir}`);
    }
    const body = readFileSync(file);
    const sha256 = createHash('sha256').update(body).digest('hex');
    if (sha256 !== entry.sha256) {
      throw new Error(
        `tracking.js ${version} (${file}) has SHA-256 ${sha256} but the manifest records ${entry.sha256}: published files must never change`,
      );
    }
    return { version, body, sha256 };
  });
}
