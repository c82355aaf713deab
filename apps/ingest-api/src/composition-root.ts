import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@attribution/core';
import { ApiKeyRepository, EventRepository, PgEventWriter, listenForChanges, openDatabase, pingDatabase, type Db } from '@attribution/db';
import { createAppMetrics, createHttpServer, securityHeaders, startOpsServer, type AppMetrics, type Lifecycle, type ServiceContext } from '@attribution/runtime';
import { openBus, type Transport } from '@attribution/transport';
import { createApp } from './app';
import { ApiKeyService } from './auth/api-key.service';
import type { IngestConfig } from './env';
import { BatchingEventWriter } from './events/batching-event-writer';
import { RateLimiter } from './http/rate-limiter';
import { EventService } from './events/event.service';
import { createIngestMetrics } from './ingest.metrics';
import { OutboxRelay } from './outbox/outbox-relay';
import { watchOutbox } from './outbox/outbox-gauge';
import { loadOpenApiDocument } from './openapi/openapi-document.loader';
import { loadVerifiedPixels } from './pixel/verified-pixels.loader';

export interface IngestApiDeps {
  db: Db;
  transport: Transport;
  logger: Logger;
  lifecycle: Lifecycle;
  onPublished?: (count: number) => void;
  /** Shared when several apps run in one process. */
  metrics?: AppMetrics;
}

export interface RunningIngestApi {
  server: Server;
  url: string;
  /** The ops server: /metrics, /health, /ready. */
  opsUrl: string;
  relay: OutboxRelay;
}

/**
 * The ingest-api's composition root: wires the app from already-open clients and registers its
 * shutdown stages: stop taking requests, then let the relay finish its batch, then close its
 * producer. The owner of the clients (the process's main) closes them after these stages.
 */
export async function startIngestApi(config: IngestConfig, deps: IngestApiDeps): Promise<RunningIngestApi> {
  const { db, transport, logger, lifecycle } = deps;
  // First, so that altered pixel files or a missing document stop the boot before any connection is opened.
  const pixels = loadVerifiedPixels();
  const openApiDocument = loadOpenApiDocument();
  const appMetrics = deps.metrics ?? createAppMetrics('ingest-api', config.observability.version, config.observability.metrics);
  const metrics = createIngestMetrics(appMetrics);
  const producer = transport.createProducer();
  await producer.connect().catch((error: unknown) => logger.warn('kafka_connect_failed', { error }));
  const eventRepository = new EventRepository(db);
  const relay = new OutboxRelay(config.outbox, {
    events: eventRepository,
    producer,
    topic: config.topics.events,
    logger,
    onPublished: (count) => {
      metrics.outbox.published(count);
      deps.onPublished?.(count);
    },
    onFailure: () => metrics.outbox.publishFailed(),
  });
  const apiKeys = new ApiKeyService(
    { cacheTtlMs: 30_000, negativeCacheTtlMs: 5_000, maxEntries: 100_000 },
    { store: new ApiKeyRepository(db) },
  );
  // Revocations and tenant changes reach every replica's cache at commit time.
  const changes = listenForChanges(config.databaseUrl, {
    onChange: (notice) => {
      if (notice.table === 'api_keys' && notice.keyHash) apiKeys.invalidate(notice.keyHash);
      if (notice.table === 'tenants' && notice.tenantId) apiKeys.invalidateTenant(notice.tenantId);
    },
    onResync: () => apiKeys.invalidate(),
    onError: (error) => logger.warn('change_listener_error', { error }),
  });
  await changes.ready;
  // Group commit: concurrent requests share one INSERT; each still answers only after its commit.
  const store = new PgEventWriter(config.databaseUrl, {
    poolMax: config.eventBatching.maxInFlightFlushes,
    onPoolError: (error) => logger.warn('event_writer_pool_error', { error }),
  });
  const writer = new BatchingEventWriter(store, config.eventBatching);
  const events = new EventService({ writer, onStored: () => relay.nudge(), logger, onAccepted: metrics.events });
  const readiness = { postgres: () => pingDatabase(db) };
  const dependencyWatch = appMetrics.watchDependencies(readiness);
  const outboxWatch = watchOutbox(eventRepository, metrics);
  const app = createApp({
    logger,
    apiKeys,
    events,
    rateLimiter: new RateLimiter(config.rateLimit),
    readiness,
    pixels,
    openApiDocument,
    isStopping: () => lifecycle.stopping,
    http: config.http,
    metrics: { middleware: metrics.middleware(), pixelServed: metrics.pixelServed },
  });

  // The pixel is fetched by other sites' pages: its resource policy must let them.
  const server = createHttpServer(config.httpLimits, securityHeaders('cross-origin'), app);
  server.listen(config.http.port, config.http.host);
  await once(server, 'listening');
  // Metrics carry tenant ids: on their own port, which is not exposed to the internet.
  const ops = await startOpsServer({
    port: config.http.opsPort,
    host: config.http.host,
    isStopping: () => lifecycle.stopping,
    limits: config.httpLimits,
    checks: readiness,
    routes: { '/metrics': () => appMetrics.render() },
  });
  relay.start();

  lifecycle.add('ingest-http', () => closeServer(server));
  lifecycle.add('ingest-ops', () => ops.close());
  lifecycle.add('event-writer', async () => {
    await writer.close();
    await store.close();
    logger.info('event_writer_closed', { ...writer.stats() });
  });
  lifecycle.add('outbox-relay', () => relay.stop());
  lifecycle.add('ingest-producer', () => producer.disconnect());
  lifecycle.add('ingest-change-listener', async () => {
    dependencyWatch.stop();
    outboxWatch.stop();
    await changes.close();
  });

  const { port } = server.address() as AddressInfo;
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  return { server, url: `http://${host}:${port}`, opsUrl: ops.url, relay };
}

/** Stops accepting connections and waits for in-flight requests to finish. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

/** The deployed ingest-api: its own database client and bus (closed after its stages), then the app. */
export async function runIngestApi({ config, logger, lifecycle }: ServiceContext<IngestConfig>): Promise<{ port: number; ops_port: number }> {
  const db = openDatabase(config.databaseUrl, lifecycle);
  const transport = await openBus(config, lifecycle);
  const { url, opsUrl } = await startIngestApi(config, { db, transport, logger, lifecycle });
  return { port: Number(new URL(url).port), ops_port: Number(new URL(opsUrl).port) };
}
