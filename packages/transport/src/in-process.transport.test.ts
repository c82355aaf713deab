import { InProcessTransport } from './in-process.transport';
import type { Batch, BatchControls } from './transport';

function collector() {
  const seen: string[] = [];
  let notify: (() => void) | undefined;
  const waitFor = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (seen.length >= count ? resolve() : (notify = check));
      check();
    });
  const record = (values: string[]) => {
    seen.push(...values);
    notify?.();
  };
  return { seen, waitFor, record };
}

describe('InProcessTransport', () => {
  it('delivers in order per key and moves past resolved messages only', async () => {
    const transport = new InProcessTransport();
    await transport.ensureTopics([{ name: 't', partitions: 3 }]);
    const producer = transport.createProducer();
    const consumer = transport.createConsumer('g');
    const { seen, waitFor, record } = collector();
    let failOnce = true;
    await consumer.run(['t'], async (batch: Batch, controls: BatchControls) => {
      for (const message of batch.messages) {
        if (message.value.toString() === 'a2' && failOnce) {
          failOnce = false;
          return; // unresolved: must be redelivered, with nothing after it skipped
        }
        record([message.value.toString()]);
        controls.resolveOffset(message.offset);
      }
    });
    await producer.send('t', [
      { key: 'a', value: 'a1' },
      { key: 'a', value: 'a2' },
      { key: 'b', value: 'b1' },
      { key: 'a', value: 'a3' },
    ]);
    await waitFor(4);
    expect(consumer.isMember()).toBe(true);
    await consumer.stop();
    expect(consumer.isMember()).toBe(false);
    expect(seen.filter((v) => v.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(seen).toContain('b1');
  });

  it('honours pauseFor and resumes without new messages arriving', async () => {
    const transport = new InProcessTransport();
    await transport.ensureTopics([{ name: 't', partitions: 1 }]);
    const { waitFor, record } = collector();
    let deliveries = 0;
    const consumer = transport.createConsumer('g');
    await consumer.run(['t'], async (batch, controls) => {
      deliveries += 1;
      if (deliveries === 1) return controls.pauseFor(20);
      record(batch.messages.map((m) => m.value.toString()));
      controls.resolveOffset(batch.messages.at(-1)!.offset);
    });
    await transport.createProducer().send('t', [{ key: 'k', value: 'v' }]);
    await waitFor(1);
    await consumer.stop();
    expect(deliveries).toBe(2);
  });

  it('refuses unknown topics', async () => {
    const transport = new InProcessTransport();
    await expect(transport.createProducer().send('missing', [{ key: 'k', value: 'v' }])).rejects.toThrow('Unknown topic');
  });
});
