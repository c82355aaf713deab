import { MAX_BATCH_EVENTS, MAX_CUSTOM_DATA_BYTES, MAX_EVENT_AGE_SECONDS, MAX_EVENT_FUTURE_SECONDS } from '@attribution/core';
import { MAX_BODY_DEPTH } from '../events/scan-body';
import { ALLOWED_HEADERS, ALLOWED_METHODS, PREFLIGHT_MAX_AGE_SECONDS } from '../http/cors';
import { errorResponse } from './error.responses';
import { ACCEPTED_EXAMPLES, BEACON_REQUEST_EXAMPLES, JSON_REQUEST_EXAMPLES, VALIDATION_EXAMPLES } from './events.examples';
import type { JsonSchema } from './joi-json-schema';
import { CONNECTION_RESPONSES, TRACE_HEADERS } from './shared.components';

const RETRY_AFTER = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };

const BODY_RULES = [
  `One event, or \`{"events": [...]}\` with 1 to ${MAX_BATCH_EVENTS} events; unknown keys are refused except in \`custom_data\`.`,
  `Checked beyond the schema: \`event_time\` at most ${MAX_EVENT_AGE_SECONDS / 86_400} days old and at most ${MAX_EVENT_FUTURE_SECONDS / 60} minutes ahead`,
  `(a value in milliseconds is refused with that hint), \`custom_data\` at most ${MAX_CUSTOM_DATA_BYTES} bytes as JSON,`,
  `no NUL characters or unpaired UTF-16 surrogates, nesting at most ${MAX_BODY_DEPTH} levels.`,
  'A public key cannot choose `client_ip_address` or `client_user_agent`: both come from the connection.',
].join(' ');

/** POST (and the CORS preflight of) /v1/events, taking `requestSchema`. */
export function eventsPath(requestSchema: JsonSchema): JsonSchema {
  return {
    post: {
      operationId: 'sendEvents',
      tags: ['events'],
      summary: 'Send one event or a batch',
      description: `A \`202\` means every new event of the request is committed in PostgreSQL; delivery to the ad platforms follows. ${BODY_RULES}`,
      security: [{ secretKey: [] }, { apiKey: [] }, { publicKeyQuery: [] }],
      parameters: [{ $ref: '#/components/parameters/TraceParent' }],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: requestSchema, examples: JSON_REQUEST_EXAMPLES },
          // navigator.sendBeacon cannot set a JSON content type: the same body as text/plain.
          'text/plain': { schema: requestSchema, examples: BEACON_REQUEST_EXAMPLES },
        },
      },
      responses: {
        '202': {
          description: 'Stored. `duplicates` counts event ids this tenant already sent and ids repeated within the request: they are not stored again.',
          headers: TRACE_HEADERS,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' }, examples: ACCEPTED_EXAMPLES } },
        },
        '400': errorResponse(400, {
          headers: TRACE_HEADERS,
          extraExamples: VALIDATION_EXAMPLES,
          note: 'A request that is not even valid HTTP is answered `400` without a body, and the connection closed.',
        }),
        '401': errorResponse(401, { headers: TRACE_HEADERS }),
        '403': errorResponse(403, { headers: TRACE_HEADERS }),
        '413': errorResponse(413, { headers: TRACE_HEADERS }),
        '415': errorResponse(415, { headers: TRACE_HEADERS }),
        '429': errorResponse(429, { headers: { ...TRACE_HEADERS, ...RETRY_AFTER } }),
        '500': errorResponse(500, { headers: TRACE_HEADERS }),
        '503': errorResponse(503, {
          headers: { ...TRACE_HEADERS, ...RETRY_AFTER },
          note: 'A connection that reached `HTTP_MAX_REQUESTS_PER_SOCKET` requests is also answered `503`, without a body and with `Connection: close`: open a new one.',
        }),
        ...CONNECTION_RESPONSES,
      },
    },
    options: {
      operationId: 'preflightEvents',
      tags: ['events'],
      summary: 'CORS preflight',
      description: 'Answers every origin: which origins a public key may be used from is decided after authentication. `Authorization` is not an allowed header (secret keys belong on servers).',
      security: [],
      responses: {
        '204': {
          description: 'The request may be sent.',
          headers: {
            'Access-Control-Allow-Origin': { description: 'The request\'s origin', schema: { type: 'string' } },
            'Access-Control-Allow-Methods': { schema: { const: ALLOWED_METHODS } },
            'Access-Control-Allow-Headers': { schema: { const: ALLOWED_HEADERS } },
            'Access-Control-Max-Age': { schema: { const: String(PREFLIGHT_MAX_AGE_SECONDS) } },
          },
        },
      },
    },
  };
}
