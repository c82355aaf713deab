import { PLATFORMS, type Platform } from '@attribution/destinations';
import { DependencyUnavailableError } from '@attribution/runtime';
import { topicNames } from '@attribution/transport';
import { NOW_MS, PipelineWorld, TENANT, routed, storedEvent } from '../../test/dispatch-fakes';
import type { DestinationRouting } from '../routing/destination-routing';
import { CircuitBreaker, type CircuitTransition } from './circuit-breaker';
import { DeliveryPipeline } from './delivery-pipeline';

const topics = topicNames('t.', [30_000, 120_000]);

function pipeline(world: PipelineWorld, adapters: Array<[Platform, ReturnType<PipelineWorld['adapter']>]>, breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 60_000 })) {
  return new DeliveryPipeline(
    { tenantConcurrency: 2, retryJitter: 0 },
    {
      routing: world.destinationRouting as unknown as DestinationRouting,
      adapters: new Map(adapters),
      deliveries: world.deliveries,
      producer: world.producer,
      topics,
      breaker,
      logger: world.logger,
      metrics: world.dispatcherMetrics,
      now: () => NOW_MS,
    },
  );
}

/** Meta and GA4; three events: Meta answers the second with a 503, and the third's consent is denied for ads. */
function metaRetriesTheSecond() {
  const world = new PipelineWorld();
  world.routing = { consentPolicy: 'block', destinations: [routed('meta'), routed('ga4')] };
  const events = [storedEvent(), storedEvent(), storedEvent({ consent: { ad_storage: 'denied', analytics_storage: 'granted' } })];
  const answers = new Map([[events[1]!.id, { kind: 'retry', statusCode: 503, reason: 'HTTP 503' } as const]]);
  const meta = world.adapter('meta', (e) => answers.get(e.id) ?? { kind: 'sent', statusCode: 200 });
  const ga4 = world.adapter('ga4', () => ({ kind: 'sent', statusCode: 204 }));
  return { world, events, dispatcher: pipeline(world, [['meta', meta], ['ga4', ga4]]) };
}

