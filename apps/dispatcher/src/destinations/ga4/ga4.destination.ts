import type { StoredEvent } from '@attribution/core';
import type { DestinationAdapter, DestinationConfig, SendOutcome } from '../destination';
import { planGa4Requests, type PlannedGa4Request } from './ga4.batch';
import { postGa4Events } from './ga4.client';
import type { Ga4ConsentGrants } from './ga4.mapper';
import { GA4_MAX_EVENTS_PER_REQUEST, GA4_MAX_EVENT_AGE_SECONDS, MEASUREMENT_ID_PATTERN } from './ga4.schema';

export interface Ga4DestinationConfig {
  /** The collect endpoint, `https://www.google-analytics.com/mp/collect` (env GA4_MP_URL). */
  ga4Url: string;
  timeoutMs: number;
  /** MP requests in flight at once for one send(); one send() is up to 25 visitors. */
  concurrency?: number;
}

/**
 * GA4 Measurement Protocol (web streams). Settings: `measurement_id` (G-…); credentials:
 * `api_secret`. A send() of up to 25 events becomes one request per distinct user envelope
 * (see planGa4Requests), sent a few at a time; each event gets the outcome of its own request.
 */
export class Ga4Destination implements DestinationAdapter {
  readonly platform = 'ga4' as const;
  readonly maxBatchSize = GA4_MAX_EVENTS_PER_REQUEST;
  // An hour short of the 72 h window, so the last try is not refused for age on arrival.
  readonly retryHorizonSeconds = GA4_MAX_EVENT_AGE_SECONDS - 3600;

  constructor(
    private readonly config: Ga4DestinationConfig,
    private readonly deps: {
      fetch?: typeof fetch;
      now?: () => number;
      /** The dispatcher's consent decision per event, if it has one; else the event's Consent Mode values are used. */
      consentGrants?: (event: StoredEvent) => Ga4ConsentGrants | undefined;
    } = {},
  ) {}

  async send(events: StoredEvent[], destination: DestinationConfig): Promise<SendOutcome[]> {
    const measurementId = destination.settings['measurement_id'];
    const apiSecret = destination.credentials['api_secret'];
    if (typeof measurementId !== 'string' || !MEASUREMENT_ID_PATTERN.test(measurementId) || typeof apiSecret !== 'string' || apiSecret === '') {
      // The MP would answer 2xx and drop everything: park instead, so an operator fixes the settings.
      return events.map((e) => ({ eventPk: e.id, kind: 'auth', statusCode: null, reason: 'destination has no valid measurement_id (G-…) or api_secret' }));
    }
    const nowSeconds = Math.floor((this.deps.now ?? Date.now)() / 1000);
    const plan = planGa4Requests(events, nowSeconds, this.deps.consentGrants);
    const byPk = new Map<string, SendOutcome>();
    for (const { eventPk, reason } of plan.rejected) byPk.set(eventPk, { eventPk, kind: 'rejected', statusCode: null, reason });

    const post = async (request: PlannedGa4Request): Promise<void> => {
      const result = await postGa4Events(this.config.ga4Url, measurementId, apiSecret, request.body, this.config.timeoutMs, this.deps.fetch);
      for (const pk of request.eventPks) {
        byPk.set(pk, result.kind === 'ok' ? { eventPk: pk, kind: 'sent', statusCode: result.statusCode } : { eventPk: pk, ...result });
      }
    };
    await runPooled(plan.requests, this.config.concurrency ?? 4, post);
    // One outcome per event, in the order the events came.
    return events.map((e) => byPk.get(e.id)).filter((o): o is SendOutcome => o !== undefined);
  }
}

async function runPooled<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
