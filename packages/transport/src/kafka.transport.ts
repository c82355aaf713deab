import { Kafka, Partitioners, logLevel, type Admin, type Batch as KafkaBatch, type Consumer as KafkaConsumer, type IHeaders } from 'kafkajs';
import { DependencyUnavailableError } from '@attribution/runtime';
import { awaitTopicLeaders } from './topic-leaders';
import type { Batch, BatchHandler, Consumer, ConsumerOptions, MembershipChange, MessageHeaders, Producer, TopicSpec, Transport } from './transport';

export interface KafkaTransportConfig {
  brokers: string[];
  clientId: string;
  /** Max wait for a broker call before we call Kafka unavailable. */
  requestTimeoutMs?: number;
}

/** KafkaJS's own default is 30 s: a crashed dispatcher's partitions would wait that long. */
export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;

/** KafkaJS behind our transport interface; offsets move only on resolveOffset. */
export class KafkaTransport implements Transport {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private admin: Admin | undefined;

  constructor(private readonly config: KafkaTransportConfig) {
    this.kafka = new Kafka({
      clientId: config.clientId,
      brokers: config.brokers,
      logLevel: logLevel.NOTHING,
      requestTimeout: config.requestTimeoutMs ?? 10_000,
      connectionTimeout: 3_000,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    const admin = await this.connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions, replicationFactor: -1 })),
    });
    await awaitTopicLeaders(
      async (topics) => (await admin.fetchTopicMetadata({ topics })).topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionId: p.partitionId, leader: p.leader })) })),
      missing.map((spec) => spec.name),
      { timeoutMs: 30_000 },
    );
  }

  createProducer(): Producer {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2, as the Java client: keys land on the same partitions whichever client produced them.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    return {
      connect: () => producer.connect(),
      disconnect: () => producer.disconnect(),
      send: async (topic, messages) => {
        try {
          await producer.send({
            topic,
            acks: -1,
            messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
          });
        } catch (cause) {
          throw new DependencyUnavailableError('kafka', { cause });
        }
      },
    };
  }

  createConsumer(groupId: string, options: ConsumerOptions = {}): Consumer {
    const lingerMs = options.lingerMs ?? 100;
    const sessionTimeout = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    // A third of the session, as Kafka advises: two heartbeats may be lost before the member is.
    const heartbeatInterval = Math.min(3_000, Math.floor(sessionTimeout / 3));
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      // The broker answers a fetch once it has minBytes or lingerMs has passed.
      minBytes: lingerMs > 0 ? 64 * 1024 : 1,
      maxWaitTimeInMs: Math.max(lingerMs, 10),
      sessionTimeout,
      heartbeatInterval,
      retry: { retries: 10 },
    });
    return new KafkaBatchConsumer(consumer, {
      partitionsConcurrently: options.partitionsConcurrently ?? 1,
      heartbeatInterval,
      onMembership: options.onMembership ?? (() => undefined),
    });
  }

  async consumerLag(groupId: string, topics: string[]): Promise<Array<{ topic: string; partition: number; lag: number }>> {
    const admin = await this.connectedAdmin();
    const committed = await admin.fetchOffsets({ groupId, topics });
    const result: Array<{ topic: string; partition: number; lag: number }> = [];
    for (const { topic, partitions } of committed) {
      const bounds = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, { low: Number(p.low), high: Number(p.high) }]));
      for (const { partition, offset } of partitions) {
        const { low = 0, high = 0 } = bounds.get(partition) ?? {};
        // -1: nothing committed yet, so everything still in the partition is to do.
        const done = Number(offset) < 0 ? low : Number(offset);
        result.push({ topic, partition, lag: Math.max(0, high - done) });
      }
    }
    return result;
  }

  async ping(): Promise<void> {
    try {
      const admin = await this.connectedAdmin();
      await admin.describeCluster();
    } catch (cause) {
      throw new DependencyUnavailableError('kafka', { cause });
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect();
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }
}

class KafkaBatchConsumer implements Consumer {
  private member = false;

  constructor(
    private readonly consumer: KafkaConsumer,
    private readonly options: { partitionsConcurrently: number; heartbeatInterval: number; onMembership: (change: MembershipChange) => void },
  ) {
    const { GROUP_JOIN, CRASH, STOP, DISCONNECT } = consumer.events;
    const tell = (member: boolean, change: MembershipChange) => {
      this.member = member;
      options.onMembership(change);
    };
    consumer.on(GROUP_JOIN, ({ payload }) =>
      tell(true, { kind: 'joined', durationMs: payload.duration, partitions: Object.values(payload.memberAssignment).reduce((n, list) => n + list.length, 0) }),
    );
    consumer.on(CRASH, ({ payload }) => tell(false, { kind: 'crashed', error: payload.error, restarting: payload.restart }));
    consumer.on(STOP, () => tell(false, { kind: 'stopped' }));
    consumer.on(DISCONNECT, () => (this.member = false));
  }

  isMember(): boolean {
    return this.member;
  }

  async run(topics: string[], handler: BatchHandler): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, pause, commitOffsetsIfNecessary }) => {
        // A batch waiting on slow destinations must not look like a dead member: the group would
        // hand its partitions to another member and the batch would be done twice. A rebalance
        // error here is the runner's to act on once the batch returns.
        const keepAlive = setInterval(() => heartbeat().catch(() => undefined), this.options.heartbeatInterval);
        try {
          await handler(toBatch(batch), {
            resolveOffset,
            heartbeat,
            isRunning: () => isRunning() && !isStale(),
            pauseFor: (ms) => {
              const resume = pause();
              setTimeout(resume, ms).unref();
            },
          });
        } finally {
          clearInterval(keepAlive);
        }
        await commitOffsetsIfNecessary();
      },
    });
  }

  async stop(): Promise<void> {
    // disconnect() waits for the running batch, then commits its resolved offsets.
    await this.consumer.disconnect();
  }
}

function toBatch(batch: KafkaBatch): Batch {
  return {
    topic: batch.topic,
    partition: batch.partition,
    messages: batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      key: m.key?.toString() ?? null,
      value: m.value ?? Buffer.alloc(0),
      headers: decodeHeaders(m.headers),
      timestamp: m.timestamp,
    })),
  };
}

function decodeHeaders(headers: IHeaders | undefined): MessageHeaders {
  const out: MessageHeaders = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[key] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return out;
}
