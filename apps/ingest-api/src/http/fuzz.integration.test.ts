import http from 'node:http';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import type Joi from 'joi';
import { ACTION_SOURCES, EventBatchSchema, InProcessTransport, Lifecycle, createLogger, topicSpecs } from '@attribution/core';
import { createDbClient, type PrismaClient } from '@attribution/db';
import { createTestDatabase, seedTenant, type TestDatabase } from '@attribution/testing';
import { loadIngestConfig } from '../env';
import { startIngestApi, type RunningIngestApi } from '../ingest-api.service';

/**
 * "Bad input gets a clear error and loses nothing": whatever the body, headers, method or path,
 * the API never answers 5xx, every 4xx is JSON with `error` and `message`, and no error body
 * repeats what the caller sent (it may be personal data). Real HTTP, real PostgreSQL, the app
 * wired as in production; a fixed seed keeps the run deterministic.
 */

const ORIGIN = 'https://shop.example';
const BODY_LIMIT = 16 * 1024;
const SEED = 20_240_611;
const RUNS = 500;

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  chunked: boolean;
  /** Strings taken from the input that must not come back in an error body. */
  secrets: string[];
  /** The object keys of the body. */
  keys: string[];
}

interface FuzzResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

let keys: { secret: string; public: string };
let database: TestDatabase;
let db: PrismaClient;
let lifecycle: Lifecycle;
let api: RunningIngestApi;
let port: number;
let logs = '';

beforeAll(async () => {
  database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
  db = createDbClient(database.url);
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  const logger = createLogger({ service: 'api', stream, level: 'warn' });
  lifecycle = new Lifecycle({ logger, timeoutMs: 5_000 });
  const config = loadIngestConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    KAFKA_PARTITIONS: '1',
    LOG_LEVEL: 'warn',
    BODY_LIMIT_BYTES: String(BODY_LIMIT),
    // The fuzzer is one very busy tenant: 429s are fine, but they would hide everything behind them.
    RATE_LIMIT_PER_SECOND: '100000',
    RATE_LIMIT_BURST: '100000',
  });
  const transport = new InProcessTransport();
  await transport.ensureTopics(topicSpecs(config.topics, 1));
  api = await startIngestApi(config, { db, transport, logger, lifecycle });
  port = Number(new URL(api.url).port);
  const tenant = await seedTenant(db, { allowedOrigins: [ORIGIN] });
  keys = { secret: tenant.secretKey, public: tenant.publicKey };
});

afterAll(async () => {
  await lifecycle?.shutdown('test');
  await db?.$disconnect();
  await database?.drop();
});

/** Real HTTP with exactly the bytes and headers given (Node's client validates header syntax only). */
function send(request: FuzzRequest): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...request.headers };
    if (!request.chunked) headers['content-length'] = String(request.body.length);
    const req = http.request({ host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no response within 10 s')));
    req.on('error', reject);
    if (request.chunked) {
      const half = Math.floor(request.body.length / 2);
      req.write(request.body.subarray(0, half));
      req.end(request.body.subarray(half));
    } else {
      req.end(request.body);
    }
  });
}

// --- what may legitimately come back: the API's own vocabulary --------------------------------

/** Every key the event schema knows, and the enum values it lists: an error may name these. */
function schemaVocabulary(): Set<string> {
  const words = new Set<string>(['events', ...ACTION_SOURCES]);
  const walk = (description: Joi.Description | undefined): void => {
    if (!description || typeof description !== 'object') return;
    for (const [key, child] of Object.entries((description as { keys?: Record<string, Joi.Description> }).keys ?? {})) {
      words.add(key);
      walk(child);
    }
    for (const item of (description as { items?: Joi.Description[] }).items ?? []) walk(item);
    for (const match of (description as { matches?: Array<{ schema?: Joi.Description }> }).matches ?? []) walk(match.schema);
    for (const value of (description as { allow?: unknown[] }).allow ?? []) if (typeof value === 'string') words.add(value);
  };
  walk(EventBatchSchema.describe());
  return words;
}
const VOCABULARY = schemaVocabulary();
const FIELD_NAME = /^(?:[A-Za-z_][A-Za-z0-9_]{0,63}|\d+)$/;
const isVocabulary = (s: string) => s.split('.').every((part) => VOCABULARY.has(part) || /^\d+$/.test(part));

// --- generators ---------------------------------------------------------------------------------

