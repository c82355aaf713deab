import type { ClickIds } from '@attribution/core';

/** A new event as ingest stores it: hashed identifiers only, nothing raw. */
export interface NewEventRow {
  tenantId: string;
  eventId: string;
  eventName: string;
  eventTime: Date;
  actionSource: string;
  sourceUrl: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  userData: object;
  clickIds: ClickIds;
  customData: object;
  consent: object | null;
  /** Stored for the tenant only; the bus message and the platforms never see it. */
  context: object;
  traceId: string;
  /** W3C traceparent of the storing request, for the outbox relay (null with tracing off). */
  traceparent?: string | null;
}

interface EventColumn {
  readonly column: string;
  readonly sqlType: string;
  readonly value: (row: NewEventRow) => unknown;
}

/**
 * The columns ingest writes, declared once: the INSERT statement, its record definition and its
 * JSON parameter are all made from this list (event-writer.ts). A test holds it against the
 * Prisma model, so a column added to the schema cannot be forgotten here.
 */
export const EVENT_INSERT_COLUMNS: readonly EventColumn[] = [
  { column: 'tenant_id', sqlType: 'uuid', value: (r) => r.tenantId },
  { column: 'event_id', sqlType: 'text', value: (r) => r.eventId },
  { column: 'event_name', sqlType: 'text', value: (r) => r.eventName },
  { column: 'event_time', sqlType: 'timestamptz', value: (r) => r.eventTime },
  { column: 'action_source', sqlType: 'text', value: (r) => r.actionSource },
  { column: 'source_url', sqlType: 'text', value: (r) => r.sourceUrl },
  { column: 'ip_address', sqlType: 'text', value: (r) => r.ipAddress },
  { column: 'user_agent', sqlType: 'text', value: (r) => r.userAgent },
  { column: 'user_data', sqlType: 'jsonb', value: (r) => r.userData },
  { column: 'click_ids', sqlType: 'jsonb', value: (r) => r.clickIds },
  { column: 'custom_data', sqlType: 'jsonb', value: (r) => r.customData },
  { column: 'consent', sqlType: 'jsonb', value: (r) => r.consent },
  { column: 'context', sqlType: 'jsonb', value: (r) => r.context },
  { column: 'trace_id', sqlType: 'text', value: (r) => r.traceId },
  { column: 'traceparent', sqlType: 'text', value: (r) => r.traceparent ?? null },
];

/** Columns the database fills itself (identity, defaults) or the outbox relay sets later. */
export const EVENT_DATABASE_COLUMNS: readonly string[] = ['id', 'received_at', 'publish_state', 'published_at'];
