import { inTransaction, Prisma, type Db, type DbClientOrTx, type Event } from '../client/db-client';
import { PendingWindow } from './pending-window';

/** An event as the outbox relay publishes it: everything but the page context (never on the bus). */
export type PublishableEvent = Omit<Event, 'context'>;

/** Whose events an erasure selects: stored hash documents (`user_data @>`), or a pixel visitor id. */
export type PersonMatch = { userData: object[] } | { visitorId: string };

/**
 * CTEs `gone_deliveries` and `gone_attempts`, after a CTE `doomed` that deleted events (RETURNING
 * id, received_at): delete their deliveries and delivery attempts, each found through its table's
 * index led by event_pk.
 */
const DELETE_DELIVERIES_OF_DOOMED = Prisma.raw(`gone_deliveries AS (
  DELETE FROM deliveries d USING doomed WHERE d.event_pk = doomed.id AND d.event_received_at = doomed.received_at
  RETURNING 1),
gone_attempts AS (
  DELETE FROM delivery_attempts a USING doomed WHERE a.event_pk = doomed.id AND a.event_received_at = doomed.received_at)`);

/** Events: written by ingest (event-writer.ts), published by the outbox, pruned, erased. */
export class EventRepository {
  private readonly pending: PendingWindow;

  constructor(private readonly db: Db) {
    this.pending = new PendingWindow(db);
  }

  /**
   * Claims up to `limit` unpublished events (SKIP LOCKED, so replicas share the work), hands them
   * to `publish`, and marks them published in the same transaction. If `publish` throws, nothing
   * is marked and the events stay pending for the next try. Resolves to how many were published.
   */
  async publishPending(limit: number, publish: (events: PublishableEvent[]) => Promise<void>): Promise<number> {
    const window = await this.pending.bounds();
    return inTransaction(this.db, async (tx) => {
      const claimed = await tx.$queryRaw<Array<{ id: bigint; received_at: Date }>>`
        SELECT id, received_at FROM events
        WHERE publish_state = 'pending' AND received_at >= ${window.gte} AND received_at <= ${window.lte}
        ORDER BY received_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      if (claimed.length === 0) return 0;
      // The claim's receipt times bound the day partitions the next two statements visit.
      const where = { id: { in: claimed.map((row) => row.id) }, receivedAt: { gte: claimed[0]!.received_at, lte: claimed.at(-1)!.received_at } };
      const events = await tx.event.findMany({ where, orderBy: { id: 'asc' }, omit: { context: true } });
      await publish(events);
      await tx.event.updateMany({ where, data: { publishState: 'published', publishedAt: new Date() } });
      return claimed.length;
    });
  }

  /** How many events wait for the bus and how old the oldest is (the partial index keeps it cheap). */
  async pendingStats(): Promise<{ pending: number; oldestSeconds: number }> {
    const [row] = await this.db.$queryRaw<Array<{ pending: bigint; oldest: number | null }>>`
      SELECT count(*) AS pending, EXTRACT(EPOCH FROM now() - min(received_at))::float8 AS oldest
      FROM events WHERE publish_state = 'pending'`;
    return { pending: Number(row?.pending ?? 0), oldestSeconds: Math.max(0, row?.oldest ?? 0) };
  }

  /**
   * Deletes up to `limit` of a tenant's events received before `cutoff`, oldest first, with
   * their deliveries and attempts (no cascade between partitioned tables). Whole expired days are dropped as
   * partitions instead (PartitionRepository); this serves tenants with a shorter retention.
   */
  async deleteExpired(tenantId: string, cutoff: Date, limit: number): Promise<number> {
    const [row] = await this.db.$queryRaw<Array<{ deleted: number }>>`
      WITH doomed AS (
        DELETE FROM events WHERE tenant_id = ${tenantId}::uuid AND received_at < ${cutoff} AND (id, received_at) IN (
          SELECT id, received_at FROM events WHERE tenant_id = ${tenantId}::uuid AND received_at < ${cutoff}
          ORDER BY received_at LIMIT ${limit})
        RETURNING id, received_at),
      ${DELETE_DELIVERIES_OF_DOOMED}
      SELECT count(*)::int AS deleted FROM doomed`;
    return row?.deleted ?? 0;
  }

  /**
   * One person's events of one tenant, and their deliveries: counted, and deleted unless
   * `dryRun` (with their delivery attempts). In one transaction; every day partition (and the
   * default one) is searched.
   */
  erasePerson(tenantId: string, match: PersonMatch, options: { dryRun: boolean }): Promise<{ events: number; deliveries: number }> {
    const matches = personMatch(tenantId, match);
    return inTransaction(this.db, async (tx: DbClientOrTx) => {
      if (options.dryRun) {
        const [counts] = await tx.$queryRaw<Array<{ events: number; deliveries: number }>>`
          WITH doomed AS (SELECT id, received_at FROM events WHERE ${matches})
          SELECT (SELECT count(*)::int FROM doomed) AS events,
                 (SELECT count(*)::int FROM deliveries d JOIN doomed ON d.event_pk = doomed.id AND d.event_received_at = doomed.received_at) AS deliveries`;
        return counts!;
      }
      const [counts] = await tx.$queryRaw<Array<{ events: number; deliveries: number }>>`
        WITH doomed AS (DELETE FROM events WHERE ${matches} RETURNING id, received_at),
        ${DELETE_DELIVERIES_OF_DOOMED}
        SELECT (SELECT count(*)::int FROM doomed) AS events, (SELECT count(*)::int FROM gone_deliveries) AS deliveries`;
      return counts!;
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
