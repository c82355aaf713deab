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
  headers?: Record<string, string>;
}

/** A time-boxed outage: every request gets `reply`, or none at all (`hang`: the caller's timeout ends it). */
export type FakeOutage = { reply: FakeReply } | { hang: true };

/**
 * What every strict stand-in for an ad platform shares: an HTTP server on a free loopback port,
 * and a way to await the events it accepted instead of sleeping. Each platform's fake validates
 * requests as that platform documents (its `handle`).
 */
export abstract class FakePlatformServer {
  private readonly waiters: Array<() => void> = [];
  private server: Server | undefined;
  private outage: { until: number; fault: FakeOutage } | undefined;
  /** Requests answered (or held) by an outage instead of being handled. */
  outageRequests = 0;
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
      const outage = this.outage && Date.now() < this.outage.until ? this.outage.fault : undefined;
      if (outage) {
        this.outageRequests += 1;
        // Read and dropped, as a failing load balancer would; a hanging one never answers.
        req.resume();
        if ('reply' in outage) write(res, outage.reply);
        return;
      }
      void this.handle(req).then((reply) => {
        write(res, reply);
        this.waiters.splice(0).forEach((wake) => wake());
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** For the next `ms`, the platform is down as `fault` says (fault-injection tests); then it is itself again. */
  failFor(fault: FakeOutage, ms: number): void {
    this.outage = { until: Date.now() + ms, fault };
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

function write(res: ServerResponse, { status, body, headers = {} }: FakeReply): void {
  if (body === undefined) res.writeHead(status, headers).end();
  else if (typeof body === 'string') res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
  else res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
