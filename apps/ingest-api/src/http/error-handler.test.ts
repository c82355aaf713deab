import { PassThrough } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { createLogger, runWithLogContext } from '@attribution/core';
import { AuthenticationError } from '../auth/auth-errors';
import { errorHandler } from './error-handler';

/** An app whose only route throws `error`, with the JSON log lines it writes. */
function appThrowing(error: unknown) {
  const stream = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const logger = createLogger({ service: 'api', stream });
  const app = express();
  app.use((_req, _res, next) => runWithLogContext({ traceId: 'a'.repeat(32) }, next));
  app.post('/v1/events', () => {
    throw error;
  });
  app.use(errorHandler(logger));
  return { app, lines };
}

describe('errorHandler: refused keys', () => {
  const fullKey = 'pk_68V6Bm5Qx8rT2mZ0aLkPq9Wn3Yb';

  it('answers 401 and logs auth_error with the reason, the key prefix and the tenant, never the key', async () => {
    const { app, lines } = appThrowing(
      new AuthenticationError('API key has been revoked', 'revoked_key', { prefix: fullKey.slice(0, 10), kind: 'public', tenantId: 'tenant-1' }),
    );
    const response = await request(app).post('/v1/events').expect(401);
    expect(response.body).toEqual({ error: 'unauthenticated', message: 'API key has been revoked' });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        event: 'auth_error',
        tenant_id: 'tenant-1',
        trace_id: 'a'.repeat(32),
        meta: { reason: 'revoked_key', key_prefix: 'pk_68V6Bm5', key_kind: 'public' },
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(fullKey);
  });

  it('logs a missing or malformed key by reason alone', async () => {
    const { app, lines } = appThrowing(new AuthenticationError('Missing or malformed API key', 'malformed_key'));
    await request(app).post('/v1/events').expect(401);
    expect(lines).toEqual([expect.objectContaining({ event: 'auth_error', tenant_id: null, meta: { reason: 'malformed_key' } })]);
  });
});