const nowSeconds = Math.floor(Date.now() / 1000);

/** Text that exercises the edges: control characters, NUL, lone surrogates, astral planes, RTL. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('\u0000', 'a\u0000b-nul-inside', '\ud800', 'lone\udc00surrogate', '\u202e\u0646\u0635', '😀'.repeat(30), ''),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'),
  fc.constantFrom('jane.doe@example.com', '+1 (415) 555-2671', 'DROP TABLE events;--', "' OR 1=1 --", '${jndi:ldap://x}', '<script>x</script>'),
  fc.string({ minLength: 200, maxLength: 3000 }),
);

/** Short text made of the characters PostgreSQL cannot store (NUL, unpaired surrogates) and friends. */
const awkwardText = fc.string({
  unit: fc.constantFrom('a', 'Z', '0', ' ', '\u0000', '\ud800', '\udfff', '😀', '\u2028', '\ufeff', 'é', '"', '\\', '\u001f'),
  minLength: 1,
  maxLength: 12,
});

const anyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, nowSeconds, nowSeconds * 1000, 1e21, Number.MIN_VALUE),
  fc.bigInt().map((n) => ({ raw: n.toString() })), // rendered as a bare JSON number, beyond doubles
);

/** Any JSON value, with edge-case strings and numbers, as a JS value to stringify. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    anyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 5 }),
  ),
})).value;

const EVENT_KEYS = ['event_id', 'event_name', 'event_time', 'action_source', 'event_source_url', 'user_data', 'custom_data', 'consent'];
const USER_DATA_KEYS = [...VOCABULARY].filter((k) => !EVENT_KEYS.includes(k) && k !== 'events');

/** An event that looks right, with some fields given random types, lengths or contents. */
const plausibleEvent = fc
  .record(
    {
      event_id: fc.oneof(fc.uuid(), nastyString, anyValue),
      event_name: fc.oneof(fc.constantFrom('Purchase', 'Lead', 'PageView'), nastyString, anyValue),
      event_time: fc.oneof(fc.constant(nowSeconds), fc.integer({ min: nowSeconds - 8 * 86_400, max: nowSeconds + 3_600 }), anyNumber, anyValue),
      action_source: fc.oneof(fc.constantFrom(...ACTION_SOURCES), nastyString),
      event_source_url: fc.oneof(fc.webUrl(), nastyString, anyValue),
      user_data: fc.oneof(fc.dictionary(fc.constantFrom(...USER_DATA_KEYS), fc.oneof(nastyString, anyValue), { maxKeys: 6 }), anyValue),
      custom_data: fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom('value', 'currency', 'order_id', 'content_ids'), nastyString), anyValue, { maxKeys: 6 }), anyValue),
      consent: fc.oneof(
        fc.record({ ad_storage: fc.constantFrom('granted', 'denied', 'maybe'), tcf_string: nastyString }, { requiredKeys: [] }),
        anyValue,
      ),
      extra: fc.dictionary(nastyString, anyValue, { maxKeys: 2 }),
    },
    { requiredKeys: ['event_id', 'event_name', 'event_time'] },
  )
  .map(({ extra, ...event }) => ({ ...extra, ...event }));

/** An event the API accepts... */
const validEvent = fc.record(
  {
    event_id: fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 128 }).filter((id) => id.trim().length > 0)),
    event_name: fc.constantFrom('Purchase', 'Lead', 'PageView', 'AddToCart'),
    event_time: fc.integer({ min: nowSeconds - 86_400, max: nowSeconds + 60 }),
    action_source: fc.constantFrom(...ACTION_SOURCES),
    event_source_url: fc.webUrl({ validSchemes: ['https'] }),
    user_data: fc.record({ email: fc.emailAddress(), phone: fc.constant('+1 415 555 2671'), country: fc.constant('us') }, { requiredKeys: [] }),
    custom_data: fc.record({ value: fc.double({ min: 0, max: 1e6, noNaN: true }), currency: fc.constant('EUR') }, { requiredKeys: [] }),
  },
  { requiredKeys: ['event_id', 'event_name', 'event_time'] },
);

