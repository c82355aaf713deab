import type { Logger } from '@attribution/core';
import { DeliveryRepository, DestinationRepository, PgPool, listenForChanges, openDatabase, pingDatabase, type Db } from '@attribution/db';
import { createAdapters, type DestinationAdapter, type Platform } from '@attribution/destinations';
import { createAppMetrics, startOpsServer, type AppMetrics, type Lifecycle, type OpsServer, type ServiceContext } from '@attribution/runtime';
import { openBus, type Consumer, type Transport } from '@attribution/transport';
import { EventsConsumer } from './consumer/events.consumer';
import { RetryConsumer } from './consumer/retry.consumer';
import { CircuitBreaker } from './delivery/circuit-breaker';
import { DeliveryPipeline } from './delivery/delivery-pipeline';
import { pollDestinationStates } from './destination-state.collector';
import { createDispatcherMetrics, type DispatcherMetrics } from './dispatcher.metrics';
import type { DispatcherConfig } from './env';
import { DestinationRouting } from './routing/destination-routing';

export interface DispatcherDeps {
  db: Db;
  transport: Transport;
  logger: Logger;
  lifecycle: Lifecycle;
  /** Replaces the platform adapters (tests). */
  adapters?: ReadonlyMap<Platform, DestinationAdapter>;
  /** Shared when several apps run in one process. */
  metrics?: AppMetrics;
}

export interface RunningDispatcher {
  ops: OpsServer;
  routing: DestinationRouting;
}

/**
 * Queue depth for the dashboard and the scale-out alert, refreshed every 15 s. Until every group
 * has answered with rows (topics may not exist yet at start-up) it asks again after 1 s, so the
 * series appears within seconds of the topics, not a whole period later.
 */
function pollConsumerLag(transport: Transport, metrics: DispatcherMetrics, groups: Array<{ group: string; topics: string[] }>): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const poll = async () => {
    const answered = await Promise.all(
      groups.map(({ group, topics }) =>
        transport.consumerLag(group, topics).then(
          (rows) => {
            rows.forEach((row) => metrics.lag(group, row.topic, row.partition, row.lag));
            return rows.length > 0;
          },
          () => false,
        ),
      ),
    );
    if (stopped) return;
    timer = setTimeout(() => void poll(), answered.every(Boolean) ? 15_000 : 1_000);
    timer.unref();
  };
  void poll();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** A consumer of `group` whose membership is logged and exported (DispatcherNotConsuming). */
function groupConsumer(
  group: string,
  config: Pick<DispatcherConfig, 'consumer'>,
  deps: { transport: Transport; logger: Logger; metrics: DispatcherMetrics },
): Consumer {
  const consumer = deps.transport.createConsumer(group, {
    ...config.consumer,
    onMembership: (change) => {
      if (change.kind === 'joined') deps.logger.info('consumer_joined', { group, duration_ms: change.durationMs, partitions: change.partitions });
      else if (change.kind === 'crashed') deps.logger.error('consumer_crashed', { group, error: change.error, restarting: change.restarting });
      else deps.logger.info('consumer_stopped', { group });
    },
  });
  deps.metrics.watchMembership(group, () => consumer.isMember());
  return consumer;
}

/**
 * The dispatcher's composition root: a consumer for new events, one for the retry tiers, and
 * the small ops server. Shutdown stops both consumers (their running batches finish and commit), then the
 * producer, the ops server and the change listener; the process's main closes shared clients.
 * Resolves once both consumers have joined their groups; the ops server answers before that.
 */
