import { html, type HtmlValue, type SafeHtml } from './html';

export interface PageChrome {
  title: string;
  /** Present once signed in: the sign-out form needs the session's CSRF token. */
  csrfToken?: string;
  /** The tenant the page is about: its pages appear in the navigation. */
  tenant?: { id: string; name: string };
}

/** The shell of every page. No inline script or style: the CSP allows only /assets/ files. */
export function layout(chrome: PageChrome, body: HtmlValue): SafeHtml {
  const tenant = chrome.tenant;
  const base = tenant ? `/tenants/${encodeURIComponent(tenant.id)}` : '';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${chrome.title} · Attribution console</title>
<link rel="stylesheet" href="/assets/console.css">
<script src="/assets/live.js" defer></script>
</head><body>
<header class="top"><a class="brand" href="/tenants">Attribution console</a>
${tenant
    ? html`<nav><a href="${base}">${tenant.name}</a> <a href="${base}/events">Live events</a> <a href="${base}/deliveries">Dead letters &amp; parked</a></nav>`
    : null}
${chrome.csrfToken
    ? html`<form class="sign-out" method="post" action="/sign-out"><input type="hidden" name="_csrf" value="${chrome.csrfToken}"><button type="submit">Sign out</button></form>`
    : null}
</header>
<main><h1>${chrome.title}</h1>
${body}
</main></body></html>`;
}
