import type { Destination, Tenant } from '@attribution/db';
import { html, joinHtml, type SafeHtml } from '../html/html';
import { platformLabel } from './platform-label';

/** One destination as every tenant view shows it: platform, API version, status, test mode. */
export function destinationBadge(destination: Destination): SafeHtml {
  const { name, apiVersion } = platformLabel(destination.platform);
  return html`<span class="destination"><span class="platform" title="${name}, API ${apiVersion}">${destination.platform}</span>
<span class="status ${destination.status}">${destination.status}</span>${destination.testMode ? html` <span class="test-mode">test mode</span>` : null}
<span class="api-version">API ${apiVersion}</span></span>`;
}

/** Every tenant with its retention, origins and destinations. */
export function tenantsPage(tenants: ReadonlyArray<{ tenant: Tenant; destinations: Destination[] }>): SafeHtml {
  if (tenants.length === 0) return html`<p>No tenants yet: create one with <code>attribution tenant create</code>.</p>`;
  return html`<table class="tenants"><thead><tr><th>Tenant</th><th>Status</th><th>Retention</th><th>Allowed origins</th><th>Consent policy</th><th>Destinations</th></tr></thead><tbody>
${tenants.map(
  ({ tenant, destinations }) => html`<tr data-tenant-id="${tenant.id}">
<td><a href="/tenants/${tenant.id}">${tenant.name}</a><br><code class="id">${tenant.id}</code></td>
<td>${tenant.status}</td>
<td>${tenant.retentionDays} days</td>
<td>${tenant.allowedOrigins.length > 0 ? joinHtml(tenant.allowedOrigins, html`<br>`) : html`<span class="none">none</span>`}</td>
<td>${tenant.consentPolicy} without a signal</td>
<td>${destinations.length > 0 ? joinHtml(destinations.map(destinationBadge), html`<br>`) : html`<span class="none">none</span>`}</td>
</tr>`,
)}
</tbody></table>`;
}
