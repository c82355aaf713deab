import { sendIsolating, type RequestResult } from './isolate-refusals';

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ pk: String(i + 1) }));

describe('sendIsolating', () => {
  it('gives every event the request id of the request that decided its outcome', async () => {
    const post = async (batch: Array<{ pk: string }>): Promise<RequestResult> =>
      batch.length === 3 ? { kind: 'rejected', statusCode: 400, reason: 'one is bad', requestId: 'first', badEvents: new Map([[1, 'event 2: bad value']]) } : { kind: 'ok', statusCode: 200, requestId: 'second' };
    expect(await sendIsolating(items(3), post)).toEqual([
      { eventPk: '2', kind: 'rejected', statusCode: 400, reason: 'event 2: bad value', requestId: 'first' },
      { eventPk: '1', kind: 'sent', statusCode: 200, requestId: 'second' },
      { eventPk: '3', kind: 'sent', statusCode: 200, requestId: 'second' },
    ]);
  });

  it('keeps the request id of each half when the platform named no bad event', async () => {
    let calls = 0;
    const post = async (batch: Array<{ pk: string }>): Promise<RequestResult> => {
      calls += 1;
      if (batch.length === 2) return { kind: 'rejected', statusCode: 400, reason: 'invalid batch', requestId: 'whole' };
      return batch[0]!.pk === '1' ? { kind: 'rejected', statusCode: 400, reason: 'invalid event', requestId: 'half-1' } : { kind: 'retry', statusCode: 503, reason: 'later', requestId: 'half-2' };
    };
    expect(await sendIsolating(items(2), post)).toEqual([
      { eventPk: '1', kind: 'rejected', statusCode: 400, reason: 'invalid event', requestId: 'half-1' },
      { eventPk: '2', kind: 'retry', statusCode: 503, reason: 'later', requestId: 'half-2' },
    ]);
    expect(calls).toBe(3);
  });

  it('has no request id when the client got none', async () => {
    expect(await sendIsolating(items(1), async () => ({ kind: 'retry', statusCode: null, reason: 'timeout' }))).toEqual([{ eventPk: '1', kind: 'retry', statusCode: null, reason: 'timeout' }]);
    expect((await sendIsolating(items(1), async () => ({ kind: 'ok', statusCode: 200 })))[0]).not.toHaveProperty('requestId');
  });
});
