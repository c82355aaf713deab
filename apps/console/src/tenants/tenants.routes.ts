import { Router } from 'express';
import type { DeliveryReviewRepository, DestinationRepository, Tenant, TenantRepository } from '@attribution/db';
import { sessionOf } from '../auth/session.middleware';
import { layout } from '../html/layout';
import { PageNotFoundError } from '../http/console-errors';
import { tenantIdParam } from '../http/params';
import { destinationStats, hourStarts } from './destination-stats';
import { tenantPage } from './tenant.page';
import { tenantsPage } from './tenants.page';

export interface TenantReads {
  tenants: TenantRepository;
  destinations: DestinationRepository;
  deliveries: DeliveryReviewRepository;
}

/** The tenant a page is about, from its path; 404 when there is none. */
export async function pageTenant(tenants: TenantRepository, rawId: string | undefined): Promise<Tenant> {
  const tenant = await tenants.find(tenantIdParam(rawId));
  if (!tenant) throw new PageNotFoundError('No such tenant');
  return tenant;
}

const CHART_HOURS = 24;

export function tenantsRoutes(reads: TenantReads, now: () => number): Router {
  const router = Router();
  router.get('/tenants', async (_req, res) => {
    const tenants = await reads.tenants.list();
    const rows = await Promise.all(tenants.map(async (tenant) => ({ tenant, destinations: await reads.destinations.listForTenant(tenant.id) })));
    res.type('html').send(layout({ title: 'Tenants', csrfToken: sessionOf(res).csrfToken }, tenantsPage(rows)).toString());
  });

  router.get('/tenants/:tenantId', async (req, res) => {
    const tenant = await pageTenant(reads.tenants, req.params.tenantId);
    const at = now();
    const hours = hourStarts(at, CHART_HOURS);
    const [destinations, lastHour, hourly] = await Promise.all([
      reads.destinations.listForTenant(tenant.id),
      reads.deliveries.hourlyOutcomes(tenant.id, new Date(at - 3_600_000)),
      reads.deliveries.hourlyOutcomes(tenant.id, hours[0]!),
    ]);
    const withStats = destinations.map((destination) => ({ destination, stats: destinationStats(destination.platform, lastHour, hourly, hours) }));
    res.type('html').send(layout({ title: tenant.name, csrfToken: sessionOf(res).csrfToken, tenant }, tenantPage(tenant, withStats)).toString());
  });
  return router;
}
