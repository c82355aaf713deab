import { SETTLED_STATUSES, type DeliveryRecord, type DeliveryStatus } from '@attribution/db';
import { applyEventRules, decideConsent, platformDefinition, type ConsentDecision, type ConsentPolicy } from '@attribution/destinations';
import type { RoutedDestination } from '../routing/destination-routing';
import { deliveryRecord, type AllowedJob, type DeliveryJob, type OutcomeNote } from './delivery-job';

/** Statuses an operator may ask to send again (replay). */
const REPLAYABLE: readonly DeliveryStatus[] = ['dead', 'parked'];

/** Whether a settled delivery must not be sent again (at-least-once delivery meets at-most-once send). */
export function blocksSend(status: DeliveryStatus | undefined, replay: boolean): boolean {
  if (!status || !SETTLED_STATUSES.includes(status)) return false;
  return !(replay && REPLAYABLE.includes(status));
}

export interface DeliveryPlan {
  /** Let through, each with its consent decision: the adapter sends these. */
  toSend: AllowedJob[];
  /** Outcomes decided without a call: filtered by a rule, blocked by consent, parked. */
  records: DeliveryRecord[];
  /** Decisions taken now (not carried by a retry), for the consent metric and spans. */
  decisions: Array<{ job: DeliveryJob; decision: ConsentDecision }>;
  /** Set when the destination cannot be sent to at all: it is marked as needing credentials. */
  authFailure: string | null;
  notes: OutcomeNote[];
}

/**
 * The first of the dispatcher's three parts, pure: which jobs go to a destination. Already
 * settled deliveries are skipped (unless replayed), the destination's event rules keep some away
 * (before consent is asked: an event the tenant does not send there needs no decision), the
 * consent switch decides the rest (or the decision a retry carries stands), and a destination
 * that needs credentials, or whose stored settings are invalid, parks what consent let through.
 */
export function planDeliveries(destination: RoutedDestination, jobs: DeliveryJob[], settled: Map<string, DeliveryStatus>, policy: ConsentPolicy): DeliveryPlan {
  const plan: DeliveryPlan = { toSend: [], records: [], decisions: [], authFailure: null, notes: [] };
  const requirements = platformDefinition(destination.platform).consent;
  for (const job of jobs) {
    if (blocksSend(settled.get(job.event.id), job.replay ?? false)) continue;
    const verdict = applyEventRules(destination.config.rules, job.event.eventName);
    if (!verdict.kept) {
      plan.records.push(deliveryRecord(job, destination.platform, 'filtered', { error: verdict.reason }));
      continue;
    }
    let decision: ConsentDecision;
    if (job.consent) {
      decision = { allowed: true, ...job.consent };
    } else {
      decision = decideConsent(job.event.consent, requirements, policy);
      plan.decisions.push({ job, decision });
    }
    if (!decision.allowed) {
      plan.records.push(deliveryRecord(job, destination.platform, 'blocked_consent', { error: decision.reason }));
      plan.notes.push({ level: 'info', event: 'consent_blocked', destination: destination.platform, job, meta: { reason: decision.reason } });
    } else if (destination.config.status === 'needs_credentials') {
      plan.records.push(deliveryRecord(job, destination.platform, 'parked', { error: 'destination needs new credentials' }));
    } else if (destination.problem) {
      // Parked like refused credentials, so a replay sends them once the problem is fixed.
      if (destination.problem.operatorMustSet) plan.authFailure = destination.problem.reason;
      plan.records.push(deliveryRecord(job, destination.platform, 'parked', { error: destination.problem.reason }));
    } else {
      plan.toSend.push({ job, consent: decision, name: verdict.name, renamed: verdict.renamed });
    }
  }
  return plan;
}
