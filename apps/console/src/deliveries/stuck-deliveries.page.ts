import { PLATFORM_IDS } from '@attribution/destinations';
import type { StuckDelivery } from '@attribution/db';
import { time } from '../html/format';
import { html, type SafeHtml } from '../html/html';
import { eventHref } from '../events/event-rows';
import { lastAnswer, platformResponse } from '../events/outcome';
import type { StuckQuery } from './stuck-filter';

function option(value: string, label: string, selected: string | undefined): SafeHtml {
  return html`<option value="${value}"${selected === value ? html` selected` : null}>${label}</option>`;
}

function filterForm(form: StuckQuery): SafeHtml {
  return html`<form class="filters" method="get">
<label>Status <select name="status">${option('', 'dead and parked', form.status)}${option('dead', 'dead', form.status)}${option('parked', 'parked', form.status)}</select></label>
<label>Destination <select name="destination">${option('', 'all', form.destination)}${PLATFORM_IDS.map((id) => option(id, id, form.destination))}</select></label>
<label>Reason contains <input type="search" name="reason" maxlength="200" value="${form.reason ?? ''}"></label>
<label>Since (UTC) <input type="datetime-local" name="since" value="${form.since ?? ''}"></label>
<label>Until (UTC) <input type="datetime-local" name="until" value="${form.until ?? ''}"></label>
<button type="submit">Filter</button>
</form>`;
}

/** The rows of deliveries to choose from; `selectable` adds the checkboxes of the replay form. */
export function stuckRows(tenantId: string, deliveries: readonly StuckDelivery[], selectable: boolean): SafeHtml {
  return html`<table class="stuck"><thead><tr>${selectable ? html`<th>Replay</th>` : null}<th>Status</th><th>Destination</th><th>Event</th><th>Attempts</th><th>Reason / platform response</th><th>Since</th></tr></thead><tbody>
${deliveries.map(
  (d) => html`<tr data-delivery-id="${d.id}" data-event-id="${d.event.eventId}">
${selectable ? html`<td><input type="checkbox" name="id" value="${d.id}" aria-label="select delivery ${d.id}"></td>` : html`<input type="hidden" name="id" value="${d.id}">`}
<td><span class="outcome ${d.status}">${d.status}</span></td>
<td>${d.destination}</td>
<td><a href="${eventHref(tenantId, d.event.eventId)}">${d.event.eventName}</a> <code>${d.event.eventId}</code></td>
<td>${d.attempts}</td>
<td>${platformResponse(lastAnswer(d))}</td>
<td>${time(d.updatedAt)}</td>
</tr>`,
)}
</tbody></table>`;
}

/** Dead letters and parked deliveries of one tenant, filtered, with a form to replay a selection. */
export function stuckDeliveriesPage(tenantId: string, form: StuckQuery, deliveries: readonly StuckDelivery[], limit: number, csrfToken: string): SafeHtml {
  return html`${filterForm(form)}
${deliveries.length === 0
  ? html`<p class="none">Nothing dead or parked matches.</p>`
  : html`<form method="post" action="/tenants/${tenantId}/deliveries/replay">
<input type="hidden" name="_csrf" value="${csrfToken}">
<p>${deliveries.length}${deliveries.length === limit ? ' (the newest; narrow the filter for older ones)' : null} matching. Select the deliveries to send again, then confirm on the next page.</p>
${stuckRows(tenantId, deliveries, true)}
<button type="submit">Replay selected…</button>
</form>`}`;
}
