import { readFileSync } from 'node:fs';
import { seedTenant } from '@attribution/testing';
import { OpenApiSchemas, problems } from '../../test/openapi-schemas';
import { startRunningApi, type RunningApi } from '../../test/running-ingest-api';
import { EXAMPLE_EVENT_TIME } from './events.examples';
import { OPENAPI_DOCUMENT_FILE } from './openapi-document.loader';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking a JSON document

const ORIGIN = 'https://shop.example';
const BODY_LIMIT = 2048;
const EVENTS = '/v1/events';
const PIXEL = '/{version}/tracking.js';
const JSON_TYPE = { 'content-type': 'application/json' };

/** The deployed API, and the document as it serves it. */
let running: RunningApi;
let url: string;
let document: Json;
let schemas: OpenApiSchemas;

beforeAll(async () => {
  // A burst of 3 lets the test reach a 429 quickly; every other request has a tenant of its own.
  running = await startRunningApi({ BODY_LIMIT_BYTES: String(BODY_LIMIT), RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_SECOND: '0.1' });
  url = running.api.url;
  document = (await (await fetch(`${url}/v1/openapi.json`)).json()) as Json;
  schemas = new OpenApiSchemas(document);
});

afterAll(() => running?.stop());

/** A header object, through its `$ref`, with where its schema is. */
function header(path: string, method: string, status: string, name: string): { required?: boolean; schemaAt: string[] } {
  const declared = document['paths'][path][method].responses[status].headers[name] as Json;
  if (!declared['$ref']) return { required: declared['required'], schemaAt: ['paths', path, method, 'responses', status, 'headers', name, 'schema'] };
  const at = (declared['$ref'] as string).replace(/^#\//, '').split('/');
  return { required: document[at[0]!][at[1]!][at[2]!].required, schemaAt: [...at, 'schema'] };
}

/**
 * Holds an answer to what the document says of it: a documented status, a body of the
 * documented schema (or no body when none is documented), and the documented headers.
 */
async function expectDocumented(path: string, method: string, response: Response): Promise<Json | undefined> {
  const status = String(response.status);
  const documented = document['paths'][path][method].responses[status] as Json | undefined;
  expect({ path, method, status, documented: documented !== undefined }).toEqual({ path, method, status, documented: true });
  const text = await response.text();
  const [mediaType] = Object.keys(documented!['content'] ?? {});
  let body: Json | undefined;
  if (mediaType === undefined) expect(text).toBe('');
  else expect(response.headers.get('content-type')?.startsWith(mediaType)).toBe(true);
  if (mediaType === 'application/json') {
    body = JSON.parse(text) as Json;
    const validate = schemas.response(path, method, status);
    expect([status, validate(body), problems(validate)]).toEqual([status, true, '']);
  }
  for (const name of Object.keys(documented!['headers'] ?? {})) {
    const { required, schemaAt } = header(path, method, status, name);
    const value = response.headers.get(name);
    if (required) expect([name, value]).toEqual([name, expect.any(String)]);
    if (value !== null) expect([name, schemas.at(...schemaAt)(value)]).toEqual([name, true]);
  }
  return body;
}

/** The examples' fixed event_time is out of the 7-day window by now: the current time instead. */
function atCurrentTime(value: unknown): unknown {
  const now = Math.floor(Date.now() / 1000);
  return JSON.parse(JSON.stringify(value), (key, v: unknown) => (key === 'event_time' && v === EXAMPLE_EVENT_TIME ? now : v));
}

const tenant = () => seedTenant(running.db, { allowedOrigins: [ORIGIN] });

describe('the ingest-api against its own OpenAPI document (real PostgreSQL)', () => {
  it('answers each request example as its paired response example says, and stores exactly what it accepts', async () => {
    const post = document['paths'][EVENTS].post as Json;
    const sent: string[] = [];
    for (const [mediaType, content] of Object.entries(post['requestBody'].content as Json)) {
      for (const [name, example] of Object.entries(content.examples as Json)) {
        const [status, paired] = Object.entries(post['responses'] as Json).find(([, r]) => r.content?.['application/json']?.examples?.[name])!;
        const { tenant: owner, publicKey, secretKey } = await tenant();
        const beacon = mediaType === 'text/plain';
        const response = await fetch(beacon ? `${url}${EVENTS}?key=${publicKey}` : `${url}${EVENTS}`, {
          method: 'POST',
          headers: beacon ? { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN } : { authorization: `Bearer ${secretKey}`, 'content-type': mediaType },
          body: JSON.stringify(atCurrentTime(example.value)),
        });
        expect([name, response.status]).toEqual([name, Number(status)]);
        const body = (await expectDocumented(EVENTS, 'post', response))!;
        const expected = paired.content['application/json'].examples[name].value as Json;
        expect(body).toEqual('trace_id' in expected ? { ...expected, trace_id: body['trace_id'] } : expected);
        const stored = await running.db.event.count({ where: { tenantId: owner.id } });
        expect([name, stored]).toEqual([name, status === '202' ? expected['accepted'] : 0]);
        sent.push(name);
      }
    }
    expect(sent).toEqual(['purchase', 'batch', 'milliseconds', 'invalid_in_batch', 'pixel_beacon']);
  });

  it('answers each error status of POST /v1/events that a client can cause with a documented body and code', async () => {
    const valid = JSON.stringify(atCurrentTime({ event_id: 'e-1', event_name: 'Lead', event_time: EXAMPLE_EVENT_TIME }));
    const post = async (body: string, headers: Record<string, string> = {}) => {
      const { secretKey } = await tenant();
      return fetch(`${url}${EVENTS}`, { method: 'POST', headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json', ...headers }, body });
    };
    const rateLimited = async () => {
      const { secretKey } = await tenant();
      const send = () => fetch(`${url}${EVENTS}`, { method: 'POST', headers: { 'x-api-key': secretKey, 'content-type': 'application/json' }, body: '{' });
      for (let request = 0; request < 3; request += 1) expect((await send()).status).toBe(400);
      return send();
    };
    const cases: Array<[string, () => Promise<Response>, number, string | undefined]> = [
      ['not JSON', () => post('{"event_id":'), 400, 'invalid_json'],
      ['no key', () => fetch(`${url}${EVENTS}`, { method: 'POST', headers: JSON_TYPE, body: valid }), 401, 'unauthenticated'],
      ['a secret key in the URL', async () => fetch(`${url}${EVENTS}?key=${(await tenant()).secretKey}`, { method: 'POST', headers: JSON_TYPE, body: valid }), 401, 'unauthenticated'],
      ['a secret key from a web page', () => post(valid, { origin: ORIGIN }), 403, 'forbidden'],
      ['a public key from another site', async () => fetch(`${url}${EVENTS}?key=${(await tenant()).publicKey}`, { method: 'POST', headers: { ...JSON_TYPE, origin: 'https://elsewhere.example' }, body: valid }), 403, 'forbidden'],
      ['over the body limit', () => post(JSON.stringify({ event_id: 'e-2', custom_data: { pad: 'x'.repeat(BODY_LIMIT) } })), 413, 'payload_too_large'],
      ['XML', () => post('<event/>', { 'content-type': 'application/xml' }), 415, 'unsupported_media_type'],
      ['an unknown content encoding', () => post('{}', { 'content-encoding': 'br-nonsense' }), 415, 'unsupported_encoding'],
      ['over the rate', rateLimited, 429, 'rate_limited'],
      ['a head over the size limit', () => post(valid, { 'x-padding': 'x'.repeat(20_000) }), 431, undefined],
    ];
    for (const [name, send, status, code] of cases) {
      const response = await send();
      expect([name, response.status]).toEqual([name, status]);
      const body = await expectDocumented(EVENTS, 'post', response);
      expect([name, body?.['error']]).toEqual([name, code]);
    }
  });

  it('serves every published pixel version, its revalidation and HEAD, and a 404 for others, as documented', async () => {
    const versions = document['paths'][PIXEL].get.parameters[0].schema.enum as string[];
    expect(versions).toContain('v1');
    for (const version of versions) {
      const script = await fetch(`${url}/${version}/tracking.js`, { headers: { 'accept-encoding': 'br' } });
      expect(script.status).toBe(200);
      await expectDocumented(PIXEL, 'get', script);
      // ETags differ by encoding: the revalidation asks for the same one.
      const revalidated = await fetch(`${url}/${version}/tracking.js`, { headers: { 'accept-encoding': 'br', 'if-none-match': script.headers.get('etag')! } });
      expect(revalidated.status).toBe(304);
      await expectDocumented(PIXEL, 'get', revalidated);
      const head = await fetch(`${url}/${version}/tracking.js`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      await expectDocumented(PIXEL, 'head', head);
    }
    const unpublished = await fetch(`${url}/v0/tracking.js`);
    expect(unpublished.status).toBe(404);
    expect((await expectDocumented(PIXEL, 'get', unpublished))?.['error']).toBe('not_found');
  });

  it('serves the built document byte for byte, the CORS preflight and the probes as documented', async () => {
    const served = await fetch(`${url}/v1/openapi.json`);
    const bytes = Buffer.from(await served.clone().arrayBuffer());
    expect(bytes.equals(readFileSync(OPENAPI_DOCUMENT_FILE))).toBe(true);
    await expectDocumented('/v1/openapi.json', 'get', served);
    const revalidated = await fetch(`${url}/v1/openapi.json`, { headers: { 'if-none-match': served.headers.get('etag')! } });
    expect(revalidated.status).toBe(304);

    const preflight = await fetch(`${url}${EVENTS}`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    await expectDocumented(EVENTS, 'options', preflight);
    const documentedHeaders = document['paths'][EVENTS].options.responses['204'].headers as Json;
    for (const [name, declared] of Object.entries(documentedHeaders)) {
      expect([name, preflight.headers.get(name)]).toEqual([name, declared.schema.const ?? ORIGIN]);
    }

    for (const probe of ['/health', '/ready']) {
      const answer = await fetch(`${url}${probe}`);
      expect([probe, answer.status]).toEqual([probe, 200]);
      await expectDocumented(probe, 'get', answer);
    }
  });
});
