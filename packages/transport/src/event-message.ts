import type { StoredEvent } from '@attribution/core';
import { AppError } from '@attribution/runtime';
import type { IncomingMessage, MessageHeaders, OutgoingMessage } from './transport';

const VERSION = 1;

/** A message no code version can read; it goes to the dead-letter topic, never retried. */
export class InvalidMessageError extends AppError {
  readonly code = 'invalid_message';
  readonly retryable = false;
}

interface Envelope {
  v: number;
  event: StoredEvent;
}

/** Keyed by tenant by default, so one tenant's events keep their order on one partition. */
export function encodeEventMessage(event: StoredEvent, headers: MessageHeaders = {}, key = event.tenantId): OutgoingMessage {
  const envelope: Envelope = { v: VERSION, event };
  return { key, value: JSON.stringify(envelope), headers };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function decodeEventMessage(message: Pick<IncomingMessage, 'value'>): StoredEvent {
  let text: string;
  try {
    text = UTF8.decode(message.value);
  } catch {
    throw new InvalidMessageError('Message is not UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidMessageError('Message is not JSON');
  }
  const envelope = parsed as Partial<Envelope> | null;
  if (!envelope || envelope.v !== VERSION) throw new InvalidMessageError('Unsupported message version');
  const event = envelope.event;
  if (!event || typeof event.id !== 'string' || typeof event.tenantId !== 'string' || typeof event.eventId !== 'string') {
    throw new InvalidMessageError('Message has no event');
  }
  // The day partition its deliveries are recorded in: without it, no outcome could be stored.
  if (typeof event.receivedAt !== 'string' || Number.isNaN(Date.parse(event.receivedAt))) {
    throw new InvalidMessageError('Message has no receipt time');
  }
  return event;
}
