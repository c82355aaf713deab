import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Destination `n` of a platform as an operator would set it: settings and credentials its fake
 * accepts (registered with it), for tests and benchmarks that configure every platform.
 */
export interface ProvisionedDestination {
  settings: Record<string, string>;
  credentials: Record<string, string>;
}

export interface FakeReply {
  status: number;
  /** Sent as JSON; a string as it is; nothing when absent. */
  body?: unknown;
}

/**
 * What every strict stand-in for an ad platform shares: an HTTP server on a free loopback port,
 * and a way to await the events it accepted instead of sleeping. Each platform's fake validates
 * requests as that platform documents (its `handle`).
 */
export abstract class FakePlatformServer {
  private readonly waiters: Array<() => void> = [];
  private server: Server | undefined;
  baseUrl = '';

  /** The platform's environment variables that point a dispatcher at this fake. */
  abstract env(): Record<string, string>;

  /** Events accepted so far (valid and authorised). */
  protected abstract acceptedCount(): number;
  /** Why `waitForEvents` gave up, in the platform's terms. */
  protected abstract shortfall(count: number): string;
  protected abstract handle(req: IncomingMessage): Promise<FakeReply>;

  /** Resolves once at least `count` events have been accepted. */
  async waitForEvents(count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.acceptedCount() < count) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(this.shortfall(count));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Listens on a free loopback port; `baseUrl` is that origin plus `path`. */
  protected async listen(path = ''): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then((reply) => {
        write(res, reply);
        this.waiters.splice(0).forEach((wake) => wake());
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

function write(res: ServerResponse, { status, body }: FakeReply): void {
  if (body === undefined) res.writeHead(status).end();
  else if (typeof body === 'string') res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
