import type { EventWithDeliveries } from '@attribution/db';
import { time } from '../html/format';
import { html, type SafeHtml } from '../html/html';
import { consentSignals } from './consent-signals';
import { outcome } from './outcome';

/** Where an event's page is. */
export function eventHref(tenantId: string, eventId: string): string {
  return `/tenants/${encodeURIComponent(tenantId)}/events/${encodeURIComponent(eventId)}`;
}

/**
 * The live table's body, newest event first: name, time, id, consent, and per destination the
 * outcome. `destinations` are the tenant's platforms, so one without a row yet shows as pending.
 * The live stream sends this same markup again whenever it changes.
 */
export function eventRows(tenantId: string, events: readonly EventWithDeliveries[], destinations: readonly string[]): SafeHtml {
  if (events.length === 0) return html`<tbody><tr class="empty"><td colspan="5">No events yet: they appear here as they arrive.</td></tr></tbody>`;
  return html`<tbody>${events.map((event) => {
    const platforms = [...new Set([...destinations, ...event.deliveries.map((d) => d.destination)])].sort();
    return html`<tr data-event-id="${event.eventId}">
<td>${time(event.receivedAt)}</td>
<td><a href="${eventHref(tenantId, event.eventId)}">${event.eventName}</a></td>
<td><code>${event.eventId}</code></td>
<td>${consentSignals(event.consent)}</td>
<td>${platforms.map((p) => outcome(p, event.deliveries.find((d) => d.destination === p)))}</td>
</tr>`;
  })}</tbody>`;
}
