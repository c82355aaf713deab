import type { HourlyOutcome } from '@attribution/db';
import { destinationStats, hourStarts } from './destination-stats';

const HOUR = 3_600_000;
const now = Date.UTC(2026, 11, 3, 14, 25);
const at = (hoursAgo: number) => new Date(Date.UTC(2026, 11, 3, 14 - hoursAgo));
const row = (destination: string, hoursAgo: number, status: string, count: number): HourlyOutcome => ({ destination, hour: at(hoursAgo), status, count });

describe('destination statistics', () => {
  it('counts the hours of the chart window oldest first, ending with the current hour', () => {
    const hours = hourStarts(now, 24);
    expect(hours).toHaveLength(24);
    expect(hours[23]).toEqual(at(0));
    expect(hours[0]!.getTime()).toBe(at(0).getTime() - 23 * HOUR);
  });

  it('rates success out of the deliveries meant to reach the platform, and consent blocks out of all', () => {
    const lastHour = [row('meta', 0, 'sent', 6), row('meta', 0, 'retrying', 1), row('meta', 0, 'parked', 1), row('meta', 0, 'blocked_consent', 2), row('meta', 0, 'filtered', 2), row('ga4', 0, 'sent', 5)];
    const stats = destinationStats('meta', lastHour, lastHour, hourStarts(now, 24));
    expect(stats.lastHour).toEqual({ total: 12, successRate: 6 / 8, blockRate: 2 / 12, parked: 1 });
    expect(stats.hours[23]).toEqual(stats.lastHour);
    expect(stats.hours[22]).toEqual({ total: 0, successRate: null, blockRate: null, parked: 0 });
  });

  it('has no success rate when nothing was meant to be sent (every event blocked or filtered)', () => {
    const rows = [row('meta', 3, 'blocked_consent', 4)];
    const stats = destinationStats('meta', [], rows, hourStarts(now, 24));
    expect(stats.hours[20]).toEqual({ total: 4, successRate: null, blockRate: 1, parked: 0 });
    expect(stats.lastHour.total).toBe(0);
  });
});
