import { ERROR_STATUS, type ErrorCode } from '../http/error-codes';
import type { JsonSchema } from './joi-json-schema';

/** When each code is answered, with its fixed message where it has one. */
const ERRORS: Record<ErrorCode, { when: string; message: string }> = {
  invalid_json: { when: 'the body is not JSON', message: 'Invalid JSON' },
  validation_failed: {
    when: 'the body is not one valid event or `{"events": [...]}`. `details` has one entry per problem, by event index (0 for a single event) and field path; values are never echoed, and nothing of the request is stored. NUL characters, unpaired UTF-16 surrogates and nesting deeper than 32 levels are refused here too',
    message: 'Request failed validation',
  },
  unstorable_value: {
    when: 'PostgreSQL refused a text value of the request',
    message: 'Request contains text that cannot be stored (a NUL character or an unpaired UTF-16 surrogate)',
  },
  too_deeply_nested: { when: 'the body is nested too deeply to be validated', message: 'Request body is nested too deeply' },
  bad_request: { when: 'the request could not be read (an aborted upload, a malformed URL)', message: 'Bad request' },
  unauthenticated: { when: 'the key is missing, malformed, unknown or revoked, or its tenant is disabled', message: 'Missing or malformed API key' },
  forbidden: {
    when: "a public key from an origin its tenant does not allow (or without an Origin header), or a secret key from a browser (with an Origin header)",
    message: 'Origin is not allowed for this key',
  },
  not_found: { when: 'no such path, or not with this method', message: 'No such endpoint' },
  method_not_allowed: { when: 'a method other than GET or HEAD on a pixel path', message: 'Only GET and HEAD are allowed here' },
  payload_too_large: { when: 'the body is larger than `BODY_LIMIT_BYTES` (1 MiB by default)', message: 'Request body is too large' },
  unsupported_media_type: { when: 'a `Content-Type` other than `application/json` or `text/plain`', message: 'Content-Type must be application/json' },
  unsupported_encoding: { when: 'a `Content-Encoding` or charset the body parser does not support', message: 'Unsupported content encoding or charset' },
  rate_limited: { when: "over the tenant's rate on this replica: retry after `Retry-After` seconds", message: 'Too many requests for this tenant; retry later' },
  internal: { when: 'a bug: nothing a client sends is answered with a 500', message: 'Internal error' },
  unavailable: { when: 'PostgreSQL is unreachable: nothing was stored; retry after `Retry-After` seconds', message: 'Service temporarily unavailable, retry later' },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const ERROR_SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    description: 'Every error answer. The message is a fixed sentence chosen by the API: nothing of the request is repeated.',
    required: ['error', 'message'],
    properties: {
      error: { type: 'string', enum: Object.keys(ERROR_STATUS) },
      message: { type: 'string' },
      details: { type: 'array', description: 'Only with `validation_failed`', items: ref('FieldProblem') },
    },
    additionalProperties: false,
  },
  FieldProblem: {
    type: 'object',
    required: ['index', 'field', 'message'],
    properties: {
      index: { type: 'integer', minimum: 0, description: 'Position of the event in the batch; 0 for a single event' },
      field: { type: 'string', description: 'Path in the event, e.g. `user_data.email`; a key that does not look like a field name shows as `*`' },
      message: { type: 'string' },
    },
    additionalProperties: false,
  },
};

export function codesOf(status: number): ErrorCode[] {
  return (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((code) => ERROR_STATUS[code] === status);
}

/**
 * The response object of an error status: the codes it can carry (from the error table), when,
 * and an example of each. `extraExamples` adds named examples (those that answer request examples).
 */
export function errorResponse(status: number, options: { headers?: Record<string, unknown>; note?: string; extraExamples?: Record<string, unknown> } = {}): JsonSchema {
  const codes = codesOf(status);
  if (codes.length === 0) throw new Error(`no error code answers with ${status}`);
  const list = codes.map((code) => `- \`${code}\`: ${ERRORS[code].when}.`).join('\n');
  const examples = Object.fromEntries(codes.map((code) => [code, { value: { error: code, message: ERRORS[code].message } }]));
  return {
    description: [list, options.note].filter(Boolean).join('\n\n'),
    ...(options.headers ? { headers: options.headers } : {}),
    content: {
      'application/json': {
        schema: { $ref: '#/components/schemas/Error', type: 'object', properties: { error: { enum: codes } } },
        examples: { ...examples, ...options.extraExamples },
      },
    },
  };
}
