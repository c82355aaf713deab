/**
 * What the process' sampler decided for new traces (a caller's decision is followed and not
 * counted here). Kept apart from the sampler so the metrics registry can read it without loading
 * the OpenTelemetry SDK; exported as attribution_trace_roots_total{decision}.
 */
export type RootDecision = 'sampled' | 'ratio' | 'rate_limited';

const counts: Record<RootDecision, number> = { sampled: 0, ratio: 0, rate_limited: 0 };

export function countRootDecision(decision: RootDecision): void {
  counts[decision] += 1;
}

export function rootDecisionCounts(): Readonly<Record<RootDecision, number>> {
  return counts;
}
