import { namedForDestination, type DestinationAdapter, type DestinationConfig, type OutgoingEvent, type SendOutcome } from '../destination-adapter';
import { sendIsolating } from '../http/isolate-refusals';
import { postTiktokEvents } from './tiktok.client';
import { mapToTiktokEvent } from './tiktok.mapper';
import { TIKTOK_MAX_BATCH, TIKTOK_MAX_TEST_BATCH, type TiktokCredentials, type TiktokEvent, type TiktokSettings, type TiktokTrackRequest } from './tiktok.schema';

type Mapped = { pk: string; event: TiktokEvent };

export interface TiktokDestinationConfig {
  /** `https://business-api.tiktok.com/open_api/v1.3` (env TIKTOK_EVENTS_URL), no trailing slash. */
  baseUrl: string;
  timeoutMs: number;
}

/**
 * TikTok Events API 2.0, web events of one pixel: `POST {base}/event/track/`, up to 1000 events a
 * request, one in test mode. Test mode sends the destination's `test_event_code`; outside it the
 * code is never sent, even when stored.
 */
export class TiktokDestination implements DestinationAdapter<TiktokSettings, TiktokCredentials> {
  constructor(
    private readonly config: TiktokDestinationConfig,
    private readonly deps: { fetch?: typeof fetch; now?: () => number } = {},
  ) {}

  async send(outgoing: OutgoingEvent[], destination: DestinationConfig<TiktokSettings, TiktokCredentials>): Promise<SendOutcome[]> {
    const { pixel_code: pixelCode, test_event_code: testEventCode } = destination.settings;
    const nowSeconds = Math.floor((this.deps.now ?? Date.now)() / 1000);
    const byPk = new Map<string, SendOutcome>();
    const valid: Mapped[] = [];
    // TikTok fails a whole request for one bad event, so events we know are bad never join one.
    for (const one of outgoing) {
      const event = namedForDestination(one);
      const mapped = mapToTiktokEvent(event, one.renamed, nowSeconds);
      if (mapped.ok) valid.push({ pk: event.id, event: mapped.event });
      else byPk.set(event.id, { eventPk: event.id, kind: mapped.kind, statusCode: null, reason: mapped.reason });
    }

    if (destination.testMode && !testEventCode) {
      for (const { pk } of valid) byPk.set(pk, { eventPk: pk, kind: 'rejected', statusCode: null, reason: 'test mode needs the test_event_code setting' });
    } else {
      const post = (batch: Mapped[]) => {
        const body: TiktokTrackRequest = { event_source: 'web', event_source_id: pixelCode, data: batch.map((m) => m.event) };
        if (destination.testMode && testEventCode) body.test_event_code = testEventCode;
        return postTiktokEvents(this.config.baseUrl, destination.credentials.access_token, body, this.config.timeoutMs, this.deps.fetch);
      };
      const size = destination.testMode ? TIKTOK_MAX_TEST_BATCH : TIKTOK_MAX_BATCH;
      for (let start = 0; start < valid.length; start += size) {
        for (const outcome of await sendIsolating(valid.slice(start, start + size), post)) byPk.set(outcome.eventPk, outcome);
      }
    }
    // One outcome per event, in the order the events came.
    return outgoing.map((o) => byPk.get(o.event.id)).filter((o): o is SendOutcome => o !== undefined);
  }

}
