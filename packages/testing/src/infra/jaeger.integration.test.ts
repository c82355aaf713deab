/**
 * startJaeger() (go-tools.ts) gives a working Jaeger v2: a span sent with OTLP/HTTP (JSON, built
 * by hand per the OTLP specification) is found through the query API, the one the trace tests and
 * `docs/observability.md` use. The first run builds Jaeger from the Go module proxy (minutes).
 */
import { randomBytes } from 'node:crypto';
import { waitUntil } from '../wait-until';
import { startJaeger, type Jaeger } from './go-tools';

jest.setTimeout(20 * 60_000);

interface JaegerApiTrace {
  traceID: string;
  spans: { traceID: string; spanID: string; operationName: string; tags: { key: string; value: unknown }[]; processID: string }[];
  processes: Record<string, { serviceName: string }>;
}

/** A random id of `bytes` bytes in lower-case hex, never all zeros (invalid in OTLP). */
function hexId(bytes: number): string {
  const id = randomBytes(bytes);
  id[0] = id[0]! | 0x10; // and no leading zero nibble, so no API can shorten it
  return id.toString('hex');
}

describe('startJaeger', () => {
  let jaeger: Jaeger | undefined;

  beforeAll(async () => {
    jaeger = await startJaeger();
  }, 20 * 60_000);

  afterAll(async () => {
    await jaeger?.stop();
  });

  it('listens on 127.0.0.1 only', () => {
    expect(jaeger!.otlpHttpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(jaeger!.queryUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('stores a span sent with OTLP/HTTP JSON and finds it by service', async () => {
    const service = `jaeger-it-${process.pid}`;
    const traceId = hexId(16);
    const spanId = hexId(8);
    const end = BigInt(Date.now()) * 1_000_000n;
    const start = end - 5_000_000n; // 5 ms
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: [
            {
              scope: { name: 'jaeger.integration.test' },
              spans: [
                {
                  traceId,
                  spanId,
                  name: 'POST /v1/events',
                  kind: 2, // SPAN_KIND_SERVER
                  startTimeUnixNano: start.toString(),
                  endTimeUnixNano: end.toString(),
                  attributes: [
                    { key: 'http.request.method', value: { stringValue: 'POST' } },
                    { key: 'http.response.status_code', value: { intValue: '202' } },
                    { key: 'tenant.id', value: { stringValue: 't1' } },
                  ],
                  status: { code: 1 }, // STATUS_CODE_OK
                },
              ],
            },
          ],
        },
      ],
    };

    const res = await fetch(`${jaeger!.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    // A full success is an empty ExportTraceServiceResponse (no partialSuccess with rejections).
    const answer = (await res.json()) as { partialSuccess?: { rejectedSpans?: string | number } };
    expect(Number(answer.partialSuccess?.rejectedSpans ?? 0)).toBe(0);

    const trace = await waitUntil(
      async () => {
        const found = await fetch(`${jaeger!.queryUrl}/api/traces?service=${encodeURIComponent(service)}&limit=20`);
        if (!found.ok) return undefined;
        const { data } = (await found.json()) as { data: JaegerApiTrace[] | null };
        return data?.find((t) => t.traceID === traceId);
      },
      `trace ${traceId} of service ${service} in Jaeger`,
      { timeoutMs: 15_000, intervalMs: 100 },
    );

    expect(trace.spans).toHaveLength(1);
    const span = trace.spans[0]!;
    expect(span).toMatchObject({ traceID: traceId, spanID: spanId, operationName: 'POST /v1/events' });
    expect(trace.processes[span.processID]?.serviceName).toBe(service);
    expect(span.tags).toEqual(expect.arrayContaining([{ key: 'tenant.id', type: 'string', value: 't1' }]));

    // And by id, the way observability.md says to look one up (trace id from the 202 response).
    const byId = await fetch(`${jaeger!.queryUrl}/api/traces/${traceId}`);
    expect(byId.status).toBe(200);
    const { data } = (await byId.json()) as { data: JaegerApiTrace[] };
    expect(data[0]?.traceID).toBe(traceId);
  });

  it('stops cleanly, and stop() is idempotent', async () => {
    const running = jaeger!;
    jaeger = undefined;
    await running.stop();
    await running.stop();
    await expect(fetch(`${running.queryUrl}/api/services`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  });
});
