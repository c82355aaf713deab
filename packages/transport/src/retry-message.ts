import { redactString, type StoredEvent } from '@attribution/core';
import { encodeEventMessage } from './event-message';
import type { MessageHeaders, OutgoingMessage } from './transport';

/** The consent decision that let an event through, carried so a retry sends what the first try could. */
export interface CarriedConsent {
  basis: 'consent' | 'policy';
  adUserData: boolean;
  adPersonalization: boolean;
}

/** Headers a retry message carries beside the original event, so it can be sent alone later. */
export interface RetryHeaders {
  /** The platform id (the dispatcher checks it against the destinations registry). */
  destination: string;
  /** Failed attempts so far. */
  attempt: number;
  dueAt: number;
  /** Set by a replay: send even if the delivery is dead or parked. */
  replay?: boolean;
  /** Absent on a replay: the dispatcher decides consent again. */
  consent?: CarriedConsent;
}

/** Reasons in headers are redacted and bounded: they end up in operators' tools. */
export const MAX_REASON_HEADER = 500;

export function headerReason(reason: string): string {
  return redactString(reason).slice(0, MAX_REASON_HEADER);
}

/** Keyed per tenant and destination, so one platform's retries never queue behind another's. */
export function retryMessage(event: StoredEvent, retry: RetryHeaders, lastError: string, traceHeaders: MessageHeaders = {}): OutgoingMessage {
  return encodeEventMessage(
    event,
    {
      ...traceHeaders,
      'x-destination': retry.destination,
      'x-attempt': String(retry.attempt),
      'x-due-at': String(retry.dueAt),
      ...(retry.replay ? { 'x-replay': '1' } : {}),
      ...(retry.consent ? { 'x-consent': JSON.stringify(retry.consent) } : {}),
      'x-last-error': headerReason(lastError),
    },
    `${event.tenantId}:${retry.destination}`,
  );
}

/** The retry headers of a message, or null when they are missing or malformed. */
export function readRetryHeaders(headers: MessageHeaders): RetryHeaders | null {
  const destination = headers['x-destination'];
  const attempt = Number(headers['x-attempt']);
  const dueAt = Number(headers['x-due-at']);
  if (!destination || !Number.isInteger(attempt) || !Number.isFinite(dueAt)) return null;
  const consent = readConsent(headers['x-consent']);
  if (consent === null) return null;
  return { destination, attempt, dueAt, ...(headers['x-replay'] === '1' ? { replay: true } : {}), ...(consent ? { consent } : {}) };
}

/** undefined: no header; null: a header that does not parse (the message is unreadable). */
function readConsent(header: string | undefined): CarriedConsent | undefined | null {
  if (header === undefined) return undefined;
  try {
    const value = JSON.parse(header) as Partial<CarriedConsent>;
    if ((value.basis === 'consent' || value.basis === 'policy') && typeof value.adUserData === 'boolean' && typeof value.adPersonalization === 'boolean') {
      return { basis: value.basis, adUserData: value.adUserData, adPersonalization: value.adPersonalization };
    }
  } catch {
    // fall through
  }
  return null;
}
