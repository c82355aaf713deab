import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { replayDeliveries } from '@attribution/cli';
import type { Logger } from '@attribution/core';
import { DeliveryAttemptRepository, DeliveryRepository, DeliveryReviewRepository, DestinationRepository, EventLookupRepository, TenantRepository, openDatabase, pingDatabase, type Db } from '@attribution/db';
import { createHttpServer, securityHeaders, type Lifecycle, type ServiceContext } from '@attribution/runtime';
import { openBus, type Transport } from '@attribution/transport';
import { createApp } from './app';
import { SessionStore } from './auth/session-store';
import type { ConsoleConfig } from './env';
import { LiveStreams } from './events/live-streams';

export interface ConsoleDeps {
  db: Db;
  transport: Transport;
  logger: Logger;
  lifecycle: Lifecycle;
}

export interface RunningConsole {
  server: Server;
  url: string;
}

/**
 * The console's composition root: wires the app from already-open clients and registers its
 * shutdown stages: end the live streams (they would hold the server open), stop taking
 * requests, then close its producer. The owner of the clients closes them after these stages.
 */
export async function startConsole(config: ConsoleConfig, deps: ConsoleDeps): Promise<RunningConsole> {
  const { db, transport, logger, lifecycle } = deps;
  const producer = transport.createProducer();
  await producer.connect();
  const deliveries = new DeliveryRepository(db);
  const live = new LiveStreams({ pollMs: config.live.pollMs, logger });
  const app = createApp({
    logger,
    reads: {
      tenants: new TenantRepository(db),
      destinations: new DestinationRepository(db),
      events: new EventLookupRepository(db),
      deliveries: new DeliveryReviewRepository(db),
      attempts: new DeliveryAttemptRepository(db),
    },
    // The CLI's replay path, so a replay from the console is exactly `attribution deliveries replay`.
    replay: (query) => replayDeliveries({ deliveries, producer, topics: config.topics }, query),
    sessions: new SessionStore({ ttlMs: config.auth.sessionTtlMs, maxSessions: 1_000 }),
    live,
    auth: config.auth,
    readiness: { postgres: () => pingDatabase(db) },
    isStopping: () => lifecycle.stopping,
    http: config.http,
    jaegerUiUrl: config.jaegerUiUrl,
  });
  // Pages are only ever loaded by the console itself (CORP same-origin); the app sets its own CSP.
  const server = createHttpServer(config.httpLimits, securityHeaders('same-origin'), app);
  server.listen(config.http.port, config.http.host);
  await once(server, 'listening');

  lifecycle.add('console-live-streams', async () => live.closeAll());
  lifecycle.add('console-http', () => closeServer(server));
  lifecycle.add('console-producer', () => producer.disconnect());

  const { port } = server.address() as AddressInfo;
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  return { server, url: `http://${host}:${port}` };
}

/** Stops accepting connections and waits for in-flight requests to finish. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

/** The deployed console: its own database client and bus (closed after its stages), then the app. */
export async function runConsole({ config, logger, lifecycle }: ServiceContext<ConsoleConfig>): Promise<{ port: number }> {
  const db = openDatabase(config.databaseUrl, lifecycle);
  const transport = await openBus(config, lifecycle);
  const { url } = await startConsole(config, { db, transport, logger, lifecycle });
  return { port: Number(new URL(url).port) };
}
