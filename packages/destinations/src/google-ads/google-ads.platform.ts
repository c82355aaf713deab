import Joi from 'joi';
import { field } from '@attribution/runtime';
import { GOOGLE_TCF_VENDOR } from '../google/google.tcf';
import { PRINTABLE_SECRET, definePlatform } from '../platform-definition';
import { GoogleAdsDestination } from './google-ads.destination';
import { googleAdsIdentifiers } from './google-ads.identifiers';
import {
  CONVERSION_ACTIONS_PATTERN,
  CUSTOMER_ID_PATTERN,
  GOOGLE_ADS_MAX_EVENTS_PER_REQUEST,
  GOOGLE_ADS_MAX_EVENT_AGE_SECONDS,
  REQUESTS_PER_MINUTE_PATTERN,
} from './google-ads.schema';

const secret = (name: string, key: string, what: string, description: string) =>
  ({ name, key, in: 'credentials', required: true, pattern: PRINTABLE_SECRET, expected: `${what} (8 or more printable characters, no spaces)`, description, valueName: 'value' }) as const;

/** Google Ads conversions through the Data Manager API (docs/destinations.md). */
export const googleAdsPlatform = definePlatform({
  id: 'google_ads',
  displayName: 'Google Ads (Data Manager API)',
  apiVersion: 'v1',
  options: [
    { name: 'customer-id', key: 'customer_id', in: 'settings', required: true, pattern: CUSTOMER_ID_PATTERN, expected: 'a Google Ads customer id: 10 digits, no hyphens', description: 'Google Ads customer id (10 digits, no hyphens)', valueName: 'id' },
    {
      name: 'login-customer-id',
      key: 'login_customer_id',
      in: 'settings',
      required: false,
      pattern: CUSTOMER_ID_PATTERN,
      expected: 'a Google Ads manager account id: 10 digits, no hyphens',
      description: 'manager account the credentials act through (10 digits)',
      valueName: 'id',
    },
    {
      name: 'conversion-actions',
      key: 'conversion_actions',
      in: 'settings',
      required: true,
      pattern: CONVERSION_ACTIONS_PATTERN,
      expected: 'event names with their conversion action ids, such as Purchase=123456789,Lead=987654321',
      description: 'conversion action id per event name (Name=id,Name=id)',
      valueName: 'map',
    },
    {
      name: 'requests-per-minute',
      key: 'requests_per_minute',
      in: 'settings',
      required: false,
      pattern: REQUESTS_PER_MINUTE_PATTERN,
      expected: 'a whole number of requests per minute, such as 300',
      description: "requests per minute for this OAuth client's Cloud project (default 300, Google's quota)",
      valueName: 'n',
    },
    { ...secret('client-id', 'client_id', 'an OAuth client id', 'OAuth client id of the Google Cloud project'), valueName: 'id' },
    secret('client-secret', 'client_secret', 'an OAuth client secret', 'OAuth client secret (`-` reads it from stdin)'),
    secret('refresh-token', 'refresh_token', 'an OAuth refresh token', 'OAuth refresh token with the datamanager scope (`-` reads it from stdin)'),
  ],
  // Google vendor 755. A conversion upload reports an ad click, so ad_storage decides;
  // ad_user_data only decides whether hashed identifiers go (docs/consent.md).
  consent: {
    blockIfDenied: ['ad_storage'],
    requireGranted: ['ad_storage'],
    tcf: { kind: 'vendor', ...GOOGLE_TCF_VENDOR },
  },
  identifiers: googleAdsIdentifiers,
  // Fast-fail: one invalid event fails its whole request (the adapter isolates it). Google Ads
  // deduplicates transaction_id per conversion action with no documented window.
  limits: { maxBatchSize: GOOGLE_ADS_MAX_EVENTS_PER_REQUEST, refusal: 'whole-batch', maxEventAgeSeconds: GOOGLE_ADS_MAX_EVENT_AGE_SECONDS, dedupWindowSeconds: null },
  testMechanism: {
    kind: 'validate-only',
    description: 'requests carry validateOnly: Google validates them (credentials, access, every field) and ingests nothing',
  },
  env: {
    GOOGLE_DATA_MANAGER_URL: field<string>(Joi.string().uri({ scheme: ['http', 'https'] }).default('https://datamanager.googleapis.com/v1')),
    GOOGLE_OAUTH_TOKEN_URL: field<string>(Joi.string().uri({ scheme: ['http', 'https'] }).default('https://oauth2.googleapis.com/token')),
  },
  createAdapter: ({ env, timeoutMs }) =>
    new GoogleAdsDestination({ dataManagerUrl: env.GOOGLE_DATA_MANAGER_URL.replace(/\/$/, ''), tokenUrl: env.GOOGLE_OAUTH_TOKEN_URL, timeoutMs }),
});
