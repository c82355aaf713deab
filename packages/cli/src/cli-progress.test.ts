/**
 * The progress line: drawn in place on a terminal, never written to a pipe or with --json.
 * The streams are stand-ins for process.stderr (a TTY or not); the CLI's integration test shows
 * that a piped run prints nothing.
 */
import { progressLine, whileRunning, type ProgressStream } from './cli-progress';

function stream(isTTY: boolean): ProgressStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('progress line', () => {
  it('redraws one line on a terminal, with the time elapsed, and clears it at the end', () => {
    const tty = stream(true);
    let now = 1_000;
    const progress = progressLine(tty, false, () => now);
    progress.update('Replaying: 0 sent');
    now += 2_500;
    progress.update('Replaying: 500 sent');
    progress.end();
    expect(tty.written).toEqual(['\r\x1b[2KReplaying: 0 sent (0 s)', '\r\x1b[2KReplaying: 500 sent (2 s)', '\r\x1b[2K']);
  });

  it('writes nothing to a pipe, nothing with --json, and clears nothing it did not draw', () => {
    for (const [target, json] of [[stream(false), false], [stream(true), true]] as const) {
      const progress = progressLine(target, json);
      progress.update('Replaying: 500 sent');
      progress.end();
      expect(target.written).toEqual([]);
    }
    const quiet = stream(true);
    progressLine(quiet, false).end();
    expect(quiet.written).toEqual([]);
    expect(() => progressLine(undefined, false).update('no stream at all')).not.toThrow();
  });

  it('keeps the line alive while a single long statement runs, then clears it', async () => {
    jest.useFakeTimers();
    try {
      const tty = stream(true);
      let finish: (value: number) => void = () => undefined;
      const running = whileRunning(progressLine(tty, false, () => Date.now()), 'Deleting', new Promise<number>((resolve) => (finish = resolve)), 1_000);
      await jest.advanceTimersByTimeAsync(3_000);
      finish(2);
      await expect(running).resolves.toBe(2);
      expect(tty.written).toEqual(['\r\x1b[2KDeleting (0 s)', '\r\x1b[2KDeleting (1 s)', '\r\x1b[2KDeleting (2 s)', '\r\x1b[2KDeleting (3 s)', '\r\x1b[2K']);
      await jest.advanceTimersByTimeAsync(5_000);
      expect(tty.written).toHaveLength(5);
    } finally {
      jest.useRealTimers();
    }
  });
});
