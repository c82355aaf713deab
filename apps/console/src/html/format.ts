import { html, type SafeHtml } from './html';

/** A moment in UTC, readable and machine-readable: `2026-12-03 14:05:09 UTC`. */
export function time(value: Date | null | undefined): SafeHtml {
  if (!value) return html`<span class="none">–</span>`;
  const iso = value.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

/** A rate as a percentage with one decimal; a dash when nothing was counted. */
export function percent(rate: number | null): string {
  return rate === null ? '–' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** A stored JSON document, pretty-printed as text (escaped like any other text). */
export function jsonBlock(value: unknown): SafeHtml {
  const empty = value === null || value === undefined || (typeof value === 'object' && Object.keys(value).length === 0);
  return empty ? html`<span class="none">none</span>` : html`<pre>${JSON.stringify(value, null, 2)}</pre>`;
}
