import Joi from 'joi';
import { field } from '@attribution/runtime';
import { definePlatform } from '../platform-definition';
import { ADVERTISING_CONSENT, accessTokenOption, testEventCodeOption } from '../platform-options';
import { metaIdentifiers } from './meta.identifiers';
import { MetaDestination } from './meta.destination';
import { META_MAX_BATCH, META_MAX_EVENT_AGE_SECONDS } from './meta.schema';

const API_VERSION = 'v25.0';
/** Meta Conversions API (adplatform-rules §1; docs/destinations.md). */
export const metaPlatform = definePlatform({
  id: 'meta',
  displayName: 'Meta Conversions API',
  apiVersion: API_VERSION,
  options: [
    { name: 'pixel-id', key: 'pixel_id', in: 'settings', required: true, pattern: /^\d{1,32}$/, expected: 'a Meta pixel (dataset) id: digits only', description: 'pixel (dataset) id', valueName: 'id' },
    testEventCodeOption('Events Manager "Test events"'),
    accessTokenOption('Conversions API access token'),
  ],
  // Not on the IAB vendor list (docs/consent.md).
  consent: ADVERTISING_CONSENT,
  identifiers: metaIdentifiers,
  // "If any event you send in a batch is invalid, we reject the entire batch"; event_id is
  // deduplicated for 48 hours after the first copy arrives (adplatform-rules §1.4).
  limits: { maxBatchSize: META_MAX_BATCH, refusal: 'whole-batch', maxEventAgeSeconds: META_MAX_EVENT_AGE_SECONDS, dedupWindowSeconds: 48 * 3600 },
  testMechanism: {
    kind: 'test-event-code',
    description: 'in test mode, requests carry the test_event_code setting: events appear in Events Manager → Test events',
    setting: 'test_event_code',
  },
  env: {
    META_GRAPH_URL: field<string>(Joi.string().uri({ scheme: ['http', 'https'] }).default(`https://graph.facebook.com/${API_VERSION}`)),
  },
  createAdapter: ({ env, timeoutMs }) => new MetaDestination({ graphUrl: env.META_GRAPH_URL.replace(/\/$/, ''), timeoutMs }),
});
