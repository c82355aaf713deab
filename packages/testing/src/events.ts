import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '@attribution/core';
import { toStoredEvent, type Db, type NewEventRow, type Prisma } from '@attribution/db';

const HASH = (c: string) => c.repeat(64);

/**
 * Stores events the way the ingest-api would (hashed identifiers only) and returns them in bus
 * shape, for dispatcher tests that publish straight to Kafka.
 */
export async function insertStoredEvents(
  db: Db,
  tenantId: string,
  count: number,
  overrides: Partial<Prisma.EventUncheckedCreateInput> = {},
): Promise<StoredEvent[]> {
  const now = Date.now();
  const rows = await db.event.createManyAndReturn({
    data: Array.from({ length: count }, (_, i) => ({
      tenantId,
      eventId: `evt-${randomUUID()}`,
      eventName: 'Purchase',
      eventTime: new Date(now - 60_000),
      actionSource: 'website',
      sourceUrl: 'https://shop.example/checkout',
      ipAddress: `203.0.113.${(i % 250) + 1}`,
      userAgent: 'Mozilla/5.0 (test)',
      userData: { meta: { em: [HASH('a')], external_id: [HASH('b')] }, google: { sha256_email_address: [HASH('a')] } },
      clickIds: { fbp: 'fb.1.1596403881668.1116446470' },
      customData: { currency: 'EUR', value: 10 + i },
      consent: { ad_storage: 'granted', ad_user_data: 'granted', analytics_storage: 'granted' },
      traceId: randomUUID().replace(/-/g, ''),
      publishState: 'published',
      ...overrides,
    })),
  });
  return rows.map(toStoredEvent);
}

/** A minimal new event row, as ingest would store it, for tests of the writers. */
export function newEventRow(eventId: string, tenantId: string, overrides: Partial<NewEventRow> = {}): NewEventRow {
  return {
    tenantId,
    eventId,
    eventName: 'Lead',
    eventTime: new Date(0),
    actionSource: 'website',
    sourceUrl: null,
    ipAddress: null,
    userAgent: null,
    userData: {},
    clickIds: {},
    customData: {},
    consent: null,
    context: {},
    traceId: 't',
    ...overrides,
  };
}
