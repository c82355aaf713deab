import { html, joinHtml, type SafeHtml } from '../html/html';

/** The consent an event carried, signal by signal; a TCF string is shown by its size, not spelt out. */
export function consentSignals(consent: unknown): SafeHtml {
  if (consent === null || typeof consent !== 'object') return html`<span class="none">no signal</span>`;
  const signals = Object.entries(consent as Record<string, unknown>).map(([name, value]) =>
    typeof value === 'string' && value.length > 24 ? html`<span class="signal">${name}: ${value.length} chars</span>` : html`<span class="signal ${String(value)}">${name}: ${String(value)}</span>`,
  );
  return signals.length > 0 ? joinHtml(signals, html` `) : html`<span class="none">empty</span>`;
}
