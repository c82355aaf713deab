import type { StoredEvent } from '../schema/stored-event';
import { AppError } from '../errors/app-error';
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

export function decodeEventMessage(message: Pick<IncomingMessage, 'value'>): StoredEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value);
  } catch {
    throw new InvalidMessageError('Message is not JSON');
  }
  const envelope = parsed as Partial<Envelope> | null;
  if (!envelope || envelope.v !== VERSION) throw new InvalidMessageError('Unsupported message version');
  const event = envelope.event;
  if (!event || typeof event.id !== 'string' || typeof event.tenantId !== 'string' || typeof event.eventId !== 'string') {
    throw new InvalidMessageError('Message has no event');
  }
  return event;
}
