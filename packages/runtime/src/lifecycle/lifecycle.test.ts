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
