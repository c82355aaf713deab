import type { ClickIds, Consent, CustomData, StoredEvent, StoredUserData } from '@attribution/core';
import type { Event } from '../generated/prisma/client';

/**
 * The bus and the dispatcher see events in one shape, whatever the row looks like. The page
 * context is left out on purpose: it is the tenant's, and what is not on the bus cannot reach
 * an ad platform (readers may skip the column).
 */
export function toStoredEvent(row: Omit<Event, 'context'>): StoredEvent {
  return {
    id: row.id.toString(),
    tenantId: row.tenantId,
    eventId: row.eventId,
    eventName: row.eventName,
    eventTime: Math.floor(row.eventTime.getTime() / 1000),
    receivedAt: row.receivedAt.toISOString(),
    actionSource: row.actionSource,
    sourceUrl: row.sourceUrl,
    ipAddress: row.ipAddress,
    userAgent: row.userAgent,
    userData: row.userData as StoredUserData,
    clickIds: row.clickIds as ClickIds,
    customData: row.customData as CustomData,
    consent: (row.consent as Consent | null) ?? null,
    traceId: row.traceId,
  };
}
