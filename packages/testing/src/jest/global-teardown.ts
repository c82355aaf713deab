/** Jest global teardown of the `integration` project: stops what global-setup started. */
export default async function globalTeardown(): Promise<void> {
  const pg = globalThis.__ATTRIBUTION_TEST_PG__;
  const kafka = globalThis.__ATTRIBUTION_TEST_KAFKA__;
  globalThis.__ATTRIBUTION_TEST_PG__ = undefined;
  globalThis.__ATTRIBUTION_TEST_KAFKA__ = undefined;
  await Promise.all([pg?.stop(), kafka?.stop()]);
  if (pg) delete process.env.TEST_PG_ADMIN_URL;
  if (kafka) delete process.env.TEST_KAFKA_BROKERS;
}
