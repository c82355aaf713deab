import fc from 'fast-check';
import type Joi from 'joi';
import { ACTION_SOURCES, EventBatchSchema } from '@attribution/core';

/**
 * Request bodies for the ingest-api fuzz test: valid, nearly valid and plausible events, any JSON,
 * deep nesting, prototype pollution, invalid UTF-8, raw bytes and sizes around the body limit.
 * Each carries the strings it holds, so the test can check that no error repeats one.
 */

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
export const VOCABULARY = schemaVocabulary();

export const nowSeconds = Math.floor(Date.now() / 1000);

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

export interface Body {
  bytes: Buffer;
  secrets: string[];
  keys?: string[];
}

/** Strings a value carries (keys and values), to check none comes back in an error. Iterative: bodies nest deep. */
export function stringsIn(value: unknown): string[] {
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

/** Bodies from valid events to garbage bytes, and sizes around `bodyLimit`. */
export function fuzzBodies(bodyLimit: number): fc.Arbitrary<Body> {
  return fc.oneof(
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
      arbitrary: fc.integer({ min: bodyLimit - 64, max: bodyLimit * 3 }).map((size) => jsonBody({ event_id: 'big', event_name: 'Lead', event_time: nowSeconds, custom_data: { pad: 'p'.repeat(size) } })),
      weight: 1,
    },
    { arbitrary: fc.constant<Body>({ bytes: Buffer.alloc(0), secrets: [] }), weight: 1 },
  );
}
