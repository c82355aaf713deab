import type { Context } from '@opentelemetry/api';
import type { StoredEvent } from '@attribution/core';
import type { DeliveryRecord } from '@attribution/db';
import type { ConsentAllowed, Platform } from '@attribution/destinations';
import type { CarriedConsent } from '@attribution/transport';

/** One event on its way to one destination. */
export interface DeliveryJob {
  event: StoredEvent;
  /** Failed attempts before this one (0 on the first). */
  failedAttempts: number;
  /** An operator asked to send it again although it is dead or parked. */
  replay?: boolean;
  /** The decision of the first attempt, carried by a retry message; absent: decide now. */
  consent?: CarriedConsent;
  /** The trace this event belongs to (its consume span), for the consent and send spans. */
  trace?: Context;
}

/** A job the rules and the consent switch let through, with what goes with it to the adapter. */
export interface AllowedJob {
  job: DeliveryJob;
  consent: ConsentAllowed;
  /** The event's name at this destination (after the tenant's rename rule). */
  name: string;
  renamed: boolean;
}

/** A log line the orchestration writes for an outcome (with destination, event id and trace id). */
export interface OutcomeNote {
  level: 'info' | 'warn' | 'error';
  event: string;
  destination: Platform;
  job: DeliveryJob;
  meta: Record<string, unknown>;
}

export function deliveryRecord(
  job: DeliveryJob,
  destination: Platform,
  status: DeliveryRecord['status'],
  detail: { statusCode?: number | null; error?: string | null; requestId?: string | undefined; attempted?: boolean; nextAttemptAt?: Date | null } = {},
): DeliveryRecord {
  return {
    eventPk: job.event.id,
    eventReceivedAt: job.event.receivedAt,
    tenantId: job.event.tenantId,
    destination,
    status,
    statusCode: detail.statusCode ?? null,
    error: detail.error ?? null,
    requestId: detail.requestId ?? null,
    nextAttemptAt: detail.nextAttemptAt ?? null,
    attempted: detail.attempted ?? false,
  };
}
