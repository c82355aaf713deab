import { classifyGa4Response, ga4CollectUrl, ga4DebugUrl, postGa4Events } from './ga4.client';
import type { Ga4Request } from './ga4.schema';

const BODY: Ga4Request = { client_id: '1.2', events: [{ name: 'purchase', params: { engagement_time_msec: 1 } }] };

describe('classifyGa4Response', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [299, 'ok'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [400, 'rejected'],
    [401, 'rejected'],
    [403, 'rejected'],
    [404, 'rejected'],
    [413, 'rejected'],
    [301, 'rejected'],
  ])('HTTP %i → %s (never auth: the MP has no signal for a bad api_secret)', (status, kind) => {
    expect(classifyGa4Response(status, '').kind).toBe(kind);
  });

  it('keeps a short, single-line excerpt of the body as the reason', () => {
    expect(classifyGa4Response(400, `<html>\n  Bad   Request ${'x'.repeat(500)}`)).toEqual({
      kind: 'rejected',
      statusCode: 400,
      reason: `HTTP 400: <html> Bad Request ${'x'.repeat(200 - '<html> Bad Request '.length)}`,
    });
  });
});

describe('GA4 URLs', () => {
  it('puts measurement_id and api_secret in the query', () => {
    expect(ga4CollectUrl('https://www.google-analytics.com/mp/collect', 'G-ABC123', 's3cr&t')).toBe(
      'https://www.google-analytics.com/mp/collect?measurement_id=G-ABC123&api_secret=s3cr%26t',
    );
  });

  it('derives the validation endpoint from the collect endpoint', () => {
    expect(ga4DebugUrl('https://region1.google-analytics.com/mp/collect')).toBe('https://region1.google-analytics.com/debug/mp/collect');
    expect(ga4DebugUrl('http://127.0.0.1:9999/mp/collect')).toBe('http://127.0.0.1:9999/debug/mp/collect');
    expect(() => ga4DebugUrl('https://example.com/other')).toThrow(/mp\/collect/);
  });
});

describe('postGa4Events', () => {
  const respond = (status: number, text = '') => (async () => new Response(status === 204 ? null : text, { status })) as unknown as typeof fetch;

  it('POSTs JSON to the collect URL and reports 2xx as ok', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(null, { status: 204 });
    }) as unknown as typeof fetch;
    await expect(postGa4Events({ collectUrl: 'http://ga.test/mp/collect', measurementId: 'G-ABC123', apiSecret: 'sec', timeoutMs: 1000, fetch: fetchImpl }, BODY)).resolves.toEqual({ kind: 'ok', statusCode: 204 });
    expect(calls[0]!.url).toBe('http://ga.test/mp/collect?measurement_id=G-ABC123&api_secret=sec');
    expect(calls[0]!.init.method).toBe('POST');
    expect((calls[0]!.init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual(BODY);
    expect(calls[0]!.init.signal).toBeInstanceOf(AbortSignal);
  });

  it('classifies 429 and 5xx as retry, other 4xx as rejected', async () => {
    await expect(postGa4Events({ collectUrl: 'http://ga.test/mp/collect', measurementId: 'G-ABC123', apiSecret: 'sec', timeoutMs: 1000, fetch: respond(429) }, BODY)).resolves.toMatchObject({ kind: 'retry', statusCode: 429 });
    await expect(postGa4Events({ collectUrl: 'http://ga.test/mp/collect', measurementId: 'G-ABC123', apiSecret: 'sec', timeoutMs: 1000, fetch: respond(503, 'busy') }, BODY)).resolves.toEqual({ kind: 'retry', statusCode: 503, reason: 'HTTP 503: busy' });
    await expect(postGa4Events({ collectUrl: 'http://ga.test/mp/collect', measurementId: 'G-ABC123', apiSecret: 'sec', timeoutMs: 1000, fetch: respond(400) }, BODY)).resolves.toMatchObject({ kind: 'rejected', statusCode: 400 });
  });

  it('never puts the api_secret in a reason, even when the server echoes it', async () => {
    const result = await postGa4Events({ collectUrl: 'http://ga.test/mp/collect', measurementId: 'G-ABC123', apiSecret: 'top-secret', timeoutMs: 1000, fetch: respond(400, 'bad request for api_secret=top-secret') }, BODY);
    expect(JSON.stringify(result)).not.toContain('top-secret');
  });

  it('turns network errors and timeouts into retry, without the URL in the reason', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed: connect ECONNREFUSED http://ga.test/mp/collect?api_secret=sec');
    }) as unknown as typeof fetch;
    await expect(postGa4Events({ collectUrl: 'http://ga.test/mp/collect', measurementId: 'G-ABC123', apiSecret: 'sec', timeoutMs: 1000, fetch: refused }, BODY)).resolves.toEqual({ kind: 'retry', statusCode: null, reason: 'network error' });

    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason as Error)))) as unknown as typeof fetch;
    await expect(postGa4Events({ collectUrl: 'http://ga.test/mp/collect', measurementId: 'G-ABC123', apiSecret: 'sec', timeoutMs: 20, fetch: hanging }, BODY)).resolves.toEqual({ kind: 'retry', statusCode: null, reason: 'timeout' });
  });
});
