import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '@attribution/core';
import type { PublishedPixel } from '@attribution/pixel';
import { parseTrustProxy, type ReadinessCheck } from '@attribution/runtime';
import type { ApiKeyService } from './auth/api-key.service';
import type { EventService } from './events/event.service';
import { sendError } from './http/error-codes';
import { errorHandler } from './http/error-handler';
import { eventsRoute } from './http/events.route';
import { healthRoute } from './http/health.route';
import type { RateLimiter } from './http/rate-limiter';
import { traceContext } from './http/trace-context';
import { openApiRoute } from './openapi/openapi.route';
import { pixelRoute } from './pixel/pixel.route';

export interface AppDeps {
  logger: Logger;
  apiKeys: ApiKeyService;
  events: EventService;
  rateLimiter: RateLimiter;
  readiness: Record<string, ReadinessCheck>;
  /** Served at /<version>/tracking.js; already verified against the manifest. */
  pixels: readonly PublishedPixel[];
  /** The OpenAPI document of this build (dist/openapi.json), served at /v1/openapi.json. */
  openApiDocument: Buffer;
  isStopping: () => boolean;
  http: { bodyLimitBytes: number; trustProxy: string };
  metrics?: {
    middleware: RequestHandler;
    pixelServed?: (version: string, status: 200 | 304) => void;
  };
  now?: () => number;
}

/** Builds the HTTP app without listening, so tests drive it with Supertest. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Express hashes every response body into an ETag by default; for 202s and errors nobody
  // revalidates, that is a SHA-1 per request for nothing. The pixel and the OpenAPI document set their own.
  app.set('etag', false);
  app.set('trust proxy', parseTrustProxy(deps.http.trustProxy));
  // Before the trace context: responses CDNs share must not carry one visitor's trace id, and
  // probes (every few seconds, from every orchestrator) are not
  // requests anyone looks for in Jaeger; they would also use up the sampler's budget.
  app.use(pixelRoute(deps.pixels, deps.metrics?.pixelServed));
  app.use(openApiRoute(deps.openApiDocument));
  app.use(healthRoute(deps.readiness, deps.isStopping));
  app.use(traceContext());
  if (deps.metrics) app.use(deps.metrics.middleware);
  app.use(
    eventsRoute({
      apiKeys: deps.apiKeys,
      events: deps.events,
      rateLimiter: deps.rateLimiter,
      bodyLimitBytes: deps.http.bodyLimitBytes,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use((_req, res) => sendError(res, 'not_found'));
  app.use(errorHandler(deps.logger));
  return app;
}
