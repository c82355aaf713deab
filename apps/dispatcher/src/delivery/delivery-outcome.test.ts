import { platformDefinition } from '@attribution/destinations';
import { readRetryHeaders, topicNames } from '@attribution/transport';
import { NOW_MS, storedEvent } from '../../test/dispatch-fakes';
import type { DeliveryJob } from './delivery-job';
import { emptySettlement, noLongerConfigured, settleOutcome, shortCircuit, type OutcomeContext } from './delivery-outcome';

const topics = topicNames('t.', [30_000, 120_000]);
const ctx: OutcomeContext = {
  platform: 'meta',
  retryHorizonSeconds: platformDefinition('meta').retryHorizonSeconds,
  retryTiers: topics.retries,
  deadLetterTopic: topics.deadLetter,
  jitter: 0,
  now: NOW_MS,
  random: () => 0,
};
const consent = { allowed: true, basis: 'consent', adUserData: true, adPersonalization: false } as const;
const job = (overrides: Partial<DeliveryJob> = {}): DeliveryJob => ({ event: storedEvent(), failedAttempts: 0, ...overrides });
/** An event the platform would only take for another `seconds`. */
const nearHorizon = (seconds: number) => storedEvent({ eventTime: NOW_MS / 1000 - ctx.retryHorizonSeconds + seconds });

describe('settleOutcome', () => {
  it('records a sent event, once, with the platform status and one success line', () => {
    const out = emptySettlement();
    const j = job();
    settleOutcome(ctx, j, consent, { eventPk: j.event.id, kind: 'sent', statusCode: 200 }, 42, out);
    expect(out.records).toEqual([expect.objectContaining({ eventPk: j.event.id, status: 'sent', statusCode: 200, attempted: true, error: null })]);
    expect(out.messages).toEqual([]);
    expect(out.notes).toEqual([expect.objectContaining({ level: 'info', event: 'dispatch_success', meta: { status_code: 200, latency_ms: 42, attempt: 1 } })]);
  });

  it('schedules a transient failure in the retry tier of its attempt, carrying the consent decision', () => {
    const out = emptySettlement();
    const j = job({ failedAttempts: 1 });
    settleOutcome(ctx, j, consent, { eventPk: j.event.id, kind: 'retry', statusCode: 503, reason: 'HTTP 503' }, 10, out);
    expect(out.messages).toHaveLength(1);
    const { topic, message } = out.messages[0]!;
    expect(topic).toBe('t.events.retry.2m');
    expect(message.key).toBe(`${j.event.tenantId}:meta`);
    expect(readRetryHeaders(message.headers ?? {})).toEqual({ destination: 'meta', attempt: 2, dueAt: NOW_MS + 120_000, consent: { basis: 'consent', adUserData: true, adPersonalization: false } });
    expect(out.records).toEqual([expect.objectContaining({ status: 'retrying', statusCode: 503, error: 'HTTP 503', attempted: true, nextAttemptAt: new Date(NOW_MS + 120_000) })]);
    expect(out.retries).toEqual([{ destination: 'meta', tier: '2m' }]);
    expect(out.notes.map((n) => [n.level, n.event])).toEqual([['warn', 'dispatch_failed']]);
  });

  it('dead-letters a failure whose next try would fall past the platform horizon', () => {
    const out = emptySettlement();
    const j = job({ event: nearHorizon(10), failedAttempts: 3 });
    settleOutcome(ctx, j, consent, { eventPk: j.event.id, kind: 'retry', statusCode: 500, reason: 'HTTP 500' }, 10, out);
    expect(out.messages).toEqual([{ topic: 't.events.dead-letter', message: expect.objectContaining({ key: j.event.tenantId }) }]);
    const headers = out.messages[0]!.message.headers!;
    expect(headers).toMatchObject({ 'dlq-step': 'dispatch', 'dlq-destination': 'meta', 'dlq-attempts': '4', 'dlq-timestamp': new Date(NOW_MS).toISOString() });
    expect(headers['dlq-reason']).toBe('retry horizon reached (167 h after the event); last error: HTTP 500');
    expect(out.records).toEqual([expect.objectContaining({ status: 'dead', statusCode: 500, error: headers['dlq-reason'], attempted: true })]);
    expect(out.notes.map((n) => [n.level, n.event])).toEqual([['error', 'dead_lettered']]);
  });

  it('parks an event whose credentials were refused and says so for the destination', () => {
    const out = emptySettlement();
    const j = job();
    settleOutcome(ctx, j, consent, { eventPk: j.event.id, kind: 'auth', statusCode: 401, reason: 'code 190: token expired' }, 10, out);
    expect(out.records).toEqual([expect.objectContaining({ status: 'parked', statusCode: 401, error: 'code 190: token expired', attempted: true })]);
    expect(out.authFailure).toBe('code 190: token expired');
    expect(out.messages).toEqual([]);
  });

  it('records a refusal for good as failed, with the platform message, and never retries it', () => {
    const out = emptySettlement();
    const j = job();
    settleOutcome(ctx, j, consent, { eventPk: j.event.id, kind: 'rejected', statusCode: 400, reason: 'code 100: Invalid parameter' }, 10, out);
    expect(out.records).toEqual([expect.objectContaining({ status: 'failed', statusCode: 400, error: 'code 100: Invalid parameter' })]);
    expect(out.messages).toEqual([]);
    expect(out.notes.map((n) => [n.event, n.meta['retryable']])).toEqual([['dispatch_failed', false]]);
  });

  it("carries the platform's request id into the record and its log line, whatever the outcome", () => {
    const cases = [
      { outcome: { kind: 'sent', statusCode: 200 }, status: 'sent', line: 'dispatch_success' },
      { outcome: { kind: 'retry', statusCode: 503, reason: 'HTTP 503' }, status: 'retrying', line: 'dispatch_failed' },
      { outcome: { kind: 'rejected', statusCode: 400, reason: 'code 100: Invalid parameter' }, status: 'failed', line: 'dispatch_failed' },
      { outcome: { kind: 'auth', statusCode: 401, reason: 'code 190: token expired' }, status: 'parked', line: undefined },
    ] as const;
    for (const { outcome, status, line } of cases) {
      const out = emptySettlement();
      const j = job();
      settleOutcome(ctx, j, consent, { eventPk: j.event.id, ...outcome, requestId: `trace-${status}` }, 10, out);
      expect(out.records).toEqual([expect.objectContaining({ status, requestId: `trace-${status}` })]);
      expect(out.notes.map((n) => [n.event, n.meta['request_id']])).toEqual(line ? [[line, `trace-${status}`]] : []);
    }
    const out = emptySettlement();
    const j = job({ event: nearHorizon(10), failedAttempts: 3 });
    settleOutcome(ctx, j, consent, { eventPk: j.event.id, kind: 'retry', statusCode: 500, reason: 'HTTP 500', requestId: 'trace-dead' }, 10, out);
    expect(out.records).toEqual([expect.objectContaining({ status: 'dead', requestId: 'trace-dead' })]);
    expect(out.notes).toEqual([expect.objectContaining({ event: 'dead_lettered', meta: expect.objectContaining({ request_id: 'trace-dead' }) })]);
  });

  it('records no request id when the platform gave none', () => {
    const out = emptySettlement();
    const j = job();
    settleOutcome(ctx, j, consent, { eventPk: j.event.id, kind: 'retry', statusCode: null, reason: 'timeout' }, 10, out);
    expect(out.records).toEqual([expect.objectContaining({ status: 'retrying', requestId: null })]);
    expect(out.notes[0]!.meta).not.toHaveProperty('request_id');
  });
});

