import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** An id for the document inside Ajv, so that its `#/components/...` references resolve. */
const BASE = 'https://ingest.invalid/v1/openapi.json';
/** The document's own keywords: annotations to Ajv, which only compiles the schemas pointed at. */
const DOCUMENT_KEYWORDS = ['openapi', 'info', 'tags', 'paths', 'components'];

type Json = { [key: string]: unknown };

/**
 * The JSON Schemas of an OpenAPI 3.1 document, compiled by Ajv in its draft 2020-12 mode, strict
 * (an unknown keyword or a type mistake in a schema throws), with the standard formats.
 */
export class OpenApiSchemas {
  private readonly ajv = new Ajv2020({ strict: true, allErrors: true });

  constructor(readonly document: Json) {
    addFormats(this.ajv);
    this.ajv.addVocabulary(DOCUMENT_KEYWORDS);
    this.ajv.addSchema({ ...document, $id: BASE });
  }

  /** The validator of the schema at these path segments, e.g. ('paths', '/v1/events', 'post', ...). */
  at(...segments: string[]): ValidateFunction {
    const pointer = segments.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
    const validate = this.ajv.getSchema(`${BASE}#/${pointer}`);
    if (!validate) throw new Error(`no schema at /${segments.join('/')}`);
    return validate;
  }

  /** The schema of an operation's response, for one media type. */
  response(path: string, method: string, status: string, mediaType = 'application/json'): ValidateFunction {
    return this.at('paths', path, method, 'responses', status, 'content', mediaType, 'schema');
  }

  /** Every place of the document that holds a schema, as path segments. */
  schemaLocations(): string[][] {
    const found: string[][] = [];
    const walk = (value: unknown, segments: string[]): void => {
      if (!value || typeof value !== 'object') return;
      for (const [key, child] of Object.entries(value)) {
        const at = [...segments, key];
        const inSchemas = segments.length === 2 && segments[0] === 'components' && segments[1] === 'schemas';
        if (inSchemas || (key === 'schema' && child && typeof child === 'object')) found.push(at);
        else walk(child, at);
      }
    };
    walk(this.document, []);
    return found;
  }
}

/** Ajv's errors of the last validation, readable in a failed expectation. */
export function problems(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`).join('; ');
}
