// Bundles the browser pixel into dist-browser/tracking.js and enforces its size budget.
// Usage: node scripts/build.js [version]   (version defaults to "dev"; publish.js passes the real one)
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..');
const OUT_FILE = path.join(ROOT, 'dist-browser', 'tracking.js');
// One number, in package.json, shared with the test that checks every published version.
const BUDGET_GZIP_BYTES = require('../package.json').config.gzipBudgetBytes;

/** Gzip size as a CDN would serve it at best compression. */
function gzipBytes(body) {
  return zlib.gzipSync(body, { level: 9 }).length;
}

/** Builds tracking.js for `version`; throws when it is over budget. Returns the bytes and sizes. */
async function buildPixel(version = 'dev') {
  // An over-budget build must not leave an older, stale file behind for anyone to pick up.
  fs.rmSync(OUT_FILE, { force: true });
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'src', 'browser', 'tracking.ts')],
    // Type-checking is tsc's job (tsconfig.browser.json). Its strict settings would only add a
    // "use strict" prologue here, which the bundle does not need and the budget cannot spare.
    tsconfigRaw: {},
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2018',
    define: { PIXEL_VERSION: JSON.stringify(version) },
    // The minified file lives in the repository (versions/); the banner keeps ESLint off it.
    banner: { js: '/*eslint-disable*/' },
    legalComments: 'none',
    write: false,
  });
  const body = Buffer.from(result.outputFiles[0].contents);
  const size = { bytes: body.length, gzipBytes: gzipBytes(body) };
  if (size.gzipBytes > BUDGET_GZIP_BYTES) {
    throw new Error(`tracking.js is ${size.gzipBytes} bytes gzipped, over its budget of ${BUDGET_GZIP_BYTES} bytes`);
  }
  fs.mkdirSync(path.dirname(OUT_FILE), { recursive: true });
  fs.writeFileSync(OUT_FILE, body);
  return { body, ...size };
}

module.exports = { buildPixel, gzipBytes, BUDGET_GZIP_BYTES, OUT_FILE };

if (require.main === module) {
  buildPixel(process.argv[2]).then(
    ({ bytes, gzipBytes: gz }) => {
      console.log(`${path.relative(process.cwd(), OUT_FILE)}: ${bytes} bytes, ${gz} bytes gzipped (budget ${BUDGET_GZIP_BYTES})`);
    },
    (error) => {
      console.error(`pixel build failed: ${error.message}`);
      process.exit(1);
    },
  );
}
