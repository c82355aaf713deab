import { PassThrough } from 'node:stream';
import { createLogger } from '../logger/logger';
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
