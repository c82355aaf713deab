import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { ParentBasedSampler, SamplingDecision, TraceIdRatioBasedSampler, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { countRootDecision } from './sampling-counts';

export interface SamplingConfig {
  /** Share of new traces considered (OTEL_TRACES_SAMPLER_ARG). */
  ratio: number;
  /** New traces started per second by this process at most; 0 for no limit (TRACE_RATE_LIMIT). */
  maxPerSecond: number;
}

/**
 * The sampler of every service: a caller's decision is followed (so a trace that the ingest-api
 * started is complete in the dispatcher), and a new trace is sampled with probability `ratio`
 * while fewer than `maxPerSecond` were started in the last second.
 *
 * The limit is what makes tracing safe to leave on: a small deployment has every event traced,
 * and a busy replica keeps a steady sample instead of paying for a span tree on every request
 * (the cost per traced request is in docs/benchmarks.md, "Observability overhead"). The same
 * idea as X-Ray's reservoir or Jaeger's rate-limiting sampler.
 */
export function createSampler(config: SamplingConfig, now: () => number = () => performance.now()): Sampler {
  return new ParentBasedSampler({ root: new RateLimitedSampler(new TraceIdRatioBasedSampler(config.ratio), config.maxPerSecond, now) });
}

/**
 * `inner`'s decision, dropped when the token bucket (refilled continuously) is empty; a limit
 * of 0 never drops. Every decision is counted (sampling-counts.ts).
 */
export class RateLimitedSampler implements Sampler {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly inner: Sampler,
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    // A full second's worth at start: the first requests after boot are traced.
    this.tokens = perSecond;
    this.refilledAt = now();
  }

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const result = this.inner.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    if (result.decision !== SamplingDecision.RECORD_AND_SAMPLED) {
      countRootDecision('ratio');
      return result;
    }
    if (this.perSecond > 0) {
      const at = this.now();
      this.tokens = Math.min(this.perSecond, this.tokens + ((at - this.refilledAt) / 1000) * this.perSecond);
      this.refilledAt = at;
      if (this.tokens < 1) {
        countRootDecision('rate_limited');
        return { decision: SamplingDecision.NOT_RECORD };
      }
      this.tokens -= 1;
    }
    countRootDecision('sampled');
    return result;
  }

  toString(): string {
    return `RateLimitedSampler{${this.perSecond}/s, ${this.inner.toString()}}`;
  }
}
