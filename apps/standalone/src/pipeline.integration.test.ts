import { createHash } from 'node:crypto';
import { createDbClient, type Db } from '@attribution/db';
import {
  FakeMetaGraph,
  createTestDatabase,
  seedTenant,
  waitUntil,
  type TestDatabase,
} from '@attribution/testing';
import type { RunningEngine } from './engine';
import { startTestEngine } from '../test/test-engine';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The walking skeleton over real parts: POST /v1/events → PostgreSQL → Kafka → dispatcher →
 * (fake, strictly validating) Meta Conversions API → delivery recorded.
 */
describe('pipeline over real PostgreSQL and Kafka', () => {
  let database: TestDatabase;
  let db: Db;
  let engine: RunningEngine;
  const meta = new FakeMetaGraph();

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    await meta.start();
    engine = await startTestEngine({ databaseUrl: database.url, kafkaBrokers: process.env.TEST_KAFKA_BROKERS, metaGraphUrl: meta.baseUrl });
  });

  afterAll(async () => {
    expect(await engine?.lifecycle.shutdown('test')).toBe(0);
    await db?.$disconnect();
    await meta.stop();
    await database?.drop();
  });

  it('delivers an accepted event to Meta once, hashed, and records the delivery', async () => {
    const { tenant, secretKey } = await seedTenant(db, { meta: { pixelId: '1234567890', accessToken: 'EAAtestToken123' } });
    meta.allow('1234567890', 'EAAtestToken123');
    const eventTime = Math.floor(Date.now() / 1000) - 30;

    const response = await fetch(`${engine.ingestUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        event_id: 'order-1001',
        event_name: 'Purchase',
        event_time: eventTime,
        event_source_url: 'https://shop.example/checkout',
        user_data: {
          email: ' Jane.Doe@Example.com ',
          client_ip_address: '203.0.113.9',
          client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
          fbc: 'fb.1.1554763741205.IwAR2F4-dbP0l7Mn1IawQQ',
        },
        custom_data: { currency: 'EUR', value: 42.5 },
        consent: { ad_storage: 'granted', ad_user_data: 'granted' },
      }),
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: number; duplicates: number; trace_id: string };
    expect(body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(body.trace_id).toMatch(/^[0-9a-f]{32}$/);

    const stored = await db.event.findFirstOrThrow({ where: { tenantId: tenant.id, eventId: 'order-1001' } });
    expect(JSON.stringify({ ...stored, id: String(stored.id) }).toLowerCase()).not.toContain('jane');
    expect(stored.traceId).toBe(body.trace_id);

    await meta.waitForEvents(1);
    expect(meta.received).toHaveLength(1);
    expect(meta.received[0]).toMatchObject({ pixelId: '1234567890', accessToken: 'EAAtestToken123' });
    expect(meta.received[0]!.data[0]).toEqual({
      event_name: 'Purchase',
      event_time: eventTime,
      event_id: 'order-1001',
      action_source: 'website',
      event_source_url: 'https://shop.example/checkout',
      user_data: {
        em: [sha256('jane.doe@example.com')],
        client_ip_address: '203.0.113.9',
        client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
        fbc: 'fb.1.1554763741205.IwAR2F4-dbP0l7Mn1IawQQ',
      },
      custom_data: { currency: 'EUR', value: 42.5 },
    });

    const delivery = await waitUntil(
      () => db.delivery.findFirst({ where: { eventPk: stored.id, destination: 'meta', status: 'sent' } }),
      'the delivery to be recorded as sent',
    );
    expect(delivery).toMatchObject({ attempts: 1, lastStatusCode: 200, lastError: null });
    await waitUntil(async () => (await db.event.findFirst({ where: { id: stored.id, receivedAt: stored.receivedAt } }))?.publishState === 'published', 'the outbox to mark the event published');
  });

  it('answers a retried request as a duplicate and never sends the event twice', async () => {
    const { secretKey } = await seedTenant(db, { meta: { pixelId: '222', accessToken: 'EAAother' } });
    meta.allow('222', 'EAAother');
    const send = () =>
      fetch(`${engine.ingestUrl}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          events: [
            {
              event_id: 'lead-7',
              event_name: 'Lead',
              event_time: Math.floor(Date.now() / 1000),
              action_source: 'system_generated',
              user_data: { external_id: 'crm-7' },
              consent: { ad_storage: 'granted', ad_user_data: 'granted' },
            },
          ],
        }),
      }).then((r) => r.json());
    expect(await send()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await send()).toMatchObject({ accepted: 0, duplicates: 1 });
    const lead = await db.event.findFirstOrThrow({ where: { eventId: 'lead-7' } });
    await waitUntil(() => db.delivery.findFirst({ where: { eventPk: lead.id, eventReceivedAt: lead.receivedAt, status: 'sent' } }), 'lead-7 to be sent');
    expect(meta.received.filter((r) => r.pixelId === '222').flatMap((r) => r.data)).toHaveLength(1);
  });
});