/** ...and the same with one field, anywhere, given an odd value that may still pass validation. */
const nearlyValidEvent = fc
  .tuple(
    validEvent,
    fc.constantFrom(...EVENT_KEYS, ...USER_DATA_KEYS.map((k) => `user_data.${k}`), 'custom_data.order_id', 'custom_data.free'),
    fc.oneof(nastyString, anyValue, awkwardText, fc.dictionary(awkwardText, awkwardText, { maxKeys: 2 })),
  )
  .map(([event, path, value]) => {
    const copy = structuredClone(event) as unknown as Record<string, Record<string, unknown>>;
    const [head, tail] = path.split('.') as [string, string | undefined];
    if (tail === undefined) (copy as Record<string, unknown>)[head] = value;
    else copy[head] = { ...(copy[head] ?? {}), [tail]: value };
    return copy;
  });

/** JSON text with a few things JSON.stringify cannot produce. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && 'raw' in v ? `@@RAW${String(v.raw)}@@` : v)).replace(
    /"@@RAW(-?\d+)@@"/g,
    '$1',
  );
}

interface Body {
  bytes: Buffer;
  secrets: string[];
  keys?: string[];
}

/** Strings a value carries (keys and values), to check none comes back in an error. Iterative: bodies nest deep. */
function stringsIn(value: unknown): string[] {
  return walk(value, true);
}

function keysIn(value: unknown): string[] {
  return walk(value, false);
}

function walk(root: unknown, withValues: boolean): string[] {
  const out: string[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (withValues) out.push(value);
    } else if (Array.isArray(value)) {
      stack.push(...value);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        out.push(k);
        stack.push(v);
      }
    }
  }
  return out;
}

const jsonBody = (value: unknown): Body => ({ bytes: Buffer.from(toJson(value)), secrets: stringsIn(value), keys: keysIn(value) });

/** Raw text; when it parses, its strings and keys are known like a generated value's. */
const textBody = (text: string, extraSecrets: string[] = []): Body => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { bytes: Buffer.from(text), secrets: [text, ...extraSecrets], keys: [] };
  }
  return { bytes: Buffer.from(text), secrets: [text, ...stringsIn(parsed), ...extraSecrets], keys: keysIn(parsed) };
};

const bodies: fc.Arbitrary<Body> = fc.oneof(
  { arbitrary: validEvent.map(jsonBody), weight: 3 },
  { arbitrary: nearlyValidEvent.map(jsonBody), weight: 6 },
  { arbitrary: plausibleEvent.map(jsonBody), weight: 3 },
  { arbitrary: fc.array(fc.oneof(validEvent, nearlyValidEvent, plausibleEvent), { minLength: 0, maxLength: 4 }).map((events) => jsonBody({ events })), weight: 3 },
  { arbitrary: anyValue.map(jsonBody), weight: 2 },
  { arbitrary: fc.json({ depthSize: 'medium' }).map(textBody), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map(textBody), weight: 1 },
  // Deep nesting, as a whole body and inside free-form custom_data.
  {
    arbitrary: fc.integer({ min: 1, max: 7_000 }).chain((depth) =>
      fc.constantFrom(
        `${'['.repeat(depth)}${']'.repeat(depth)}`,
        `{"event_id":"deep","event_name":"Lead","event_time":${nowSeconds},"custom_data":{"x":${'['.repeat(depth)}1${']'.repeat(depth)}}}`,
        `{"event_id":"deep","event_name":"Lead","event_time":${nowSeconds},"custom_data":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
        `{"events":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      ).map((text) => textBody(text)),
    ),
    weight: 2,
  },
  // Prototype pollution through the parser.
  {
    arbitrary: fc
      .constantFrom(
        `{"__proto__":{"polluted":"yes-polluted"},"event_id":"p1","event_name":"Lead","event_time":${nowSeconds}}`,
        `{"constructor":{"prototype":{"polluted":"yes-polluted"}},"event_id":"p2","event_name":"Lead","event_time":${nowSeconds}}`,
        `{"event_id":"p3","event_name":"Lead","event_time":${nowSeconds},"user_data":{"__proto__":{"email":"x@y.z"}},"custom_data":{"__proto__":{"value":1}}}`,
        `{"events":[{"__proto__":[]}],"__proto__":null}`,
        `{"event_id":"p4","event_name":"Lead","event_time":${nowSeconds},"custom_data":{"constructor":{"prototype":{"isAdmin":true}}}}`,
      )
      .map((text) => textBody(text, ['yes-polluted'])),
    weight: 1,
  },
  // Invalid UTF-8 inside otherwise valid JSON, and raw random bytes.
  {
    arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bad) => ({
      bytes: Buffer.concat([Buffer.from(`{"event_id":"utf8-`), Buffer.from(bad), Buffer.from(`","event_name":"Lead","event_time":${nowSeconds}}`)]),
      secrets: [],
    })),
    weight: 1,
  },
  { arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes: Buffer.from(bytes), secrets: [] })), weight: 1 },
  // At and past the body limit.
  {
    arbitrary: fc.integer({ min: BODY_LIMIT - 64, max: BODY_LIMIT * 3 }).map((size) => jsonBody({ event_id: 'big', event_name: 'Lead', event_time: nowSeconds, custom_data: { pad: 'p'.repeat(size) } })),
    weight: 1,
  },
  { arbitrary: fc.constant<Body>({ bytes: Buffer.alloc(0), secrets: [] }), weight: 1 },
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-16',
  'application/json; charset=latin1',
  'application/json; charset=nonsense',
  'text/plain',
  'text/plain;charset=UTF-8',
  'TEXT/PLAIN',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json;;;',
];
/** Header values of the API's own vocabulary: a message may quote them ("must be application/json"). */
const FIXED_INPUTS = new Set<string>(CONTENT_TYPES);

