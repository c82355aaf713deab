import { namedForDestination, type DestinationAdapter, type DestinationConfig, type OutgoingEvent, type SendOutcome } from '../destination-adapter';
import { sendIsolating } from '../http/isolate-refusals';
import { postMetaEvents } from './meta.client';
import { mapToMetaEvent } from './meta.mapper';
import type { MetaCredentials, MetaEventsRequest, MetaServerEvent, MetaSettings } from './meta.schema';

type Mapped = { pk: string; event: MetaServerEvent };

export interface MetaDestinationConfig {
  graphUrl: string;
  timeoutMs: number;
}

/** Meta Conversions API: `POST {graph}/{pixel_id}/events`, up to 1000 events a request. */
export class MetaDestination implements DestinationAdapter<MetaSettings, MetaCredentials> {
  constructor(
    private readonly config: MetaDestinationConfig,
    private readonly deps: { fetch?: typeof fetch; now?: () => number } = {},
  ) {}

  async send(outgoing: OutgoingEvent[], destination: DestinationConfig<MetaSettings, MetaCredentials>): Promise<SendOutcome[]> {
    const { pixel_id: pixelId, test_event_code: testEventCode } = destination.settings;
    const accessToken = destination.credentials.access_token;
    const nowSeconds = Math.floor((this.deps.now ?? Date.now)() / 1000);
    const outcomes: SendOutcome[] = [];
    const valid: Mapped[] = [];
    // Meta rejects the whole batch for one bad event, so bad ones never join a batch.
    for (const one of outgoing) {
      const event = namedForDestination(one);
      const mapped = mapToMetaEvent(event, nowSeconds);
      if (mapped.ok) valid.push({ pk: event.id, event: mapped.event });
      else outcomes.push({ eventPk: event.id, kind: 'rejected', statusCode: null, reason: mapped.reason });
    }
    if (valid.length === 0) return outcomes;
    // Test mode without a code would send live events: refuse rather than surprise.
    if (destination.testMode && !testEventCode) {
      return [...outcomes, ...valid.map(({ pk }): SendOutcome => ({ eventPk: pk, kind: 'rejected', statusCode: null, reason: 'test mode needs the test_event_code setting' }))];
    }

    const post = (batch: Mapped[]) => {
      const body: MetaEventsRequest = { data: batch.map((v) => v.event), access_token: accessToken };
      // Only in test mode: a stored code alone does not turn a live destination into a test one.
      if (destination.testMode && testEventCode) body.test_event_code = testEventCode;
      return postMetaEvents(this.config.graphUrl, pixelId, body, this.config.timeoutMs, this.deps.fetch);
    };
    // Meta refuses a whole batch for one invalid event without saying which: halved until found.
    outcomes.push(...(await sendIsolating(valid, post)));
    return outcomes;
  }

}
