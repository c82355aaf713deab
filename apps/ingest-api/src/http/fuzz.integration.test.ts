import http from 'node:http';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { createLogger } from '@attribution/core';
import { createDbClient, type Db } from '@attribution/db';
import { Lifecycle } from '@attribution/runtime';
import { createTestDatabase, seedTenant, type TestDatabase } from '@attribution/testing';
import { InProcessTransport, topicSpecs } from '@attribution/transport';
import { loadIngestConfig } from '../env';
import { VOCABULARY, fuzzBodies, nowSeconds, stringsIn } from '../../test/fuzz-bodies.arbitraries';
import { startIngestApi, type RunningIngestApi } from '../composition-root';

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
let db: Db;
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
    INGEST_OPS_PORT: '0',
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

const FIELD_NAME = /^(?:[A-Za-z_][A-Za-z0-9_]{0,63}|\d+)$/;
const isVocabulary = (s: string) => s.split('.').every((part) => VOCABULARY.has(part) || /^\d+$/.test(part));

// --- generators (bodies: test/fuzz-bodies.arbitraries.ts) ----------------------------------------------

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
  .record({ method: methods, path: paths, headers: requestHeaders, body: fuzzBodies(BODY_LIMIT), chunked: fc.boolean() })
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
