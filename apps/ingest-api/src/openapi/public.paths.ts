import { PIXEL_CACHE_CONTROL } from '../pixel/pixel-assets';
import { errorResponse } from './error.responses';
import type { JsonSchema } from './joi-json-schema';
import { OPENAPI_CACHE_CONTROL } from './openapi.route';
import { CONNECTION_RESPONSES } from './shared.components';

const header = (description: string, schema: JsonSchema = { type: 'string' }) => ({ description, schema });
const etag = header('Strong entity tag of this representation, for `If-None-Match`');
const ifNoneMatch = { name: 'If-None-Match', in: 'header', required: false, description: 'An ETag received before: `304` when it is still current', schema: { type: 'string' } };

/** GET and HEAD of each published tracking.js, by version. */
export function pixelPath(versions: readonly string[]): JsonSchema {
  const cached = {
    'Cache-Control': header('Shared caches may keep it an hour', { const: PIXEL_CACHE_CONTROL }),
    ETag: etag,
    Vary: header('Negotiated encoding', { const: 'Accept-Encoding' }),
    'Access-Control-Allow-Origin': header('Any site may load the script', { const: '*' }),
  };
  const responses = (body: JsonSchema) => ({
    '200': {
      description: 'The script. Brotli, gzip or identity after `Accept-Encoding`.',
      headers: { ...cached, 'Content-Encoding': header('`br` or `gzip` when compressed', { enum: ['br', 'gzip'] }) },
      ...body,
    },
    '304': { description: 'The `If-None-Match` tag is current.', headers: cached },
    '404': errorResponse(404, { note: 'A version that is not published.' }),
    ...CONNECTION_RESPONSES,
  });
  const operation = (operationId: string, summary: string, body: JsonSchema) => ({
    operationId,
    tags: ['pixel'],
    summary,
    description: 'No key and no rate limit. Published versions are immutable; each is checked against the pixel manifest when the API starts. Other methods are answered `405` (`method_not_allowed`).',
    security: [],
    parameters: [
      { name: 'version', in: 'path', required: true, description: 'A published version', schema: { type: 'string', enum: [...versions] } },
      ifNoneMatch,
      { name: 'Accept-Encoding', in: 'header', required: false, schema: { type: 'string' }, example: 'br, gzip' },
    ],
    responses: responses(body),
  });
  return {
    get: operation('getTrackingScript', 'The tracking pixel, tracking.js', { content: { 'text/javascript': { schema: { type: 'string' } } } }),
    head: operation('headTrackingScript', "tracking.js's headers", {}),
  };
}

export function openApiPath(): JsonSchema {
  return {
    get: {
      operationId: 'getOpenApiDocument',
      tags: ['contract'],
      summary: 'This document',
      description: 'Generated at build time from the Joi schemas the API validates with, so it cannot drift from them.',
      security: [],
      parameters: [ifNoneMatch],
      responses: {
        '200': {
          description: 'The OpenAPI 3.1 document',
          headers: { 'Cache-Control': header('Five minutes, then revalidation', { const: OPENAPI_CACHE_CONTROL }), ETag: etag },
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['openapi', 'info', 'paths'],
                properties: { openapi: { type: 'string', pattern: '^3\\.1\\.' }, info: { type: 'object' }, paths: { type: 'object' } },
              },
            },
          },
        },
        '304': { description: 'The `If-None-Match` tag is current.' },
        ...CONNECTION_RESPONSES,
      },
    },
  };
}

/** The probes, also on the public port (and on the ops port, with /metrics). */
export function probePaths(): Record<string, JsonSchema> {
  const probe = (operationId: string, summary: string, responses: JsonSchema) => ({ get: { operationId, tags: ['probes'], summary, security: [], responses } });
  const readiness = (status: string) => ({
    type: 'object',
    required: ['status', 'checks'],
    properties: {
      status: { const: status },
      checks: { type: 'object', additionalProperties: { enum: ['ok', 'unavailable'] }, description: 'Each dependency, e.g. `postgres`' },
    },
    additionalProperties: false,
  });
  const json = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } });
  return {
    '/health': probe('getHealth', 'Liveness: the process serves HTTP', {
      '200': { description: 'Alive', ...json({ type: 'object', required: ['status'], properties: { status: { const: 'ok' } }, additionalProperties: false }) },
    }),
    '/ready': probe('getReadiness', 'Readiness: PostgreSQL answers and the process is not stopping', {
      '200': { description: 'Ready', ...json(readiness('ready')) },
      '503': { description: 'A dependency is unavailable, or the process is shutting down', ...json(readiness('not_ready')) },
    }),
  };
}
