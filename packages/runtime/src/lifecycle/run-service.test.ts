import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

describe('runService (a real process)', () => {
  it('logs a stray rejection redacted, stops its stages in order and exits 1 instead of dying silently or running on', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'test', 'fixtures', 'faulty-service.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    const events = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; meta: Record<string, unknown> });
    expect(code).toBe(1);
    expect(events.map((e) => e.event)).toEqual(['service_started', 'unhandled_rejection', 'shutdown_started', 'shutdown_completed']);
    expect(JSON.stringify(events[1]!.meta)).not.toContain('4111 1111');
    expect(events[3]!.meta).toMatchObject({ reason: 'unhandled_rejection', clean: true });
  });
});
