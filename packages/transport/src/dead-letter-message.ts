import type { IncomingMessage, OutgoingMessage } from './transport';
import { headerReason } from './retry-message';

export interface DeadLetterInfo {
  /** Where it failed: `decode` (events topic), `retry` (a retry tier), `dispatch` (past the horizon), `unexpected` (an error no retry cures, the message alone). */
  step: 'decode' | 'retry' | 'dispatch' | 'unexpected';
  reason: string;
  /** The platform, when the message was for one. */
  destination?: string;
  /** Failed attempts, when it was sent at all. */
  attempts?: number;
}

/**
 * The one dead-letter builder: the original key, bytes and headers as they came (PostHog-style
 * provenance), plus why and where it ended here. The reason is redacted like a log line: it may
 * quote the message (a decode error, a platform's answer).
 */
export function deadLetterMessage(original: Pick<IncomingMessage, 'key' | 'value' | 'headers'> | OutgoingMessage, info: DeadLetterInfo, now = new Date()): OutgoingMessage {
  return {
    key: original.key ?? '',
    value: original.value,
    headers: {
      ...original.headers,
      'dlq-reason': headerReason(info.reason),
      'dlq-step': info.step,
      'dlq-destination': info.destination ?? '',
      'dlq-attempts': String(info.attempts ?? 0),
      'dlq-timestamp': now.toISOString(),
    },
  };
}
