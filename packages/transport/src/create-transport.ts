import { InProcessTransport } from './in-process.transport';
import { KafkaTransport, type KafkaTransportConfig } from './kafka.transport';
import type { Transport } from './transport';

/** Kafka when brokers are configured; otherwise the in-process bus of the single-process mode. */
export function createTransport(kafka: KafkaTransportConfig | null): Transport {
  return kafka ? new KafkaTransport(kafka) : new InProcessTransport();
}
