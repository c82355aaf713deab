import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readManifest } from '@attribution/pixel';
import { buildOpenApiDocument } from './openapi.document';
import { OPENAPI_DOCUMENT_FILE } from './openapi-document.loader';

/** The document of this build: the package's version and the published pixel versions. */
export function renderOpenApiDocument(): string {
  const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  const document = buildOpenApiDocument({ version, pixelVersions: Object.keys(readManifest().versions) });
  return `${JSON.stringify(document, null, 2)}\n`;
}

// Run by `npm run build`, after tsc.
if (require.main === module) writeFileSync(OPENAPI_DOCUMENT_FILE, renderOpenApiDocument());
