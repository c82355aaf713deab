import { html, type SafeHtml } from '../html/html';

/** The live view: the newest events, kept current by /assets/live.js from the page's stream. */
export function liveEventsPage(streamUrl: string, rows: SafeHtml, limit: number): SafeHtml {
  return html`<p class="hint">The newest ${limit} events, updated as they arrive and as each destination's outcome is recorded. <span class="live-status" data-live-status>connecting…</span></p>
<table class="events" data-live-stream="${streamUrl}"><thead><tr><th>Received</th><th>Event</th><th>Event id</th><th>Consent</th><th>Destinations: outcome and platform response</th></tr></thead>
${rows}
</table>`;
}
