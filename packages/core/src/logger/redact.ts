/**
 * The last line of defence between personal data and log storage: whatever a caller passes,
 * known sensitive keys are masked at any depth and values that look like emails, phone numbers
 * or credentials are masked wherever they appear.
 */

export const REDACTED = '[redacted]';

const SENSITIVE_KEYS = new Set(
  [
    'email', 'emails', 'em', 'phone', 'phones', 'phone_number', 'ph', 'first_name', 'firstname', 'fn',
    'last_name', 'lastname', 'ln', 'name', 'full_name', 'street', 'address', 'zip', 'zp', 'postal_code',
    'city', 'ct', 'date_of_birth', 'dob', 'password', 'passwd', 'secret', 'token', 'access_token',
    'refresh_token', 'id_token', 'authorization', 'proxy_authorization', 'cookie', 'set_cookie',
    'api_key', 'apikey', 'api_secret', 'client_secret', 'credentials', 'key', 'x_api_key',
    'user_data', 'body', 'raw_body', 'request_body',
  ].map(normaliseKey),
);

/** Values under these keys are identifiers we chose to log; they are never personal data. */
const SAFE_KEYS = new Set(
  ['event_id', 'trace_id', 'tenant_id', 'span_id', 'status_code', 'latency_ms', 'delivery_id', 'event_pk', 'offset', 'partition']
    .map(normaliseKey),
);

/**
 * An API key's display prefix (`pk_` + 7 characters, as the CLI lists keys) names the key without
 * being usable; anything longer under `key_prefix` is masked like any other key.
 */
const KEY_PREFIX = /^(?:pk|sk)_[A-Za-z0-9_-]{0,7}$/;

const VALUE_PATTERNS: Array<[RegExp, string]> = [
  [/\bBearer\s+[^\s"',]+/gi, 'Bearer [token]'],
  [/\b(?:sk|pk)_[A-Za-z0-9_]{6,}/g, '[api-key]'],
  [/\bEAA[A-Za-z0-9]{20,}/g, '[token]'],
  [/(?:access_token|api_secret|token)=[^&\s"']+/gi, '[token]'],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
  // A visitor's IP address is personal data too; matched before phones, which it resembles.
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '[ip]'],
  [/(?<![\w.])\+?\(?\d[\d\s().-]{6,}\d(?![\w.])/g, '[phone]'],
];

const MAX_DEPTH = 8;

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-\s]/g, '_');
}

export function redactString(value: string): string {
  let out = value;
  for (const [pattern, mask] of VALUE_PATTERNS) out = out.replace(pattern, mask);
  return out;
}

export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH || seen.has(value)) return REDACTED;
  seen.add(value);
  if (value instanceof Error) return redactError(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const normal = normaliseKey(key);
    if (SENSITIVE_KEYS.has(normal)) out[key] = REDACTED;
    else if (normal === 'key_prefix' && typeof inner === 'string' && KEY_PREFIX.test(inner)) out[key] = inner;
    else if (SAFE_KEYS.has(normal) && (typeof inner === 'string' || typeof inner === 'number')) out[key] = inner;
    else out[key] = redact(inner, depth + 1, seen);
  }
  return out;
}

/**
 * Errors keep their class, code and (briefly) what caused them, for triage: a 503's line says
 * which SQLSTATE or client code was behind it. Messages are masked, stacks are not logged.
 */
export function redactError(error: Error, depth = 0): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  const cause = error.cause;
  return {
    name: error.name,
    // A cause's message can be a whole code frame (Prisma's): its first line says enough.
    message: redactString(depth === 0 ? error.message : (error.message.split('\n').find((line) => line.trim()) ?? '').slice(0, 300)),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(cause instanceof Error && depth < 3 ? { cause: redactError(cause, depth + 1) } : {}),
  };
}
