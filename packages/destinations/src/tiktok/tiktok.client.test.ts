import { classifyTiktokResponse, postTiktokEvents } from './tiktok.client';

const answer = (code: number, message = 'x', requestId = '2026120112000001') => JSON.stringify({ code, message, request_id: requestId, data: {} });

describe('classifyTiktokResponse', () => {
  it.each([
    [200, answer(0, 'OK'), 'ok'],
    [200, answer(40001, 'No permission to operate pixel'), 'auth'],
    [200, answer(40102, 'Access token has expired'), 'auth'],
    [200, answer(40104, 'Access token is null'), 'auth'],
    [200, answer(40105, 'Access token is incorrect or has been revoked'), 'auth'],
    [401, '', 'auth'],
    [200, answer(40100, 'Too many requests'), 'retry'],
    [200, answer(50000, 'System error'), 'retry'],
    [200, answer(51021, 'Internal service timeout'), 'retry'],
    [429, '', 'retry'],
    [500, '<html>bad gateway</html>', 'retry'],
    [503, answer(40002, 'x'), 'retry'],
    [408, '', 'retry'],
    [200, 'not json', 'retry'],
    [200, answer(40002, 'Invalid parameters: event_time'), 'rejected'],
    [200, answer(40006, 'Pixel not found'), 'rejected'],
    [400, '', 'rejected'],
    [404, '{"message":"not found"}', 'rejected'],
  ])('HTTP %i %s → %s', (status, body, kind) => {
    expect(classifyTiktokResponse(status, body).kind).toBe(kind);
  });

  it('keeps the code, the message and the request_id TikTok support asks for', () => {
    expect(classifyTiktokResponse(200, answer(40002, 'Invalid parameters:  event_time is  too old', 'REQ-42'))).toEqual({
      kind: 'rejected',
      statusCode: 200,
      reason: 'code 40002: Invalid parameters: event_time is too old (request_id REQ-42)',
      requestId: 'REQ-42',
    });
  });

  it('gives the request_id of a success, a retry and an auth failure as the requestId', () => {
    expect(classifyTiktokResponse(200, answer(0, 'OK', '202612011200AB'))).toEqual({ kind: 'ok', statusCode: 200, requestId: '202612011200AB' });
    expect(classifyTiktokResponse(200, answer(40100, 'Too many requests', 'R-rate'))).toMatchObject({ kind: 'retry', requestId: 'R-rate' });
    expect(classifyTiktokResponse(200, answer(40105, 'revoked', 'R-auth'))).toMatchObject({ kind: 'auth', requestId: 'R-auth' });
  });

  it('has no requestId without a usable request_id', () => {
    expect(classifyTiktokResponse(503, '<html>Service Unavailable</html>')).toEqual({ kind: 'retry', statusCode: 503, reason: 'HTTP 503' });
    expect(classifyTiktokResponse(200, JSON.stringify({ code: 0, message: 'OK', request_id: 7 }))).toEqual({ kind: 'ok', statusCode: 200 });
  });
});

describe('postTiktokEvents', () => {
  const body = { event_source: 'web' as const, event_source_id: 'C4ABCDEFGH1234567890', data: [] };

  it('sends the token in the Access-Token header only, to {base}/event/track/', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(answer(0, 'OK'), { status: 200 });
    }) as unknown as typeof fetch;
    await expect(postTiktokEvents('http://tiktok.test/open_api/v1.3', 'tok-SECRET-1', body, 1000, fetchImpl)).resolves.toEqual({ kind: 'ok', statusCode: 200, requestId: '2026120112000001' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('http://tiktok.test/open_api/v1.3/event/track/');
    expect((calls[0]!.init.headers as Record<string, string>)['Access-Token']).toBe('tok-SECRET-1');
    expect(String(calls[0]!.init.body)).not.toContain('tok-SECRET-1');
  });

  it('cuts an echoed token out of the reason', async () => {
    const fetchImpl = (async () => new Response(answer(40105, 'Access token tok-SECRET-1 is invalid'), { status: 200 })) as unknown as typeof fetch;
    const result = await postTiktokEvents('http://tiktok.test/open_api/v1.3', 'tok-SECRET-1', body, 1000, fetchImpl);
    expect(result).toMatchObject({ kind: 'auth', reason: expect.stringContaining('[redacted]') });
    expect(JSON.stringify(result)).not.toContain('tok-SECRET-1');
  });

  it('turns a network failure into retry', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(postTiktokEvents('http://tiktok.test/open_api/v1.3', 'tok', body, 1000, fetchImpl)).resolves.toEqual({ kind: 'retry', statusCode: null, reason: 'network error' });
  });
});
