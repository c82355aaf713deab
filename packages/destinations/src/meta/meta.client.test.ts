import { classifyMetaResponse } from './meta.client';

const graph = (code: number, message = 'x') => JSON.stringify({ error: { code, message } });

describe('classifyMetaResponse', () => {
  it.each([
    [200, '{"events_received":1}', 'ok'],
    [401, graph(190, 'Error validating access token'), 'auth'],
    [400, graph(190), 'auth'],
    [400, graph(102), 'auth'],
    [429, '', 'retry'],
    [500, '<html>bad gateway</html>', 'retry'],
    [503, graph(2), 'retry'],
    [400, graph(4), 'retry'],
    [400, graph(17), 'retry'],
    [400, graph(341), 'retry'],
    [400, graph(613), 'retry'],
    [400, graph(100, 'Invalid parameter'), 'rejected'],
    [403, graph(10), 'rejected'],
  ])('HTTP %i %s → %s', (status, body, kind) => {
    expect(classifyMetaResponse(status, body).kind).toBe(kind);
  });

  it('keeps the platform message for permanent failures', () => {
    expect(classifyMetaResponse(400, graph(100, 'Invalid parameter: event_time'))).toEqual({
      kind: 'rejected',
      statusCode: 400,
      reason: 'code 100: Invalid parameter: event_time',
    });
  });

  it("keeps Meta's fbtrace_id of a success and of a failure", () => {
    expect(classifyMetaResponse(200, '{"events_received":2,"messages":[],"fbtrace_id":"AbCdEf123_x"}')).toEqual({ kind: 'ok', statusCode: 200, requestId: 'AbCdEf123_x' });
    const failure = JSON.stringify({ error: { message: 'Invalid parameter', type: 'OAuthException', code: 100, error_subcode: 2804003, fbtrace_id: 'Ghi456' } });
    expect(classifyMetaResponse(400, failure)).toEqual({ kind: 'rejected', statusCode: 400, reason: 'code 100: Invalid parameter', requestId: 'Ghi456' });
    expect(classifyMetaResponse(401, JSON.stringify({ error: { code: 190, message: 'expired', fbtrace_id: 'T190' } }))).toMatchObject({ kind: 'auth', requestId: 'T190' });
  });

  it('has no request id when the answer carries none or is not Graph JSON', () => {
    expect(classifyMetaResponse(200, '{"events_received":1}')).toEqual({ kind: 'ok', statusCode: 200 });
    expect(classifyMetaResponse(502, '<html>bad gateway</html>')).toEqual({ kind: 'retry', statusCode: 502, reason: 'HTTP 502' });
    expect(classifyMetaResponse(200, 'null')).toEqual({ kind: 'ok', statusCode: 200 });
    expect(classifyMetaResponse(400, JSON.stringify({ error: { code: 100, message: 'x', fbtrace_id: 'has spaces in it' } }))).not.toHaveProperty('requestId');
  });
});
