import { CLICK_ID_KEYS, type ClickIds, type TrackedEvent } from '@attribution/core';
import type { NewEventRow } from '@attribution/db';
import { hashUserData } from '@attribution/destinations';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { toStoredContext } from './page-context';

export interface RequestFacts {
  /** The connection's address, after the trusted-proxy rules. */
  ip: string | null;
  userAgent: string | null;
  traceId: string;
}

/**
 * Turns a validated event into the row we store: identifiers hashed per platform, click ids
 * verbatim, and nothing raw left behind. A browser (public key) cannot choose the IP or user
 * agent: those come from the connection, so one visitor cannot pose as another.
 */
export function toEventRow(event: TrackedEvent, tenant: AuthenticatedTenant, request: RequestFacts): NewEventRow {
  const userData = event.user_data ?? {};
  const fromBrowser = tenant.keyKind === 'public';
  const clickIds: ClickIds = {};
  for (const key of CLICK_ID_KEYS) {
    const value = userData[key];
    if (value) clickIds[key] = value;
  }
  return {
    tenantId: tenant.tenantId,
    eventId: event.event_id,
    eventName: event.event_name,
    eventTime: new Date(event.event_time * 1000),
    actionSource: event.action_source ?? 'website',
    sourceUrl: event.event_source_url ?? null,
    ipAddress: fromBrowser ? request.ip : (userData.client_ip_address ?? null),
    userAgent: fromBrowser ? request.userAgent : (userData.client_user_agent ?? null),
    userData: hashUserData(userData, { defaultCountry: tenant.defaultCountry }),
    clickIds,
    customData: event.custom_data ?? {},
    consent: event.consent ?? null,
    context: toStoredContext(event.context),
    traceId: request.traceId,
  };
}
