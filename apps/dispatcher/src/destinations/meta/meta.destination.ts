import type { StoredEvent } from '@attribution/core';
import type { DestinationAdapter, DestinationConfig, SendOutcome } from '../destination';
import { postMetaEvents, type MetaResult } from './meta.client';
import { mapToMetaEvent } from './meta.mapper';
import { META_MAX_BATCH, META_MAX_EVENT_AGE_SECONDS, type MetaEventsRequest, type MetaServerEvent } from './meta.schema';

type Mapped = { pk: string; event: MetaServerEvent };

export interface MetaDestinationConfig {
  graphUrl: string;
  timeoutMs: number;
}

export class MetaDestination implements DestinationAdapter {
  readonly platform = 'meta' as const;
  readonly maxBatchSize = META_MAX_BATCH;
  // An hour short of Meta's 7 days, so the last try is not refused for age on arrival.
  readonly retryHorizonSeconds = META_MAX_EVENT_AGE_SECONDS - 3600;

  constructor(
    private readonly config: MetaDestinationConfig,
    private readonly deps: { fetch?: typeof fetch; now?: () => number } = {},
  ) {}

  async send(events: StoredEvent[], destination: DestinationConfig): Promise<SendOutcome[]> {
    const pixelId = destination.settings['pixel_id'];
    const accessToken = destination.credentials['access_token'];
    if (typeof pixelId !== 'string' || typeof accessToken !== 'string') {
      return events.map((e) => ({ eventPk: e.id, kind: 'auth', statusCode: null, reason: 'destination has no pixel_id or access_token' }));
    }
    const nowSeconds = Math.floor((this.deps.now ?? Date.now)() / 1000);
    const outcomes: SendOutcome[] = [];
    const valid: Mapped[] = [];
    // Meta rejects the whole batch for one bad event, so bad ones never join a batch.
    for (const event of events) {
      const mapped = mapToMetaEvent(event, nowSeconds);
      if (mapped.ok) valid.push({ pk: event.id, event: mapped.event });
      else outcomes.push({ eventPk: event.id, kind: 'rejected', statusCode: null, reason: mapped.reason });
    }
    if (valid.length === 0) return outcomes;

    const testEventCode = destination.settings['test_event_code'];
    const post = (batch: Mapped[]) => {
      const body: MetaEventsRequest = { data: batch.map((v) => v.event), access_token: accessToken };
      if (typeof testEventCode === 'string' && testEventCode) body.test_event_code = testEventCode;
      return postMetaEvents(this.config.graphUrl, pixelId, body, this.config.timeoutMs, this.deps.fetch);
    };
    outcomes.push(...(await this.sendIsolating(valid, post)));
    return outcomes;
  }

  /**
   * Meta refuses a whole batch for one invalid event. When a batch is refused outright, halve it
   * and send the halves, so the valid events still go through and only the bad ones fail
   * (a few extra requests per bad event, log2 of the batch size deep).
   */
  private async sendIsolating(batch: Mapped[], post: (batch: Mapped[]) => Promise<MetaResult>): Promise<SendOutcome[]> {
    const result = await post(batch);
    if (result.kind === 'rejected' && batch.length > 1) {
      const middle = Math.ceil(batch.length / 2);
      return [...(await this.sendIsolating(batch.slice(0, middle), post)), ...(await this.sendIsolating(batch.slice(middle), post))];
    }
    return batch.map(({ pk }) => (result.kind === 'ok' ? { eventPk: pk, kind: 'sent', statusCode: result.statusCode } : { eventPk: pk, ...result }));
  }
}
