import type { StoredEvent } from '@attribution/core';
import type { ConsentAllowed } from './consent/consent-decision';
import type { EventRules } from './rules/event-rules';

/** A tenant's destination as an adapter sees it: typed settings plus decrypted credentials. */
export interface DestinationConfig<S = unknown, C = unknown> {
  tenantId: string;
  platform: string;
  /** `needs_credentials` after the platform refused the token: events are parked, not sent. */
  status: 'active' | 'needs_credentials';
  settings: S;
  credentials: C;
  /** Sent through the platform's own test mechanism (its `testMechanism`), never into reports. */
  testMode: boolean;
  /** Which events go to this destination and under which name (the dispatcher applies them). */
  rules: EventRules;
}

/** One event on its way out, with the consent decision that let it through (and what it allows). */
export interface OutgoingEvent {
  event: StoredEvent;
  consent: ConsentAllowed;
  /** The event's name at this destination: the tenant's rename rule applied, else its own name. */
  name: string;
  /** A tenant rule chose `name`: a platform's own standard-name table must not override it. */
  renamed: boolean;
}

/**
 * What became of one event at one destination. Exactly one per event sent:
 * - sent: the platform accepted it;
 * - retry: a transient failure (timeout, 5xx, rate limit): try again later;
 * - auth: the credentials were refused: park until an operator renews them;
 * - rejected: the platform (or our pre-flight validation) refused it for good;
 * - skipped: the platform cannot use this event (nothing to attribute it by, no conversion
 *   action for its name): no request was made, and none ever will be.
 * `requestId`: the platform's id of the request that decided the outcome, when its answer carried
 * one (Meta's `fbtrace_id`, TikTok's `request_id`, Google Data Manager's `requestId`); absent when
 * no answer came back, when the platform gives none (GA4), or when no request was made.
 */
export type SendOutcome =
  | { eventPk: string; kind: 'sent'; statusCode: number; requestId?: string }
  | { eventPk: string; kind: 'retry'; statusCode: number | null; reason: string; requestId?: string }
  | { eventPk: string; kind: 'auth'; statusCode: number | null; reason: string; requestId?: string }
  | { eventPk: string; kind: 'rejected'; statusCode: number | null; reason: string; requestId?: string }
  | { eventPk: string; kind: 'skipped'; statusCode: null; reason: string };

/**
 * One per platform, built by its definition (`createAdapter`). The dispatcher knows nothing
 * platform-specific: it hands over at most `limits.maxBatchSize` events (`limits.maxTestBatchSize`
 * in test mode) and gets one outcome each. An adapter may keep state per destination (an OAuth
 * access token, a request-rate limiter), keyed by `tenantId`.
 */
export interface DestinationAdapter<S = unknown, C = unknown> {
  send(events: OutgoingEvent[], destination: DestinationConfig<S, C>): Promise<SendOutcome[]>;
}

/** The stored event under the name this destination gets it by, for mappers that read `eventName`. */
export function namedForDestination(outgoing: OutgoingEvent): StoredEvent {
  return outgoing.name === outgoing.event.eventName ? outgoing.event : { ...outgoing.event, eventName: outgoing.name };
}
