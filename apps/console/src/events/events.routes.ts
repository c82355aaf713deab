import { Router } from 'express';
import type { DeliveryAttemptRepository, DestinationRepository, EventLookupRepository, TenantRepository } from '@attribution/db';
import { sessionOf } from '../auth/session.middleware';
import type { SessionStore } from '../auth/session-store';
import { layout } from '../html/layout';
import { PageNotFoundError } from '../http/console-errors';
import { pageTenant } from '../tenants/tenants.routes';
import { eventDetailPage } from './event-detail.page';
import { eventRows } from './event-rows';
import { liveEventsPage } from './live-events.page';
import type { LiveStreams } from './live-streams';

export interface EventsDeps {
  tenants: TenantRepository;
  destinations: DestinationRepository;
  events: EventLookupRepository;
  attempts: DeliveryAttemptRepository;
  sessions: SessionStore;
  live: LiveStreams;
  jaegerUiUrl: string | null;
}

/** Events in the live view. */
const LIVE_LIMIT = 50;

export function eventsRoutes(deps: EventsDeps): Router {
  const router = Router();
  const rowsOf = async (tenantId: string) => {
    const [events, destinations] = await Promise.all([deps.events.recent(tenantId, LIVE_LIMIT), deps.destinations.listForTenant(tenantId)]);
    return eventRows(tenantId, events, destinations.map((d) => d.platform));
  };

  router.get('/tenants/:tenantId/events', async (req, res) => {
    const tenant = await pageTenant(deps.tenants, req.params.tenantId);
    const page = liveEventsPage(`/tenants/${tenant.id}/live-stream`, await rowsOf(tenant.id), LIVE_LIMIT);
    res.type('html').send(layout({ title: `Live events · ${tenant.name}`, csrfToken: sessionOf(res).csrfToken, tenant }, page).toString());
  });

  router.get('/tenants/:tenantId/live-stream', async (req, res) => {
    const tenant = await pageTenant(deps.tenants, req.params.tenantId);
    const sessionId = sessionOf(res).id;
    deps.live.serve(req, res, { render: async () => (await rowsOf(tenant.id)).toString(), stillSignedIn: () => deps.sessions.find(sessionId) !== null });
  });

  router.get('/tenants/:tenantId/events/:eventId', async (req, res) => {
    const tenant = await pageTenant(deps.tenants, req.params.tenantId);
    const event = await deps.events.byEventId(tenant.id, req.params.eventId);
    if (!event) throw new PageNotFoundError('No such event for this tenant');
    const attempts = await deps.attempts.forEvent(tenant.id, event);
    res.type('html').send(layout({ title: `${event.eventName} ${event.eventId}`, csrfToken: sessionOf(res).csrfToken, tenant }, eventDetailPage(event, attempts, deps.jaegerUiUrl)).toString());
  });
  return router;
}
