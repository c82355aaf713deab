import type { Lifecycle, Logger, Transport } from '@attribution/core';
import { listenForChanges, type PrismaClient } from '@attribution/db';
import { startOpsServer, type OpsServer } from '@attribution/core';
import { EventsConsumer } from './consumer/events.consumer';
import { DeliveryRepository } from './deliveries/delivery.repository';
import type { DestinationAdapter, Platform } from './destinations/destination';
import { DestinationRepository } from './destinations/destination.repository';
import { MetaDestination } from './destinations/meta/meta.destination';
import type { DispatcherConfig } from './env';

export interface DispatcherDeps {
  db: PrismaClient;
  transport: Transport;
  logger: Logger;
  lifecycle: Lifecycle;
}

export interface RunningDispatcher {
  ops: OpsServer;
  destinations: DestinationRepository;
}

/**
 * Wires the dispatcher and registers its shutdown stages in order: stop consuming (the running
 * batch finishes and its offsets are committed), close the dead-letter producer, then the ops
 * server. The process's main closes the shared clients afterwards.
 */
export async function startDispatcher(config: DispatcherConfig, deps: DispatcherDeps): Promise<RunningDispatcher> {
  const { db, transport, logger, lifecycle } = deps;
  const adapters = new Map<Platform, DestinationAdapter>([
    ['meta', new MetaDestination({ graphUrl: config.destinations.metaGraphUrl, timeoutMs: config.destinations.timeoutMs })],
  ]);
  const destinations = new DestinationRepository({ credentialsKey: config.credentialsKey, cacheTtlMs: 30_000 }, { db, logger });
  const changes = listenForChanges(config.databaseUrl, {
    onChange: (notice) => {
      if (notice.table !== 'api_keys' && notice.tenantId) destinations.invalidate(notice.tenantId);
    },
    onResync: () => destinations.invalidate(),
    onError: (error) => logger.warn('change_listener_error', { error }),
  });
  await changes.ready;
  const producer = transport.createProducer();
  await producer.connect();
  const consumer = transport.createConsumer(config.groupId);
  const handler = new EventsConsumer({
    destinations,
    adapters,
    deliveries: new DeliveryRepository(db),
    deadLetter: { producer, topic: config.topics.deadLetter },
    logger,
  });
  await consumer.run([config.topics.events], handler.handleBatch);

  const ops = await startOpsServer({
    port: config.http.port,
    host: config.http.host,
    isStopping: () => lifecycle.stopping,
    checks: { postgres: () => db.$queryRaw`SELECT 1`.then(() => undefined), bus: () => transport.ping() },
  });

  lifecycle.add('dispatcher-consumer', () => consumer.stop());
  lifecycle.add('dispatcher-producer', () => producer.disconnect());
  lifecycle.add('dispatcher-ops', () => ops.close());
  lifecycle.add('dispatcher-change-listener', () => changes.close());
  return { ops, destinations };
}