export async function startDispatcher(config: DispatcherConfig, deps: DispatcherDeps): Promise<RunningDispatcher> {
  const { db, transport, logger, lifecycle } = deps;
  const routing = new DestinationRouting({ credentialsKey: config.credentialsKey, cacheTtlMs: 30_000 }, { destinations: new DestinationRepository(db), logger });
  const changes = listenForChanges(config.databaseUrl, {
    onChange: (notice) => {
      if (notice.table !== 'api_keys' && notice.tenantId) routing.invalidate(notice.tenantId);
    },
    onResync: () => routing.invalidate(),
    onError: (error) => logger.warn('change_listener_error', { error }),
  });
  await changes.ready;

  const appMetrics = deps.metrics ?? createAppMetrics('dispatcher', config.observability.version, config.observability.metrics);
  const metrics = createDispatcherMetrics(appMetrics);
  const producer = transport.createProducer();
  await producer.connect();
  // The two statements of every batch go straight through node-postgres (DeliveryRepository).
  const outcomesPool = new PgPool(config.databaseUrl, {
    poolMax: 10,
    applicationName: 'dispatcher-outcomes',
    onPoolError: (error) => logger.warn('outcomes_pool_error', { error }),
  });
  const pipeline = new DeliveryPipeline(
    { tenantConcurrency: config.tenantConcurrency, retryJitter: 0.2 },
    {
      routing,
      adapters: deps.adapters ?? createAdapters(config.destinations),
      deliveries: new DeliveryRepository(db, outcomesPool),
      producer,
      topics: config.topics,
      breaker: new CircuitBreaker({ failureThreshold: 3, openMs: 30_000 }, Date.now, (circuit, to, failures) => {
        const [tenantId, destination] = circuit.split(':');
        const line = { tenant_id: tenantId, destination, consecutive_failures: failures };
        if (to === 'open') logger.warn('circuit_opened', line);
        else logger.info(to === 'closed' ? 'circuit_closed' : 'circuit_half_open', line);
      }),
      logger,
      metrics,
    },
  );
  const deadLetter = { producer, topic: config.topics.deadLetter, counted: (step: string) => metrics.deadLetter(null, step) };
  const mainConsumer = groupConsumer(config.groupId, config, { transport, logger, metrics });
  const retryConsumer = groupConsumer(`${config.groupId}-retry`, config, { transport, logger, metrics });

  // Serving before joining: after a crash the join waits for the dead member's session to expire,
  // and a liveness probe must not restart the process for that. Ready means consuming.
  const dependencies = { postgres: () => pingDatabase(db), kafka: () => transport.ping() };
  const watcher = appMetrics.watchDependencies(dependencies);
  const ops = await startOpsServer({
    port: config.http.port,
    host: config.http.host,
    isStopping: () => lifecycle.stopping,
    limits: config.httpLimits,
    checks: {
      ...dependencies,
      consumers: async () => {
        if (!mainConsumer.isMember() || !retryConsumer.isMember()) throw new Error('not in the consumer group');
      },
    },
    routes: { '/metrics': () => appMetrics.render() },
  });
  const lagPoller = pollConsumerLag(transport, metrics, [
    { group: config.groupId, topics: [config.topics.events] },
    { group: `${config.groupId}-retry`, topics: config.topics.retries.map((t) => t.name) },
  ]);
  // Destinations stuck in needs_credentials and their parked deliveries (DestinationNeedsCredentials, DeliveriesParked).
  const statePoller = pollDestinationStates({ db, metrics, logger });

  lifecycle.add('dispatcher-consumers', async () => {
    await Promise.all([mainConsumer.stop(), retryConsumer.stop()]);
  });
  lifecycle.add('dispatcher-producer', () => producer.disconnect());
  lifecycle.add('dispatcher-ops', async () => {
    watcher.stop();
    lagPoller.stop();
    statePoller.stop();
    await ops.close();
  });
  lifecycle.add('dispatcher-change-listener', () => changes.close());
  lifecycle.add('dispatcher-outcomes-pool', () => outcomesPool.close());
  await Promise.all([
    mainConsumer.run([config.topics.events], new EventsConsumer({ pipeline, deadLetter, logger }).handleBatch),
    retryConsumer.run(config.topics.retries.map((t) => t.name), new RetryConsumer({ pipeline, deadLetter, logger }).handleBatch),
  ]);
  return { ops, routing };
}

/** The deployed dispatcher: its own database client and bus (closed after its stages), then the app. */
export async function runDispatcher({ config, logger, lifecycle }: ServiceContext<DispatcherConfig>): Promise<{ port: number }> {
  const db = openDatabase(config.databaseUrl, lifecycle);
  const transport = await openBus(config, lifecycle);
  const { ops } = await startDispatcher(config, { db, transport, logger, lifecycle });
  return { port: Number(new URL(ops.url).port) };
}
