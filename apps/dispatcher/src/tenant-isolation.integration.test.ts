/**
 * Tenant isolation of the dispatcher's settings: two tenants on one platform, each with its own
 * pixel, token, rules, test mode and consent policy, their events interleaved on one topic.
 * Every event goes out with its own tenant's settings only, and one tenant's expired token
 * parks only that tenant's deliveries.
 */
import type { StoredEvent } from '@attribution/core';
import { FakeMetaGraph, graphError, insertStoredEvents, seedDestination, seedTenant, waitUntil } from '@attribution/testing';
import { startTestDispatcher, type TestDispatcher } from '../test/dispatcher-harness';

describe('dispatcher tenant isolation (real Kafka and PostgreSQL)', () => {
  const meta = new FakeMetaGraph();
  let dispatcher: TestDispatcher;

  beforeAll(async () => {
    await meta.start();
    dispatcher = await startTestDispatcher({ META_GRAPH_URL: meta.baseUrl });
  });

  afterAll(async () => {
    await dispatcher.stop();
    await meta.stop();
  });

  async function tenant(pixelId: string, opts: { testMode: boolean; except?: string[]; consentPolicy: 'allow' | 'block' }) {
    const { tenant } = await seedTenant(dispatcher.db, { consentPolicy: opts.consentPolicy });
    const token = `EAAtoken${pixelId}`;
    meta.allow(pixelId, token);
    await seedDestination(dispatcher.db, tenant.id, 'meta', {
      settings: { pixel_id: pixelId, test_event_code: `TEST${pixelId}` },
      credentials: { access_token: token },
      testMode: opts.testMode,
      eventRules: opts.except ? { except: opts.except } : {},
    });
    return { id: tenant.id, pixelId, token };
  }

  const statuses = async (events: StoredEvent[]) =>
    (await dispatcher.db.delivery.findMany({ where: { eventPk: { in: events.map((e) => BigInt(e.id)) } } })).map((d) => d.status).sort();

  it("sends each tenant's events with that tenant's pixel, token, rules, test mode and consent policy only", async () => {
    const a = await tenant('2001', { testMode: true, except: ['Lead'], consentPolicy: 'block' });
    const b = await tenant('2002', { testMode: false, consentPolicy: 'allow' });
    const events = { a: [] as StoredEvent[], b: [] as StoredEvent[] };
    for (const [key, t] of [['a', a], ['b', b]] as const) {
      events[key].push(...(await insertStoredEvents(dispatcher.db, t.id, 2)));
      events[key].push(...(await insertStoredEvents(dispatcher.db, t.id, 1, { eventName: 'Lead' })));
      // No consent signal at all: the tenant's policy decides.
      events[key].push(...(await insertStoredEvents(dispatcher.db, t.id, 1, { consent: undefined })));
    }
    await dispatcher.publish([events.a[0]!, events.b[0]!, events.a[1]!, events.b[1]!, events.a[2]!, events.b[2]!, events.a[3]!, events.b[3]!]);
    await waitUntil(async () => (await dispatcher.db.delivery.count({ where: { tenantId: { in: [a.id, b.id] } } })) === 8, 'every delivery recorded');

    // A: two Purchases sent in test mode, its Lead filtered by its rule, no-consent blocked.
    expect(await statuses(events.a)).toEqual(['blocked_consent', 'filtered', 'sent', 'sent']);
    // B: no rule, no test mode, and its policy lets the event without consent through.
    expect(await statuses(events.b)).toEqual(['sent', 'sent', 'sent', 'sent']);
    const requests = meta.received.filter((r) => r.pixelId === a.pixelId || r.pixelId === b.pixelId);
    for (const request of requests) {
      const owner = request.pixelId === a.pixelId ? a : b;
      expect(request.accessToken).toBe(owner.token);
      expect(request.testEventCode).toBe(owner === a ? `TEST${a.pixelId}` : undefined);
    }
    const sentTo = (pixelId: string) => requests.filter((r) => r.pixelId === pixelId).flatMap((r) => r.data.map((e) => String(e['event_id']))).sort();
    expect(sentTo(a.pixelId)).toEqual(events.a.slice(0, 2).map((e) => e.eventId).sort());
    expect(sentTo(b.pixelId)).toEqual(events.b.map((e) => e.eventId).sort());
  });

  it("parks only the tenant whose token expired, and keeps the other's flowing", async () => {
    const a = await tenant('2003', { testMode: false, consentPolicy: 'allow' });
    const b = await tenant('2004', { testMode: false, consentPolicy: 'allow' });
    meta.replyNextFor(a.pixelId, graphError(401, 190, 'Error validating access token: Session has expired'));
    const first = { a: await insertStoredEvents(dispatcher.db, a.id, 1), b: await insertStoredEvents(dispatcher.db, b.id, 1) };
    await dispatcher.publish([...first.a, ...first.b]);
    await waitUntil(async () => (await statuses([...first.a, ...first.b])).join() === 'parked,sent', 'A parked and B sent');
    const later = { a: await insertStoredEvents(dispatcher.db, a.id, 2), b: await insertStoredEvents(dispatcher.db, b.id, 2) };
    await dispatcher.publish([...later.a, ...later.b]);
    await waitUntil(async () => (await statuses([...later.a, ...later.b])).join() === 'parked,parked,sent,sent', "A's later events parked, B's sent");
    const status = async (id: string) => (await dispatcher.db.destination.findFirstOrThrow({ where: { tenantId: id, platform: 'meta' } })).status;
    expect([await status(a.id), await status(b.id)]).toEqual(['needs_credentials', 'active']);
    expect(dispatcher.logs()).not.toContain(a.token);
  });
});
