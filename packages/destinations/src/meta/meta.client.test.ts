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
});