describe('DeliveryPipeline', () => {
  it('gives every (event, destination) exactly one recorded outcome, follow-up messages first', async () => {
    const { world, events, dispatcher } = metaRetriesTheSecond();
    await dispatcher.dispatchNew(events);

    const outcomes = world.records().map((r) => `${r.destination}:${r.eventPk}:${r.status}`);
    expect(outcomes.sort()).toEqual(
      [
        `meta:${events[0]!.id}:sent`,
        `meta:${events[1]!.id}:retrying`,
        `meta:${events[2]!.id}:blocked_consent`,
        `ga4:${events[0]!.id}:sent`,
        `ga4:${events[1]!.id}:sent`,
        `ga4:${events[2]!.id}:sent`,
      ].sort(),
    );
    // The retry message is durable before the row that says it exists.
    const kinds = world.steps.map((s) => s.kind);
    expect(kinds.indexOf('produce')).toBeLessThan(kinds.indexOf('record'));
    expect(world.produced().map((p) => p.topic)).toEqual(['t.events.retry.30s']);
  });

  it('when the follow-up messages cannot be produced, writes the outcomes that need none, so a redelivered batch sends nothing twice', async () => {
    const { world, events, dispatcher } = metaRetriesTheSecond();
    const kafkaDown = new DependencyUnavailableError('kafka');
    world.produceFailure = kafkaDown;
    await expect(dispatcher.dispatchNew(events)).rejects.toBe(kafkaDown);

    // The retrying row waits for its message; everything else is written and counted once.
    const written = world.records().map((r) => `${r.destination}:${r.eventPk}:${r.status}`);
    expect(written.sort()).toEqual(
      [`meta:${events[0]!.id}:sent`, `meta:${events[2]!.id}:blocked_consent`, `ga4:${events[0]!.id}:sent`, `ga4:${events[1]!.id}:sent`, `ga4:${events[2]!.id}:sent`].sort(),
    );
    expect(await world.metricsText()).toContain(`attribution_dispatch_deliveries_total{tenant="${TENANT}",destination="ga4",status="sent"} 3`);
    expect(await world.metricsText()).not.toContain('status="retrying"');

    // The batch comes again once Kafka is back: only the event whose retry was not produced is sent.
    for (const r of world.records()) world.settledAt.set(`${r.destination}:${r.eventPk}`, r.status);
    world.produceFailure = null;
    world.steps.length = 0;
    await dispatcher.dispatchNew(events);
    const sends = world.steps.flatMap((s) => (s.kind === 'send' ? s.events.map((e) => `${s.platform}:${e.event.id}`) : []));
    expect(sends).toEqual([`meta:${events[1]!.id}`]);
  });

  it('sends and records an event once when the batch holds it twice (an outbox republish, a replay meeting a retry)', async () => {
    const world = new PipelineWorld();
    world.routing = { consentPolicy: 'block', destinations: [routed('meta')] };
    const meta = world.adapter('meta', () => ({ kind: 'sent', statusCode: 200 }));
    const [twice, once] = [storedEvent(), storedEvent()];
    const dispatcher = pipeline(world, [['meta', meta]]);
    await dispatcher.dispatchNew([twice!, once!, twice!]);
    await dispatcher.dispatchRetries(TENANT, 'meta', [{ event: once!, failedAttempts: 1 }, { event: once!, failedAttempts: 2 }]);

    const sends = world.steps.flatMap((s) => (s.kind === 'send' ? [s.events.map((e) => e.event.id)] : []));
    expect(sends).toEqual([[twice!.id, once!.id], [once!.id]]);
    expect(world.steps.filter((s) => s.kind === 'record').map((s) => s.kind === 'record' && s.records.map((r) => r.eventPk))).toEqual([[twice!.id, once!.id], [once!.id]]);
  });

  it("records each outcome with the platform's request id, and none for what made no request", async () => {
    const world = new PipelineWorld();
    world.routing = { consentPolicy: 'block', destinations: [routed('meta')] };
    const [sent, refused, blocked] = [storedEvent(), storedEvent(), storedEvent({ consent: { ad_storage: 'denied', analytics_storage: 'granted' } })];
    const meta = world.adapter('meta', (e) => (e.id === refused!.id ? { kind: 'rejected', statusCode: 400, reason: 'code 100: Invalid parameter', requestId: 'trace-2' } : { kind: 'sent', statusCode: 200, requestId: 'trace-1' }));
    await pipeline(world, [['meta', meta]]).dispatchNew([sent!, refused!, blocked!]);
    expect(world.records().map((r) => [r.eventPk, r.status, r.requestId]).sort()).toEqual(
      [
        [sent!.id, 'sent', 'trace-1'],
        [refused!.id, 'failed', 'trace-2'],
        [blocked!.id, 'blocked_consent', null],
      ].sort(),
    );
  });

  it('hands the adapter the consent decision it must apply (GA4 without ad_user_data gets no user data)', async () => {
    const world = new PipelineWorld();
    world.routing = { consentPolicy: 'block', destinations: [routed('ga4')] };
    const ga4 = world.adapter('ga4', () => ({ kind: 'sent', statusCode: 204 }));
    await pipeline(world, [['ga4', ga4]]).dispatchNew([storedEvent({ consent: { analytics_storage: 'granted', ad_user_data: 'denied', ad_personalization: 'granted' } })]);
    const [send] = world.steps.filter((s) => s.kind === 'send');
    expect(send?.kind === 'send' && send.events[0]?.consent).toEqual({ allowed: true, basis: 'consent', adUserData: false, adPersonalization: true });
  });

  it("applies the destination's rules: a filtered event gets no request, a filtered record and its count; the rest go renamed", async () => {
    const world = new PipelineWorld();
    world.routing = { consentPolicy: 'block', destinations: [routed('meta', { rules: { only: ['Lead'], rename: { Lead: 'SubmitForm' } } }), routed('ga4')] };
    const meta = world.adapter('meta', () => ({ kind: 'sent', statusCode: 200 }));
    const ga4 = world.adapter('ga4', () => ({ kind: 'sent', statusCode: 204 }));
    const [purchase, lead] = [storedEvent(), storedEvent({ eventName: 'Lead' })];
    await pipeline(world, [['meta', meta], ['ga4', ga4]]).dispatchNew([purchase!, lead!]);

    const sends = world.steps.flatMap((s) => (s.kind === 'send' ? [[s.platform, s.events.map((e) => [e.event.eventName, e.name, e.renamed])]] : []));
    expect(sends).toEqual([
      ['meta', [['Lead', 'SubmitForm', true]]],
      ['ga4', [['Purchase', 'Purchase', false], ['Lead', 'Lead', false]]],
    ]);
    expect(world.records().map((r) => `${r.destination}:${r.eventPk}:${r.status}`).sort()).toEqual(
      [`meta:${purchase!.id}:filtered`, `meta:${lead!.id}:sent`, `ga4:${purchase!.id}:sent`, `ga4:${lead!.id}:sent`].sort(),
    );
    expect(await world.metricsText()).toContain(`attribution_dispatch_deliveries_total{tenant="${TENANT}",destination="meta",status="filtered"} 1`);
  });

  it("hands a destination in test mode at most its platform's test batch size per send", async () => {
    const world = new PipelineWorld();
    const platform = PLATFORMS.find((p) => p.limits.maxTestBatchSize !== undefined);
    expect(platform).toBeDefined();
    world.routing = { consentPolicy: 'allow', destinations: [routed(platform!.id, { testMode: true })] };
    const adapter = world.adapter(platform!.id, () => ({ kind: 'sent', statusCode: 200 }));
    const events = Array.from({ length: platform!.limits.maxTestBatchSize! * 3 }, () => storedEvent());
    await pipeline(world, [[platform!.id, adapter]]).dispatchNew(events);
    const sizes = world.steps.flatMap((s) => (s.kind === 'send' ? [s.events.length] : []));
    expect(sizes).toEqual([platform!.limits.maxTestBatchSize, platform!.limits.maxTestBatchSize, platform!.limits.maxTestBatchSize]);
  });

  it('records what the adapter skipped without counting an attempt or touching the breaker', async () => {
    const world = new PipelineWorld();
    world.routing = { consentPolicy: 'block', destinations: [routed('meta')] };
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 60_000 });
    const meta = world.adapter('meta', () => ({ kind: 'skipped', statusCode: null, reason: 'nothing to attribute it by' }));
    await pipeline(world, [['meta', meta]], breaker).dispatchNew([storedEvent(), storedEvent()]);
    expect(world.records().map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(breaker.isOpen(`${TENANT}:meta`)).toBe(false);
    expect(await world.metricsText()).not.toMatch(/attribution_dispatch_attempts_total\{destination="meta"/);
  });

  it('while the circuit is open, sends nothing, logs the transitions once and counts every skipped event', async () => {
    const world = new PipelineWorld();
    world.routing = { consentPolicy: 'block', destinations: [routed('meta')] };
    const transitions: CircuitTransition[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 60_000 }, () => NOW_MS, (_key, to) => transitions.push(to));
    const meta = world.adapter('meta', () => ({ kind: 'retry', statusCode: null, reason: 'timeout' }));
    const run = pipeline(world, [['meta', meta]], breaker);
    await run.dispatchNew([storedEvent()]);
    for (let batch = 0; batch < 5; batch += 1) await run.dispatchNew(Array.from({ length: 20 }, () => storedEvent()));

    expect(world.steps.filter((s) => s.kind === 'send')).toHaveLength(1);
    expect(transitions).toEqual(['open']);
    expect(world.records().filter((r) => r.status === 'retrying')).toHaveLength(101);
    // One line for the one real failure, none for the 100 events the breaker held back.
    expect(world.logEvents().filter((e) => e === 'dispatch_failed')).toHaveLength(1);
    expect(await world.metricsText()).toContain('attribution_dispatch_attempts_total{destination="meta",outcome="circuit_open",status_code="none"} 100');
  });

  it('sends a retry to its own destination only, and fails it when the tenant removed that destination', async () => {
    const world = new PipelineWorld();
    world.routing = { consentPolicy: 'block', destinations: [routed('meta'), routed('ga4')] };
    const meta = world.adapter('meta', () => ({ kind: 'sent', statusCode: 200 }));
    const ga4 = world.adapter('ga4', () => ({ kind: 'sent', statusCode: 204 }));
    const run = pipeline(world, [['meta', meta], ['ga4', ga4]]);
    const retried = storedEvent();
    await run.dispatchRetries(TENANT, 'meta', [{ event: retried, failedAttempts: 1, consent: { basis: 'consent', adUserData: true, adPersonalization: true } }]);
    expect(world.steps.filter((s) => s.kind === 'send').map((s) => s.kind === 'send' && s.platform)).toEqual(['meta']);

    world.routing = { consentPolicy: 'block', destinations: [routed('ga4')] };
    const orphan = storedEvent();
    await run.dispatchRetries(TENANT, 'meta', [{ event: orphan, failedAttempts: 1 }]);
    expect(world.records().at(-1)).toMatchObject({ eventPk: orphan.id, destination: 'meta', status: 'failed', error: 'destination is no longer configured' });
  });

  it('parks refused credentials, marks the destination once per batch and logs no token', async () => {
    const world = new PipelineWorld();
    world.routing = { consentPolicy: 'block', destinations: [routed('meta')] };
    const meta = world.adapter('meta', () => ({ kind: 'auth', statusCode: 401, reason: 'code 190: Error validating access token' }));
    await pipeline(world, [['meta', meta]]).dispatchNew([storedEvent(), storedEvent()]);
    expect(world.records().map((r) => r.status)).toEqual(['parked', 'parked']);
    expect(world.marked).toEqual([`${TENANT}:meta`]);
    expect(world.logEvents()).toEqual(['auth_error']);
    expect(world.produced()).toEqual([]);
  });

  it('replays what it parked when an operator set the destination while the batch was in flight', async () => {
    const world = new PipelineWorld();
    world.routing = { consentPolicy: 'block', destinations: [routed('meta', { status: 'needs_credentials' }), routed('ga4')] };
    world.renewed.add('meta');
    const meta = world.adapter('meta', () => ({ kind: 'sent', statusCode: 200 }));
    const ga4 = world.adapter('ga4', () => ({ kind: 'sent', statusCode: 204 }));
    const events = [storedEvent(), storedEvent()];
    await pipeline(world, [['meta', meta], ['ga4', ga4]]).dispatchNew(events);

    expect(world.records().map((r) => `${r.destination}:${r.status}`).sort()).toEqual(['ga4:sent', 'ga4:sent', 'meta:parked', 'meta:parked']);
    const replays = world.produced();
    expect(replays.map((p) => [p.topic, p.message.headers?.['x-destination'], p.message.headers?.['x-replay'], JSON.parse(p.message.value as string).event.eventId])).toEqual(
      events.map((e) => ['t.events.retry.30s', 'meta', '1', e.eventId]),
    );
    // The rows first: the replay is what settles them, never a message for a row not written.
    const kinds = world.steps.map((s) => s.kind);
    expect(kinds.lastIndexOf('record')).toBeLessThan(kinds.indexOf('produce'));
    expect(world.logEvents()).toContain('parked_replayed');
  });

  it('retries the events of an adapter that throws or forgets some, so none is left without a record', async () => {
    const world = new PipelineWorld();
    world.routing = { consentPolicy: 'block', destinations: [routed('meta'), routed('ga4')] };
    const events = [storedEvent(), storedEvent()];
    const forgetful = { send: async () => [{ eventPk: events[0]!.id, kind: 'sent' as const, statusCode: 200 }] };
    const broken = { send: async () => Promise.reject(new TypeError('bug in a mapper')) };
    await pipeline(world, [['meta', forgetful], ['ga4', broken]]).dispatchNew(events);
    const outcomes = world.records().map((r) => `${r.destination}:${r.eventPk}:${r.status}`);
    expect(outcomes.sort()).toEqual([`ga4:${events[0]!.id}:retrying`, `ga4:${events[1]!.id}:retrying`, `meta:${events[0]!.id}:sent`, `meta:${events[1]!.id}:retrying`].sort());
    expect(world.records().find((r) => r.destination === 'meta' && r.status === 'retrying')?.error).toBe('no outcome from the adapter');
    expect(world.logEvents()).toContain('destination_adapter_failed');
  });
});
