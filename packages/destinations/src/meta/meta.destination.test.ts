import type { StoredEvent } from '@attribution/core';
import type { DestinationConfig, OutgoingEvent } from '../destination-adapter';
import { MetaDestination } from './meta.destination';
import { metaPlatform } from './meta.platform';
import type { MetaCredentials, MetaSettings } from './meta.schema';

const NOW = 1_800_000_000;
const destination: DestinationConfig<MetaSettings, MetaCredentials> = { tenantId: 't', platform: 'meta', status: 'active', settings: { pixel_id: '42', test_event_code: 'TEST1' }, credentials: { access_token: 'EAAx' }, testMode: true, rules: {} };

function event(id: string): OutgoingEvent {
  return { event: stored(id), consent: { allowed: true, basis: 'consent', adUserData: true, adPersonalization: true }, name: 'Lead', renamed: false };
}

function stored(id: string): StoredEvent {
  return {
    id, tenantId: 't', eventId: `e-${id}`, eventName: 'Lead', eventTime: NOW - 10, receivedAt: '', actionSource: 'system_generated',
    sourceUrl: null, ipAddress: null, userAgent: null, userData: { meta: { external_id: ['a'.repeat(64)] } }, clickIds: {}, customData: {}, consent: null, traceId: null,
  };
}

/**
 * A Graph API stand-in that refuses any batch containing one of the `bad` event ids. Like Meta, it
 * answers with an `fbtrace_id`, here `trace-<n>` for the n-th request.
 */
function graph(bad: Set<string>) {
  const calls: string[][] = [];
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    const body = JSON.parse(init.body as string) as { data: Array<{ event_id: string }>; test_event_code?: string };
    const ids = body.data.map((e) => e.event_id);
    calls.push(ids);
    expect(body.test_event_code).toBe('TEST1');
    const refused = ids.some((id) => bad.has(id));
    const fbtraceId = `trace-${calls.length}`;
    const answer = refused ? { error: { code: 100, message: 'Invalid parameter', fbtrace_id: fbtraceId } } : { events_received: ids.length, messages: [], fbtrace_id: fbtraceId };
    return new Response(JSON.stringify(answer), { status: refused ? 400 : 200 });
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

describe('MetaDestination', () => {
  it('sends the test event code in test mode only, and the name the tenant\'s rule chose', async () => {
    const bodies: Array<{ test_event_code?: string; data: Array<{ event_name: string }> }> = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(init.body as string) as (typeof bodies)[number]);
      return new Response(JSON.stringify({ events_received: 1 }), { status: 200 });
    }) as unknown as typeof fetch;
    const meta = new MetaDestination({ graphUrl: 'http://graph.test/v25.0', timeoutMs: 1000 }, { fetch: fetchImpl, now: () => NOW * 1000 });
    await meta.send([{ ...event('1'), name: 'SubmitForm', renamed: true }], { ...destination, testMode: false });
    await meta.send([event('2')], destination);
    expect(bodies.map((b) => b.test_event_code)).toEqual([undefined, 'TEST1']);
    expect(bodies.map((b) => b.data[0]!.event_name)).toEqual(['SubmitForm', 'Lead']);
    // Test mode without a code would be live traffic: refused, nothing sent.
    const refused = await meta.send([event('3')], { ...destination, settings: { pixel_id: '42' } });
    expect(refused).toEqual([{ eventPk: '3', kind: 'rejected', statusCode: null, reason: 'test mode needs the test_event_code setting' }]);
    expect(bodies).toHaveLength(2);
  });

  it('sends one request for a valid batch', async () => {
    const { calls, fetchImpl } = graph(new Set());
    const meta = new MetaDestination({ graphUrl: 'http://graph.test/v25.0', timeoutMs: 1000 }, { fetch: fetchImpl, now: () => NOW * 1000 });
    const outcomes = await meta.send(['1', '2', '3'].map(event), destination);
    expect(calls).toHaveLength(1);
    expect(outcomes).toEqual(['1', '2', '3'].map((eventPk) => ({ eventPk, kind: 'sent', statusCode: 200, requestId: 'trace-1' })));
  });

  it('gives each outcome the fbtrace_id of the request that decided it', async () => {
    const { calls, fetchImpl } = graph(new Set(['e-2']));
    const meta = new MetaDestination({ graphUrl: 'http://graph.test/v25.0', timeoutMs: 1000 }, { fetch: fetchImpl, now: () => NOW * 1000 });
    const outcomes = await meta.send(['1', '2'].map(event), destination);
    // Refused whole (trace-1), then halved: event 1 accepted (trace-2), event 2 refused (trace-3).
    expect(calls).toEqual([['e-1', 'e-2'], ['e-1'], ['e-2']]);
    expect(outcomes).toEqual([
      { eventPk: '1', kind: 'sent', statusCode: 200, requestId: 'trace-2' },
      { eventPk: '2', kind: 'rejected', statusCode: 400, reason: 'code 100: Invalid parameter', requestId: 'trace-3' },
    ]);
  });

  it('isolates the one bad event of a refused batch so the others are delivered', async () => {
    const { calls, fetchImpl } = graph(new Set(['e-6']));
    const meta = new MetaDestination({ graphUrl: 'http://graph.test/v25.0', timeoutMs: 1000 }, { fetch: fetchImpl, now: () => NOW * 1000 });
    const ids = ['1', '2', '3', '4', '5', '6', '7', '8'];
    const outcomes = await meta.send(ids.map(event), destination);
    const byPk = Object.fromEntries(outcomes.map((o) => [o.eventPk, o.kind]));
    expect(byPk).toEqual({ 1: 'sent', 2: 'sent', 3: 'sent', 4: 'sent', 5: 'sent', 6: 'rejected', 7: 'sent', 8: 'sent' });
    expect(calls.length).toBeLessThanOrEqual(1 + 2 * Math.log2(ids.length));
    // Every good event was accepted in exactly one request.
    const accepted = calls.filter((c) => !c.includes('e-6')).flat();
    expect(accepted.sort()).toEqual(ids.filter((id) => id !== '6').map((id) => `e-${id}`).sort());
  });

  // A destination whose stored values do not pass these never reaches the adapter: the
  // dispatcher parks its events (see the dispatcher's delivery-plan tests).
  it('declares settings and credentials that refuse what Meta would not take', () => {
    expect(metaPlatform.settings.validate(destination.settings).error).toBeUndefined();
    expect(metaPlatform.credentials.validate({ access_token: 'EAAtoken-1234' }).error).toBeUndefined();
    expect(metaPlatform.settings.validate({}).error?.message).toBe('"pixel_id" is required');
    expect(metaPlatform.settings.validate({ pixel_id: 'abc' }).error?.message).toBe('"pixel_id" must be a Meta pixel (dataset) id: digits only');
    expect(metaPlatform.credentials.validate({}).error?.message).toBe('"access_token" is required');
    expect(metaPlatform.credentials.validate({ access_token: 'short' }).error).toBeDefined();
  });
});
