import { waitUntil } from '@attribution/testing';
import type { IncomingMessage, KafkaTransport } from '@attribution/transport';

/**
 * Test helper: reads `topic` from the beginning under a fresh group until `count` messages have
 * arrived (what the dispatcher's retry consumer would read after a replay), then stops.
 */
export async function readMessages(transport: KafkaTransport, groupId: string, topic: string, count: number, what: string): Promise<IncomingMessage[]> {
  const received: IncomingMessage[] = [];
  const consumer = transport.createConsumer(groupId, { lingerMs: 0 });
  await consumer.run([topic], async (batch, controls) => {
    for (const message of batch.messages) {
      received.push(message);
      controls.resolveOffset(message.offset);
    }
  });
  try {
    await waitUntil(async () => received.length >= count, what, { timeoutMs: 30_000 });
  } finally {
    await consumer.stop();
  }
  return received;
}
