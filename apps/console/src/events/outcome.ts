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

/**
 * The platform's answer as recorded: its HTTP status, message (or the engine's reason) and the
 * id the platform gave the request (Meta's fbtrace_id, TikTok's request_id, Google's requestId),
 * which its support asks for.
 */
export function platformResponse(answer: { statusCode: number | null; message: string | null; requestId: string | null }): SafeHtml {
  const parts = [
    answer.statusCode !== null ? html`<span class="http-status">HTTP ${answer.statusCode}</span>` : null,
    answer.message ? html`<span class="reason">${answer.message}</span>` : null,
    answer.requestId ? html`<span class="request-id">request <code>${answer.requestId}</code></span>` : null,
  ];
  return joinHtml(parts.filter((part) => part !== null), html` `);
}

/** A delivery's last answer, as platformResponse takes it. */
export const lastAnswer = (d: Pick<Delivery, 'lastStatusCode' | 'lastError' | 'lastRequestId'>) => ({ statusCode: d.lastStatusCode, message: d.lastError, requestId: d.lastRequestId });

/** One destination's outcome for one event; `undefined` when nothing is recorded yet. */
export function outcome(platform: string, delivery: Delivery | undefined): SafeHtml {
  const status = delivery?.status ?? 'pending';
  return html`<span class="outcome ${status}" data-destination="${platform}" data-status="${status}"><b>${platform}</b> ${LABELS[status] ?? status}${
    delivery?.status === 'retrying' ? html` · next attempt ${time(delivery.nextAttemptAt)}` : null
  }${delivery && (delivery.lastStatusCode !== null || delivery.lastError || delivery.lastRequestId) ? html` ${platformResponse(lastAnswer(delivery))}` : null}</span>`;
}
