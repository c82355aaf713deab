import { EventEmitter } from 'node:events';
import type {
  BatchHandler,
  Consumer,
  ConsumerOptions,
  IncomingMessage,
  OutgoingMessage,
  Producer,
  TopicSpec,
  Transport,
} from './transport';
import { partitionFor } from './partition';

const MAX_BATCH = 500;

interface PartitionState {
  log: IncomingMessage[];
}

/**
 * A single-process stand-in for Kafka with the same delivery rules: ordered per partition,
 * at-least-once, and a group only moves past what its handler resolved. Nothing is durable
 * here; durability comes from the Postgres outbox, which republishes anything unconfirmed.
 */
export class InProcessTransport implements Transport {
  readonly kind = 'in-process' as const;
  private readonly topics = new Map<string, PartitionState[]>();
  private readonly appended = new EventEmitter();
  /** Committed offsets per consumer group, shared by its consumers (for lag). */
  private readonly groups = new Map<string, Map<string, number>>();

  constructor() {
    this.appended.setMaxListeners(0);
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    for (const spec of specs) {
      if (!this.topics.has(spec.name)) {
        this.topics.set(spec.name, Array.from({ length: spec.partitions }, () => ({ log: [] })));
      }
    }
  }

  createProducer(): Producer {
    return {
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (topic, messages) => this.append(topic, messages),
    };
  }

  createConsumer(groupId: string, _options?: ConsumerOptions): Consumer {
    const committed = this.groups.get(groupId) ?? new Map<string, number>();
    this.groups.set(groupId, committed);
    return new InProcessConsumer(this.topics, this.appended, committed);
  }

  async consumerLag(groupId: string, topics: string[]): Promise<Array<{ topic: string; partition: number; lag: number }>> {
    const committed = this.groups.get(groupId);
    return topics.flatMap((topic) =>
      (this.topics.get(topic) ?? []).map((state, partition) => ({
        topic,
        partition,
        lag: state.log.length - (committed?.get(`${topic}:${partition}`) ?? 0),
      })),
    );
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.appended.emit('close');
  }

  private append(topic: string, messages: OutgoingMessage[]): void {
    const partitions = this.topics.get(topic);
    if (!partitions) throw new Error(`Unknown topic ${topic}`);
    for (const message of messages) {
      const partition = partitionFor(message.key, partitions.length);
      const log = partitions[partition]!.log;
      log.push({
        topic,
        partition,
        offset: String(log.length),
        key: message.key,
        value: Buffer.isBuffer(message.value) ? message.value : Buffer.from(message.value, 'utf8'),
        headers: { ...message.headers },
        timestamp: String(Date.now()),
      });
    }
    this.appended.emit('append');
  }
}

class InProcessConsumer implements Consumer {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly pausedUntil = new Map<string, number>();
  private wake: (() => void) | undefined;
  /** Set when a message arrives while a poll is running, so that wake-up is not lost. */
  private appendedSincePoll = false;

  constructor(
    private readonly topics: Map<string, PartitionState[]>,
    private readonly appended: EventEmitter,
    private readonly committed: Map<string, number>,
  ) {}

  async run(topicNames: string[], handler: BatchHandler): Promise<void> {
    for (const name of topicNames) if (!this.topics.has(name)) throw new Error(`Unknown topic ${name}`);
    this.running = true;
    const onAppend = () => {
      this.appendedSincePoll = true;
      this.wake?.();
    };
    this.appended.on('append', onAppend);
    this.appended.once('close', () => void this.stop());
    this.loop = this.consume(topicNames, handler).finally(() => this.appended.off('append', onAppend));
  }

  /** There is no group to lose: the one consumer per group holds every partition while it runs. */
  isMember(): boolean {
    return this.running;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async consume(topicNames: string[], handler: BatchHandler): Promise<void> {
    while (this.running) {
      this.appendedSincePoll = false;
      const progressed = await this.pollOnce(topicNames, handler);
      if (!progressed && this.running) await this.idle();
    }
  }

  private async pollOnce(topicNames: string[], handler: BatchHandler): Promise<boolean> {
    let progressed = false;
    for (const topic of topicNames) {
      for (const [partition, state] of this.topics.get(topic)!.entries()) {
        const id = `${topic}:${partition}`;
        if ((this.pausedUntil.get(id) ?? 0) > Date.now()) continue;
        const from = this.committed.get(id) ?? 0;
        const messages = state.log.slice(from, from + MAX_BATCH);
        if (messages.length === 0 || !this.running) continue;
        let resolved = from;
        await handler(
          { topic, partition, messages },
          {
            resolveOffset: (offset) => (resolved = Math.max(resolved, Number(offset) + 1)),
            heartbeat: async () => undefined,
            isRunning: () => this.running,
            pauseFor: (ms) => this.pausedUntil.set(id, Date.now() + ms),
          },
        );
        this.committed.set(id, resolved);
        progressed ||= resolved > from;
      }
    }
    return progressed;
  }

  /** Sleeps until a message is appended, a pause ends, or stop() is called. */
  private idle(): Promise<void> {
    if (this.appendedSincePoll) return Promise.resolve();
    const now = Date.now();
    const pauses = [...this.pausedUntil.values()].filter((until) => until > now);
    return new Promise<void>((resolve) => {
      const timer = pauses.length > 0 ? setTimeout(resolve, Math.min(...pauses) - now) : undefined;
      this.wake = () => {
        if (timer) clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
