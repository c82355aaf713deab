import Joi from 'joi';
import { field } from '@attribution/runtime';
import { definePlatform } from '../platform-definition';
import { ADVERTISING_CONSENT, accessTokenOption, testEventCodeOption } from '../platform-options';
import { TiktokDestination } from './tiktok.destination';
import { tiktokIdentifiers } from './tiktok.identifiers';
import { PIXEL_CODE_PATTERN, TIKTOK_DEDUP_WINDOW_SECONDS, TIKTOK_MAX_BATCH, TIKTOK_MAX_EVENT_AGE_SECONDS, TIKTOK_MAX_TEST_BATCH } from './tiktok.schema';

const API_VERSION = 'v1.3';
/** TikTok Events API 2.0 for web events (docs/destinations.md). */
export const tiktokPlatform = definePlatform({
  id: 'tiktok',
  displayName: 'TikTok Events API',
  apiVersion: `${API_VERSION} (Events API 2.0)`,
  options: [
    {
      name: 'pixel-code',
      key: 'pixel_code',
      in: 'settings',
      required: true,
      pattern: PIXEL_CODE_PATTERN,
      expected: 'a TikTok pixel code such as C4ABCDEFGH1234567890 (upper-case letters and digits)',
      description: 'pixel code (Events Manager → Web events)',
      valueName: 'code',
    },
    testEventCodeOption('Events Manager → Test events'),
    accessTokenOption('Events API access token'),
  ],
  // An advertising platform like Meta, and not a TCF vendor we could confirm: a conversion is
  // advertising use of personal data, so the same requirements as Meta (docs/consent.md).
  consent: ADVERTISING_CONSENT,
  identifiers: tiktokIdentifiers,
  // One bad event fails the request; event + event_id are deduplicated for 48 hours.
  limits: {
    maxBatchSize: TIKTOK_MAX_BATCH,
    maxTestBatchSize: TIKTOK_MAX_TEST_BATCH,
    refusal: 'whole-batch',
    maxEventAgeSeconds: TIKTOK_MAX_EVENT_AGE_SECONDS,
    dedupWindowSeconds: TIKTOK_DEDUP_WINDOW_SECONDS,
  },
  testMechanism: {
    kind: 'test-event-code',
    description: 'in test mode, requests carry the test_event_code setting, one event each: events appear in Events Manager → Test events',
    setting: 'test_event_code',
  },
  env: {
    TIKTOK_EVENTS_URL: field<string>(Joi.string().uri({ scheme: ['http', 'https'] }).default(`https://business-api.tiktok.com/open_api/${API_VERSION}`)),
  },
  createAdapter: ({ env, timeoutMs }) => new TiktokDestination({ baseUrl: env.TIKTOK_EVENTS_URL.replace(/\/$/, ''), timeoutMs }),
});
