/**
 * A progress line for long operations, on stderr and only for a person at a terminal: when
 * stderr is piped (a script, a log) or the output is `--json`, nothing is written, so what a
 * program reads stays exactly the result.
 */

/** Where the line goes: process.stderr, or anything with the same two members. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface Progress {
  /** Replaces the line with `text` and the time since the operation started. */
  update(text: string): void;
  /** Clears the line (the result follows on stdout). */
  end(): void;
}

const SILENT: Progress = { update: () => undefined, end: () => undefined };

// Carriage return, then "erase the whole line": the next text replaces the previous one in place.
const CLEAR_LINE = '\r\x1b[2K';

class TerminalProgress implements Progress {
  private readonly startedAt: number;
  private shown = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
  }

  update(text: string): void {
    const seconds = Math.floor((this.now() - this.startedAt) / 1000);
    this.stream.write(`${CLEAR_LINE}${text} (${seconds} s)`);
    this.shown = true;
  }

  end(): void {
    if (this.shown) this.stream.write(CLEAR_LINE);
    this.shown = false;
  }
}

export function progressLine(stream: ProgressStream | undefined, json: boolean, now: () => number = Date.now): Progress {
  return stream?.isTTY === true && !json ? new TerminalProgress(stream, now) : SILENT;
}

/**
 * Shows `text` while `work` runs, its time refreshed every `everyMs`: for a single statement
 * that reports nothing until it ends (an erasure). The line is cleared when it settles.
 */
export async function whileRunning<T>(progress: Progress, text: string, work: Promise<T>, everyMs = 1_000): Promise<T> {
  progress.update(text);
  const timer = setInterval(() => progress.update(text), everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    progress.end();
  }
}
