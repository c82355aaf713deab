import { DependencyUnavailableError } from '@attribution/core';
import { isConnectionError, type PrismaClient } from '@attribution/db';
import type { Platform } from '../destinations/destination';

export type DeliveryStatus = 'sent' | 'retrying' | 'failed' | 'dead' | 'blocked_consent' | 'parked';

export interface DeliveryRecord {
  eventPk: string;
  tenantId: string;
  destination: Platform;
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
  /** Whether this outcome came from a call to the platform (counts as an attempt). */
  attempted: boolean;
}

/** Statuses after which a redelivered message must not cause another send. */
const SETTLED: DeliveryStatus[] = ['sent', 'failed', 'dead', 'blocked_consent', 'parked'];
/** Settled statuses an operator may ask to send again (replay). */
const REPLAYABLE: DeliveryStatus[] = ['dead', 'parked'];

export function blocksSend(status: DeliveryStatus | undefined, replay: boolean): boolean {
  if (!status || !SETTLED.includes(status)) return false;
  return !(replay && REPLAYABLE.includes(status));
}

/**
 * The (event, destination) row is the idempotency record of the dispatcher: Kafka delivers at
 * least once, and this table turns that into at most one successful send per destination.
 */
export class DeliveryRepository {
  constructor(private readonly db: PrismaClient) {}

  /** The settled status of each event that has one at this destination. */
  async settledStatuses(eventPks: string[], destination: Platform): Promise<Map<string, DeliveryStatus>> {
    if (eventPks.length === 0) return new Map();
    const rows = await this.guard(() =>
      this.db.delivery.findMany({
        where: { eventPk: { in: eventPks.map(BigInt) }, destination, status: { in: SETTLED } },
        select: { eventPk: true, status: true },
      }),
    );
    return new Map(rows.map((row) => [row.eventPk.toString(), row.status as DeliveryStatus]));
  }

  /** One multi-row upsert per call: each outcome lands durably before its offset is resolved. */
  async record(records: DeliveryRecord[]): Promise<void> {
    if (records.length === 0) return;
    const column = <T>(pick: (r: DeliveryRecord) => T) => records.map(pick);
    await this.guard(
      () => this.db.$executeRaw`
      INSERT INTO deliveries (event_pk, tenant_id, destination, status, attempts, last_status_code, last_error, next_attempt_at, sent_at)
      SELECT e, t, d::platform, s::delivery_status, CASE WHEN a THEN 1 ELSE 0 END, c, m, n, CASE WHEN s = 'sent' THEN now() END
      FROM unnest(${column((r) => r.eventPk)}::bigint[], ${column((r) => r.tenantId)}::uuid[], ${column((r) => r.destination)}::text[],
                  ${column((r) => r.status)}::text[], ${column((r) => r.statusCode)}::int[], ${column((r) => r.error)}::text[],
                  ${column((r) => r.nextAttemptAt)}::timestamptz[], ${column((r) => r.attempted)}::boolean[]) AS x(e, t, d, s, c, m, n, a)
      ON CONFLICT (event_pk, destination) DO UPDATE SET
        status = EXCLUDED.status,
        attempts = deliveries.attempts + EXCLUDED.attempts,
        last_status_code = EXCLUDED.last_status_code,
        last_error = EXCLUDED.last_error,
        next_attempt_at = EXCLUDED.next_attempt_at,
        sent_at = COALESCE(EXCLUDED.sent_at, deliveries.sent_at),
        updated_at = now()`,
    );
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (cause) {
      if (isConnectionError(cause)) throw new DependencyUnavailableError('postgres', { cause });
      throw cause;
    }
  }
}
