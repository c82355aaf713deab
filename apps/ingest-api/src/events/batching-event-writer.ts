import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import { eventKey, type EventWriter, type KeyedEventWriter, type NewEventRow } from '@attribution/db';
import { DependencyUnavailableError, isRetryable } from '@attribution/runtime';

export interface BatchingEventWriterConfig {
  /** Longest a row waits for company before its batch is written (0: write as soon as a flush slot is free). */
  maxWaitMs: number;
  /** Rows per statement: a batch this big is written at once. One caller's rows are never split. */
  maxBatchRows: number;
  /** Statements running at the same time (each holds one pool connection). */
  maxInFlightFlushes: number;
  /** Rows waiting for a statement; past this, callers wait their turn (back-pressure). */
  maxQueuedRows: number;
}

export const DEFAULT_BATCHING_CONFIG: BatchingEventWriterConfig = {
  maxWaitMs: 2,
  maxBatchRows: 500,
  maxInFlightFlushes: 4,
  maxQueuedRows: 10_000,
};

export interface BatchingEventWriterStats {
  flushes: number;
  rows: number;
  /** Statements that failed (each failed statement counts once, retries included). */
  failedFlushes: number;
  /** Failed statements that were split to find the callers at fault. */
  splitFlushes: number;
  largestBatch: number;
}

interface Pending {
  rows: NewEventRow[];
  enqueuedAt: number;
  resolve: (inserted: Set<string>) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for event inserts: rows from concurrent requests are collected for at most
 * `maxWaitMs` (or until `maxBatchRows`) and written in one statement, and every caller gets
 * the ids of ITS rows that were new, once that statement committed. When PostgreSQL is
 * unavailable every caller of the statement gets the same error (503), so none of them answers
 * 202 for a row that is not stored; when PostgreSQL refuses the statement's data, the batch is
 * split until only the callers at fault fail. While all flush slots are busy the next batch
 * keeps growing, so batches get larger exactly when the database is the bottleneck.
 *
 * Within a batch, the first caller to bring a (tenant, event id) owns it: a second caller with
 * the same pair sees a duplicate and the pair is sent once. Rows are sent sorted by that pair
 * so that concurrent statements take their unique-index locks in the same order and cannot
 * deadlock on each other's duplicates.
 */
export class BatchingEventWriter implements EventWriter {
  private readonly queue: Pending[] = [];
  /** Callers held back because the queue is full, in arrival order. */
  private readonly waiting: Pending[] = [];
  private queuedRows = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The queue head a timer was armed for: when it fires, that head's window is over. */
  private timerHead: Pending | undefined;
  private expiredHead: Pending | undefined;
  private closing = false;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly counters: BatchingEventWriterStats = { flushes: 0, rows: 0, failedFlushes: 0, splitFlushes: 0, largestBatch: 0 };
  private readonly now: () => number;

  constructor(
    private readonly inner: KeyedEventWriter,
    private readonly config: BatchingEventWriterConfig = DEFAULT_BATCHING_CONFIG,
    options: { now?: () => number } = {},
  ) {
    for (const key of ['maxBatchRows', 'maxInFlightFlushes', 'maxQueuedRows'] as const) {
      if (!Number.isInteger(config[key]) || config[key] < 1) throw new RangeError(`${key} must be a positive integer`);
    }
    if (!(config.maxWaitMs >= 0)) throw new RangeError('maxWaitMs must be >= 0');
    this.now = options.now ?? Date.now;
  }

  insert(rows: NewEventRow[]): Promise<Set<string>> {
    if (this.closing) return Promise.reject(new DependencyUnavailableError('postgres', { cause: new Error('event writer is closed') }));
    if (rows.length === 0) return Promise.resolve(new Set());
    return new Promise<Set<string>>((resolve, reject) => {
      const entry: Pending = { rows, enqueuedAt: this.now(), resolve, reject };
      // Strictly first come, first served: nobody overtakes a caller that is already waiting.
      if (this.waiting.length === 0 && this.fits(rows.length)) this.enqueue(entry);
      else this.waiting.push(entry);
      this.pump();
    });
  }

  /** Stops taking rows, writes everything already queued or waiting, and resolves when all is settled. */
  async close(): Promise<void> {
    this.closing = true;
    this.pump();
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): BatchingEventWriterStats {
    return { ...this.counters };
  }

  /** Rows queued for a statement (not counting callers held back by back-pressure). */
  get queued(): number {
    return this.queuedRows;
  }

