import type { DeliveryStatus } from '@attribution/db';
import { TENANT, routed, storedEvent } from '../../test/dispatch-fakes';
import type { DeliveryJob } from './delivery-job';
import { blocksSend, planDeliveries } from './delivery-plan';

const job = (overrides: Partial<DeliveryJob> = {}): DeliveryJob => ({ event: storedEvent(), failedAttempts: 0, ...overrides });
const none = new Map<string, DeliveryStatus>();

describe('blocksSend', () => {
  it.each<[DeliveryStatus | undefined, boolean, boolean]>([
    [undefined, false, false],
    ['retrying', false, false],
    ['sent', false, true],
    ['sent', true, true],
    ['failed', true, true],
    ['blocked_consent', true, true],
    ['dead', false, true],
    ['dead', true, false],
    ['parked', false, true],
    ['parked', true, false],
    ['filtered', false, true],
    ['filtered', true, true],
    ['skipped', true, true],
  ])('%s (replay %s) blocks a send: %s', (status, replay, blocked) => {
    expect(blocksSend(status, replay)).toBe(blocked);
  });
});

describe('planDeliveries', () => {
  it("keeps events off the destination's rules away before consent is asked, and names the rest as the rules say", () => {
    const purchase = job();
    const lead = job({ event: storedEvent({ eventName: 'Lead' }) });
    const pageView = job({ event: storedEvent({ eventName: 'PageView', consent: null }) });
    const plan = planDeliveries(routed('meta', { rules: { only: ['Purchase', 'Lead'], rename: { Lead: 'SubmitForm' } } }), [purchase, lead, pageView], none, 'block');
    expect(plan.toSend.map((s) => [s.job.event.eventName, s.name, s.renamed])).toEqual([
      ['Purchase', 'Purchase', false],
      ['Lead', 'SubmitForm', true],
    ]);
    // Filtered, not blocked by consent (it carried none): no decision was taken for it.
    expect(plan.records).toEqual([
      expect.objectContaining({ eventPk: pageView.event.id, status: 'filtered', error: 'event "PageView" is not in this destination\'s event list', attempted: false }),
    ]);
    expect(plan.decisions).toHaveLength(2);
  });

  it('filters on a deny list the same way, retries and replays included', () => {
    const retried = job({ event: storedEvent({ eventName: 'PageView' }), failedAttempts: 2, consent: { basis: 'consent', adUserData: true, adPersonalization: true } });
    const plan = planDeliveries(routed('ga4', { rules: { except: ['PageView'] } }), [retried], none, 'block');
    expect(plan.toSend).toEqual([]);
    expect(plan.records.map((r) => r.status)).toEqual(['filtered']);
  });

  it('decides consent with the platform declared requirements and records each block with its reason', () => {
    const allowed = job();
    const denied = job({ event: storedEvent({ consent: { ad_storage: 'granted', ad_user_data: 'denied' } }) });
    const plan = planDeliveries(routed('meta'), [allowed, denied], none, 'block');
    expect(plan.toSend).toEqual([{ job: allowed, consent: { allowed: true, basis: 'consent', adUserData: true, adPersonalization: true }, name: 'Purchase', renamed: false }]);
    expect(plan.records).toEqual([expect.objectContaining({ eventPk: denied.event.id, tenantId: TENANT, destination: 'meta', status: 'blocked_consent', error: 'ad_user_data denied', attempted: false })]);
    expect(plan.decisions.map((d) => d.decision.allowed)).toEqual([true, false]);
    expect(plan.notes).toEqual([expect.objectContaining({ event: 'consent_blocked', destination: 'meta', meta: { reason: 'ad_user_data denied' } })]);
  });

  it('lets the same event through to GA4 without user data where Meta blocks it: one decision per destination', () => {
    const noUserData = job({ event: storedEvent({ consent: { analytics_storage: 'granted', ad_user_data: 'denied' } }) });
    expect(planDeliveries(routed('meta'), [noUserData], none, 'block').toSend).toEqual([]);
    expect(planDeliveries(routed('ga4'), [noUserData], none, 'block').toSend[0]?.consent).toEqual({ allowed: true, basis: 'consent', adUserData: false, adPersonalization: false });
  });

  it('follows the tenant policy for an event without any consent signal', () => {
    const unsignalled = job({ event: storedEvent({ consent: null }) });
    expect(planDeliveries(routed('meta'), [unsignalled], none, 'block').records[0]).toMatchObject({ status: 'blocked_consent', error: 'no consent signal' });
    expect(planDeliveries(routed('meta'), [unsignalled], none, 'allow').toSend[0]?.consent).toMatchObject({ basis: 'policy' });
  });

  it('keeps the decision a retry carries instead of deciding again, and does not count it again', () => {
    // The signals now say no, but the first attempt's decision stands for its retries.
    const retry = job({ event: storedEvent({ consent: { ad_storage: 'denied' } }), failedAttempts: 2, consent: { basis: 'consent', adUserData: true, adPersonalization: false } });
    const plan = planDeliveries(routed('meta'), [retry], none, 'block');
    expect(plan.toSend).toEqual([{ job: retry, consent: { allowed: true, basis: 'consent', adUserData: true, adPersonalization: false }, name: 'Purchase', renamed: false }]);
    expect(plan.decisions).toEqual([]);
  });

  it('skips deliveries already settled, except dead or parked ones an operator replays', () => {
    const sent = job();
    const parked = job({ replay: true });
    const dead = job();
    const settled = new Map<string, DeliveryStatus>([
      [sent.event.id, 'sent'],
      [parked.event.id, 'parked'],
      [dead.event.id, 'dead'],
    ]);
    const plan = planDeliveries(routed('meta'), [sent, parked, dead], settled, 'block');
    expect(plan.toSend.map((s) => s.job)).toEqual([parked]);
    expect(plan.records).toEqual([]);
  });

  it('parks what consent let through when the destination needs new credentials', () => {
    const blocked = job({ event: storedEvent({ consent: { ad_storage: 'denied' } }) });
    const plan = planDeliveries(routed('meta', { status: 'needs_credentials' }), [job(), blocked], none, 'block');
    expect(plan.toSend).toEqual([]);
    expect(plan.records.map((r) => [r.status, r.error])).toEqual([
      ['parked', 'destination needs new credentials'],
      ['blocked_consent', 'ad_storage denied'],
    ]);
    expect(plan.authFailure).toBeNull();
  });

  it('parks and reports a destination whose stored settings do not pass the platform schema', () => {
    const problem = 'destination settings are invalid: "pixel_id" is required';
    const plan = planDeliveries(routed('meta', { problem: { reason: problem, operatorMustSet: true } }), [job(), job()], none, 'block');
    expect(plan.toSend).toEqual([]);
    expect(plan.records.map((r) => [r.status, r.error, r.attempted])).toEqual([
      ['parked', problem, false],
      ['parked', problem, false],
    ]);
    expect(plan.authFailure).toBe(problem);
  });

  it("parks without marking the destination when only this dispatcher cannot open its credentials (a wrong CREDENTIALS_KEY)", () => {
    const reason = "destination credentials cannot be opened with this dispatcher's CREDENTIALS_KEY";
    const plan = planDeliveries(routed('meta', { problem: { reason, operatorMustSet: false } }), [job()], none, 'block');
    expect(plan.records.map((r) => [r.status, r.error])).toEqual([['parked', reason]]);
    expect(plan.authFailure).toBeNull();
  });
});
