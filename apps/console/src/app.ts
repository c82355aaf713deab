import express, { type Express } from 'express';
import type { Logger } from '@attribution/core';
import type { DeliveryAttemptRepository, DeliveryReviewRepository, DestinationRepository, EventLookupRepository, ReplayableQuery, TenantRepository } from '@attribution/db';
import { parseTrustProxy, type ReadinessCheck } from '@attribution/runtime';
import { authRoutes } from './auth/auth.routes';
import { requireCsrf, requireSession } from './auth/session.middleware';
import type { SessionStore } from './auth/session-store';
import { deliveriesRoutes } from './deliveries/deliveries.routes';
import { eventsRoutes } from './events/events.routes';
import type { LiveStreams } from './events/live-streams';
import { PageNotFoundError } from './http/console-errors';
import { errorHandler } from './http/error-handler';
import { healthRoutes } from './http/health.routes';
import { pageHeaders } from './http/page-headers';
import { staticRoutes } from './http/static.routes';
import { tenantsRoutes } from './tenants/tenants.routes';

/** What the pages read: every method takes the tenant of the page. */
export interface ConsoleReads {
  tenants: TenantRepository;
  destinations: DestinationRepository;
  events: EventLookupRepository;
  deliveries: DeliveryReviewRepository;
  attempts: DeliveryAttemptRepository;
}

export interface ConsoleAppDeps {
  logger: Logger;
  reads: ConsoleReads;
  replay: (query: ReplayableQuery) => Promise<{ replayed: number }>;
  sessions: SessionStore;
  live: LiveStreams;
  auth: { adminToken: string; sessionTtlMs: number };
  readiness: Record<string, ReadinessCheck>;
  isStopping: () => boolean;
  http: { trustProxy: string };
  jaegerUiUrl: string | null;
  now?: () => number;
}

/** Builds the console without listening, so tests drive it with Supertest. */
export function createApp(deps: ConsoleAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // req.secure (the Secure cookie) follows X-Forwarded-Proto only from these proxies.
  app.set('trust proxy', parseTrustProxy(deps.http.trustProxy));
  app.use(healthRoutes(deps.readiness, deps.isStopping));
  app.use(pageHeaders());
  app.use(staticRoutes());
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 600 }));
  app.use(authRoutes({ ...deps.auth, sessions: deps.sessions, logger: deps.logger }));
  // Everything below needs a session, and every POST below its CSRF token.
  app.use(requireSession(deps.sessions), requireCsrf());
  app.get('/', (_req, res) => res.redirect(303, '/tenants'));
  app.use(tenantsRoutes(deps.reads, deps.now ?? Date.now));
  app.use(eventsRoutes({ ...deps.reads, sessions: deps.sessions, live: deps.live, jaegerUiUrl: deps.jaegerUiUrl }));
  app.use(deliveriesRoutes({ tenants: deps.reads.tenants, deliveries: deps.reads.deliveries, replay: deps.replay, logger: deps.logger }));
  app.use(() => {
    throw new PageNotFoundError('No such page');
  });
  app.use(errorHandler(deps.logger));
  return app;
}
