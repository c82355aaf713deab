import { REQUEST_SCHEMAS } from '../events/validate-events';
import { ERROR_SCHEMAS } from './error.responses';
import { eventsPath } from './events.paths';
import { JoiJsonSchemaConverter, type JsonSchema } from './joi-json-schema';
import { OPENAPI_PATH } from './openapi.route';
import { openApiPath, pixelPath, probePaths } from './public.paths';
import { SHARED_COMPONENTS, SHARED_SCHEMAS } from './shared.components';

export interface OpenApiInput {
  /** The ingest-api's package version. */
  version: string;
  /** The published tracking.js versions (the pixel manifest's keys). */
  pixelVersions: readonly string[];
  /** What request bodies are validated against: the API's own, unless a test changes them. */
  requestSchemas?: typeof REQUEST_SCHEMAS;
}

const DESCRIPTION = [
  'Events from browsers (the tracking pixel, with a public `pk_` key) and from servers (a secret `sk_` key), stored in PostgreSQL before the API answers `202`, then delivered to the ad platforms.',
  'Every error is a short JSON body with a fixed message: nothing of the request is repeated. Guide: docs/ingest-api.md in the repository.',
].join('\n\n');

/** The request body: one event or a batch, each converted from its Joi schema. */
function requestBody(schemas: typeof REQUEST_SCHEMAS): { body: JsonSchema; components: Record<string, JsonSchema> } {
  const converter = new JoiJsonSchemaConverter();
  // An event has no `events` key and a batch nothing else: exactly one of the two matches.
  const body = { oneOf: [converter.convert(schemas.single), converter.convert(schemas.batch)] };
  return { body, components: converter.components };
}

/** The ingest API's OpenAPI 3.1 document. Pure: the build script writes it, the tests read it. */
export function buildOpenApiDocument(input: OpenApiInput): JsonSchema {
  const request = requestBody(input.requestSchemas ?? REQUEST_SCHEMAS);
  return {
    openapi: '3.1.1',
    info: {
      title: 'Attribution engine ingest API',
      version: input.version,
      description: DESCRIPTION,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: [
      { name: 'events', description: 'Event collection' },
      { name: 'pixel', description: 'The browser pixel' },
      { name: 'probes', description: 'Liveness and readiness' },
      { name: 'contract', description: 'This document' },
    ],
    paths: {
      '/v1/events': eventsPath(request.body),
      '/{version}/tracking.js': pixelPath(input.pixelVersions),
      [OPENAPI_PATH]: openApiPath(),
      ...probePaths(),
    },
    components: {
      schemas: { ...request.components, ...SHARED_SCHEMAS, ...ERROR_SCHEMAS },
      ...SHARED_COMPONENTS,
    },
  };
}
