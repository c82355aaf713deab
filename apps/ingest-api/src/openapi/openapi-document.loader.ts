import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Where `npm run build` writes the document: the package's dist/, from src/ (ts-jest) and dist/ alike. */
export const OPENAPI_DOCUMENT_FILE = path.join(__dirname, '..', '..', 'dist', 'openapi.json');

/**
 * The built OpenAPI document. Without it the build is incomplete, and an API that cannot state
 * its contract does not start: the reason goes into the message, as runMain reports only it.
 */
export function loadOpenApiDocument(file: string = OPENAPI_DOCUMENT_FILE): Buffer {
  try {
    const document = readFileSync(file);
    JSON.parse(document.toString('utf8'));
    return document;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the OpenAPI document ${file} is missing or invalid (npm run build writes it), refusing to start: ${reason}`, { cause: error });
  }
}
