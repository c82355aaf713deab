import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SitePage {
  /** Script run before the snippet: a stub CMP, gtag's consent defaults... */
  head?: string;
  /** Script run after the snippet, e.g. a custom event. */
  body?: string;
  /** Whether the page installs the snippet at all (the tracking.js URL is the engine's). */
  snippet?: boolean;
}

/**
 * A merchant's site for browser tests: each path serves the page registered for it, with the
 * documented snippet pointing at the engine, so the pixel runs exactly as installed on a site.
 */
export class SiteServer {
  private readonly pages = new Map<string, SitePage>();
  private server: Server | undefined;
  private snippet = { publicKey: '', collectOrigin: '', version: 'v1' };
  port = 0;

  /** The tenant's key and the engine's origin; known after start(), since the key's allowed origin needs the port. */
  install(snippet: { publicKey: string; collectOrigin: string; version?: string }): this {
    this.snippet = { version: 'v1', ...snippet };
    return this;
  }

  page(path: string, page: SitePage = {}): this {
    this.pages.set(path, page);
    return this;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const page = this.pages.get(new URL(req.url ?? '/', 'http://site').pathname);
      if (!page) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(this.html(page));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private html(page: SitePage): string {
    const { publicKey, collectOrigin, version } = this.snippet;
    const snippet =
      page.snippet === false
        ? ''
        : `<script>
  window.attribution=window.attribution||function(){(attribution.q=attribution.q||[]).push(arguments)};
  attribution('init',{key:${JSON.stringify(publicKey)}});
</script>
<script async src="${collectOrigin}/${version}/tracking.js"></script>`;
    return `<!doctype html>
<html><head><meta charset="utf-8"><title>shop</title>
${page.head ? `<script>${page.head}</script>` : ''}
${snippet}
</head><body><a id="next" href="/next">next</a>
${page.body ? `<script>${page.body}</script>` : ''}
</body></html>`;
  }
}
