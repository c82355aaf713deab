import type { StoredEvent } from '@attribution/core';
import type { DestinationAdapter, DestinationConfig, SendOutcome } from '../destination';
import { postMetaEvents } from './meta.client';
import { mapToMetaEvent } from './meta.mapper';
import { META_MAX_BATCH, type MetaEventsRequest, type MetaServerEvent } from './meta.schema';

export interface MetaDestinationConfig {
  graphUrl: string;
  timeoutMs: number;
}

export class MetaDestination implements DestinationAdapter {
  readonly platform = 'meta' as const;
  readonly maxBatchSize = META_MAX_BATCH;

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
    const valid: Array<{ pk: string; event: MetaServerEvent }> = [];
    // Meta rejects the whole batch for one bad event, so bad ones never join a batch.
    for (const event of events) {
      const mapped = mapToMetaEvent(event, nowSeconds);
      if (mapped.ok) valid.push({ pk: event.id, event: mapped.event });
      else outcomes.push({ eventPk: event.id, kind: 'rejected', statusCode: null, reason: mapped.reason });
    }
    if (valid.length === 0) return outcomes;

    const body: MetaEventsRequest = { data: valid.map((v) => v.event), access_token: accessToken };
    const testEventCode = destination.settings['test_event_code'];
    if (typeof testEventCode === 'string' && testEventCode) body.test_event_code = testEventCode;

    const result = await postMetaEvents(this.config.graphUrl, pixelId, body, this.config.timeoutMs, this.deps.fetch);
    for (const { pk } of valid) {
      outcomes.push(result.kind === 'ok' ? { eventPk: pk, kind: 'sent', statusCode: result.statusCode } : { eventPk: pk, ...result });
    }
    return outcomes;
  }
}
