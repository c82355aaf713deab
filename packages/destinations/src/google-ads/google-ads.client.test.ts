import { classifyDataManagerResponse, postIngestEvents } from './google-ads.client';
import type { IngestEventsRequest } from './google-ads.schema';

const rpc = (code: number, status: string, message: string, details: unknown[] = []) => JSON.stringify({ error: { code, status, message, details } });
const BODY: IngestEventsRequest = { destinations: [{ operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' }, productDestinationId: '1' }], events: [], encoding: 'HEX' };

describe('classifyDataManagerResponse', () => {
  it.each([
    [200, '{"requestId":"r-1"}', 'ok'],
    [401, rpc(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'), 'unauthenticated'],
    [403, rpc(403, 'PERMISSION_DENIED', 'The caller does not have permission'), 'auth'],
    [429, rpc(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded'), 'retry'],
    [500, rpc(500, 'INTERNAL', 'Internal error'), 'retry'],
    [503, '<html>unavailable</html>', 'retry'],
    [408, '', 'retry'],
    [400, rpc(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'), 'rejected'],
    [404, rpc(404, 'NOT_FOUND', 'Not found'), 'rejected'],
  ])('HTTP %i → %s', (status, body, kind) => {
    expect(classifyDataManagerResponse(status, body).kind).toBe(kind);
  });

  it('keeps the request id of a success', () => {
    expect(classifyDataManagerResponse(200, '{"requestId":"r-1"}')).toEqual({ kind: 'ok', statusCode: 200, requestId: 'r-1' });
  });

  it("puts Google's field violations and the request id in the reason and names the bad events", () => {
    const body = rpc(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
      { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'events[2].event_timestamp', description: 'Timestamp is too old.' }, { field: 'events[5].ad_identifiers.gclid', description: 'Invalid gclid.' }] },
      { '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: 'req-42' },
    ]);
    const result = classifyDataManagerResponse(400, body);
    expect(result).toMatchObject({
      kind: 'rejected',
      statusCode: 400,
      reason: 'INVALID_ARGUMENT: Request contains an invalid argument. (events[2].event_timestamp: Timestamp is too old.; events[5].ad_identifiers.gclid: Invalid gclid.) [request req-42]',
    });
    expect(result.kind === 'rejected' && [...result.badEvents]).toEqual([[2, 'events[2].event_timestamp: Timestamp is too old.'], [5, 'events[5].ad_identifiers.gclid: Invalid gclid.']]);
  });

  it("gives a failure's RequestInfo request id as the requestId, whatever the kind", () => {
    const info = [{ '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: 'req-7' }];
    expect(classifyDataManagerResponse(400, rpc(400, 'INVALID_ARGUMENT', 'Bad.', info))).toMatchObject({ kind: 'rejected', requestId: 'req-7' });
    expect(classifyDataManagerResponse(429, rpc(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', info))).toEqual({ kind: 'retry', statusCode: 429, reason: 'RESOURCE_EXHAUSTED: Quota exceeded [request req-7]', requestId: 'req-7' });
    expect(classifyDataManagerResponse(403, rpc(403, 'PERMISSION_DENIED', 'No access', info))).toMatchObject({ kind: 'auth', requestId: 'req-7' });
    expect(classifyDataManagerResponse(401, rpc(401, 'UNAUTHENTICATED', 'Expired', info))).toMatchObject({ kind: 'unauthenticated', requestId: 'req-7' });
  });

  it('has no requestId when Google gave none', () => {
    expect(classifyDataManagerResponse(200, '')).toEqual({ kind: 'ok', statusCode: 200 });
    expect(classifyDataManagerResponse(503, '<html>unavailable</html>')).toEqual({ kind: 'retry', statusCode: 503, reason: 'HTTP 503: no message' });
  });
});

describe('postIngestEvents', () => {
  it('POSTs JSON to {base}/events:ingest with the bearer token in the header only', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response('{"requestId":"r"}', { status: 200 });
    }) as unknown as typeof fetch;
    await expect(postIngestEvents('http://dm.test/v1', BODY, 'ya29.token', 1000, fetchImpl)).resolves.toEqual({ kind: 'ok', statusCode: 200, requestId: 'r' });
    expect(calls[0]!.url).toBe('http://dm.test/v1/events:ingest');
    expect(calls[0]!.init.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer ya29.token' });
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual(BODY);
  });

  it('never puts the access token in a reason, even when Google echoes it', async () => {
    const echo = (async () => new Response(rpc(400, 'INVALID_ARGUMENT', 'bad token ya29.token here'), { status: 400 })) as unknown as typeof fetch;
    const result = await postIngestEvents('http://dm.test/v1', BODY, 'ya29.token', 1000, echo);
    expect(JSON.stringify(result)).not.toContain('ya29.token');
  });

  it('turns network errors into retry', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(postIngestEvents('http://dm.test/v1', BODY, 't', 1000, refused)).resolves.toEqual({ kind: 'retry', statusCode: null, reason: 'network error' });
  });
});
