import { CronExpressionParser } from 'cron-parser';
import type { Logger } from '@attribution/core';
import type { PruneService } from './prune.service';

/** Runs the prune on a cron schedule (UTC); one run at a time, stoppable between batches. */
export class PruneScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly config: { schedule: string },
    private readonly deps: { service: PruneService; logger: Logger },
  ) {}

  start(): void {
    this.scheduleNext();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const next = CronExpressionParser.parse(this.config.schedule, { tz: 'UTC' }).next().toDate();
    // setTimeout overflows past ~24.8 days; re-evaluate at most daily.
    const delay = Math.min(next.getTime() - Date.now(), 24 * 60 * 60 * 1000);
    this.timer = setTimeout(() => void this.runDue(next), Math.max(0, delay));
  }

  private async runDue(due: Date): Promise<void> {
    if (Date.now() < due.getTime()) return this.scheduleNext();
    this.running = this.deps.service
      .pruneAll()
      .then((report) => this.deps.logger.info('prune_run_finished', { ...report }))
      .catch((error: unknown) => this.deps.logger.error('prune_failed', { error }))
      .finally(() => (this.running = undefined));
    await this.running;
    this.scheduleNext();
  }
}
