import Joi from 'joi';
import { field } from '@attribution/runtime';
import { googleIdentifiers } from '../google/google.identifiers';
import { GOOGLE_TCF_VENDOR } from '../google/google.tcf';
import { PRINTABLE_SECRET, definePlatform } from '../platform-definition';
import { Ga4Destination } from './ga4.destination';
import { GA4_MAX_EVENTS_PER_REQUEST, GA4_MAX_EVENT_AGE_SECONDS, MEASUREMENT_ID_PATTERN } from './ga4.schema';

/** GA4 Measurement Protocol, web streams (adplatform-rules §2; docs/destinations.md). */
export const ga4Platform = definePlatform({
  id: 'ga4',
  displayName: 'GA4 Measurement Protocol',
  // The MP has no version in its path; this is the request format of its reference.
  apiVersion: 'mp/collect (2024 reference)',
  options: [
    {
      name: 'measurement-id',
      key: 'measurement_id',
      in: 'settings',
      required: true,
      pattern: MEASUREMENT_ID_PATTERN,
      uppercase: true,
      expected: 'a GA4 measurement id such as G-ABC123XYZ',
      description: 'measurement id, G-XXXX',
      valueName: 'id',
    },
    {
      name: 'api-secret',
      key: 'api_secret',
      in: 'credentials',
      required: true,
      pattern: PRINTABLE_SECRET,
      expected: 'a Measurement Protocol API secret (8 or more printable characters, no spaces)',
      description: 'Measurement Protocol API secret (`-` reads it from stdin)',
      valueName: 'secret',
    },
  ],
  // Analytics storage decides; ad_user_data and ad_personalization are forwarded, never blocking:
  // without ad_user_data the event goes with no user_data (docs/consent.md).
  consent: {
    blockIfDenied: ['analytics_storage'],
    requireGranted: ['analytics_storage'],
    tcf: { kind: 'vendor', ...GOOGLE_TCF_VENDOR },
  },
  identifiers: googleIdentifiers,
  // One request describes one user; a refused request fails its own events. The MP documents no
  // deduplication of repeated events.
  limits: { maxBatchSize: GA4_MAX_EVENTS_PER_REQUEST, refusal: 'per-request', maxEventAgeSeconds: GA4_MAX_EVENT_AGE_SECONDS, dedupWindowSeconds: null },
  testMechanism: {
    kind: 'validation-endpoint',
    description: 'in test mode, requests go to the validation server (/debug/mp/collect): events never reach reports; it checks the payload, not the api_secret',
  },
  env: {
    GA4_MP_URL: field<string>(Joi.string().uri({ scheme: ['http', 'https'] }).default('https://www.google-analytics.com/mp/collect')),
  },
  createAdapter: ({ env, timeoutMs }) => new Ga4Destination({ ga4Url: env.GA4_MP_URL, timeoutMs }),
});