  /** A caller bigger than the whole queue still gets in, alone, so it cannot wait forever. */
  private fits(size: number): boolean {
    return this.queuedRows === 0 || this.queuedRows + size <= this.config.maxQueuedRows;
  }

  private enqueue(entry: Pending): void {
    this.queue.push(entry);
    this.queuedRows += entry.rows.length;
  }

  private admitWaiting(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.rows.length)) {
      this.enqueue(this.waiting.shift()!);
    }
  }

  private pump(): void {
    while (this.inFlight < this.config.maxInFlightFlushes && this.queue.length > 0) {
      const head = this.queue[0]!;
      const waitedMs = this.now() - head.enqueuedAt;
      const due =
        this.closing ||
        this.queuedRows >= this.config.maxBatchRows ||
        waitedMs >= this.config.maxWaitMs ||
        // A timer can fire a fraction of a millisecond before the clock agrees.
        head === this.expiredHead;
      if (!due) {
        this.armTimer(head, this.config.maxWaitMs - waitedMs);
        return;
      }
      this.flush(this.takeBatch());
    }
    // Empty, or every slot busy: the end of a running flush pumps again, no timer needed.
    this.disarmTimer();
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let rows = 0;
    while (this.queue.length > 0) {
      const size = this.queue[0]!.rows.length;
      if (batch.length > 0 && rows + size > this.config.maxBatchRows) break;
      batch.push(this.queue.shift()!);
      rows += size;
    }
    this.queuedRows -= rows;
    this.admitWaiting();
    return batch;
  }

  private flush(batch: Pending[]): void {
    this.inFlight += 1;
    // A statement shared by many requests belongs to none of their traces: each request's
    // `events insert` span already times its wait for it. Outside any trace, the pg
    // instrumentation records no spans for it either (requireParentSpan).
    void context.with(ROOT_CONTEXT, () => this.write(batch)).finally(() => {
      this.inFlight -= 1;
      this.pump();
      if (this.isIdle()) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    });
  }

  /** Writes one batch and settles its callers; never rejects. */
  private async write(batch: Pending[]): Promise<void> {
    const { rows, owned } = claimRows(batch);
    this.counters.flushes += 1;
    this.counters.rows += rows.length;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, rows.length);
    let inserted: Set<string>;
    try {
      inserted = await this.inner.insertKeyed(rows);
    } catch (error) {
      this.counters.failedFlushes += 1;
      if (batch.length === 1 || isRetryable(error)) {
        // PostgreSQL is unavailable (or this caller's own rows were refused): nobody in the
        // statement is stored, so everybody in it gets the error, never a 202.
        for (const caller of batch) caller.reject(error);
        return;
      }
      // PostgreSQL refused the statement itself (e.g. a NUL byte in a value, or a tenant
      // deleted meanwhile): halve the batch until only the callers at fault fail, so one bad
      // request cannot fail other tenants' requests. Runs within this flush's slot.
      this.counters.splitFlushes += 1;
      const half = Math.ceil(batch.length / 2);
      await this.write(batch.slice(0, half));
      await this.write(batch.slice(half));
      return;
    }
    batch.forEach((caller, i) => {
      const mine = new Set<string>();
      for (const [key, eventId] of owned[i]!) if (inserted.has(key)) mine.add(eventId);
      caller.resolve(mine);
    });
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.queue.length === 0 && this.waiting.length === 0;
  }

  private armTimer(head: Pending, ms: number): void {
    if (this.timer && this.timerHead === head) return;
    this.disarmTimer();
    this.timerHead = head;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.expiredHead = head;
      this.pump();
      this.expiredHead = undefined;
    }, Math.max(0, ms));
  }

  private disarmTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerHead = undefined;
  }
}

/**
 * The rows of one statement: each (tenant, event id) once, owned by the first caller that
 * brought it, sorted by that pair. `owned[i]` maps caller i's keys to its event ids.
 */
function claimRows(batch: Pending[]): { rows: NewEventRow[]; owned: Array<Map<string, string>> } {
  const claimed = new Map<string, NewEventRow>();
  const owned = batch.map((caller) => {
    const mine = new Map<string, string>();
    for (const row of caller.rows) {
      const key = eventKey(row.tenantId, row.eventId);
      if (claimed.has(key)) continue;
      claimed.set(key, row);
      mine.set(key, row.eventId);
    }
    return mine;
  });
  const rows = [...claimed.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  return { rows, owned };
}
