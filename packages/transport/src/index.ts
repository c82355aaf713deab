export type {
  Batch,
  BatchControls,
  BatchHandler,
  Consumer,
  ConsumerOptions,
  IncomingMessage,
  MembershipChange,
  MessageHeaders,
  OutgoingMessage,
  Producer,
  TopicSpec,
  Transport,
} from './transport';
export { DEFAULT_RETRY_DELAYS_MS, topicNames, topicSpecs, type RetryTopic, type Topics } from './topics';
export { InvalidMessageError, decodeEventMessage, encodeEventMessage } from './event-message';
export { partitionFor } from './partition';
export { InProcessTransport } from './in-process.transport';
export { DEFAULT_SESSION_TIMEOUT_MS, KafkaTransport, type KafkaTransportConfig } from './kafka.transport';
export { createTransport } from './create-transport';
export { busEnvKeys, toBusConfig, transportEnvFields, type BusConfig, type BusEnv } from './transport-env';
export { MAX_REASON_HEADER, headerReason, readRetryHeaders, retryMessage, type CarriedConsent, type RetryHeaders } from './retry-message';
export { deadLetterMessage, type DeadLetterInfo } from './dead-letter-message';
export { openBus } from './open-bus';
