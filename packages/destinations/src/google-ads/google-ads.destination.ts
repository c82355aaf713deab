import type { DestinationAdapter, DestinationConfig, OutgoingEvent, SendOutcome } from '../destination-adapter';
import { postIngestEvents, type DataManagerResult } from './google-ads.client';
import { sendIsolating } from '../http/isolate-refusals';
import { RequestLimiter, type LimiterClock } from './google-ads.limiter';
import { mapToGoogleAdsEvent } from './google-ads.mapper';
import { GoogleOAuth, redact } from './google-ads.oauth';
import {
  GOOGLE_ADS_DEFAULT_REQUESTS_PER_MINUTE,
  GOOGLE_ADS_MAX_EVENTS_PER_REQUEST,
  parseConversionActions,
  type DataManagerEvent,
  type Destination,
  type GoogleAdsCredentials,
  type GoogleAdsSettings,
  type IngestEventsRequest,
} from './google-ads.schema';

export interface GoogleAdsDestinationConfig {
  /** `https://datamanager.googleapis.com/v1` (env GOOGLE_DATA_MANAGER_URL). */
  dataManagerUrl: string;
  /** `https://oauth2.googleapis.com/token` (env GOOGLE_OAUTH_TOKEN_URL). */
  tokenUrl: string;
  timeoutMs: number;
}

export interface GoogleAdsDeps {
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; drives event ages, token expiry and the rate limiter. */
  now?: () => number;
  sleep?: LimiterClock['sleep'];
}

type Item = { pk: string; event: DataManagerEvent };
type Post = (items: Item[]) => Promise<Exclude<DataManagerResult, { kind: 'unauthenticated' }>>;

/**
 * Google Ads conversions through the Data Manager API (`events:ingest`). The events of one send()
 * are grouped by conversion action, one request per group (≤ 2,000 events). Data Manager fails a
 * whole request for one bad event, so a refused request is split: the events Google's field
 * violations name are rejected and the rest resent; without such names, the batch is halved.
 * Per destination (tenant) it keeps an OAuth access token and a request-rate limiter.
 */
export class GoogleAdsDestination implements DestinationAdapter<GoogleAdsSettings, GoogleAdsCredentials> {
  private readonly oauth: GoogleOAuth;
  private readonly limiter: RequestLimiter;

  constructor(
    private readonly config: GoogleAdsDestinationConfig,
    private readonly deps: GoogleAdsDeps = {},
  ) {
    const now = deps.now ?? Date.now;
    this.oauth = new GoogleOAuth({ tokenUrl: config.tokenUrl, timeoutMs: config.timeoutMs, now, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
    this.limiter = new RequestLimiter({ now, sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))) });
  }

  async send(outgoing: OutgoingEvent[], destination: DestinationConfig<GoogleAdsSettings, GoogleAdsCredentials>): Promise<SendOutcome[]> {
    const nowSeconds = Math.floor((this.deps.now ?? Date.now)() / 1000);
    const actions = parseConversionActions(destination.settings.conversion_actions);
    const byPk = new Map<string, SendOutcome>();
    const groups = new Map<string, Item[]>();
    for (const o of outgoing) {
      const mapped = mapToGoogleAdsEvent(o, actions, nowSeconds);
      if (!mapped.ok) {
        byPk.set(o.event.id, mapped.kind === 'skipped' ? { eventPk: o.event.id, kind: 'skipped', statusCode: null, reason: mapped.reason } : { eventPk: o.event.id, kind: 'rejected', statusCode: null, reason: mapped.reason });
        continue;
      }
      groups.set(mapped.conversionActionId, [...(groups.get(mapped.conversionActionId) ?? []), { pk: o.event.id, event: mapped.event }]);
    }
    for (const [actionId, items] of groups) {
      const post = this.poster(destination, actionId);
      for (let i = 0; i < items.length; i += GOOGLE_ADS_MAX_EVENTS_PER_REQUEST) {
        for (const outcome of await sendIsolating(items.slice(i, i + GOOGLE_ADS_MAX_EVENTS_PER_REQUEST), post)) byPk.set(outcome.eventPk, outcome);
      }
    }
    const secrets = [destination.credentials.client_secret, destination.credentials.refresh_token];
    return outgoing.map((o) => byPk.get(o.event.id)).filter((o): o is SendOutcome => o !== undefined).map((o) => ('reason' in o ? { ...o, reason: redact(o.reason, secrets) } : o));
  }

  /** One request for a group: a rate-limiter slot, a token, the call, and one renewal on a 401. */
  private poster(destination: DestinationConfig<GoogleAdsSettings, GoogleAdsCredentials>, conversionActionId: string): Post {
    const { tenantId, settings, credentials } = destination;
    const perMinute = Number(settings.requests_per_minute ?? GOOGLE_ADS_DEFAULT_REQUESTS_PER_MINUTE) || GOOGLE_ADS_DEFAULT_REQUESTS_PER_MINUTE;
    const target: Destination = { operatingAccount: { accountType: 'GOOGLE_ADS', accountId: settings.customer_id }, productDestinationId: conversionActionId };
    if (settings.login_customer_id) target.loginAccount = { accountType: 'GOOGLE_ADS', accountId: settings.login_customer_id };
    const slot = () => this.limiter.acquire(tenantId, perMinute, this.config.timeoutMs * 4);
    const quota = { kind: 'retry' as const, statusCode: null, reason: 'local request quota reached' };

    return async (items) => {
      const body: IngestEventsRequest = { destinations: [target], events: items.map((i) => i.event), encoding: 'HEX' };
      if (destination.testMode) body.validateOnly = true;
      if (!(await slot())) return quota;
      const token = await this.oauth.accessToken(tenantId, credentials);
      if (!token.ok) return token;
      const first = await postIngestEvents(this.config.dataManagerUrl, body, token.token, this.config.timeoutMs, this.deps.fetch);
      if (first.kind !== 'unauthenticated') return first;
      const renewed = await this.oauth.renew(tenantId, credentials, token.token);
      if (!renewed.ok) return renewed;
      if (!(await slot())) return quota;
      const second = await postIngestEvents(this.config.dataManagerUrl, body, renewed.token, this.config.timeoutMs, this.deps.fetch);
      return second.kind === 'unauthenticated' ? { kind: 'auth', statusCode: second.statusCode, reason: `${second.reason} (after a token refresh)` } : second;
    };
  }
}