/** Header values Node's client can send: tab, printable ASCII and Latin-1. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 80 });

/** Mostly `usual`, sometimes absent, sometimes anything. */
const header = (usual: fc.Arbitrary<HeaderValue>, odd: fc.Arbitrary<HeaderValue>, absentWeight: number) =>
  fc.oneof(
    { arbitrary: usual, weight: 10 },
    { arbitrary: fc.constant(undefined), weight: absentWeight },
    { arbitrary: odd, weight: 1 },
  );
type HeaderValue = string | (() => string) | undefined;

const requestHeaders = fc.record({
  authorization: header(
    fc.constant(() => `Bearer ${keys.secret}`),
    fc.oneof(
      fc.constant(() => `bearer   ${keys.secret}`),
      fc.constant(() => `Bearer ${keys.public}`),
      fc.constant(() => `Bearer sk_${'A'.repeat(32)}`),
      fc.constant(() => `Bearer ${keys.secret}x`),
      fc.constant('Bearer '),
      headerText,
      headerText.map((t) => `Bearer ${t}`),
    ),
    2,
  ),
  'x-api-key': header(fc.constant(undefined), fc.oneof(fc.constant(() => keys.public), fc.constant(() => keys.secret), headerText), 0),
  origin: header(fc.constant(undefined), fc.oneof(fc.constant(ORIGIN), fc.constant('null'), fc.webUrl(), headerText), 0),
  'content-type': header(fc.constant('application/json'), fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerText), 1),
  'content-encoding': header(fc.constant(undefined), fc.oneof(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'zstd', 'gzip, gzip'), headerText), 0),
  traceparent: header(fc.constant(undefined), fc.oneof(fc.constant(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`), headerText), 0),
  'x-forwarded-for': header(fc.constant(undefined), fc.oneof(fc.ipV4(), fc.ipV6(), headerText), 0),
  'user-agent': header(fc.constant('fuzz/1.0'), headerText, 1),
  accept: header(fc.constant(undefined), fc.constantFrom('application/json', 'text/html', '*/*'), 0),
});

/** Only characters a request line may carry; anything else is percent-encoded. */
const pathText = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });

const paths = fc.oneof(
  { arbitrary: fc.constant(() => '/v1/events'), weight: 30 },
  { arbitrary: fc.constantFrom('/health', '/ready', '/v1/events/', '/V1/EVENTS', '//v1/events', '/v1/events/..', '/v1/%ZZ', '/%00', '/').map((p) => () => p), weight: 2 },
  { arbitrary: fc.constant(() => `/v1/events?key=${keys.public}`), weight: 2 },
  { arbitrary: fc.constant(() => `/v1/events?key=${keys.secret}`), weight: 1 },
  { arbitrary: pathText.map((q) => () => `/v1/events?${q}`), weight: 2 },
  { arbitrary: fc.constantFrom('key[]=a&key[]=b', 'key[__proto__]=x', '__proto__[x]=1', 'key=%E0%A4%A', 'key=' + 'k'.repeat(5000)).map((q) => () => `/v1/events?${q}`), weight: 1 },
  { arbitrary: fc.webPath().map((p) => () => p || '/'), weight: 1 },
  { arbitrary: pathText.map((p) => () => `/${p}`), weight: 1 },
);

const methods = fc.oneof(
  { arbitrary: fc.constant('POST'), weight: 20 },
  // Every method Node's parser accepts (anything else never reaches the app), except CONNECT.
  { arbitrary: fc.constantFrom(...http.METHODS.filter((m) => m !== 'CONNECT')), weight: 3 },
);

const requests: fc.Arbitrary<FuzzRequest> = fc
  .record({ method: methods, path: paths, headers: requestHeaders, body: bodies, chunked: fc.boolean() })
  .map(({ method, path, headers, body, chunked }) => {
    const resolved: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) resolved[name] = typeof value === 'function' ? value() : value;
    }
    const p = path();
    return {
      method,
      path: p,
      headers: resolved,
      body: body.bytes,
      chunked,
      keys: body.keys ?? [],
      secrets: [...body.secrets, ...Object.values(resolved), ...p.split(/[/?&=]/)],
    };
  });

// --- the property ------------------------------------------------------------------------------

/** Returns a description of what is wrong with the response, or null when it keeps the contract. */
function violation(request: FuzzRequest, response: FuzzResponse): string | null {
  if (response.status >= 500) return `answered ${response.status}: ${response.text.slice(0, 300)}`;
  if (response.status < 400 || request.method === 'HEAD') return null;
  if (!String(response.headers['content-type']).startsWith('application/json')) return `a ${response.status} without a JSON body`;
  let body: { error?: unknown; message?: unknown };
  try {
    body = JSON.parse(response.text) as typeof body;
  } catch {
    return `a ${response.status} whose body is not JSON: ${response.text.slice(0, 200)}`;
  }
  if (typeof body.error !== 'string' || typeof body.message !== 'string' || body.message.length === 0) {
    return `a ${response.status} without error and message: ${response.text.slice(0, 200)}`;
  }
  // Every string of the body, decoded, so a JSON escape cannot hide an echo. A problem's `field`
  // may name the caller's keys when they look like field names ("colour is not allowed").
  const details = Array.isArray((body as { details?: unknown }).details) ? (body as { details: Array<{ field?: unknown }> }).details : [];
  const fields = details.map((d) => (typeof d.field === 'string' ? d.field : ''));
  // A caller's key may be named only whole, and only when it looks like a field name.
  const keys = new Set(request.keys);
  for (const field of fields) {
    for (const segment of field.split('.')) {
      if (segment === '' || segment === '*' || isVocabulary(segment)) continue;
      if (!FIELD_NAME.test(segment) || !keys.has(segment)) {
        return `a ${response.status} names the field ${JSON.stringify(field)}, which is not made of whole field-name-like keys: ${response.text.slice(0, 300)}`;
      }
    }
  }
  const said = stringsIn({ ...body, details: details.map((d) => ({ ...d, field: undefined })) });
  for (const secret of request.secrets) {
    if (secret.length <= 6 || isVocabulary(secret) || FIXED_INPUTS.has(secret)) continue;
    if (said.some((s) => s.includes(secret))) {
      return `a ${response.status} echoes the input string ${JSON.stringify(secret.slice(0, 80))}: ${response.text.slice(0, 300)}`;
    }
  }
  return null;
}

const describeRequest = (r: FuzzRequest) => {
  const body = r.body.toString('utf8');
  return JSON.stringify({ method: r.method, path: r.path.slice(0, 200), headers: r.headers, chunked: r.chunked, bodyBytes: r.body.length, body: body.length > 600 ? `${body.slice(0, 300)}…${body.slice(-300)}` : body });
};

describe('ingest-api fuzzing (fast-check, real HTTP and PostgreSQL)', () => {
  it(`never answers 5xx, always explains a 4xx in JSON and echoes nothing (${RUNS} runs, seed ${SEED})`, async () => {
    const statuses = new Map<number, number>();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const response = await send(request);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const problem = violation(request, response);
        if (problem) {
          const logged = logs.split('\n').filter((line) => line.includes('"request_failed"')).pop() ?? '(nothing logged)';
          throw new Error(`${problem}\nrequest: ${describeRequest(request)}\nlogged: ${logged.slice(0, 1500)}`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    process.stdout.write(`[fuzz] ${RUNS} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    // The generators reach past authentication and validation, not just the front door.
    expect(statuses.get(202)).toBeGreaterThan(10);
    expect(statuses.get(400)).toBeGreaterThan(10);
    expect(statuses.get(401)).toBeGreaterThan(10);
    expect(logs).not.toMatch(/"event":"request_failed"/);
    // Nothing reached Object.prototype.
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
  }, 60_000);
});