it('records an event the platform cannot use as skipped, with its reason, never retried and not an attempt', () => {
  const out = emptySettlement();
  const j = job();
  settleOutcome(ctx, j, consent, { eventPk: j.event.id, kind: 'skipped', statusCode: null, reason: 'neither a click id nor a user identifier to attribute it by' }, 0, out);
  expect(out.records).toEqual([expect.objectContaining({ status: 'skipped', error: 'neither a click id nor a user identifier to attribute it by', attempted: false })]);
  expect(out.messages).toEqual([]);
  expect(out.notes.map((n) => n.event)).toEqual(['dispatch_skipped']);
});

describe('shortCircuit', () => {
  it('sends a job the breaker holds back to the first tier without a call and without a line of its own', () => {
    const out = emptySettlement();
    shortCircuit(ctx, job(), consent, out);
    expect(out.messages.map((m) => m.topic)).toEqual(['t.events.retry.30s']);
    expect(out.records).toEqual([expect.objectContaining({ status: 'retrying', attempted: false, error: 'circuit open: destination keeps failing' })]);
    expect(out.notes).toEqual([]);
  });

  it('dead-letters it instead when even the first tier would be too late, and says so', () => {
    const out = emptySettlement();
    shortCircuit(ctx, job({ event: nearHorizon(5) }), consent, out);
    expect(out.records.map((r) => [r.status, r.attempted])).toEqual([['dead', false]]);
    expect(out.messages.map((m) => m.topic)).toEqual(['t.events.dead-letter']);
    expect(out.notes.map((n) => n.event)).toEqual(['dead_lettered']);
  });
});

describe('noLongerConfigured', () => {
  it('fails a retry for a destination the tenant removed meanwhile', () => {
    const j = job({ failedAttempts: 2 });
    expect(noLongerConfigured(j, 'ga4')).toEqual({
      eventPk: j.event.id,
      eventReceivedAt: j.event.receivedAt,
      tenantId: j.event.tenantId,
      destination: 'ga4',
      status: 'failed',
      statusCode: null,
      error: 'destination is no longer configured',
      requestId: null,
      nextAttemptAt: null,
      attempted: false,
    });
  });
});
