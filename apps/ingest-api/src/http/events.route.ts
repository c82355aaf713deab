import { Router, json } from 'express';
import { setLogContext } from '@attribution/core';
import type { ApiKeyService, AuthenticatedTenant } from '../auth/api-key.service';
import type { EventService } from '../events/event.service';
import { validateEvents } from '../events/validate-events';
import { ForbiddenError } from '../events/ingest-errors';
import { requireJson } from './require-json';

export interface EventsRouteDeps {
  apiKeys: ApiKeyService;
  events: EventService;
  bodyLimitBytes: number;
  now?: () => number;
}

export function eventsRoute(deps: EventsRouteDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;

  router.post(
    '/v1/events',
    requireJson(),
    // Authenticate before reading the body: an unknown key costs no parsing.
    async (req, res, next) => {
      const tenant = await deps.apiKeys.authenticate(extractKey(req.get('authorization'), req.get('x-api-key'), req.query['key']));
      checkOrigin(tenant, req.get('origin'));
      setLogContext({ tenantId: tenant.tenantId });
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

function checkOrigin(tenant: AuthenticatedTenant, origin: string | undefined): void {
  if (tenant.keyKind !== 'public') return;
  if (!origin || !tenant.allowedOrigins.includes(origin)) {
    throw new ForbiddenError('Origin is not allowed for this key');
  }
}
