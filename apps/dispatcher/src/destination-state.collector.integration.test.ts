import { PassThrough } from 'node:stream';
import { createLogger } from '@attribution/core';
import { createDbClient, type Db } from '@attribution/db';
import { createAppMetrics, type AppMetrics } from '@attribution/runtime';
import { createTestDatabase, insertStoredEvents, seedDestination, seedTenant, type TestDatabase } from '@attribution/testing';
import { pollDestinationStates } from './destination-state.collector';
import { createDispatcherMetrics, type DispatcherMetrics } from './dispatcher.metrics';

/** The destination-state gauges read from real PostgreSQL: per tenant, and only that tenant's rows. */
describe('destination state gauges (real PostgreSQL)', () => {
  let database: TestDatabase;
  let db: Db;
  let tenantA: string;
  let tenantB: string;
  let logs = '';
  const stream = new PassThrough().on('data', (chunk: Buffer) => (logs += chunk.toString()));
  const logger = createLogger({ service: 'worker', stream });

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    tenantA = (await seedTenant(db, { meta: { pixelId: '111', accessToken: 'EAAtokenA' } })).tenant.id;
    tenantB = (await seedTenant(db, { meta: { pixelId: '222', accessToken: 'EAAtokenB' } })).tenant.id;
    await seedDestination(db, tenantA, 'ga4', { settings: { measurement_id: 'G-TEST' }, credentials: { api_secret: 'secret' } });
    // A's Meta token was refused: the destination needs credentials and 3 deliveries wait parked.
    await db.destination.updateMany({ where: { tenantId: tenantA, platform: 'meta' }, data: { status: 'needs_credentials' } });
    await addDeliveries(tenantA, 'meta', 'parked', 3);
    await addDeliveries(tenantA, 'meta', 'sent', 2);
    // B is active, with one parked delivery of its own still to replay, and sent ones.
    await addDeliveries(tenantB, 'meta', 'parked', 1);
    await addDeliveries(tenantB, 'meta', 'sent', 4);
  });

  afterAll(async () => {
    await db.$disconnect();
    await database.drop();
    // Every read succeeded: no destination_state_poll_failed line.
    expect(logs).toBe('');
  });

  async function addDeliveries(tenantId: string, destination: string, status: 'parked' | 'sent', count: number): Promise<void> {
    const events = await insertStoredEvents(db, tenantId, count);
    await db.delivery.createMany({ data: events.map((e) => ({ eventPk: BigInt(e.id), eventReceivedAt: e.receivedAt, tenantId, destination, status })) });
  }

  /** One refresh into a fresh registry, then the scraped series as `name{labels} value` lines. */
  async function scrape(tenantLabel = true): Promise<{ app: AppMetrics; metrics: DispatcherMetrics; lines: string[] }> {
    const app = createAppMetrics('dispatcher', 'test', { tenantLabel });
    const metrics = createDispatcherMetrics(app);
    const poller = pollDestinationStates({ db, metrics, logger });
    await poller.refreshed;
    poller.stop();
    const { body } = await app.render();
    return { app, metrics, lines: body.split('\n').filter((l) => /^attribution_(destination_state|deliveries_parked)\{/.test(l)) };
  }

  const state = (tenant: string, destination: string, s: string, value: number) =>
    `attribution_destination_state{tenant="${tenant}",destination="${destination}",state="${s}"} ${value}`;
  const parked = (tenant: string, destination: string, value: number) => `attribution_deliveries_parked{tenant="${tenant}",destination="${destination}"} ${value}`;
  const tenantBSeries = () => [state(tenantB, 'meta', 'active', 1), state(tenantB, 'meta', 'needs_credentials', 0), parked(tenantB, 'meta', 1)];

  it("shows the tenant's destination needing credentials and its parked count, and leaves the other tenant's alone", async () => {
    const { lines } = await scrape();
    expect(lines.sort()).toEqual(
      [
        state(tenantA, 'meta', 'active', 0),
        state(tenantA, 'meta', 'needs_credentials', 1),
        parked(tenantA, 'meta', 3),
        state(tenantA, 'ga4', 'active', 1),
        state(tenantA, 'ga4', 'needs_credentials', 0),
        parked(tenantA, 'ga4', 0),
        ...tenantBSeries(),
      ].sort(),
    );
  });

  it('follows a renewal (active, replayed) and a removed destination on the next refresh; the other tenant stays as it was', async () => {
    await db.destination.updateMany({ where: { tenantId: tenantA, platform: 'meta' }, data: { status: 'active' } });
    await db.delivery.updateMany({ where: { tenantId: tenantA, status: 'parked' }, data: { status: 'pending' } });
    await db.destination.deleteMany({ where: { tenantId: tenantA, platform: 'ga4' } });
    const { lines } = await scrape();
    expect(lines.sort()).toEqual(
      [state(tenantA, 'meta', 'active', 1), state(tenantA, 'meta', 'needs_credentials', 0), parked(tenantA, 'meta', 0), ...tenantBSeries()].sort(),
    );
  });

  it('adds tenants up under METRICS_TENANT_LABEL=false (tenant="all": a count of destinations per state)', async () => {
    await db.destination.updateMany({ where: { tenantId: tenantB, platform: 'meta' }, data: { status: 'needs_credentials' } });
    const { lines } = await scrape(false);
    expect(lines.sort()).toEqual([state('all', 'meta', 'active', 1), state('all', 'meta', 'needs_credentials', 1), parked('all', 'meta', 1)].sort());
  });
});
