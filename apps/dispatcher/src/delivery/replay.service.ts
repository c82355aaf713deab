import type { Producer, Topics } from '@attribution/core';
import { toStoredEvent, type PrismaClient } from '@attribution/db';
import type { Platform } from '../destinations/destination';
import { retryMessage } from './delivery-messages';

export interface ReplayFilter {
  tenantId: string;
  statuses: Array<'dead' | 'parked'>;
  destination?: Platform;
  /** Only deliveries that reached their status at or after this time. */
  since?: Date;
}

const CHUNK = 500;

/**
 * Sends dead or parked deliveries again (e.g. after new credentials): each goes to the shortest
 * retry tier, due now, flagged as a replay so the dispatcher sends it although it is settled.
 * Its horizon is still the platform's: an event too old for the platform dies again, with reason.
 */
export async function replayDeliveries(
  deps: { db: PrismaClient; producer: Producer; topics: Topics; now?: () => number },
  filter: ReplayFilter,
): Promise<{ replayed: number }> {
  const topic = deps.topics.retries[0]?.name;
  if (!topic) throw new Error('no retry topic configured');
  let cursor = 0n;
  let replayed = 0;
  for (;;) {
    const rows = await deps.db.delivery.findMany({
      where: {
        tenantId: filter.tenantId,
        status: { in: filter.statuses },
        ...(filter.destination ? { destination: filter.destination } : {}),
        ...(filter.since ? { updatedAt: { gte: filter.since } } : {}),
        id: { gt: cursor },
      },
      include: { event: true },
      orderBy: { id: 'asc' },
      take: CHUNK,
    });
    if (rows.length === 0) break;
    const dueAt = (deps.now ?? Date.now)();
    await deps.producer.send(
      topic,
      rows.map((row) => retryMessage(toStoredEvent(row.event), { destination: row.destination, attempt: 0, dueAt, replay: true }, `replay of ${row.status} delivery`)),
    );
    replayed += rows.length;
    cursor = rows.at(-1)!.id;
  }
  return { replayed };
}
