import { html, type SafeHtml } from './html';

const BAR = 4;
const GAP = 1;
const HEIGHT = 24;

/**
 * A small bar chart as inline SVG, rendered on the server: one bar per value (oldest first),
 * scaled to `max`; a value of null (nothing counted) is a thin tick. Colours come from the
 * stylesheet by `tone` (SVG presentation by class: the CSP allows no inline style).
 */
export function barChart(values: ReadonlyArray<number | null>, options: { max: number; label: string; tone: 'good' | 'warn' | 'bad' }): SafeHtml {
  const width = values.length * (BAR + GAP) - GAP;
  const bars = values.map((value, i) => {
    const x = i * (BAR + GAP);
    if (value === null) return html`<rect class="empty" x="${x}" y="${HEIGHT - 1}" width="${BAR}" height="1"></rect>`;
    const height = options.max > 0 ? Math.max(1, Math.round((Math.min(value, options.max) / options.max) * HEIGHT)) : 1;
    return html`<rect x="${x}" y="${HEIGHT - height}" width="${BAR}" height="${height}"></rect>`;
  });
  return html`<svg class="chart ${options.tone}" viewBox="0 0 ${width} ${HEIGHT}" width="${width * 1.5}" height="${HEIGHT * 1.5}" role="img" aria-label="${options.label}"><title>${options.label}</title>${bars}</svg>`;
}
