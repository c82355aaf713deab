import type { HourlyOutcome } from '@attribution/db';

/** Outcomes that stand for an attempt to reach the platform (what a success rate is out of). */
const MEANT_TO_SEND = new Set(['sent', 'retrying', 'failed', 'dead', 'parked']);

export interface OutcomeSummary {
  total: number;
  /** sent / (sent + retrying + failed + dead + parked): consent blocks and rule filters are not failures. */
  successRate: number | null;
  /** blocked_consent / every outcome. */
  blockRate: number | null;
  parked: number;
}

function summarise(rows: readonly HourlyOutcome[]): OutcomeSummary {
  const count = (status: string) => rows.filter((r) => r.status === status).reduce((sum, r) => sum + r.count, 0);
  const total = rows.reduce((sum, r) => sum + r.count, 0);
  const attempted = rows.filter((r) => MEANT_TO_SEND.has(r.status)).reduce((sum, r) => sum + r.count, 0);
  return {
    total,
    successRate: attempted > 0 ? count('sent') / attempted : null,
    blockRate: total > 0 ? count('blocked_consent') / total : null,
    parked: count('parked'),
  };
}

export interface DestinationStats {
  lastHour: OutcomeSummary;
  /** One per hour, oldest first, ending with the current hour. */
  hours: OutcomeSummary[];
}

const HOUR_MS = 3_600_000;

/** The start of each of the `count` hours up to the current one, oldest first. */
export function hourStarts(now: number, count: number): Date[] {
  const current = Math.floor(now / HOUR_MS) * HOUR_MS;
  return Array.from({ length: count }, (_, i) => new Date(current - (count - 1 - i) * HOUR_MS));
}

/**
 * One destination's figures: `lastHour` from the outcomes of the events received in the last
 * 60 minutes, `hours` from the hourly outcomes of the charts' window.
 */
export function destinationStats(destination: string, lastHour: readonly HourlyOutcome[], hourly: readonly HourlyOutcome[], hours: readonly Date[]): DestinationStats {
  const mine = hourly.filter((r) => r.destination === destination);
  return {
    lastHour: summarise(lastHour.filter((r) => r.destination === destination)),
    hours: hours.map((start) => summarise(mine.filter((r) => r.hour.getTime() === start.getTime()))),
  };
}
