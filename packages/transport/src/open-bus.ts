import type { Lifecycle } from '@attribution/runtime';
import { createTransport } from './create-transport';
import { topicSpecs } from './topics';
import type { Transport } from './transport';
import type { BusConfig } from './transport-env';

/** The app's bus with its topics in place; it closes after the app's own stages (phase `clients`). */
export async function openBus(config: BusConfig, lifecycle: Lifecycle): Promise<Transport> {
  const transport = createTransport(config.kafka);
  lifecycle.add('transport', () => transport.close(), 'clients');
  await transport.ensureTopics(topicSpecs(config.topics, config.partitions));
  return transport;
}
