import { FakeMetaGraph, TEST_CREDENTIALS_KEY, findFreePorts, spawnApp, uniqueTopicPrefix, type SpawnedApp } from '@attribution/testing';

export interface EngineProcesses {
  ingestUrl: string;
  meta: FakeMetaGraph;
  /** The bus variables the console must share with them (brokers, topic prefix, retry tiers). */
  busEnv: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The real ingest-api and dispatcher, each in its own process as deployed (built dist/main.js),
 * on the run's Kafka broker under a topic prefix of their own, delivering to a strict fake Meta.
 */
export async function startEngineProcesses(databaseUrl: string): Promise<EngineProcesses> {
  const meta = await new FakeMetaGraph().start();
  const [port, opsPort, dispatcherPort] = await findFreePorts(3);
  const busEnv = { KAFKA_BROKERS: process.env.TEST_KAFKA_BROKERS!, KAFKA_TOPIC_PREFIX: uniqueTopicPrefix(), KAFKA_PARTITIONS: '1' };
  const common = { ...busEnv, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', LOG_LEVEL: 'info', OTEL_SDK_DISABLED: 'true' };
  const apps: SpawnedApp[] = [];
  const stop = async () => {
    await Promise.allSettled(apps.map((app) => app.stop('SIGTERM')));
    await meta.stop();
  };
  try {
    const started = /"event":"service_started"/;
    apps.push(spawnApp('apps/ingest-api/dist/main.js', { ...common, PORT: String(port), INGEST_OPS_PORT: String(opsPort) }));
    apps.push(spawnApp('apps/dispatcher/dist/main.js', { ...common, ...meta.env(), CREDENTIALS_KEY: TEST_CREDENTIALS_KEY, DISPATCHER_PORT: String(dispatcherPort) }));
    // The dispatcher says it started once both of its consumers have joined their groups.
    await Promise.all(apps.map((app) => app.waitForOutput(started, 60_000)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { ingestUrl: `http://127.0.0.1:${port}`, meta, busEnv, stop };
}
