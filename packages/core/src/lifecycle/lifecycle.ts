import type { Logger } from '../logger/logger';

interface Stage {
  name: string;
  stop: () => Promise<void>;
}

export interface LifecycleOptions {
  logger: Logger;
  /** Past this, shutdown gives up on the remaining stages and reports failure. */
  timeoutMs: number;
  exit?: (code: number) => void;
}

/**
 * One ordered, idempotent shutdown per process. Stages stop in the order they were added, so a
 * composition root adds them as "stop intake, drain work, flush producers, close clients".
 */
export class Lifecycle {
  private readonly stages: Stage[] = [];
  private shuttingDown: Promise<number> | undefined;

  constructor(private readonly options: LifecycleOptions) {}

  add(name: string, stop: () => Promise<void>): void {
    this.stages.push({ name, stop });
  }

  get stopping(): boolean {
    return this.shuttingDown !== undefined;
  }

  /** Resolves to the exit code: 0 when every stage stopped cleanly. */
  shutdown(reason: string): Promise<number> {
    this.shuttingDown ??= this.runStages(reason);
    return this.shuttingDown;
  }

  installSignalHandlers(): void {
    const exit = this.options.exit ?? ((code: number) => process.exit(code));
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void this.shutdown(signal).then(exit));
    }
  }

  private async runStages(reason: string): Promise<number> {
    const { logger, timeoutMs } = this.options;
    logger.info('shutdown_started', { reason });
    const started = Date.now();
    let failed = false;
    for (const stage of this.stages) {
      const remaining = timeoutMs - (Date.now() - started);
      try {
        await withTimeout(stage.stop(), remaining, stage.name);
      } catch (error) {
        failed = true;
        logger.error('shutdown_stage_failed', { stage: stage.name, error });
      }
    }
    logger.info('shutdown_completed', { reason, duration_ms: Date.now() - started, clean: !failed });
    await logger.close();
    return failed ? 1 : 0;
  }
}

function withTimeout(work: Promise<void>, ms: number, name: string): Promise<void> {
  if (ms <= 0) return Promise.reject(new Error(`no time left to stop ${name}`));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not stop within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
