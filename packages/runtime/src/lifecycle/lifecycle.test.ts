import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { createLogger } from '@attribution/core';
import { Lifecycle } from './lifecycle';

function newLifecycle(timeoutMs = 1000) {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (c: Buffer) => lines.push(...c.toString().trim().split('\n')));
  return { lifecycle: new Lifecycle({ logger: createLogger({ service: 'api', stream }), timeoutMs }), lines };
}

describe('Lifecycle', () => {
  it('stops stages in order, once, and exits 0 when all succeed', async () => {
    const { lifecycle } = newLifecycle();
    const order: string[] = [];
    lifecycle.add('http', async () => void order.push('http'));
    lifecycle.add('db', async () => void order.push('db'));
    const [a, b] = await Promise.all([lifecycle.shutdown('SIGTERM'), lifecycle.shutdown('SIGINT')]);
    expect([a, b]).toEqual([0, 0]);
    expect(order).toEqual(['http', 'db']);
  });

  it('keeps going after a failing or hanging stage and reports exit code 1', async () => {
    const { lifecycle, lines } = newLifecycle(50);
    lifecycle.add('broken', async () => {
      throw new Error('boom');
    });
    lifecycle.add('hangs', () => new Promise<void>(() => undefined));
    expect(await lifecycle.shutdown('SIGTERM')).toBe(1);
    const failures = lines.map((l) => JSON.parse(l)).filter((l) => l.event === 'shutdown_stage_failed');
    expect(failures.map((f) => f.meta.stage)).toEqual(['broken', 'hangs']);
  });
});

describe('Lifecycle phases', () => {
  it('stops the app, then the shared clients, then telemetry, whatever order they were added in', async () => {
    const { lifecycle } = newLifecycle();
    const order: string[] = [];
    const stage = (name: string) => async () => void order.push(name);
    lifecycle.add('tracing', stage('tracing'), 'telemetry');
    lifecycle.add('database', stage('database'), 'clients');
    lifecycle.add('http', stage('http'));
    lifecycle.add('transport', stage('transport'), 'clients');
    lifecycle.add('relay', stage('relay'));
    expect(await lifecycle.shutdown('SIGTERM')).toBe(0);
    expect(order).toEqual(['http', 'relay', 'database', 'transport', 'tracing']);
  });
});

describe('Lifecycle process handlers', () => {
  function harness() {
    const emitter = new EventEmitter();
    const exits: number[] = [];
    const stream = new PassThrough();
    const lines: Array<{ event: string; meta: Record<string, unknown> }> = [];
    stream.on('data', (c: Buffer) => lines.push(...c.toString().trim().split('\n').map((l) => JSON.parse(l))));
    let exited!: () => void;
    const done = new Promise<void>((resolve) => (exited = resolve));
    const lifecycle = new Lifecycle({
      logger: createLogger({ service: 'worker', stream }),
      timeoutMs: 1000,
      process: emitter as unknown as NodeJS.Process,
      exit: (code) => {
        exits.push(code);
        exited();
      },
    });
    const stopped: string[] = [];
    lifecycle.add('consumers', async () => void stopped.push('consumers'));
    lifecycle.installProcessHandlers();
    return { emitter, exits, lines, done, stopped, lifecycle };
  }

  it('turns a stray rejection into a logged, redacted error, an ordered shutdown and exit code 1', async () => {
    const { emitter, exits, lines, done, stopped, lifecycle } = harness();
    emitter.emit('unhandledRejection', new Error('lost promise for jane@example.com'), Promise.resolve());
    await done;
    expect(stopped).toEqual(['consumers']);
    expect(exits).toEqual([1]);
    expect(lifecycle.stopping).toBe(true);
    const fault = lines.find((l) => l.event === 'unhandled_rejection');
    expect(fault?.meta['error']).toEqual({ name: 'Error', message: 'lost promise for [email]' });
    expect(lines.map((l) => l.event)).toEqual(['unhandled_rejection', 'shutdown_started', 'shutdown_completed']);
  });

  it('does the same for an uncaught exception, even though every stage stopped cleanly', async () => {
    const { emitter, exits, lines, done } = harness();
    emitter.emit('uncaughtException', new TypeError('cannot read x of undefined'));
    await done;
    expect(exits).toEqual([1]);
    expect(lines.find((l) => l.event === 'shutdown_completed')?.meta).toMatchObject({ reason: 'uncaught_exception', clean: true });
  });

  it('exits with the shutdown code on SIGTERM', async () => {
    const { emitter, exits, done } = harness();
    emitter.emit('SIGTERM');
    await done;
    expect(exits).toEqual([0]);
  });
});
