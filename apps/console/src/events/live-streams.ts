import type { Request, Response } from 'express';
import type { Logger } from '@attribution/core';

const HEARTBEAT_MS = 15_000;

export interface LiveStream {
  /** The stream's current markup; sent whenever it differs from what was sent last. */
  render: () => Promise<string>;
  /** False once the session that opened the stream has ended (signed out or expired). */
  stillSignedIn: () => boolean;
}

/**
 * Server-sent events of the live view: every `pollMs` the stream's markup is rendered again and
 * sent as one `rows` event when it changed (a comment line keeps idle proxies from closing the
 * connection). The open streams end on shutdown, before the HTTP server waits for its requests.
 */
export class LiveStreams {
  private readonly open = new Set<() => void>();

  constructor(private readonly options: { pollMs: number; logger: Logger }) {}

  serve(req: Request, res: Response, stream: LiveStream): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    let last = '';
    let lastWrite = Date.now();
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      this.open.delete(stop);
      res.end();
    };
    const tick = async () => {
      if (!stream.stillSignedIn()) return stop();
      try {
        const markup = await stream.render();
        if (markup !== last) {
          last = markup;
          res.write(`event: rows\n${markup.split('\n').map((line) => `data: ${line}`).join('\n')}\n\n`);
          lastWrite = Date.now();
        } else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
          res.write(': still here\n\n');
          lastWrite = Date.now();
        }
      } catch (error) {
        // The view keeps what it has; the next tick tries again.
        this.options.logger.warn('console_live_stream_failed', { error });
      }
      if (!stopped) timer = setTimeout(() => void tick(), this.options.pollMs);
    };
    req.on('close', stop);
    this.open.add(stop);
    void tick();
  }

  get size(): number {
    return this.open.size;
  }

  closeAll(): void {
    for (const stop of [...this.open]) stop();
  }
}
