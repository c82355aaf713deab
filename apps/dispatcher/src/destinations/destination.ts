import type { StoredEvent } from '@attribution/core';

export type Platform = 'meta' | 'ga4';

/** A tenant's destination as the dispatcher uses it: settings plus decrypted credentials. */
export interface DestinationConfig {
  tenantId: string;
  platform: Platform;
  /** `needs_credentials` after the platform refused the token: events are parked, not sent. */
  status: 'active' | 'needs_credentials';
  settings: Record<string, unknown>;
  credentials: Record<string, unknown>;
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
 * One module per ad platform implements this; the consumer knows nothing platform-specific,
 * so adding TikTok is a new folder, not a change to the consumer.
 */
export interface DestinationAdapter {
  readonly platform: Platform;
  readonly maxBatchSize: number;
  /** How long after the event the platform still accepts it; retries stop before that. */
  readonly retryHorizonSeconds: number;
  send(events: StoredEvent[], config: DestinationConfig): Promise<SendOutcome[]>;
}
