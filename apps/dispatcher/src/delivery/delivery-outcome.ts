import type { DeliveryRecord } from '@attribution/db';
import type { ConsentAllowed, Platform, SendOutcome } from '@attribution/destinations';
import { deadLetterMessage, encodeEventMessage, retryMessage, type OutgoingMessage, type RetryTopic } from '@attribution/transport';
import { injectTraceHeaders } from '@attribution/runtime';
import { deliveryRecord, type DeliveryJob, type OutcomeNote } from './delivery-job';
import { decideRetry } from './retry-policy';

/** What outcomes decided: messages to produce, then rows to record, in that order. */
export interface Settlement {
  records: DeliveryRecord[];
  messages: Array<{ topic: string; message: OutgoingMessage }>;
  /** Set when the platform refused the credentials: the destination is marked as needing new ones. */
  authFailure: string | null;
  notes: OutcomeNote[];
  /** Retry tiers scheduled (the tier's label, e.g. `30s`), for the metric. */
  retries: Array<{ destination: Platform; tier: string }>;
}

export interface OutcomeContext {
  platform: Platform;
  /** Retries stop before this many seconds after the event (the platform's). */
  retryHorizonSeconds: number;
  retryTiers: RetryTopic[];
  deadLetterTopic: string;
  jitter: number;
  now: number;
  random?: () => number;
}

export function emptySettlement(): Settlement {
  return { records: [], messages: [], authFailure: null, notes: [], retries: [] };
}

/** Several destinations' settlements as one, to be recorded together (the order within each kept). */
export function mergeSettlements(settlements: Settlement[]): Settlement {
  const merged = emptySettlement();
  for (const s of settlements) {
    merged.records.push(...s.records);
    merged.messages.push(...s.messages);
    merged.notes.push(...s.notes);
    merged.retries.push(...s.retries);
    merged.authFailure ??= s.authFailure;
  }
  return merged;
}

/**
 * The second of the dispatcher's three parts, pure: what an adapter's outcome for one job means
 * in records, follow-up messages and log lines. Every job ends with exactly one record: sent,
 * parked (credentials refused), failed (refused for good), skipped (the platform cannot use it),
 * retrying (a message waits in a retry tier) or dead (past the platform's horizon: dead-lettered).
 */
export function settleOutcome(ctx: OutcomeContext, job: DeliveryJob, consent: ConsentAllowed, outcome: SendOutcome, latencyMs: number, out: Settlement): void {
  const platform = ctx.platform;
  switch (outcome.kind) {
    case 'sent':
      out.records.push(deliveryRecord(job, platform, 'sent', { statusCode: outcome.statusCode, requestId: outcome.requestId, attempted: true }));
      out.notes.push({ level: 'info', event: 'dispatch_success', destination: platform, job, meta: { status_code: outcome.statusCode, latency_ms: latencyMs, attempt: job.failedAttempts + 1, ...requestIdMeta(outcome) } });
      return;
    case 'retry':
      return retryLater(ctx, job, consent, { statusCode: outcome.statusCode, reason: outcome.reason, requestId: outcome.requestId, attempted: true }, out);
    case 'auth':
      out.authFailure = outcome.reason;
      out.records.push(deliveryRecord(job, platform, 'parked', { statusCode: outcome.statusCode, error: outcome.reason, requestId: outcome.requestId, attempted: true }));
      return;
    case 'skipped':
      out.records.push(deliveryRecord(job, platform, 'skipped', { error: outcome.reason }));
      out.notes.push({ level: 'info', event: 'dispatch_skipped', destination: platform, job, meta: { reason: outcome.reason } });
      return;
    case 'rejected':
      out.records.push(deliveryRecord(job, platform, 'failed', { statusCode: outcome.statusCode, error: outcome.reason, requestId: outcome.requestId, attempted: true }));
      out.notes.push({ level: 'warn', event: 'dispatch_failed', destination: platform, job, meta: { status_code: outcome.statusCode, reason: outcome.reason, retryable: false, ...requestIdMeta(outcome) } });
      return;
  }
}

/** The platform's request id on the log line, when it gave one: what its support asks for. */
function requestIdMeta(outcome: { requestId?: string }): { request_id?: string } {
  return outcome.requestId === undefined ? {} : { request_id: outcome.requestId };
}

/**
 * A job the circuit breaker did not let through: to the retry tiers without a call and without a
 * log line of its own (the breaker's transitions are logged; the attempts metric counts these).
 */
export function shortCircuit(ctx: OutcomeContext, job: DeliveryJob, consent: ConsentAllowed, out: Settlement): void {
  retryLater(ctx, job, consent, { statusCode: null, reason: 'circuit open: destination keeps failing', attempted: false }, out);
}

/** A retry for a destination the tenant removed meanwhile: nothing to send it to. */
export function noLongerConfigured(job: DeliveryJob, platform: Platform): DeliveryRecord {
  return deliveryRecord(job, platform, 'failed', { error: 'destination is no longer configured' });
}

function retryLater(
  ctx: OutcomeContext,
  job: DeliveryJob,
  consent: ConsentAllowed,
  failure: { statusCode: number | null; reason: string; requestId?: string; attempted: boolean },
  out: Settlement,
): void {
  const { event } = job;
  const failedAttempts = job.failedAttempts + (failure.attempted ? 1 : 0);
  const decision = decideRetry({ tiers: ctx.retryTiers, jitter: ctx.jitter }, Math.max(failedAttempts, 1), event.eventTime, ctx.retryHorizonSeconds, ctx.now, ctx.random);
  if (decision.kind === 'retry') {
    const carried = { basis: consent.basis, adUserData: consent.adUserData, adPersonalization: consent.adPersonalization };
    const trace = job.trace ? injectTraceHeaders(job.trace) : {};
    out.retries.push({ destination: ctx.platform, tier: decision.topic.slice(decision.topic.lastIndexOf('.') + 1) });
    out.messages.push({
      topic: decision.topic,
      message: retryMessage(event, { destination: ctx.platform, attempt: failedAttempts, dueAt: decision.dueAt, consent: carried }, failure.reason, trace),
    });
    out.records.push(deliveryRecord(job, ctx.platform, 'retrying', { statusCode: failure.statusCode, error: failure.reason, requestId: failure.requestId, attempted: failure.attempted, nextAttemptAt: new Date(decision.dueAt) }));
    if (failure.attempted) {
      out.notes.push({
        level: 'warn',
        event: 'dispatch_failed',
        destination: ctx.platform,
        job,
        meta: { status_code: failure.statusCode, reason: failure.reason, retryable: true, retry_at: new Date(decision.dueAt).toISOString(), ...requestIdMeta(failure) },
      });
    }
    return;
  }
  const reason = `${decision.reason}; last error: ${failure.reason}`;
  out.messages.push({
    topic: ctx.deadLetterTopic,
    message: deadLetterMessage(encodeEventMessage(event), { step: 'dispatch', destination: ctx.platform, reason, attempts: failedAttempts }, new Date(ctx.now)),
  });
  out.records.push(deliveryRecord(job, ctx.platform, 'dead', { statusCode: failure.statusCode, error: reason, requestId: failure.requestId, attempted: failure.attempted }));
  out.notes.push({ level: 'error', event: 'dead_lettered', destination: ctx.platform, job, meta: { reason, ...requestIdMeta(failure) } });
}
