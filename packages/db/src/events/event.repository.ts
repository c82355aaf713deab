import { inTransaction, Prisma, type Db, type DbClientOrTx, type Event } from '../client/db-client';

/** An event as the outbox relay publishes it: everything but the page context (never on the bus). */
export type PublishableEvent = Omit<Event, 'context'>;

/** Whose events an erasure selects: stored hash documents (`user_data @>`), or a pixel visitor id. */
export type PersonMatch = { userData: object[] } | { visitorId: string };

/** Events: written by ingest (event-writer.ts), published by the outbox, pruned, erased. */
export class EventRepository {
  constructor(private readonly db: Db) {}

  /**
   * Claims up to `limit` unpublished events (SKIP LOCKED, so replicas share the work), hands them
   * to `publish`, and marks them published in the same transaction. If `publish` throws, nothing
   * is marked and the events stay pending for the next try. Resolves to how many were published.
   */
  async publishPending(limit: number, publish: (events: PublishableEvent[]) => Promise<void>): Promise<number> {
    return inTransaction(this.db, async (tx) => {
      const claimed = await tx.$queryRaw<Array<{ id: bigint }>>`
        SELECT id FROM events WHERE publish_state = 'pending'
        ORDER BY received_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      if (claimed.length === 0) return 0;
      const ids = claimed.map((row) => row.id);
      const events = await tx.event.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' }, omit: { context: true } });
      await publish(events);
      await tx.event.updateMany({ where: { id: { in: ids } }, data: { publishState: 'published', publishedAt: new Date() } });
      return ids.length;
    });
  }

  /** How many events wait for the bus and how old the oldest is (the partial index keeps it cheap). */
  async pendingStats(): Promise<{ pending: number; oldestSeconds: number }> {
    const [row] = await this.db.$queryRaw<Array<{ pending: bigint; oldest: number | null }>>`
      SELECT count(*) AS pending, EXTRACT(EPOCH FROM now() - min(received_at))::float8 AS oldest
      FROM events WHERE publish_state = 'pending'`;
    return { pending: Number(row?.pending ?? 0), oldestSeconds: Math.max(0, row?.oldest ?? 0) };
  }

  /** Deletes up to `limit` of a tenant's events received before `cutoff`, oldest first (deliveries and their attempts follow by cascade). */
  deleteExpired(tenantId: string, cutoff: Date, limit: number): Promise<number> {
    return this.db.$executeRaw`
      DELETE FROM events WHERE id IN (
        SELECT id FROM events WHERE tenant_id = ${tenantId}::uuid AND received_at < ${cutoff}
        ORDER BY received_at LIMIT ${limit})`;
  }

  /**
   * One person's events of one tenant, and their deliveries: counted, and deleted unless
   * `dryRun` (deliveries and delivery attempts go with their events, ON DELETE CASCADE). In one
   * transaction.
   */
  erasePerson(tenantId: string, match: PersonMatch, options: { dryRun: boolean }): Promise<{ events: number; deliveries: number }> {
    const matches = personMatch(tenantId, match);
    return inTransaction(this.db, async (tx: DbClientOrTx) => {
      const [counts] = await tx.$queryRaw<Array<{ events: bigint; deliveries: bigint }>>`
        SELECT (SELECT count(*) FROM events WHERE ${matches}) AS events,
               (SELECT count(*) FROM deliveries WHERE event_pk IN (SELECT id FROM events WHERE ${matches})) AS deliveries`;
      const events = options.dryRun ? Number(counts!.events) : await tx.$executeRaw`DELETE FROM events WHERE ${matches}`;
      return { events, deliveries: Number(counts!.deliveries) };
    });
  }
}

function personMatch(tenantId: string, match: PersonMatch): Prisma.Sql {
  if ('visitorId' in match) {
    return Prisma.sql`tenant_id = ${tenantId}::uuid AND context @> ${JSON.stringify({ visitor_id: match.visitorId })}::jsonb`;
  }
  if (match.userData.length === 0) throw new RangeError('an erasure needs at least one stored-hash document to match');
  return Prisma.sql`tenant_id = ${tenantId}::uuid AND (${Prisma.join(
    match.userData.map((document) => Prisma.sql`user_data @> ${JSON.stringify(document)}::jsonb`),
    ' OR ',
  )})`;
}
