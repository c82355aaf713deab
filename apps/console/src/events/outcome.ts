import type { Delivery } from '@attribution/db';
import { time } from '../html/format';
import { html, joinHtml, type SafeHtml } from '../html/html';

/** How each recorded status reads to an operator. */
const LABELS: Record<string, string> = {
  pending: 'pending',
  sent: 'sent',
  blocked_consent: 'blocked by consent',
  filtered: 'filtered by a rule',
  retrying: 'retrying',
  parked: 'parked',
  dead: 'dead',
  failed: 'refused',
  skipped: 'skipped',
};

/** The platform's answer as recorded: its HTTP status and message (or the engine's reason). */
export function platformResponse(delivery: Pick<Delivery, 'lastStatusCode' | 'lastError'>): SafeHtml {
  const parts = [
    delivery.lastStatusCode !== null ? html`<span class="http-status">HTTP ${delivery.lastStatusCode}</span>` : null,
    delivery.lastError ? html`<span class="reason">${delivery.lastError}</span>` : null,
  ];
  return joinHtml(parts.filter((part) => part !== null), html` `);
}

/** One destination's outcome for one event; `undefined` when nothing is recorded yet. */
export function outcome(platform: string, delivery: Delivery | undefined): SafeHtml {
  const status = delivery?.status ?? 'pending';
  return html`<span class="outcome ${status}" data-destination="${platform}" data-status="${status}"><b>${platform}</b> ${LABELS[status] ?? status}${
    delivery?.status === 'retrying' ? html` · next attempt ${time(delivery.nextAttemptAt)}` : null
  }${delivery && (delivery.lastStatusCode !== null || delivery.lastError) ? html` ${platformResponse(delivery)}` : null}</span>`;
}
