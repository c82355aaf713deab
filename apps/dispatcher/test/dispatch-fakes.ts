import { PassThrough } from 'node:stream';
import { createLogger, type StoredEvent } from '@attribution/core';
import type { DeliveryRecord, DeliveryRepository, DeliveryStatus } from '@attribution/db';
import type { DestinationAdapter, DestinationConfig, OutgoingEvent, Platform, SendOutcome } from '@attribution/destinations';
import { createAppMetrics } from '@attribution/runtime';
import type { OutgoingMessage, Producer } from '@attribution/transport';
import { createDispatcherMetrics } from '../src/dispatcher.metrics';
import type { RoutedDestination, TenantRouting } from '../src/routing/destination-routing';

export const TENANT = '00000000-0000-4000-8000-0000000000aa';
export const NOW_MS = 1_800_000_000_000;

let nextId = 1;

/** A stored event as the bus carries it, hashed identifiers only, sent a minute before NOW_MS. */
export function storedEvent(overrides: Partial<StoredEvent> = {}): StoredEvent {
  const id = String(nextId++);
  return {
    id,
    tenantId: TENANT,
    eventId: `evt-${id}`,
    eventName: 'Purchase',
    eventTime: NOW_MS / 1000 - 60,
    receivedAt: new Date(NOW_MS - 60_000).toISOString(),
    actionSource: 'website',
    sourceUrl: 'https://shop.example/checkout',
    ipAddress: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    userData: { meta: { em: ['a'.repeat(64)] }, google: { sha256_email_address: ['a'.repeat(64)] } },
    clickIds: {},
    customData: { currency: 'EUR', value: 10 },
    consent: { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted', analytics_storage: 'granted' },
    traceId: 'trace-1',
    ...overrides,
  };
}

export function routed(
  platform: Platform,
  overrides: Partial<RoutedDestination> & Partial<Pick<DestinationConfig, 'status' | 'testMode' | 'rules'>> = {},
): RoutedDestination {
  const { status = 'active', testMode = false, rules = {}, ...rest } = overrides;
  return { platform, problem: null, version: new Date(0), config: { tenantId: TENANT, platform, status, settings: {}, credentials: {}, testMode, rules }, ...rest };
}

/** Everything the pipeline did, in the order it did it: sends, produced messages, recorded rows. */
export type Step = { kind: 'send'; platform: Platform; events: OutgoingEvent[] } | { kind: 'produce'; topic: string; messages: OutgoingMessage[] } | { kind: 'record'; records: DeliveryRecord[] };

export class PipelineWorld {
  readonly steps: Step[] = [];
  readonly settled = new Map<string, DeliveryStatus>();
  readonly settledAt = new Map<string, DeliveryStatus>();
  readonly marked: string[] = [];
  /** Platforms an operator set again after the routing was read (DestinationRouting.renewedSince). */
  readonly renewed = new Set<string>();
  routing: TenantRouting = { consentPolicy: 'block', destinations: [] };
  logs = '';
  readonly metrics = createAppMetrics('dispatcher', 'test', { tenantLabel: true });
  readonly dispatcherMetrics = createDispatcherMetrics(this.metrics);
  readonly logger;

  constructor() {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => (this.logs += chunk.toString()));
    this.logger = createLogger({ service: 'worker', stream });
  }

  /** An adapter that answers each event with `answer(event)`. */
  adapter(platform: Platform, answer: (event: StoredEvent) => Omit<SendOutcome, 'eventPk'>): DestinationAdapter {
    return {
      send: async (events) => {
        this.steps.push({ kind: 'send', platform, events });
        return events.map(({ event }) => ({ eventPk: event.id, ...answer(event) }) as SendOutcome);
      },
    };
  }

  /** When set, every produce fails with it (Kafka refusing the follow-up messages). */
  produceFailure: Error | null = null;

  readonly producer: Producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (topic, messages) => {
      if (this.produceFailure) throw this.produceFailure;
      this.steps.push({ kind: 'produce', topic, messages });
    },
  };

  readonly deliveries = {
    // `settled` holds one status per event, whatever the destination; `settledAt` per `destination:pk`.
    settledStatuses: async (events: Array<{ id: string }>, destinations: string[]) =>
      new Map(
        destinations.map((d) => [
          d,
          new Map(events.flatMap(({ id: pk }) => {
            const status = this.settledAt.get(`${d}:${pk}`) ?? this.settled.get(pk);
            return status ? [[pk, status] as const] : [];
          })),
        ]),
      ),
    record: async (records: DeliveryRecord[]) => void this.steps.push({ kind: 'record', records }),
  } as unknown as DeliveryRepository;

  readonly destinationRouting = {
    routingFor: async () => this.routing,
    markNeedsCredentials: async (d: RoutedDestination) => void this.marked.push(`${d.config.tenantId}:${d.platform}`),
    renewedSince: async (d: RoutedDestination) => this.renewed.has(d.platform),
  };

  records(): DeliveryRecord[] {
    return this.steps.flatMap((s) => (s.kind === 'record' ? s.records : []));
  }

  produced(): Array<{ topic: string; message: OutgoingMessage }> {
    return this.steps.flatMap((s) => (s.kind === 'produce' ? s.messages.map((message) => ({ topic: s.topic, message })) : []));
  }

  logEvents(): string[] {
    return this.logs
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { event: string }).event);
  }

  async metricsText(): Promise<string> {
    return (await this.metrics.render()).body;
  }
}