/** Counterexamples the fuzzer found, kept as plain cases (each answered 500 or echoed input before its fix). */
describe('ingest-api fuzzing: regressions', () => {
  const post = (body: string) =>
    send({
      method: 'POST',
      path: '/v1/events',
      headers: { authorization: `Bearer ${keys.secret}`, 'content-type': 'application/json' },
      body: Buffer.from(body),
      chunked: false,
      secrets: [],
      keys: [],
    });
  const event = (fields: string) => `{"event_id":"r-${Math.random().toString(36).slice(2)}","event_name":"Lead","event_time":${nowSeconds}${fields}}`;
  const json = (response: FuzzResponse) => JSON.parse(response.text) as { error: string; message: string; details?: Array<{ field: string; message: string }> };

  it.each([
    ['a NUL character in event_id', `{"event_id":"\\u0000","event_name":"Purchase","event_time":${nowSeconds}}`],
    ['a NUL character in event_name', event('').replace('"Lead"', '"Le\\u0000ad"')],
    ['a NUL character in a custom_data value', event(',"custom_data":{"order_id":"a\\u0000b"}')],
    ['a NUL character in a custom_data key', event(',"custom_data":{"a\\u0000b":1}')],
    ['a NUL character in a click id', event(',"user_data":{"fbc":"fb.1.\\u0000"}')],
    ['an unpaired surrogate in custom_data', event(',"custom_data":{"note":"a\\ud800b"}')],
    ['an unpaired surrogate in event_name', event('').replace('"Lead"', '"Lead\\udfff"')],
  ])('refuses %s with 400 (PostgreSQL cannot store it), not 500', async (_case, body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    // Caught before schema validation (scanBody); the error handler's unstorable_value mapping
    // stays as the safety net for anything that still reaches PostgreSQL.
    expect(json(response)).toMatchObject({ error: 'validation_failed', details: [{ message: expect.stringContaining('cannot be stored') }] });
  });

  it('fails only the request at fault when a refused value shares a batched INSERT with good requests', async () => {
    const good = () => post(event(''));
    const statuses = (await Promise.all([good(), good(), post(event(',"custom_data":{"x":"\\u0000"}')), good(), good()])).map((r) => r.status);
    expect(statuses).toEqual([202, 202, 400, 202, 202]);
  });

  it('refuses a body nested thousands of levels deep with 400, not 500 (stack overflow in validation)', async () => {
    const depth = 7_000;
    const response = await post(event(`,"custom_data":{"x":${'['.repeat(depth)}1${']'.repeat(depth)}}`));
    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({ error: 'validation_failed', details: [{ field: expect.stringMatching(/^custom_data\.x\.0/), message: expect.stringContaining('nested deeper than') }] });
  });

  it('does not repeat a value that fails a pattern rule (Joi quotes it unwrapped)', async () => {
    const response = await post(event(',"custom_data":{"currency":"jane.doe@example.com"},"consent":{"tcf_string":"ab\\" cd secret-consent-value\\n fails to match the x"}'));
    expect(response.status).toBe(400);
    expect(response.text).not.toMatch(/jane|secret-consent-value/);
    expect(json(response).details).toEqual(
      expect.arrayContaining([
        { index: 0, field: 'custom_data.currency', message: 'fails to match the required pattern' },
        { index: 0, field: 'consent.tcf_string', message: 'fails to match the required pattern' },
      ]),
    );
  });

  it('names an unknown key only when it looks like a field name', async () => {
    const response = await post(event(',"colour":"red","jane.doe@example.com":1,"user_data":{"       ":1,"favourite_colour":2}'));
    expect(response.status).toBe(400);
    expect(response.text).not.toContain('jane');
    expect(json(response).details).toEqual(
      expect.arrayContaining([
        { index: 0, field: 'colour', message: 'is not allowed' },
        { index: 0, field: '*', message: 'is not allowed' },
        { index: 0, field: 'user_data.*', message: 'is not allowed' },
        { index: 0, field: 'user_data.favourite_colour', message: 'is not allowed' },
      ]),
    );
  });
});
