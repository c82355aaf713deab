import type { JsonSchema } from './joi-json-schema';

/** Every answer of the events endpoint names its trace, to quote when looking for an event. */
export const TRACE_HEADERS = {
  traceparent: { $ref: '#/components/headers/TraceParent' },
  'x-trace-id': { $ref: '#/components/headers/TraceId' },
};

/**
 * What Node's HTTP server answers itself, before any route, on every path: no body, and the
 * connection is closed (limits in docs/ingest-api.md, "Connections and headers").
 */
export const CONNECTION_RESPONSES = {
  '408': { description: 'The request head or the whole request took too long (`HTTP_HEADERS_TIMEOUT_MS`, `HTTP_REQUEST_TIMEOUT_MS`). No body; the connection is closed.' },
  '431': { description: 'The request head is larger than `HTTP_MAX_HEADER_BYTES` or has more than 100 headers. No body; the connection is closed.' },
};

const TRACE_ID = { type: 'string', pattern: '^[0-9a-f]{32}$' };

export const SHARED_SCHEMAS: Record<string, JsonSchema> = {
  Accepted: {
    type: 'object',
    required: ['accepted', 'duplicates', 'trace_id'],
    properties: {
      accepted: { type: 'integer', minimum: 0, description: 'Events stored by this request' },
      duplicates: { type: 'integer', minimum: 0, description: 'Events already stored (same tenant and event_id) or repeated in the request' },
      trace_id: { ...TRACE_ID, description: 'The W3C trace id of the request, also in the `x-trace-id` header' },
    },
    additionalProperties: false,
  },
};

export const SHARED_COMPONENTS = {
  securitySchemes: {
    secretKey: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'sk_…',
      description: 'A secret key, `Authorization: Bearer sk_…`, from servers only: a request that carries an `Origin` header (a web page) is refused with `403`, since the key has leaked.',
    },
    apiKey: {
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
      description: "A secret key (`sk_…`, as above) or a public key (`pk_…`). A public key is accepted only from its tenant's allowed origins (`Origin` header), `403` otherwise.",
    },
    publicKeyQuery: {
      type: 'apiKey',
      in: 'query',
      name: 'key',
      description: 'A public key (`pk_…`) only, for `navigator.sendBeacon`, which cannot set headers. A secret key is never taken from the URL (it would end up in proxy logs): `401`.',
    },
  },
  parameters: {
    TraceParent: {
      name: 'traceparent',
      in: 'header',
      required: false,
      description: "A W3C trace context: the request continues the caller's trace.",
      schema: { type: 'string', pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
      example: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    },
  },
  headers: {
    TraceParent: { description: "The request's W3C trace context (the caller's trace when it sent one)", required: true, schema: { type: 'string' } },
    TraceId: { description: "The request's trace id", required: true, schema: TRACE_ID },
    RetryAfter: { description: 'Seconds to wait before retrying', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } },
  },
};
