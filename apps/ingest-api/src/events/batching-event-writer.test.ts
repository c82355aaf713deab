import { ROOT_CONTEXT, context, trace, type SpanContext } from '@opentelemetry/api';
import fc from 'fast-check';
import { eventKey, type KeyedEventWriter, type NewEventRow } from '@attribution/db';
import { DependencyUnavailableError } from '@attribution/runtime';
import { newEventRow } from '@attribution/testing';
import { BatchingEventWriter, type BatchingEventWriterConfig } from './batching-event-writer';

const TENANT_A = '00000000-0000-4000-8000-00000000000a';
const TENANT_B = '00000000-0000-4000-8000-00000000000b';

const row = (eventId: string, tenantId = TENANT_A): NewEventRow => newEventRow(eventId, tenantId);

/**
 * Stands in for PostgreSQL: a set of stored keys, ON CONFLICT DO NOTHING semantics. In manual
 * mode every statement waits until the test settles it, so in-flight limits can be observed.
 */
class FakeStore implements KeyedEventWriter {
  readonly stored = new Set<string>();
  readonly calls: NewEventRow[][] = [];
  manual = false;
  private readonly open: Array<{ commit: () => void; fail: (error: unknown) => void }> = [];

  insertKeyed(rows: NewEventRow[]): Promise<Set<string>> {
    this.calls.push(rows);
    const apply = (): Set<string> => {
      const inserted = new Set<string>();
      for (const r of rows) {
        const key = eventKey(r.tenantId, r.eventId);
        if (!this.stored.has(key)) {
          this.stored.add(key);
          inserted.add(key);
        }
      }
      return inserted;
    };
    if (!this.manual) return Promise.resolve(apply());
    return new Promise((resolve, reject) => this.open.push({ commit: () => resolve(apply()), fail: reject }));
  }

  get running(): number {
    return this.open.length;
  }

  commitNext(): void {
    this.open.shift()!.commit();
  }

  failNext(error: unknown): void {
    this.open.shift()!.fail(error);
  }
}

const config = (overrides: Partial<BatchingEventWriterConfig> = {}): BatchingEventWriterConfig => ({
  maxWaitMs: 5,
  maxBatchRows: 100,
  maxInFlightFlushes: 2,
  maxQueuedRows: 1_000,
  ...overrides,
});

/** Tracks a promise's outcome without awaiting it, so tests can assert "not yet settled". */
function track<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
}

