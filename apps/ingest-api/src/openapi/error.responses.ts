import { ERRORS, type ErrorCode, type OwnMessageCode } from '../http/error-codes';
import type { JsonSchema } from './joi-json-schema';

/** When each code is answered. */
const WHEN: Record<ErrorCode, string> = {
  invalid_json: 'the body is not JSON',
  validation_failed:
    'the body is not one valid event or `{"events": [...]}`. `details` has one entry per problem, by event index (0 for a single event) and field path; values are never echoed, and nothing of the request is stored. NUL characters, unpaired UTF-16 surrogates and nesting deeper than the limit are refused here too',
  unstorable_value: 'PostgreSQL refused a text value of the request',
  too_deeply_nested: 'the body is nested too deeply to be validated',
  bad_request: 'the request could not be read (an aborted upload, a malformed URL)',
  unauthenticated: 'the key is missing, malformed, unknown or revoked, or its tenant is disabled',
  forbidden: 'a public key from an origin its tenant does not allow (or without an Origin header), or a secret key from a browser (with an Origin header)',
  not_found: 'no such path, or not with this method',
  method_not_allowed: 'a method other than GET or HEAD on a pixel path',
  payload_too_large: 'the body is larger than `BODY_LIMIT_BYTES` (1 MiB by default)',
  unsupported_media_type: 'a `Content-Type` other than `application/json` or `text/plain`',
  unsupported_encoding: 'a `Content-Encoding` or charset the body parser does not support',
  rate_limited: "over the tenant's rate on this replica: retry after `Retry-After` seconds",
  internal: 'a bug: nothing a client sends is answered with a 500',
  unavailable: 'PostgreSQL is unreachable: nothing was stored; retry after `Retry-After` seconds',
};

/** For the codes whose message says which case applied: one of those messages. */
const EXAMPLE_MESSAGE: Record<OwnMessageCode, string> = {
  unauthenticated: 'Unknown API key',
  forbidden: 'Origin is not allowed for this key',
  rate_limited: 'Too many requests for this tenant; retry later',
};

const messageOf = (code: ErrorCode): string => (ERRORS[code] as { message?: string }).message ?? EXAMPLE_MESSAGE[code as OwnMessageCode];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const ERROR_SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    description: 'Every error answer. The message is a fixed sentence chosen by the API: nothing of the request is repeated.',
    required: ['error', 'message'],
    properties: {
      error: { type: 'string', enum: Object.keys(ERRORS) },
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
  return (Object.keys(ERRORS) as ErrorCode[]).filter((code) => ERRORS[code].status === status);
}

/**
 * The response object of an error status: the codes it can carry (from the error table), when,
 * and an example of each. `extraExamples` adds named examples (those that answer request examples).
 */
export function errorResponse(status: number, options: { headers?: Record<string, unknown>; note?: string; extraExamples?: Record<string, unknown> } = {}): JsonSchema {
  const codes = codesOf(status);
  if (codes.length === 0) throw new Error(`no error code answers with ${status}`);
  const list = codes.map((code) => `- \`${code}\`: ${WHEN[code]}.`).join('\n');
  const examples = Object.fromEntries(codes.map((code) => [code, { value: { error: code, message: messageOf(code) } }]));
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
