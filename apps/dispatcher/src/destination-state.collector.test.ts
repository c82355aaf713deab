import { PassThrough } from 'node:stream';
import { createLogger } from '@attribution/core';
import type { Db } from '@attribution/db';
import { createAppMetrics } from '@attribution/runtime';
import { pollDestinationStates } from './destination-state.collector';
import { createDispatcherMetrics } from './dispatcher.metrics';

describe('pollDestinationStates', () => {
  afterEach(() => jest.useRealTimers());

  it('refreshes on its timer, keeps the last values while the database fails, and logs the failure once', async () => {
    jest.useFakeTimers();
    const row = { tenant_id: 't1', platform: 'meta', status: 'needs_credentials', parked: 4n };
    const queryRaw = jest
      .fn()
      .mockResolvedValueOnce([row])
      .mockRejectedValueOnce(new Error('connection refused'))
      .mockRejectedValueOnce(new Error('connection refused'))
      .mockResolvedValueOnce([{ ...row, status: 'active', parked: 0n }]);
    const app = createAppMetrics('dispatcher', 'test', { tenantLabel: true });
    let logs = '';
    const stream = new PassThrough().on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const poller = pollDestinationStates(
      { db: { $queryRaw: queryRaw } as unknown as Db, metrics: createDispatcherMetrics(app), logger: createLogger({ service: 'worker', stream }) },
      1000,
    );
    const parked = async () => (await app.render()).body.match(/^attribution_deliveries_parked\{tenant="t1",destination="meta"\} (\d+)$/m)?.[1];

    await poller.refreshed;
    expect(await parked()).toBe('4');
    await jest.advanceTimersByTimeAsync(2000); // two failed reads
    expect(queryRaw).toHaveBeenCalledTimes(3);
    expect(await parked()).toBe('4');
    expect(logs.match(/destination_state_poll_failed/g)).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(await parked()).toBe('0');
    expect((await app.render()).body).toContain('attribution_destination_state{tenant="t1",destination="meta",state="active"} 1');
    poller.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(queryRaw).toHaveBeenCalledTimes(4);
  });
});
