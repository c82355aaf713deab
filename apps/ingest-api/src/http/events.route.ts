import { Router, json } from 'express';
import { setLogContext } from '@attribution/core';
import type { ApiKeyService, AuthenticatedTenant } from '../auth/api-key.service';
import type { EventService } from '../events/event.service';
import { ForbiddenError } from '../auth/auth-errors';
import { validateEvents } from '../events/validate-events';
import { corsHeaders, preflight } from './cors';
import type { RateLimiter } from './rate-limiter';
import { requireJson } from './require-json';
import { spanRoute } from './trace-context';

export interface EventsRouteDeps {
  apiKeys: ApiKeyService;
  events: EventService;
  rateLimiter: RateLimiter;
  bodyLimitBytes: number;
  now?: () => number;
}

export function eventsRoute(deps: EventsRouteDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;

  router.options('/v1/events', spanRoute('/v1/events'), corsHeaders(), preflight());
  router.post(
    '/v1/events',
    spanRoute('/v1/events'),
    corsHeaders(),
    requireJson(),
    // Authenticate and rate-limit before reading the body: refused requests cost no parsing.
    async (req, res, next) => {
      const tenant = await deps.apiKeys.authenticate(extractKey(req.get('authorization'), req.get('x-api-key'), req.query['key']));
      checkOrigin(tenant, req.get('origin'));
      setLogContext({ tenantId: tenant.tenantId });
      deps.rateLimiter.take(tenant.tenantId);
      res.locals['tenant'] = tenant;
      next();
    },
    json({ limit: deps.bodyLimitBytes, strict: false, type: () => true }),
    async (req, res) => {
      const tenant = res.locals['tenant'] as AuthenticatedTenant;
      const events = validateEvents(req.body, Math.floor(now() / 1000));
      const result = await deps.events.accept(tenant, events, {
        ip: req.ip ?? null,
        userAgent: req.get('user-agent') ?? null,
        traceId: res.locals['traceId'] as string,
      });
      res.status(202).json({ ...result, trace_id: res.locals['traceId'] });
    },
  );
  return router;
}

function extractKey(authorization: string | undefined, header: string | undefined, query: unknown): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (bearer) return bearer;
  if (header) return header;
  // Only browser keys may travel in the URL (sendBeacon cannot set headers); a secret key in a
  // URL would end up in proxy logs.
  return typeof query === 'string' && query.startsWith('pk_') ? query : undefined;
}

/**
 * A public key works only from its tenant's allowed origins. A secret key seen with an Origin
 * header is being used from a web page, which means it has leaked: refuse it loudly.
 */
function checkOrigin(tenant: AuthenticatedTenant, origin: string | undefined): void {
  if (tenant.keyKind === 'secret') {
    if (origin) throw new ForbiddenError('Secret keys must not be used from a browser; use the public key');
    return;
  }
  if (!origin || !tenant.allowedOrigins.includes(origin)) {
    throw new ForbiddenError('Origin is not allowed for this key');
  }
}
