import express from 'express';
import request from 'supertest';
import { OPENAPI_CACHE_CONTROL, openApiRoute } from './openapi.route';

const document = Buffer.from('{"openapi":"3.1.1","info":{"title":"t","version":"1"},"paths":{}}\n');
const app = express().use(openApiRoute(document));

describe('GET /v1/openapi.json', () => {
  it('serves the built bytes as JSON, cacheable, to any origin', async () => {
    const response = await request(app).get('/v1/openapi.json').expect(200);
    expect(response.text).toBe(document.toString());
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['cache-control']).toBe(OPENAPI_CACHE_CONTROL);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['etag']).toMatch(/^"[0-9a-f]{16}"$/);
  });

  it('answers 304 to a current ETag and the document to a stale one', async () => {
    const { headers } = await request(app).get('/v1/openapi.json');
    const revalidated = await request(app).get('/v1/openapi.json').set('If-None-Match', headers['etag']!).expect(304);
    expect(revalidated.text).toBe('');
    expect(revalidated.headers['cache-control']).toBe(OPENAPI_CACHE_CONTROL);
    await request(app).get('/v1/openapi.json').set('If-None-Match', '"0000000000000000"').expect(200);
  });
});
