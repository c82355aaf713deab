import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, trace, type Context } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { createSampler } from './rate-limited-sampler';
import { rootDecisionCounts } from './sampling-counts';

const newTraceId = () => randomBytes(16).toString('hex');

function clock() {
  let ms = 0;
  return { now: () => ms, advance: (by: number) => (ms += by) };
}

/** How many of `n` new traces (no parent) the sampler records, at the clock's current time. */
function sampledOf(sampler: ReturnType<typeof createSampler>, n: number, parent: Context = ROOT_CONTEXT): number {
  let sampled = 0;
  for (let i = 0; i < n; i += 1) {
    const { decision } = sampler.shouldSample(parent, newTraceId(), 'POST /v1/events', SpanKind.SERVER, {}, []);
    if (decision === SamplingDecision.RECORD_AND_SAMPLED) sampled += 1;
  }
  return sampled;
}

const withParent = (sampled: boolean) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: newTraceId(), spanId: 'b7ad6b7169203331', traceFlags: sampled ? 1 : 0, isRemote: true });

describe('createSampler', () => {
  it('starts at most maxPerSecond new traces a second, refilling as time passes', () => {
    const time = clock();
    const sampler = createSampler({ ratio: 1, maxPerSecond: 10 }, time.now);
    expect(sampledOf(sampler, 50)).toBe(10);
    time.advance(500);
    expect(sampledOf(sampler, 50)).toBe(5);
    time.advance(60_000); // an idle minute banks one second's worth, not sixty
    expect(sampledOf(sampler, 50)).toBe(10);
    time.advance(100);
    expect(sampledOf(sampler, 50)).toBe(1);
  });

  it('keeps a steady rate under sustained load', () => {
    const time = clock();
    const sampler = createSampler({ ratio: 1, maxPerSecond: 100 }, time.now);
    sampledOf(sampler, 1000);
    let sampled = 0;
    for (let ms = 0; ms < 10_000; ms += 1) {
      time.advance(1);
      sampled += sampledOf(sampler, 3); // 3,000 requests a second
    }
    expect(sampled).toBeGreaterThanOrEqual(999);
    expect(sampled).toBeLessThanOrEqual(1000);
  });

  it('with no limit samples every new trace at ratio 1 and about the ratio otherwise', () => {
    const time = clock();
    expect(sampledOf(createSampler({ ratio: 1, maxPerSecond: 0 }, time.now), 5000)).toBe(5000);
    const tenth = sampledOf(createSampler({ ratio: 0.1, maxPerSecond: 0 }, time.now), 20_000);
    expect(tenth).toBeGreaterThan(1700);
    expect(tenth).toBeLessThan(2300);
    expect(sampledOf(createSampler({ ratio: 0, maxPerSecond: 100 }, time.now), 1000)).toBe(0);
  });

  it('applies the ratio before the limit: dropped traces do not use up the budget', () => {
    const time = clock();
    const sampler = createSampler({ ratio: 0.5, maxPerSecond: 1000 }, time.now);
    const sampled = sampledOf(sampler, 1000);
    expect(sampled).toBeGreaterThan(400);
    expect(sampled).toBeLessThan(600);
  });

  it("follows the caller's decision whatever the budget, so a trace is never cut between services", () => {
    const time = clock();
    const sampler = createSampler({ ratio: 1, maxPerSecond: 1 }, time.now);
    expect(sampledOf(sampler, 5)).toBe(1);
    expect(sampledOf(sampler, 20, withParent(true))).toBe(20);
    expect(sampledOf(sampler, 20, withParent(false))).toBe(0);
  });

  it('counts its decisions on new traces for attribution_trace_roots_total, and not the followed ones', () => {
    const time = clock();
    const before = { ...rootDecisionCounts() };
    const limited = createSampler({ ratio: 1, maxPerSecond: 2 }, time.now);
    sampledOf(limited, 5);
    sampledOf(limited, 4, withParent(true));
    sampledOf(createSampler({ ratio: 0, maxPerSecond: 0 }, time.now), 3);
    const after = rootDecisionCounts();
    expect({ sampled: after.sampled - before.sampled, ratio: after.ratio - before.ratio, rate_limited: after.rate_limited - before.rate_limited }).toEqual({
      sampled: 2,
      ratio: 3,
      rate_limited: 3,
    });
  });
});
