import { encodeEventMessage, redactString, type MessageHeaders, type OutgoingMessage, type StoredEvent } from '@attribution/core';
import type { Platform } from '../destinations/destination';

/** Headers a retry message carries beside the original event, so it can be sent alone later. */
export interface RetryHeaders {
  destination: Platform;
  /** Failed attempts so far. */
  attempt: number;
  dueAt: number;
  /** Set by a replay: send even if the delivery is dead or parked. */
  replay?: boolean;
}

const MAX_ERROR_HEADER = 500;

/** Keyed per tenant and destination, so one platform's retries never queue behind another's. */
export function retryMessage(event: StoredEvent, retry: RetryHeaders, lastError: string, traceHeaders: MessageHeaders = {}): OutgoingMessage {
  return encodeEventMessage(event, {
    ...traceHeaders,
    'x-destination': retry.destination,
    'x-attempt': String(retry.attempt),
    'x-due-at': String(retry.dueAt),
    ...(retry.replay ? { 'x-replay': '1' } : {}),
    'x-last-error': redactString(lastError).slice(0, MAX_ERROR_HEADER),
  }, `${event.tenantId}:${retry.destination}`);
}

export function readRetryHeaders(headers: MessageHeaders): RetryHeaders | null {
  const destination = headers['x-destination'];
  const attempt = Number(headers['x-attempt']);
  const dueAt = Number(headers['x-due-at']);
  if ((destination !== 'meta' && destination !== 'ga4') || !Number.isInteger(attempt) || !Number.isFinite(dueAt)) return null;
  return { destination, attempt, dueAt, ...(headers['x-replay'] === '1' ? { replay: true } : {}) };
}

/** The original event plus why it ended here (PostHog-style provenance headers). */
export function deadLetterMessage(
  event: StoredEvent,
  info: { destination: Platform | null; step: string; reason: string; attempts: number },
): OutgoingMessage {
  return encodeEventMessage(event, {
    'dlq-reason': redactString(info.reason).slice(0, MAX_ERROR_HEADER),
    'dlq-step': info.step,
    'dlq-destination': info.destination ?? '',
    'dlq-attempts': String(info.attempts),
    'dlq-timestamp': new Date().toISOString(),
  });
}
