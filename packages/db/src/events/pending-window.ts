import type { Db } from '../client/db-client';

/** Covers the app's and the database's clocks, and inserts in flight across a refresh (received_at is their start). */
const MARGIN_MS = 5 * 60_000;

/**
 * The receipt times between which unpublished events lie, so that the outbox claim plans only
 * those days' partitions (measured with 110 day partitions: ~7.5 ms of planning for an
 * unbounded claim, ~1 ms bounded). Read from the partial pending index every `refreshMs`. New
 * events are received now, inside the window; a claim another replica rolls back was pending
 * when the window was read, so it is inside too. Only a pending row stored with an older
 * received_at by hand waits for the next refresh.
 */
export class PendingWindow {
  private known: { oldest: number; newest: number; refreshAt: number } | undefined;

  constructor(
    private readonly db: Db,
    private readonly refreshMs = 30_000,
  ) {}

  async bounds(): Promise<{ gte: Date; lte: Date }> {
    const now = Date.now();
    if (!this.known || now >= this.known.refreshAt) {
      const [row] = await this.db.$queryRaw<Array<{ oldest: Date | null; newest: Date | null }>>`
        SELECT min(received_at) AS oldest, max(received_at) AS newest FROM events WHERE publish_state = 'pending'`;
      this.known = { oldest: row?.oldest?.getTime() ?? now, newest: row?.newest?.getTime() ?? now, refreshAt: now + this.refreshMs };
    }
    return { gte: new Date(this.known.oldest - MARGIN_MS), lte: new Date(Math.max(this.known.newest, now) + MARGIN_MS) };
  }
}
