import { topicNames } from '@attribution/transport';
import { decideRetry } from './retry-policy';

const tiers = topicNames('p.').retries;
const config = { tiers, jitter: 0.2 };
const DAY = 24 * 3600;

describe('decideRetry', () => {
  const now = 1_800_000_000_000;
  const eventTime = now / 1000 - 60;

  it('backs off through the tiers, exponentially, and stays in the last tier', () => {
    const topics = [1, 2, 3, 4, 5, 9].map((attempt) => decideRetry(config, attempt, eventTime, 7 * DAY, now, () => 0));
    expect(topics.map((d) => (d.kind === 'retry' ? d.topic : d.kind))).toEqual([
      'p.events.retry.30s',
      'p.events.retry.2m',
      'p.events.retry.10m',
      'p.events.retry.1h',
      'p.events.retry.6h',
      'p.events.retry.6h',
    ]);
    expect(topics[0]).toMatchObject({ dueAt: now + 30_000 });
  });

  it('adds bounded jitter', () => {
    const low = decideRetry(config, 2, eventTime, 7 * DAY, now, () => 0);
    const high = decideRetry(config, 2, eventTime, 7 * DAY, now, () => 0.999);
    expect(low).toMatchObject({ dueAt: now + 120_000 });
    expect(high.kind === 'retry' && high.dueAt).toBeGreaterThan(now + 120_000);
    expect(high.kind === 'retry' && high.dueAt).toBeLessThanOrEqual(now + 144_000);
  });

  it('gives up when the next try would fall past the platform horizon', () => {
    const oldEvent = now / 1000 - 72 * 3600 + 60; // GA4: 72 h, one minute left
    expect(decideRetry(config, 2, oldEvent, 72 * 3600, now, () => 0)).toEqual({ kind: 'give_up', reason: 'retry horizon reached (72 h after the event)' });
    expect(decideRetry(config, 1, oldEvent, 72 * 3600, now, () => 0).kind).toBe('retry');
  });
});
