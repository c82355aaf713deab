import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import express, { type Express } from 'express';
import request from 'supertest';
import type { PublishedPixel } from '@attribution/pixel';
import { pixelRoute } from './pixel.route';

function published(version: string): PublishedPixel {
  // Repetitive enough to compress, with multi-byte characters to catch charset mistakes.
  const body = Buffer.from(`/* tracking.js ${version} — café ☕ */\n${'window.attribution=window.attribution||[];\n'.repeat(40)}`);
  return { version, body, sha256: createHash('sha256').update(body).digest('hex') };
}

const V1 = published('v1');
const V1_1 = published('v1.1');
const TAG = V1.sha256.slice(0, 16);

/** The route alone, in front of a 404 like the app's. */
function appWith(versions: PublishedPixel[], onServed?: (version: string, status: 200 | 304) => void): Express {
  const app = express();
  app.use(pixelRoute(versions, onServed));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such endpoint' });
  });
  return app;
}

const app = appWith([V1, V1_1]);
let server: http.Server;
beforeAll(async () => {
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** The bytes as they travel, undecoded (Supertest would decompress them). */
function onTheWire(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const { port } = server.address() as AddressInfo;
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject).end();
  });
}

const CDN_HEADERS = {
  'cache-control': 'public, max-age=3600',
  vary: 'Accept-Encoding',
  'access-control-allow-origin': '*',
  'cross-origin-resource-policy': 'cross-origin',
  'timing-allow-origin': '*',
  'x-content-type-options': 'nosniff',
};

