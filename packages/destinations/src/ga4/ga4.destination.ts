import type { ConsentAllowed } from '../consent/consent-decision';
import { namedForDestination, type DestinationAdapter, type DestinationConfig, type OutgoingEvent, type SendOutcome } from '../destination-adapter';
import { planGa4Requests, type PlannedGa4Request } from './ga4.batch';
import { postGa4Events, postGa4Validation } from './ga4.client';
import type { Ga4ConsentGrants } from './ga4.mapper';
import type { Ga4Credentials, Ga4Settings } from './ga4.schema';

export interface Ga4DestinationConfig {
  /** The collect endpoint, `https://www.google-analytics.com/mp/collect` (env GA4_MP_URL). */
  ga4Url: string;
  timeoutMs: number;
  /** MP requests in flight at once for one send(); one send() is up to 25 visitors. */
  concurrency?: number;
}

/**
 * What the consent switch's decision lets GA4 send: `consent.ad_user_data` / `ad_personalization`,
 * and `user_data` only with `adUserData`. An event allowed by tenant policy carried no signal, so
 * there is nothing to forward: the mapper then sends no consent and no user data.
 */
export function ga4Grants(decision: ConsentAllowed): Ga4ConsentGrants | undefined {
  return decision.basis === 'consent' ? { adUserData: decision.adUserData, adPersonalization: decision.adPersonalization } : undefined;
}

/**
 * GA4 Measurement Protocol (web streams). Settings: `measurement_id` (G-…); credentials:
 * `api_secret`. A send() of up to 25 events becomes one request per distinct user envelope
 * (see planGa4Requests), sent a few at a time; each event gets the outcome of its own request.
 */
export class Ga4Destination implements DestinationAdapter<Ga4Settings, Ga4Credentials> {
  constructor(
    private readonly config: Ga4DestinationConfig,
    private readonly deps: { fetch?: typeof fetch; now?: () => number } = {},
  ) {}

  async send(outgoing: OutgoingEvent[], destination: DestinationConfig<Ga4Settings, Ga4Credentials>): Promise<SendOutcome[]> {
    const { measurement_id: measurementId } = destination.settings;
    const { api_secret: apiSecret } = destination.credentials;
    const nowSeconds = Math.floor((this.deps.now ?? Date.now)() / 1000);
    const grants = new Map(outgoing.map(({ event, consent }) => [event.id, ga4Grants(consent)]));
    const events = outgoing.map(namedForDestination);
    const plan = planGa4Requests(events, nowSeconds, (event) => grants.get(event.id));
    const byPk = new Map<string, SendOutcome>();
    for (const { eventPk, reason } of plan.rejected) byPk.set(eventPk, { eventPk, kind: 'rejected', statusCode: null, reason });

    const call = { collectUrl: this.config.ga4Url, measurementId, apiSecret, timeoutMs: this.config.timeoutMs, ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}) };
    // Test mode asks the validation server instead: its events never reach reports.
    const postOne = destination.testMode ? postGa4Validation : postGa4Events;
    const post = async (request: PlannedGa4Request): Promise<void> => {
      const result = await postOne(call, request.body);
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
