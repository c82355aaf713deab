import { DependencyUnavailableError } from '@attribution/runtime';
import { encodeEventMessage, retryMessage, type Batch, type BatchControls, type IncomingMessage, type OutgoingMessage } from '@attribution/transport';
import { NOW_MS, PipelineWorld, storedEvent } from '../../test/dispatch-fakes';
import type { DeliveryJob } from '../delivery/delivery-job';
import { DEPENDENCY_PAUSE_MS } from './consumer-support';
import { EventsConsumer } from './events.consumer';
import { RetryConsumer } from './retry.consumer';

/** Bytes that are not UTF-8 at all: what a misconfigured producer or a corrupted segment gives. */
const GARBAGE = Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b]);

function incoming(topic: string, offset: number, message: OutgoingMessage): IncomingMessage {
  return {
    topic,
    partition: 0,
    offset: String(offset),
    key: message.key,
    value: Buffer.isBuffer(message.value) ? message.value : Buffer.from(message.value),
    headers: message.headers ?? {},
    timestamp: String(NOW_MS),
  };
}

function controls() {
  const state = { resolved: undefined as string | undefined, pausedMs: 0 };
  const c: BatchControls = {
    resolveOffset: (offset) => void (state.resolved = offset),
    heartbeat: async () => undefined,
    isRunning: () => true,
    pauseFor: (ms) => void (state.pausedMs = ms),
  };
  return { c, state };
}

const batch = (topic: string, messages: IncomingMessage[]): Batch => ({ topic, partition: 0, messages });

describe('EventsConsumer', () => {
  it('dead-letters an unreadable message as it came, dispatches the rest, then resolves the whole batch', async () => {
    const world = new PipelineWorld();
    const dispatched: string[] = [];
    const counted: string[] = [];
    const consumer = new EventsConsumer({
      pipeline: { dispatchNew: async (events) => void dispatched.push(...events.map((e) => e.eventId)) },
      deadLetter: { producer: world.producer, topic: 'dlq', counted: (step) => counted.push(step) },
      logger: world.logger,
    });
    const good = storedEvent();
    const { c, state } = controls();
    const poison = { key: 'k', value: GARBAGE, headers: { traceparent: 'x', note: 'contact jane@example.com' } };
    await consumer.handleBatch(batch('events', [incoming('events', 7, poison), incoming('events', 8, encodeEventMessage(good))]), c);

    const [letter] = world.produced();
    expect(letter?.topic).toBe('dlq');
    expect(Buffer.compare(letter!.message.value as Buffer, GARBAGE)).toBe(0);
    expect(letter!.message.key).toBe('k');
    expect(letter!.message.headers).toMatchObject({ traceparent: 'x', 'dlq-step': 'decode', 'dlq-reason': 'Message is not UTF-8', 'dlq-attempts': '0' });
    expect(dispatched).toEqual([good.eventId]);
    expect(counted).toEqual(['decode']);
    expect(state.resolved).toBe('8');
  });

  it('resolves nothing and pauses the partition when a dependency is down, so the batch comes again', async () => {
    const world = new PipelineWorld();
    const consumer = new EventsConsumer({
      pipeline: { dispatchNew: async () => Promise.reject(new DependencyUnavailableError('postgres')) },
      deadLetter: { producer: world.producer, topic: 'dlq' },
      logger: world.logger,
    });
    const { c, state } = controls();
    await consumer.handleBatch(batch('events', [incoming('events', 3, encodeEventMessage(storedEvent()))]), c);
    expect(state).toEqual({ resolved: undefined, pausedMs: DEPENDENCY_PAUSE_MS });
  });

  it('dispatches a batch that fails for good one message at a time: the failing one is dead-lettered, the rest delivered', async () => {
    const world = new PipelineWorld();
    const [good, bad, after] = [storedEvent(), storedEvent(), storedEvent()];
    const delivered: string[] = [];
    const consumer = new EventsConsumer({
      pipeline: {
        dispatchNew: async (events) => {
          if (events.some((e) => e.id === bad!.id)) throw new TypeError('cannot read properties of undefined (reading jane@example.com)');
          delivered.push(...events.map((e) => e.eventId));
        },
      },
      deadLetter: { producer: world.producer, topic: 'dlq' },
      logger: world.logger,
    });
    const { c, state } = controls();
    const messages = [good!, bad!, after!].map((e, i) => incoming('events', 20 + i, encodeEventMessage(e)));
    await consumer.handleBatch(batch('events', messages), c);

    expect(delivered).toEqual([good!.eventId, after!.eventId]);
    const letters = world.produced();
    expect(letters.map((l) => [l.topic, JSON.parse(l.message.value as string).event.eventId])).toEqual([['dlq', bad!.eventId]]);
    expect(letters[0]!.message.headers).toMatchObject({ 'dlq-step': 'unexpected', 'dlq-reason': expect.stringMatching(/^TypeError: cannot read properties/) });
    expect(JSON.stringify(letters[0]!.message.headers)).not.toContain('jane@example.com');
    expect(world.logEvents()).toEqual(expect.arrayContaining(['dispatch_batch_failed', 'dead_lettered']));
    expect(state.resolved).toBe('22');
  });

  it('pauses instead when a dependency goes down while the messages go one at a time', async () => {
    const world = new PipelineWorld();
    let calls = 0;
    const consumer = new EventsConsumer({
      pipeline: {
        dispatchNew: async () => {
          calls += 1;
          throw calls === 1 ? new RangeError('a bug') : new DependencyUnavailableError('postgres');
        },
      },
      deadLetter: { producer: world.producer, topic: 'dlq' },
      logger: world.logger,
    });
    const { c, state } = controls();
    await consumer.handleBatch(batch('events', [incoming('events', 3, encodeEventMessage(storedEvent())), incoming('events', 4, encodeEventMessage(storedEvent()))]), c);
    expect(state).toEqual({ resolved: undefined, pausedMs: DEPENDENCY_PAUSE_MS });
    expect(world.produced()).toEqual([]);
  });
});

