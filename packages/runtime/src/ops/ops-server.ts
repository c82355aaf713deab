import type { Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createHttpServer, securityHeaders, type HttpLimits } from '../http/http-server';
import { checkReadiness, type ReadinessCheck } from './readiness';

export interface OpsServerOptions {
  port: number;
  host: string;
  checks: Record<string, ReadinessCheck>;
  isStopping: () => boolean;
  limits: HttpLimits;
  /** Extra GET routes (e.g. /metrics), answered with the returned body and content type. */
  routes?: Record<string, () => Promise<{ contentType: string; body: string }>>;
}

export interface OpsServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** The small HTTP face of a worker process: liveness, readiness and metrics, nothing else. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server = createHttpServer(options.limits, securityHeaders('same-origin'), (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const reply = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { 'content-type': contentType }).end(body);
    };
    // GET only, so no route ever reads a body: a body sent anyway is refused unread.
    if (req.method !== 'GET') return reply(405, 'application/json', '{"error":"method_not_allowed"}');
    if (path === '/health') return reply(200, 'application/json', '{"status":"ok"}');
    if (path === '/ready') {
      void checkReadiness(options.checks, options.isStopping()).then((report) =>
        reply(report.ready ? 200 : 503, 'application/json', JSON.stringify({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks })),
      );
      return;
    }
    const route = options.routes?.[path];
    if (route) {
      void route().then(
        ({ contentType, body }) => reply(200, contentType, body),
        () => reply(500, 'application/json', '{"error":"internal"}'),
      );
      return;
    }
    reply(404, 'application/json', '{"error":"not_found"}');
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