describe('BatchingEventWriter', () => {
  let store: FakeStore;

  beforeEach(() => {
    jest.useFakeTimers();
    store = new FakeStore();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('writes the rows of concurrent callers in one statement once the window ends, and answers each with its own ids', async () => {
    const writer = new BatchingEventWriter(store, config({ maxWaitMs: 5 }));
    const first = track(writer.insert([row('a1'), row('a2')]));
    const second = track(writer.insert([row('b1', TENANT_B)]));

    await jest.advanceTimersByTimeAsync(4);
    expect(store.calls).toHaveLength(0);
    expect(first.done).toBe(false);

    await jest.advanceTimersByTimeAsync(1);
    expect(store.calls).toHaveLength(1);
    expect(store.calls[0]).toHaveLength(3);
    expect(first.value).toEqual(new Set(['a1', 'a2']));
    expect(second.value).toEqual(new Set(['b1']));
    expect(writer.stats()).toEqual({ flushes: 1, rows: 3, failedFlushes: 0, splitFlushes: 0, largestBatch: 3 });
  });

  it('measures the window from the oldest queued row', async () => {
    const writer = new BatchingEventWriter(store, config({ maxWaitMs: 5 }));
    const early = track(writer.insert([row('early')]));
    await jest.advanceTimersByTimeAsync(3);
    const late = track(writer.insert([row('late')]));
    await jest.advanceTimersByTimeAsync(2);
    expect(store.calls).toHaveLength(1);
    expect(early.value).toEqual(new Set(['early']));
    expect(late.value).toEqual(new Set(['late']));
  });

  it('writes at once when the batch is full, without waiting for the window', async () => {
    const writer = new BatchingEventWriter(store, config({ maxWaitMs: 1_000, maxBatchRows: 3 }));
    const first = track(writer.insert([row('1'), row('2')]));
    const second = track(writer.insert([row('3')]));
    await jest.advanceTimersByTimeAsync(0);
    expect(store.calls.map((c) => c.length)).toEqual([3]);
    expect(first.value).toEqual(new Set(['1', '2']));
    expect(second.value).toEqual(new Set(['3']));
  });

  it('never splits one caller across statements; a caller larger than a batch goes alone', async () => {
    const writer = new BatchingEventWriter(store, config({ maxWaitMs: 5, maxBatchRows: 3 }));
    const small = track(writer.insert([row('s1'), row('s2')]));
    const big = track(writer.insert([row('b1'), row('b2'), row('b3'), row('b4')]));
    const tail = track(writer.insert([row('t1')]));
    await jest.advanceTimersByTimeAsync(5);
    expect(store.calls.map((c) => c.map((r) => r.eventId).sort())).toEqual([['s1', 's2'], ['b1', 'b2', 'b3', 'b4'], ['t1']]);
    expect(small.value!.size + big.value!.size + tail.value!.size).toBe(7);
  });

  it('with a zero window writes as soon as a statement slot is free', async () => {
    const writer = new BatchingEventWriter(store, config({ maxWaitMs: 0 }));
    const one = track(writer.insert([row('x')]));
    expect(store.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(0);
    expect(one.value).toEqual(new Set(['x']));
  });

  it('gives a repeated (tenant, event id) in one statement to the first caller only, and sends it once', async () => {
    const writer = new BatchingEventWriter(store, config());
    const first = track(writer.insert([row('same'), row('own')]));
    const second = track(writer.insert([row('same')]));
    const otherTenant = track(writer.insert([row('same', TENANT_B)]));
    await jest.advanceTimersByTimeAsync(5);
    expect(store.calls).toHaveLength(1);
    expect(store.calls[0]!.map((r) => eventKey(r.tenantId, r.eventId)).sort()).toEqual(
      [eventKey(TENANT_A, 'own'), eventKey(TENANT_A, 'same'), eventKey(TENANT_B, 'same')].sort(),
    );
    expect(first.value).toEqual(new Set(['same', 'own']));
    expect(second.value).toEqual(new Set());
    expect(otherTenant.value).toEqual(new Set(['same']));
  });

  it('treats rows already stored as duplicates, across statements', async () => {
    const writer = new BatchingEventWriter(store, config());
    const first = track(writer.insert([row('e1')]));
    await jest.advanceTimersByTimeAsync(5);
    const again = track(writer.insert([row('e1'), row('e2')]));
    await jest.advanceTimersByTimeAsync(5);
    expect(first.value).toEqual(new Set(['e1']));
    expect(again.value).toEqual(new Set(['e2']));
  });

  it('matches tenant ids whatever their case', async () => {
    const writer = new BatchingEventWriter(store, config());
    const upper = track(writer.insert([row('u', TENANT_A.toUpperCase())]));
    await jest.advanceTimersByTimeAsync(5);
    expect(upper.value).toEqual(new Set(['u']));
  });

  it('sends rows sorted by (tenant, event id), so concurrent statements lock in one order', async () => {
    const writer = new BatchingEventWriter(store, config());
    void writer.insert([row('z'), row('a', TENANT_B)]);
    void writer.insert([row('m'), row('b')]);
    await jest.advanceTimersByTimeAsync(5);
    expect(store.calls[0]!.map((r) => `${r.tenantId.slice(-1)}:${r.eventId}`)).toEqual(['a:b', 'a:m', 'a:z', 'b:a']);
  });

  it('when PostgreSQL is unavailable, fails every caller of the statement with its error, and only those', async () => {
    store.manual = true;
    const writer = new BatchingEventWriter(store, config({ maxBatchRows: 2 }));
    const failing = [track(writer.insert([row('1')])), track(writer.insert([row('2')]))];
    const other = track(writer.insert([row('3')]));
    await jest.advanceTimersByTimeAsync(5);
    expect(store.running).toBe(2);
    const error = new DependencyUnavailableError('postgres');
    store.failNext(error);
    store.commitNext();
    await jest.advanceTimersByTimeAsync(0);
    for (const caller of failing) expect(caller.error).toBe(error);
    expect(other.value).toEqual(new Set(['3']));
    expect(writer.stats().failedFlushes).toBe(1);
  });

  it('when PostgreSQL refuses a statement, splits it until only the callers at fault fail', async () => {
    const refused = new Error('invalid byte sequence for encoding "UTF8": 0x00');
    const picky: KeyedEventWriter = {
      insertKeyed: (rows) => (rows.some((r) => r.eventId.includes('\u0000')) ? Promise.reject(refused) : store.insertKeyed(rows)),
    };
    const writer = new BatchingEventWriter(picky, config());
    const callers = [
      track(writer.insert([row('ok-1')])),
      track(writer.insert([row('bad\u0000')])),
      track(writer.insert([row('ok-2', TENANT_B), row('shared')])),
      track(writer.insert([row('shared')])), // a duplicate of the caller before: still a duplicate after the split
      track(writer.insert([row('also\u0000bad', TENANT_B)])),
    ];
    await jest.advanceTimersByTimeAsync(5);
    expect(callers.map((c) => (c.error ? 'error' : [...c.value!].sort().join(',')))).toEqual(['ok-1', 'error', 'ok-2,shared', '', 'error']);
    expect(callers[1]!.error).toBe(refused);
    expect(store.stored).toEqual(new Set([eventKey(TENANT_A, 'ok-1'), eventKey(TENANT_B, 'ok-2'), eventKey(TENANT_A, 'shared')]));
    expect(writer.stats().splitFlushes).toBeGreaterThan(0);
  });

  it('turns a writer that throws instead of rejecting into a rejection', async () => {
    const boom = new Error('boom');
    const writer = new BatchingEventWriter({ insertKeyed: () => { throw boom; } }, config());
    const caller = track(writer.insert([row('1')]));
    await jest.advanceTimersByTimeAsync(5);
    expect(caller.error).toBe(boom);
  });

  it('runs at most maxInFlightFlushes statements; the next batch grows meanwhile and goes when a slot frees', async () => {
    store.manual = true;
    const writer = new BatchingEventWriter(store, config({ maxWaitMs: 0, maxInFlightFlushes: 2 }));
    const callers = Array.from({ length: 6 }, (_, i) => track(writer.insert([row(`e${i}`)])));
    // Two statements of one row each start at once; the other four rows wait together.
    expect(store.calls.map((c) => c.length)).toEqual([1, 1]);
    await jest.advanceTimersByTimeAsync(10);
    expect(store.running).toBe(2);
    store.commitNext();
    await jest.advanceTimersByTimeAsync(0);
    expect(store.calls.map((c) => c.length)).toEqual([1, 1, 4]);
    store.commitNext();
    store.commitNext();
    await jest.advanceTimersByTimeAsync(0);
    expect(callers.every((c) => c.value?.size === 1)).toBe(true);
  });

  it('holds callers back beyond maxQueuedRows and lets them in, in arrival order, as the queue drains', async () => {
    store.manual = true;
    const writer = new BatchingEventWriter(store, config({ maxWaitMs: 0, maxInFlightFlushes: 1, maxQueuedRows: 2, maxBatchRows: 2 }));
    const running = track(writer.insert([row('r')])); // taken by the only slot at once
    const queued = track(writer.insert([row('q1'), row('q2')])); // fills the queue
    const held = track(writer.insert([row('h1')]));
    const heldToo = track(writer.insert([row('h2')]));
    expect(store.calls).toHaveLength(1);
    expect(writer.queued).toBe(2);

    store.commitNext();
    await jest.advanceTimersByTimeAsync(0);
    // The queue went into statement 2; both held callers fit now and wait together.
    expect(store.calls.map((c) => c.map((r) => r.eventId))).toEqual([['r'], ['q1', 'q2']]);
    expect(writer.queued).toBe(2);
    store.commitNext();
    await jest.advanceTimersByTimeAsync(0);
    expect(store.calls.map((c) => c.map((r) => r.eventId))).toEqual([['r'], ['q1', 'q2'], ['h1', 'h2']]);
    store.commitNext();
    await jest.advanceTimersByTimeAsync(0);
    expect([running, queued, held, heldToo].map((c) => c.value?.size)).toEqual([1, 2, 1, 1]);
  });

  it('lets a caller larger than the whole queue in once the queue is empty', async () => {
    const writer = new BatchingEventWriter(store, config({ maxQueuedRows: 2 }));
    const big = track(writer.insert([row('1'), row('2'), row('3')]));
    await jest.advanceTimersByTimeAsync(5);
    expect(big.value?.size).toBe(3);
  });

  it('writes a statement outside the traces of the callers it serves (their own spans time the wait)', async () => {
    const seen: Array<SpanContext | undefined> = [];
    const writer = new BatchingEventWriter(
      { insertKeyed: (rows) => (seen.push(trace.getSpanContext(context.active())), store.insertKeyed(rows)) },
      config({ maxWaitMs: 0 }),
    );
    const traced = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
    // The process' context manager is live, so a caller's trace would reach the statement.
    expect(context.with(traced, () => trace.getSpanContext(context.active()))?.spanId).toBe('b7ad6b7169203331');
    await context.with(traced, () => writer.insert([row('1')]));
    expect(seen).toEqual([undefined]);
  });

  it('answers an empty insert without a statement', async () => {
    const writer = new BatchingEventWriter(store, config());
    await expect(writer.insert([])).resolves.toEqual(new Set());
    expect(store.calls).toHaveLength(0);
  });

  it('on close writes what is queued and held back at once, resolves when all settled, then refuses rows', async () => {
    store.manual = true;
    const writer = new BatchingEventWriter(store, config({ maxWaitMs: 60_000, maxInFlightFlushes: 1, maxQueuedRows: 1 }));
    const queued = track(writer.insert([row('q')]));
    const held = track(writer.insert([row('h')]));
    expect(store.calls).toHaveLength(0);

    const closed = track(writer.close());
    expect(store.calls.map((c) => c.map((r) => r.eventId))).toEqual([['q']]);
    store.commitNext();
    await jest.advanceTimersByTimeAsync(0);
    expect(store.calls.map((c) => c.map((r) => r.eventId))).toEqual([['q'], ['h']]);
    expect(closed.done).toBe(false);
    store.commitNext();
    await jest.advanceTimersByTimeAsync(0);
    expect(closed.done).toBe(true);
    expect(queued.value).toEqual(new Set(['q']));
    expect(held.value).toEqual(new Set(['h']));

    await expect(writer.insert([row('late')])).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(writer.close()).resolves.toBeUndefined();
  });

  it('rejects a nonsensical configuration', () => {
    expect(() => new BatchingEventWriter(store, config({ maxBatchRows: 0 }))).toThrow(RangeError);
    expect(() => new BatchingEventWriter(store, config({ maxInFlightFlushes: 1.5 }))).toThrow(RangeError);
    expect(() => new BatchingEventWriter(store, config({ maxWaitMs: -1 }))).toThrow(RangeError);
  });

  it('property: every new (tenant, event id) of a good caller is reported to exactly one caller; bad callers fail alone', async () => {
    // One tenant per call, as a request has; repeats within a call are allowed; 'bad' makes
    // PostgreSQL refuse any statement that contains it.
    const call = fc.record({
      tenant: fc.constantFrom(TENANT_A, TENANT_B),
      ids: fc.array(fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'bad'), { minLength: 1, maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ rows: call, delayMs: fc.integer({ min: 0, max: 4 }) }), { minLength: 1, maxLength: 25 }),
        fc.record({
          maxWaitMs: fc.integer({ min: 0, max: 3 }),
          maxBatchRows: fc.integer({ min: 1, max: 8 }),
          maxInFlightFlushes: fc.integer({ min: 1, max: 3 }),
          maxQueuedRows: fc.integer({ min: 1, max: 10 }),
        }),
        async (calls, limits) => {
          const fake = new FakeStore();
          const refused = new Error('refused');
          const picky: KeyedEventWriter = {
            insertKeyed: (rows) => (rows.some((r) => r.eventId === 'bad') ? Promise.reject(refused) : fake.insertKeyed(rows)),
          };
          const writer = new BatchingEventWriter(picky, limits);
          const results: Array<Promise<PromiseSettledResult<Set<string>>>> = [];
          const sent: NewEventRow[][] = [];
          for (const { rows, delayMs } of calls) {
            const callRows = rows.ids.map((id) => row(id, rows.tenant));
            sent.push(callRows);
            // Observed at once: a rejection nobody has handled yet would fail the test.
            results.push(Promise.allSettled([writer.insert(callRows)]).then(([outcome]) => outcome!));
            await jest.advanceTimersByTimeAsync(delayMs);
          }
          await writer.close();
          const answers = await Promise.all(results);
          const reported: string[] = [];
          const good = new Set<string>();
          answers.forEach((answer, i) => {
            const callRows = sent[i]!;
            const isBad = callRows.some((r) => r.eventId === 'bad');
            expect(answer.status).toBe(isBad ? 'rejected' : 'fulfilled');
            if (answer.status === 'rejected') return;
            for (const r of callRows) good.add(eventKey(r.tenantId, r.eventId));
            for (const id of answer.value) reported.push(eventKey(callRows[0]!.tenantId, id));
          });
          expect(reported.length).toBe(good.size);
          expect(new Set(reported)).toEqual(good);
          expect(fake.stored).toEqual(good);
          for (const statement of fake.calls) expect(statement.length).toBeLessThanOrEqual(Math.max(limits.maxBatchRows, 4));
        },
      ),
      { numRuns: 200 },
    );
  });
});
