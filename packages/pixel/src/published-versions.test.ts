import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadPublishedVersions, PUBLISHED_VERSIONS_DIR, readManifest } from './published-versions';

const manifest = readManifest();
const versions = Object.entries(manifest.versions);
const sha256 = (body: Buffer): string => createHash('sha256').update(body).digest('hex');
// The same number scripts/build.js enforces on every build.
const BUDGET = (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { config: { gzipBudgetBytes: number } })
  .config.gzipBudgetBytes;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

describe('published versions (never edit a published file: publish a new version)', () => {
  it('lists v1 and only well-named versions, each in its own directory', () => {
    expect(manifest.versions['v1']).toBeDefined();
    for (const [version, entry] of versions) {
      expect(version).toMatch(/^v\d+(\.\d+)?$/);
      expect(entry.file).toBe(`${version}/tracking.js`);
      expect(entry.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it.each(versions)('%s still has the exact bytes recorded at publication', (_version, entry) => {
    const body = readFileSync(path.join(PUBLISHED_VERSIONS_DIR, entry.file));
    expect(sha256(body)).toBe(entry.sha256);
    expect(body.length).toBe(entry.bytes);
    expect(gzipSync(body, { level: 9 }).length).toBe(entry.gzipBytes);
  });

  it.each(versions)(`%s is within the ${BUDGET}-byte gzip budget`, (_version, entry) => {
    expect(BUDGET).toBe(2048);
    expect(gzipSync(readFileSync(path.join(PUBLISHED_VERSIONS_DIR, entry.file)), { level: 9 }).length).toBeLessThanOrEqual(BUDGET);
  });

  it('has no file that the manifest does not list', () => {
    const listed = versions.map(([, entry]) => entry.file);
    expect(listFiles(PUBLISHED_VERSIONS_DIR).sort()).toEqual(['manifest.json', ...listed].sort());
  });
});

describe('loadPublishedVersions', () => {
  let copy: string;

  beforeEach(() => {
    copy = mkdtempSync(path.join(tmpdir(), 'pixel-versions-'));
    cpSync(PUBLISHED_VERSIONS_DIR, copy, { recursive: true });
  });

  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  it('returns every version with its verified bytes', () => {
    const loaded = loadPublishedVersions();
    expect(loaded.map((pixel) => pixel.version)).toEqual(versions.map(([version]) => version));
    for (const pixel of loaded) {
      expect(pixel.sha256).toBe(manifest.versions[pixel.version]!.sha256);
      expect(sha256(pixel.body)).toBe(pixel.sha256);
    }
  });

  it('throws when a published file was altered, even by one byte', () => {
    const file = path.join(copy, 'v1', 'tracking.js');
    const body = readFileSync(file);
    body[body.length - 2] = body[body.length - 2]! ^ 1;
    writeFileSync(file, body);
    expect(() => loadPublishedVersions(copy)).toThrow(/v1 .*has SHA-256 [0-9a-f]{64} but the manifest records/);
  });

  it('throws when a listed file is missing', () => {
    rmSync(path.join(copy, 'v1', 'tracking.js'));
    expect(() => loadPublishedVersions(copy)).toThrow(/ENOENT/);
  });

  it('refuses a manifest path that leaves the versions directory', () => {
    const tampered = { versions: { v1: { ...manifest.versions['v1']!, file: '../outside.js' } } };
    writeFileSync(path.join(copy, 'manifest.json'), JSON.stringify(tampered));
    expect(() => loadPublishedVersions(copy)).toThrow(/leaves/);
  });
});
