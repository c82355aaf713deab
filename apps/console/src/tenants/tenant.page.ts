import type { Destination, Tenant } from '@attribution/db';
import { barChart } from '../html/bar-chart';
import { percent } from '../html/format';
import { html, joinHtml, type SafeHtml } from '../html/html';
import type { DestinationStats } from './destination-stats';
import { destinationBadge } from './tenants.page';

function statsRow(destination: Destination, stats: DestinationStats): SafeHtml {
  const { lastHour, hours } = stats;
  const parkedMax = Math.max(1, ...hours.map((h) => h.parked));
  return html`<tr data-destination="${destination.platform}">
<td>${destinationBadge(destination)}</td>
<td class="figure success-rate">${percent(lastHour.successRate)}<br>${barChart(hours.map((h) => h.successRate), { max: 1, label: `${destination.platform} success rate per hour, last 24 h`, tone: 'good' })}</td>
<td class="figure block-rate">${percent(lastHour.blockRate)}<br>${barChart(hours.map((h) => h.blockRate), { max: 1, label: `${destination.platform} consent block rate per hour, last 24 h`, tone: 'warn' })}</td>
<td class="figure parked">${lastHour.parked}<br>${barChart(hours.map((h) => (h.total > 0 ? h.parked : null)), { max: parkedMax, label: `${destination.platform} parked deliveries per hour, last 24 h`, tone: 'bad' })}</td>
<td class="figure">${lastHour.total}</td>
</tr>`;
}

/** A tenant's settings and, per destination, the last hour's figures with the last 24 hours charted. */
export function tenantPage(tenant: Tenant, destinations: ReadonlyArray<{ destination: Destination; stats: DestinationStats }>): SafeHtml {
  return html`<dl class="settings">
<dt>Id</dt><dd><code>${tenant.id}</code></dd>
<dt>Status</dt><dd>${tenant.status}</dd>
<dt>Retention</dt><dd>${tenant.retentionDays} days</dd>
<dt>Allowed origins</dt><dd>${tenant.allowedOrigins.length > 0 ? joinHtml(tenant.allowedOrigins, html`, `) : 'none'}</dd>
<dt>Without a consent signal</dt><dd>${tenant.consentPolicy}</dd>
</dl>
<h2>Destinations</h2>
${destinations.length === 0
  ? html`<p>No destinations: add one with <code>attribution destination set</code>.</p>`
  : html`<p class="hint">Figures of the events received in the last 60 minutes; charts: per hour, the last 24 hours (oldest left).</p>
<table class="destinations"><thead><tr><th>Destination</th><th>Success rate</th><th>Consent block rate</th><th>Parked</th><th>Deliveries</th></tr></thead><tbody>
${destinations.map(({ destination, stats }) => statsRow(destination, stats))}
</tbody></table>`}`;
}
