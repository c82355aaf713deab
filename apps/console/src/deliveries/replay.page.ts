import type { StuckDelivery } from '@attribution/db';
import { html, type SafeHtml } from '../html/html';
import { stuckRows } from './stuck-deliveries.page';

/** The confirmation step: what will be sent again, and how. Nothing is published before "Replay". */
export function replayConfirmPage(tenantId: string, deliveries: readonly StuckDelivery[], csrfToken: string): SafeHtml {
  if (deliveries.length === 0) {
    return html`<p>None of the selected deliveries is dead or parked any more.</p><p><a href="/tenants/${tenantId}/deliveries">Back to the list</a></p>`;
  }
  return html`<form method="post" action="/tenants/${tenantId}/deliveries/replay/confirm">
<input type="hidden" name="_csrf" value="${csrfToken}">
<p>Replay these ${deliveries.length} deliveries? Each goes to the dispatcher's first retry tier, due now: it is sent again with the destination's current credentials, consent is decided again, and an event older than the platform accepts dies again, with the reason.</p>
${stuckRows(tenantId, deliveries, false)}
<button type="submit" name="confirm" value="yes">Replay ${deliveries.length} deliveries</button> <a href="/tenants/${tenantId}/deliveries">Cancel</a>
</form>`;
}

export function replayDonePage(tenantId: string, replayed: number): SafeHtml {
  return html`<p class="notice" role="status">Replayed ${replayed} ${replayed === 1 ? 'delivery' : 'deliveries'}: the dispatcher sends them again now.</p>
<p><a href="/tenants/${tenantId}/events">Watch the live events</a> · <a href="/tenants/${tenantId}/deliveries">Back to dead letters and parked</a></p>`;
}
