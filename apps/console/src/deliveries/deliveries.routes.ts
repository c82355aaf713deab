import { Router } from 'express';
import type { Logger } from '@attribution/core';
import type { DeliveryReviewRepository, ReplayableQuery, TenantRepository } from '@attribution/db';
import { sessionOf } from '../auth/session.middleware';
import { layout } from '../html/layout';
import { pageTenant } from '../tenants/tenants.routes';
import { replayConfirmPage, replayDonePage } from './replay.page';
import { stuckDeliveriesPage } from './stuck-deliveries.page';
import { selectedIds, stuckFilter } from './stuck-filter';

export interface DeliveriesDeps {
  tenants: TenantRepository;
  deliveries: DeliveryReviewRepository;
  /** The CLI's replay path (replayDeliveries of @attribution/cli) over this process's producer. */
  replay: (query: ReplayableQuery) => Promise<{ replayed: number }>;
  logger: Logger;
}

const LIST_LIMIT = 200;
const BOTH: Array<'dead' | 'parked'> = ['dead', 'parked'];

export function deliveriesRoutes(deps: DeliveriesDeps): Router {
  const router = Router();
  router.get('/tenants/:tenantId/deliveries', async (req, res) => {
    const tenant = await pageTenant(deps.tenants, req.params.tenantId);
    const { filter, form } = stuckFilter(tenant.id, req.query);
    const deliveries = await deps.deliveries.stuck(filter, LIST_LIMIT);
    const { csrfToken } = sessionOf(res);
    res.type('html').send(layout({ title: `Dead letters and parked · ${tenant.name}`, csrfToken, tenant }, stuckDeliveriesPage(tenant.id, form, deliveries, LIST_LIMIT, csrfToken)).toString());
  });

  // Step one: show what the selection holds (only this tenant's dead or parked deliveries).
  router.post('/tenants/:tenantId/deliveries/replay', async (req, res) => {
    const tenant = await pageTenant(deps.tenants, req.params.tenantId);
    const ids = selectedIds(req.body);
    const deliveries = await deps.deliveries.stuck({ tenantId: tenant.id, statuses: BOTH, ids }, ids.length);
    const { csrfToken } = sessionOf(res);
    res.type('html').send(layout({ title: 'Confirm the replay', csrfToken, tenant }, replayConfirmPage(tenant.id, deliveries, csrfToken)).toString());
  });

  // Step two: publish them, through the same path as `attribution deliveries replay`.
  router.post('/tenants/:tenantId/deliveries/replay/confirm', async (req, res) => {
    const tenant = await pageTenant(deps.tenants, req.params.tenantId);
    const ids = selectedIds(req.body);
    const { replayed } = await deps.replay({ tenantId: tenant.id, statuses: BOTH, ids });
    deps.logger.info('console_replay', { tenant_id: tenant.id, selected: ids.length, replayed });
    res.type('html').send(layout({ title: 'Replay sent', csrfToken: sessionOf(res).csrfToken, tenant }, replayDonePage(tenant.id, replayed)).toString());
  });
  return router;
}
