/**
 * The one seam between the apps and the message bus. KafkaJS implements it in production; an
 * in-process implementation serves the embedded single-process mode and unit tests. Both give
 * the same guarantees the consumers rely on: per-key ordering and offsets that only move when
 * the handler resolves them.
 */

export type MessageHeaders = Record<string, string>;

export interface OutgoingMessage {
  key: string;
  value: string | Buffer;
  headers?: MessageHeaders;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** The bytes as produced: a message that is not even UTF-8 is still dead-lettered as it came. */
  value: Buffer;
  headers: MessageHeaders;
  timestamp: string;
}

export interface Batch {
  topic: string;
  partition: number;
  messages: IncomingMessage[];
}

export interface BatchControls {
  /** Marks a message (and everything before it in the partition) as finished. */
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition was revoked: stop early. */
  isRunning(): boolean;
  /** Pauses fetching this partition for `ms` (back-pressure, or waiting for a due time). */
  pauseFor(ms: number): void;
}

export type BatchHandler = (batch: Batch, controls: BatchControls) => Promise<void>;

export interface Producer {
  connect(): Promise<void>;
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface Consumer {
  /**
   * Starts consuming in the background; resolves once the group is joined. After a crash that
   * waits for the dead member's session to expire, so serve health checks before calling it.
   */
  run(topics: string[], handler: BatchHandler): Promise<void>;
  /** True while the consumer holds its group membership (joined, not crashed or stopped). */
  isMember(): boolean;
  /** Stops fetching, waits for the running batch and commits what it resolved. */
  stop(): Promise<void>;
}

export interface ConsumerOptions {
  /**
   * How long the broker may hold a fetch to gather more messages (the batching linger): bigger
   * batches per destination under load, at most this much added latency when idle.
   */
  lingerMs?: number;
  /** Partitions handled at once by one consumer (each still in order). */
  partitionsConcurrently?: number;
  /**
   * How long the group waits for a silent member before handing its partitions to the others.
   * It bounds the stall after a crash: a restarted member cannot join until the dead one expires.
   */
  sessionTimeoutMs?: number;
  /** Told when the consumer joins its group (again after every rebalance), crashes or stops; Kafka only. */
  onMembership?: (change: MembershipChange) => void;
}

export type MembershipChange =
  | { kind: 'joined'; durationMs: number; partitions: number }
  | { kind: 'crashed'; error: Error; restarting: boolean }
  | { kind: 'stopped' };

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface Transport {
  readonly kind: 'kafka' | 'in-process';
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  createProducer(): Producer;
  createConsumer(groupId: string, options?: ConsumerOptions): Consumer;
  /** Queue depth per partition: log end offset minus the group's committed offset. */
  consumerLag(groupId: string, topics: string[]): Promise<Array<{ topic: string; partition: number; lag: number }>>;
  /** Reachability probe for readiness endpoints. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
