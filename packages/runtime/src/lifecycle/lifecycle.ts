import type { Logger } from '@attribution/core';

/**
 * When a stage stops: the app's own stages first (stop intake, drain work, flush producers), then
 * the shared clients they used (bus, database), then the servers this process started for
 * itself (the embedded PostgreSQL), then telemetry, which reports on all of them.
 */
export type ShutdownPhase = 'app' | 'clients' | 'servers' | 'telemetry';
const PHASES: readonly ShutdownPhase[] = ['app', 'clients', 'servers', 'telemetry'];

interface Stage {
  name: string;
  stop: () => Promise<void>;
  phase: ShutdownPhase;
}

export interface LifecycleOptions {
  logger: Logger;
  /** Past this, shutdown gives up on the remaining stages and reports failure. */
  timeoutMs: number;
  exit?: (code: number) => void;
  /** Where signals and stray errors are heard; the process itself unless a test says otherwise. */
  process?: Pick<NodeJS.Process, 'once' | 'on'>;
}

/**
 * One ordered, idempotent shutdown per process. Stages stop phase by phase, and within a phase
 * in the order they were added, so a composition root adds its own as "stop intake, drain work,
 * flush producers", and whoever opens a shared client may register it before or after.
 */
export class Lifecycle {
  private readonly stages: Stage[] = [];
  private shuttingDown: Promise<number> | undefined;

  constructor(private readonly options: LifecycleOptions) {}

  add(name: string, stop: () => Promise<void>, phase: ShutdownPhase = 'app'): void {
    this.stages.push({ name, stop, phase });
  }

  get stopping(): boolean {
    return this.shuttingDown !== undefined;
  }

  /** Resolves to the exit code: 0 when every stage stopped cleanly. */
  shutdown(reason: string): Promise<number> {
    this.shuttingDown ??= this.runStages(reason);
    return this.shuttingDown;
  }

  /**
   * SIGTERM and SIGINT shut down in order and exit with the shutdown's code. A rejection nobody
   * handled, or an exception nobody caught, is a bug that leaves the process in an unknown
   * state: it is logged (redacted, like every line) and leads to the same orderly shutdown, then
   * exit code 1, so the orchestrator restarts the process and the failure is visible, instead of
   * a silent death or a process limping on.
   */
  installProcessHandlers(): void {
    const exit = this.options.exit ?? ((code: number) => process.exit(code));
    const target = this.options.process ?? process;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      target.once(signal, () => void this.shutdown(signal).then(exit));
    }
    const fault = (event: 'unhandled_rejection' | 'uncaught_exception') => (error: unknown) => {
      this.options.logger.error(event, { error });
      void this.shutdown(event).then(() => exit(1));
    };
    target.on('unhandledRejection', fault('unhandled_rejection'));
    target.on('uncaughtException', fault('uncaught_exception'));
  }

  private async runStages(reason: string): Promise<number> {
    const { logger, timeoutMs } = this.options;
    logger.info('shutdown_started', { reason });
    const started = Date.now();
    let failed = false;
    const ordered = PHASES.flatMap((phase) => this.stages.filter((stage) => stage.phase === phase));
    for (const stage of ordered) {
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
