/**
 * HTML that is escaped by construction: every value interpolated into an `html` template is
 * escaped unless it is markup made by an `html` template (or `joinHtml`) itself. Nothing else
 * can make such markup (the WeakSet below is private to this module, so an object that merely
 * looks like it is escaped like any other value), and so the only tags and attributes a page can
 * contain are those written in this code base.
 */
export interface SafeHtml {
  readonly markup: string;
  toString(): string;
}

const made = new WeakSet<SafeHtml>();

function safe(markup: string): SafeHtml {
  const value: SafeHtml = Object.freeze({ markup, toString: () => markup });
  made.add(value);
  return value;
}

export function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && made.has(value as SafeHtml);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/** What may be interpolated: text (escaped), numbers, markup, lists of these; nothing for null, undefined and false. */
export type HtmlValue = SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (isSafeHtml(value)) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** The tagged template: `html\`<td>${name}</td>\`` escapes `name`. Attribute values must be quoted. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let markup = strings[0]!;
  values.forEach((value, i) => {
    markup += render(value) + strings[i + 1]!;
  });
  return safe(markup);
}

/** Items rendered one after another, with an optional separator (itself markup). */
export function joinHtml(items: readonly HtmlValue[], separator: SafeHtml = html``): SafeHtml {
  return safe(items.map(render).join(separator.markup));
}
