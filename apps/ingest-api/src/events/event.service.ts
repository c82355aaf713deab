import type { Logger, TrackedEvent } from '@attribution/core';
import type { EventWriter } from '@attribution/db';
import { currentTraceparent, withSpan } from '@attribution/runtime';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { toEventRow, type RequestFacts } from './to-event-row';

export interface AcceptResult {
  accepted: number;
  duplicates: number;
}

export class EventService {
  constructor(
    private readonly deps: {
      writer: EventWriter;
      onStored: () => void;
      logger: Logger;
      onAccepted?: (tenantId: string, accepted: number, duplicates: number) => void;
    },
  ) {}

  /** Resolves only once every new event is durably in Postgres: a 202 is a promise kept. */
  async accept(tenant: AuthenticatedTenant, events: TrackedEvent[], request: RequestFacts): Promise<AcceptResult> {
    const unique = dedupeWithinRequest(events);
    const traceparent = currentTraceparent();
    const rows = unique.map((event) => ({ ...toEventRow(event, tenant, request), traceparent }));
    // The insert may be grouped with other requests' rows; this span is this request's wait for
    // it, and the database write in its trace (the shared statement has no span of its own).
    const attributes = { 'db.system': 'postgresql', 'db.operation.name': 'INSERT', 'db.collection.name': 'events', 'events.count': rows.length };
    const inserted = await withSpan('events insert', { attributes }, () =>
      this.deps.writer.insert(rows),
    );
    if (inserted.size > 0) this.deps.onStored();
    const result = { accepted: inserted.size, duplicates: events.length - inserted.size };
    this.deps.onAccepted?.(tenant.tenantId, result.accepted, result.duplicates);
    this.deps.logger.info('ingest_received', { ...result, key_kind: tenant.keyKind });
    return result;
  }
}

/** A batch that repeats an event id counts the repeats as duplicates, like a retried request. */
function dedupeWithinRequest(events: TrackedEvent[]): TrackedEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => !seen.has(event.event_id) && seen.add(event.event_id));
}
