import { toStoredEvent, type DeliveryRepository, type ReplayableQuery } from '@attribution/db';
import { retryMessage, type Producer, type Topics } from '@attribution/transport';

const PAGE = 500;

/** How far a replay has got: deliveries published so far. */
export interface ReplayProgress {
  replayed: number;
}

/**
 * Sends dead or parked deliveries again (e.g. after new credentials): each goes to the shortest
 * retry tier, due now, flagged as a replay so the dispatcher sends it although it is settled,
 * and without a consent decision, so the dispatcher decides consent again. Its horizon is still
 * the platform's: an event too old for the platform dies again, with reason. The one replay path:
 * the CLI (and, later, the console) call it. `onProgress`, if given, is called after each page
 * is published (the CLI draws its progress line from it).
 */
export async function replayDeliveries(
  deps: { deliveries: DeliveryRepository; producer: Producer; topics: Topics; now?: () => number },
  query: ReplayableQuery,
  onProgress?: (progress: ReplayProgress) => void,
): Promise<{ replayed: number }> {
  const topic = deps.topics.retries[0]?.name;
  if (!topic) throw new Error('no retry topic configured');
  let cursor = 0n;
  let replayed = 0;
  for (;;) {
    const rows = await deps.deliveries.replayablePage(query, cursor, PAGE);
    if (rows.length === 0) break;
    const dueAt = (deps.now ?? Date.now)();
    await deps.producer.send(
      topic,
      rows.map((row) => retryMessage(toStoredEvent(row.event), { destination: row.destination, attempt: 0, dueAt, replay: true }, `replay of ${row.status} delivery`)),
    );
    replayed += rows.length;
    cursor = rows.at(-1)!.id;
    onProgress?.({ replayed });
  }
  return { replayed };
}
