import Joi from 'joi';
import { field } from '@attribution/runtime';
import { PRINTABLE_SECRET, definePlatform } from '../platform-definition';
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
    {
      name: 'test-event-code',
      key: 'test_event_code',
      in: 'settings',
      required: false,
      pattern: /^[A-Za-z0-9_-]{1,64}$/,
      expected: 'a test event code such as TEST12345',
      description: 'test event code (Events Manager "Test events"), sent in test mode',
      valueName: 'code',
    },
    {
      name: 'access-token',
      key: 'access_token',
      in: 'credentials',
      required: true,
      pattern: PRINTABLE_SECRET,
      expected: 'an access token (8 or more printable characters, no spaces)',
      description: 'Conversions API access token (`-` reads it from stdin)',
      valueName: 'token',
    },
  ],
  // Not a TCF vendor and no Consent Mode switch of its own: a conversion is advertising use of
  // personal data, so ad storage, user data and personalisation must all be allowed (docs/consent.md).
  consent: {
    blockIfDenied: ['ad_storage', 'ad_user_data', 'ad_personalization'],
    requireGranted: ['ad_storage', 'ad_user_data'],
    tcf: { kind: 'purposes', purposes: [1, 3, 4, 7] },
  },
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
