import type { StoredEvent } from '@attribution/core';
import { mapToGa4, type Ga4ConsentGrants } from './ga4.mapper';
import { GA4_MAX_BODY_BYTES, GA4_MAX_EVENTS_PER_REQUEST, type Ga4Envelope, type Ga4Event, type Ga4Request } from './ga4.schema';

export interface PlannedGa4Request {
  body: Ga4Request;
  /** The stored events' ids, in the order of `body.events`. */
  eventPks: string[];
}

export interface Ga4Plan {
  requests: PlannedGa4Request[];
  rejected: Array<{ eventPk: string; reason: string }>;
}

/**
 * Turns stored events into MP requests. One MP request describes ONE user: client_id, user_id,
 * timestamp_micros, consent, user_data and ip_override are request-level and apply to every
 * event in it. So events share a request only when all of those are identical (in practice: the
 * same browser, the same second, the same consent); a batch of 25 events of 25 visitors is 25
 * requests. Each request also stays within 25 events and under 130 kB; an event that alone
 * would exceed the size limit is rejected. Pure.
 */
export function planGa4Requests(
  events: StoredEvent[],
  nowSeconds: number,
  grantsFor: (event: StoredEvent) => Ga4ConsentGrants | undefined = () => undefined,
): Ga4Plan {
  const rejected: Ga4Plan['rejected'] = [];
  const groups = new Map<string, { envelope: Ga4Envelope; events: Array<{ pk: string; event: Ga4Event }> }>();
  for (const stored of events) {
    const mapped = mapToGa4(stored, nowSeconds, grantsFor(stored));
    if (!mapped.ok) {
      rejected.push({ eventPk: stored.id, reason: mapped.reason });
      continue;
    }
    // The mapper builds envelopes with a fixed key order, so equal envelopes serialise equally.
    const key = JSON.stringify(mapped.envelope);
    const group = groups.get(key) ?? { envelope: mapped.envelope, events: [] };
    group.events.push({ pk: stored.id, event: mapped.event });
    groups.set(key, group);
  }

  const requests: PlannedGa4Request[] = [];
  for (const { envelope, events: grouped } of groups.values()) {
    let chunk: Array<{ pk: string; event: Ga4Event }> = [];
    const flush = () => {
      if (chunk.length > 0) requests.push(toRequest(envelope, chunk));
      chunk = [];
    };
    for (const item of grouped) {
      const candidate = [...chunk, item];
      if (candidate.length <= GA4_MAX_EVENTS_PER_REQUEST && bodyBytes(envelope, candidate) < GA4_MAX_BODY_BYTES) {
        chunk = candidate;
        continue;
      }
      flush();
      if (bodyBytes(envelope, [item]) < GA4_MAX_BODY_BYTES) chunk = [item];
      else rejected.push({ eventPk: item.pk, reason: 'the event alone exceeds the 130 kB Measurement Protocol body limit' });
    }
    flush();
  }
  return { requests, rejected };
}

function toRequest(envelope: Ga4Envelope, items: Array<{ pk: string; event: Ga4Event }>): PlannedGa4Request {
  return { body: { ...envelope, events: items.map((i) => i.event) }, eventPks: items.map((i) => i.pk) };
}

function bodyBytes(envelope: Ga4Envelope, items: Array<{ event: Ga4Event }>): number {
  return Buffer.byteLength(JSON.stringify({ ...envelope, events: items.map((i) => i.event) }), 'utf8');
}
