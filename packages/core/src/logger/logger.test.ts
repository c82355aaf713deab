import { PassThrough } from 'node:stream';
import { runWithLogContext, setLogContext, setTraceIdSource } from './log-context';
import { createLogger } from './logger';

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { stream, lines: () => chunks.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  afterEach(() => setTraceIdSource(undefined));

  it('writes exactly the agreed top-level fields, one JSON object per line', async () => {
    const out = capture();
    const logger = createLogger({ service: 'api', stream: out.stream });
    logger.info('ingest_received', { latency_ms: 3 });
    logger.warn('rate_limited', { tenant_id: 't-1', trace_id: 'abc' });
    await logger.close();
    const [first, second] = out.lines();
    expect(Object.keys(first!).sort()).toEqual(['event', 'level', 'meta', 'service', 'tenant_id', 'trace_id']);
    expect(first).toEqual({ level: 'info', service: 'api', trace_id: null, tenant_id: null, event: 'ingest_received', meta: { latency_ms: 3 } });
    expect(second).toMatchObject({ level: 'warn', tenant_id: 't-1', trace_id: 'abc', meta: {} });
  });

  it('takes tenant and trace from the async context, and the trace from the tracing source', async () => {
    const out = capture();
    const logger = createLogger({ service: 'worker', stream: out.stream });
    setTraceIdSource(() => 'span-trace');
    await runWithLogContext({ tenantId: 'tenant-a' }, async () => {
      await Promise.resolve();
      setLogContext({ traceId: 'ctx-trace' });
      logger.info('dispatch_attempt');
    });
    logger.info('outside');
    await logger.close();
    const [inside, outside] = out.lines();
    expect(inside).toMatchObject({ tenant_id: 'tenant-a', trace_id: 'ctx-trace' });
    expect(outside).toMatchObject({ tenant_id: null, trace_id: 'span-trace' });
  });

  it('never writes raw personal data or secrets, whatever the caller passes', async () => {
    const out = capture();
    const logger = createLogger({ service: 'api', stream: out.stream });
    logger.error('dispatch_failed', {
      payload: { data: [{ user_data: { em: 'x' }, note: 'contact mary@example.com or +1 (415) 555-2671' }] },
      token: 'EAAJ0123456789abcdefghijkl',
      error: new Error('401 for Bearer sk_live_supersecret99'),
    });
    await logger.close();
    const raw = JSON.stringify(out.lines());
    expect(raw).not.toMatch(/mary@example\.com|555-2671|EAAJ0123|supersecret/);
  });

  it('respects the level and ignores writes after close', async () => {
    const out = capture();
    const logger = createLogger({ service: 'pruner', level: 'warn', stream: out.stream });
    logger.info('hidden');
    logger.error('shown');
    await logger.close();
    logger.error('after_close');
    expect(out.lines().map((l) => l['event'])).toEqual(['shown']);
  });
});