describe('GET /<version>/tracking.js', () => {
  it('answers with the CDN headers, no API key needed', async () => {
    const response = await request(app).get('/v1/tracking.js').set('Accept-Encoding', 'identity').expect(200);
    expect(response.headers).toMatchObject({
      ...CDN_HEADERS,
      'content-type': 'text/javascript; charset=utf-8',
      'content-length': String(V1.body.length),
      etag: `"${TAG}"`,
    });
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['last-modified']).toBeUndefined();
  });

  it.each([
    ['identity', 'identity', `"${TAG}"`, (body: Buffer) => body],
    ['gzip', 'gzip', `"${TAG}-gzip"`, zlib.gunzipSync],
    ['br', 'br', `"${TAG}-br"`, zlib.brotliDecompressSync],
  ])('sends %s bytes that decode to the published ones, with their own length and strong ETag', async (acceptEncoding, encoding, etag, decode) => {
    const response = await onTheWire('/v1/tracking.js', { 'accept-encoding': acceptEncoding });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe(encoding === 'identity' ? undefined : encoding);
    expect(response.headers['content-length']).toBe(String(response.body.length));
    expect(response.headers.etag).toBe(etag);
    expect(decode(response.body).equals(V1.body)).toBe(true);
  });

  it('compresses at the highest levels', async () => {
    const gzip = await onTheWire('/v1/tracking.js', { 'accept-encoding': 'gzip' });
    const br = await onTheWire('/v1/tracking.js', { 'accept-encoding': 'br' });
    expect(gzip.body.equals(zlib.gzipSync(V1.body, { level: 9 }))).toBe(true);
    const maxQuality = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY } };
    expect(br.body.length).toBeLessThanOrEqual(zlib.brotliCompressSync(V1.body, maxQuality).length);
    expect(br.body.length).toBeLessThan(gzip.body.length);
  });

  it('serves every published version at its own path', async () => {
    const response = await onTheWire('/v1.1/tracking.js');
    expect(response.body.equals(V1_1.body)).toBe(true);
    expect(response.headers.etag).toBe(`"${V1_1.sha256.slice(0, 16)}"`);
  });

  it.each([
    ['(absent)', 'identity'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['*;q=0, identity', 'identity'],
    ['deflate', 'identity'],
  ])('negotiates Accept-Encoding: %s → %s', async (acceptEncoding, encoding) => {
    const test = request(app).get('/v1/tracking.js');
    const response = await (acceptEncoding === '(absent)' ? test.unset('Accept-Encoding') : test.set('Accept-Encoding', acceptEncoding)).expect(200);
    expect(response.headers['content-encoding'] ?? 'identity').toBe(encoding);
    expect(response.headers.vary).toBe('Accept-Encoding');
    expect(response.text).toBe(V1.body.toString('utf8'));
  });

  it('compresses at boot, never per request', async () => {
    const compressors = ['gzip', 'gzipSync', 'brotliCompress', 'brotliCompressSync', 'deflate', 'deflateSync'] as const;
    const spies = compressors.map((name) => jest.spyOn(zlib, name));
    try {
      appWith([V1]);
      expect(zlib.gzipSync).toHaveBeenCalledTimes(1);
      expect(zlib.brotliCompressSync).toHaveBeenCalledTimes(1);
      for (const spy of spies) spy.mockClear();
      for (const encoding of ['br', 'gzip', 'identity', 'br']) await onTheWire('/v1/tracking.js', { 'accept-encoding': encoding });
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

describe('HEAD /<version>/tracking.js', () => {
  it.each(['identity', 'gzip', 'br'])('has the headers of the GET (%s) and no body', async (encoding) => {
    const get = await onTheWire('/v1/tracking.js', { 'accept-encoding': encoding });
    const head = await onTheWire('/v1/tracking.js', { 'accept-encoding': encoding }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const { date: _getDate, ...getHeaders } = get.headers;
    const { date: _headDate, ...headHeaders } = head.headers;
    expect(headHeaders).toEqual(getHeaders);
  });
});

describe('If-None-Match', () => {
  it.each([
    ['the exact ETag', 'br', `"${TAG}-br"`],
    ['a weak form of it', 'gzip', `W/"${TAG}-gzip"`],
    ['a list naming it', 'identity', `"stale", "${TAG}" , W/"other"`],
    ['*', 'br', '*'],
  ])('answers 304 for %s, with the caching headers and no body', async (_case, acceptEncoding, ifNoneMatch) => {
    for (const method of ['GET', 'HEAD']) {
      const response = await onTheWire('/v1/tracking.js', { 'accept-encoding': acceptEncoding, 'if-none-match': ifNoneMatch }, method);
      expect(response.status).toBe(304);
      expect(response.body.length).toBe(0);
      expect(response.headers).toMatchObject({ ...CDN_HEADERS, etag: acceptEncoding === 'identity' ? `"${TAG}"` : `"${TAG}-${acceptEncoding}"` });
      expect(response.headers['content-length']).toBeUndefined();
      expect(response.headers['content-encoding']).toBeUndefined();
    }
  });

  it('answers 200 when the tag is another encoding’s or another version’s', async () => {
    await request(app).get('/v1/tracking.js').set('Accept-Encoding', 'br').set('If-None-Match', `"${TAG}-gzip", "${TAG}"`).expect(200);
    await request(app).get('/v1.1/tracking.js').set('Accept-Encoding', 'identity').set('If-None-Match', `"${TAG}"`).expect(200);
  });
});

describe('metrics', () => {
  it('reports each response by version and status, and nothing for refused requests', async () => {
    const served: Array<[string, number]> = [];
    const counted = appWith([V1, V1_1], (version, status) => served.push([version, status]));
    await request(counted).get('/v1/tracking.js').expect(200);
    await request(counted).head('/v1.1/tracking.js').expect(200);
    await request(counted).get('/v1/tracking.js').set('If-None-Match', `"${TAG}"`).set('Accept-Encoding', 'identity').expect(304);
    await request(counted).post('/v1/tracking.js').expect(405);
    await request(counted).get('/v2/tracking.js').expect(404);
    expect(served).toEqual([
      ['v1', 200],
      ['v1.1', 200],
      ['v1', 304],
    ]);
  });
});

describe('anything else', () => {
  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])('answers %s on a published path with 405 and Allow: GET, HEAD', async (method) => {
    const response = await onTheWire('/v1/tracking.js', { origin: 'https://shop.example' }, method);
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(response.body.toString())).toEqual({ error: 'method_not_allowed', message: 'Only GET and HEAD are allowed here' });
  });

  it.each([
    '/v2/tracking.js',
    '/v1/other.js',
    '/v1/tracking.js/',
    '/V1/tracking.js',
    '/v1/TRACKING.JS',
    '/v1/../v1/tracking.js',
    '/./v1/tracking.js',
    '//v1/tracking.js',
    '/%2e%2e/tracking.js',
    '/%2e%2e/v1/tracking.js',
    '/v1%2ftracking.js',
    '/%76%31/tracking.js',
    '/v1/tracking.js%00',
    '/..%2f..%2fpackage.json/tracking.js',
    '/tracking.js',
  ])('leaves %s to the app’s 404', async (path) => {
    const response = await onTheWire(path);
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body.toString())).toEqual({ error: 'not_found', message: 'No such endpoint' });
  });

  it('leaves other methods on unpublished paths to the 404 as well', async () => {
    await request(app).post('/v2/tracking.js').expect(404);
  });

  it('serves nothing when nothing is published', async () => {
    await request(appWith([])).get('/v1/tracking.js').expect(404);
  });
});
