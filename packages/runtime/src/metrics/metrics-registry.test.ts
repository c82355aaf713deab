import { countRootDecision } from '../tracing/sampling-counts';
import { createAppMetrics } from './metrics-registry';

const series = (body: string, decision: string) => Number(new RegExp(`^attribution_trace_roots_total\\{decision="${decision}"\\} (\\d+)$`, 'm').exec(body)?.[1]);

describe('createAppMetrics', () => {
  it("exports the sampler's decisions on new traces as they stand at each scrape", async () => {
    const metrics = createAppMetrics('api', 'test', { tenantLabel: true });
    const first = (await metrics.render()).body;
    expect([series(first, 'sampled'), series(first, 'ratio'), series(first, 'rate_limited')]).toEqual([0, 0, 0]);

    for (let i = 0; i < 3; i += 1) countRootDecision('sampled');
    countRootDecision('rate_limited');
    const second = (await metrics.render()).body;
    expect([series(second, 'sampled'), series(second, 'ratio'), series(second, 'rate_limited')]).toEqual([3, 0, 1]);

    countRootDecision('ratio');
    const third = (await metrics.render()).body;
    // Counted once, however often scraped.
    expect([series(third, 'sampled'), series(third, 'ratio'), series(third, 'rate_limited')]).toEqual([3, 1, 1]);
  });
});
