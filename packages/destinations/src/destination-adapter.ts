import type { StoredEvent } from '@attribution/core';
import type { ConsentAllowed } from './consent/consent-decision';

/** A tenant's destination as an adapter sees it: typed settings plus decrypted credentials. */
export interface DestinationConfig<S = unknown, C = unknown> {
  tenantId: string;
  platform: string;
  /** `needs_credentials` after the platform refused the token: events are parked, not sent. */
  status: 'active' | 'needs_credentials';
  settings: S;
  credentials: C;
}

/** One event on its way out, with the consent decision that let it through (and what it allows). */
export interface OutgoingEvent {
  event: StoredEvent;
  consent: ConsentAllowed;
}

/**
 * What became of one event at one destination. Exactly one per event sent:
 * - sent: the platform accepted it;
 * - retry: a transient failure (timeout, 5xx, rate limit): try again later;
 * - auth: the credentials were refused: park until an operator renews them;
 * - rejected: the platform (or our pre-flight validation) refused it for good.
 */
export type SendOutcome =
  | { eventPk: string; kind: 'sent'; statusCode: number }
  | { eventPk: string; kind: 'retry'; statusCode: number | null; reason: string }
  | { eventPk: string; kind: 'auth'; statusCode: number | null; reason: string }
  | { eventPk: string; kind: 'rejected'; statusCode: number | null; reason: string };

/**
 * One per platform, built by its definition (`createAdapter`). The dispatcher knows nothing
 * platform-specific: it hands over at most `limits.maxBatchSize` events and gets one outcome each.
 */
export interface DestinationAdapter<S = unknown, C = unknown> {
  send(events: OutgoingEvent[], destination: DestinationConfig<S, C>): Promise<SendOutcome[]>;
}