describe('RetryConsumer', () => {
  function retryConsumer(world: PipelineWorld, dispatchRetries = async (_t: string, _p: string, _jobs: DeliveryJob[]) => undefined) {
    return new RetryConsumer({ pipeline: { dispatchRetries }, deadLetter: { producer: world.producer, topic: 'dlq' }, logger: world.logger, now: () => NOW_MS });
  }
  const due = (event = storedEvent(), headers: Record<string, unknown> = {}) =>
    retryMessage(event, { destination: 'meta', attempt: 1, dueAt: NOW_MS - 1, consent: { basis: 'consent', adUserData: true, adPersonalization: true }, ...headers } as never, 'HTTP 503');

  it.each<[string, OutgoingMessage, string]>([
    ['bytes that are not UTF-8', { key: 'k', value: GARBAGE, headers: { 'x-destination': 'meta', 'x-attempt': '1', 'x-due-at': '0' } }, 'Message is not UTF-8'],
    ['an event without retry headers', encodeEventMessage(storedEvent()), 'retry headers missing or malformed'],
    ['a destination this version does not know', { ...due(), headers: { ...due().headers, 'x-destination': 'myspace' } }, 'unknown destination myspace'],
    ['a consent header that does not parse', { ...due(), headers: { ...due().headers, 'x-consent': '{' } }, 'retry headers missing or malformed'],
  ])('dead-letters %s with its raw bytes and moves on', async (_name, poison, reason) => {
    const world = new PipelineWorld();
    const jobs: DeliveryJob[] = [];
    const consumer = retryConsumer(world, async (_t, _p, given) => void jobs.push(...given));
    const after = due();
    const { c, state } = controls();
    await consumer.handleBatch(batch('retry', [incoming('retry', 4, poison), incoming('retry', 5, after)]), c);
    const [letter] = world.produced();
    expect(letter?.topic).toBe('dlq');
    expect(Buffer.compare(Buffer.from(letter!.message.value), Buffer.from(poison.value))).toBe(0);
    expect(letter!.message.headers).toMatchObject({ 'dlq-step': 'retry', 'dlq-reason': reason });
    expect(jobs.map((j) => j.event.eventId)).toEqual([JSON.parse(after.value as string).event.eventId]);
    expect(state.resolved).toBe('5');
  });

  it('takes the due prefix with the consent it carries, and pauses until the first message not yet due', async () => {
    const world = new PipelineWorld();
    const jobs: DeliveryJob[] = [];
    const consumer = retryConsumer(world, async (_t, _p, given) => void jobs.push(...given));
    const later = retryMessage(storedEvent(), { destination: 'meta', attempt: 1, dueAt: NOW_MS + 5_000 }, 'HTTP 503');
    const { c, state } = controls();
    await consumer.handleBatch(batch('retry', [incoming('retry', 1, due()), incoming('retry', 2, later), incoming('retry', 3, due())]), c);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ failedAttempts: 1, replay: false, consent: { basis: 'consent', adUserData: true, adPersonalization: true } });
    expect(state).toEqual({ resolved: '1', pausedMs: 5_000 });
  });

  it('dispatches a group that fails for good one retry at a time, dead-lettering the one that still fails', async () => {
    const world = new PipelineWorld();
    const [good, bad] = [storedEvent(), storedEvent()];
    const retried: string[] = [];
    const consumer = retryConsumer(world, async (_t, _p, jobs) => {
      if (jobs.some((j) => j.event.id === bad!.id)) throw new Error('a bug of ours');
      retried.push(...jobs.map((j) => j.event.eventId));
    });
    const { c, state } = controls();
    await consumer.handleBatch(batch('retry', [incoming('retry', 8, due(bad)), incoming('retry', 9, due(good))]), c);
    expect(retried).toEqual([good!.eventId]);
    expect(world.produced().map((l) => [l.topic, l.message.headers?.['dlq-step'], JSON.parse(l.message.value as string).event.eventId])).toEqual([['dlq', 'unexpected', bad!.eventId]]);
    expect(state.resolved).toBe('9');
  });

  it('resolves nothing when the dead letter itself cannot be written (Kafka down): the message comes again', async () => {
    const world = new PipelineWorld();
    world.producer.send = async () => Promise.reject(new DependencyUnavailableError('kafka'));
    const consumer = retryConsumer(world);
    const { c, state } = controls();
    await consumer.handleBatch(batch('retry', [incoming('retry', 9, { key: 'k', value: GARBAGE })]), c);
    expect(state).toEqual({ resolved: undefined, pausedMs: DEPENDENCY_PAUSE_MS });
  });
});
