// Publishes the current browser source as a new immutable version of tracking.js.
// Usage: node scripts/publish.js <version>   e.g. v1.1 (see docs/pixel.md, "Versions")
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { buildPixel } = require('./build');

const VERSIONS_DIR = path.join(__dirname, '..', 'versions');
const MANIFEST = path.join(VERSIONS_DIR, 'manifest.json');
const VERSION_NAME = /^v\d+(\.\d+)?$/;

async function publish(version) {
  if (!VERSION_NAME.test(version || '')) throw new Error(`version must look like v2 or v1.1, got ${JSON.stringify(version)}`);
  const manifest = fs.existsSync(MANIFEST) ? JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) : { versions: {} };
  const file = `${version}/tracking.js`;
  // Sites and CDNs keep a published file for good (and may pin its hash), so it is never replaced.
  if (manifest.versions[version] || fs.existsSync(path.join(VERSIONS_DIR, file))) {
    throw new Error(`${version} is already published; publish a new version instead`);
  }
  const { body, bytes, gzipBytes } = await buildPixel(version);
  fs.mkdirSync(path.join(VERSIONS_DIR, version));
  fs.writeFileSync(path.join(VERSIONS_DIR, file), body, { flag: 'wx' });
  const sha256 = crypto.createHash('sha256').update(body).digest('hex');
  manifest.versions[version] = { file, sha256, bytes, gzipBytes, publishedAt: new Date().toISOString().slice(0, 10) };
  fs.writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
  return manifest.versions[version];
}

publish(process.argv[2]).then(
  (entry) => console.log(`published ${entry.file}: ${entry.bytes} bytes, ${entry.gzipBytes} gzipped, sha256 ${entry.sha256}`),
  (error) => {
    console.error(`publish failed: ${error.message}`);
    process.exit(1);
  },
);
