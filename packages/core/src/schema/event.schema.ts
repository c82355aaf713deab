import Joi from 'joi';

/**
 * The public event contract, in the ad platforms' vocabulary. This file is the single source of
 * truth: `event.types.ts` is generated from it (`npm run generate:types -w @attribution/core`) and a
 * unit test fails when the two drift apart.
 */

/** Meta rejects a whole batch when one event is older than 7 days, so we refuse it at the door. */
export const MAX_EVENT_AGE_SECONDS = 7 * 24 * 60 * 60;
/** Browser clocks drift; a few minutes ahead is tolerated, more is a unit error (ms vs s). */
export const MAX_EVENT_FUTURE_SECONDS = 10 * 60;
export const MAX_BATCH_EVENTS = 500;
export const MAX_CUSTOM_DATA_BYTES = 8 * 1024;

export const ACTION_SOURCES = [
  'website',
  'app',
  'email',
  'phone_call',
  'chat',
  'physical_store',
  'system_generated',
  'business_messaging',
  'other',
] as const;

const consentState = Joi.string().valid('granted', 'denied');
const shortText = Joi.string().trim().max(256);
const identifier = Joi.alternatives().try(shortText, Joi.array().items(shortText).min(1).max(3));

export const UserDataSchema = Joi.object({
  email: identifier,
  phone: identifier,
  first_name: shortText,
  last_name: shortText,
  city: shortText,
  state: shortText,
  zip: shortText,
  country: shortText,
  external_id: identifier,
  client_ip_address: Joi.string().ip({ cidr: 'forbidden' }),
  client_user_agent: Joi.string().max(1024),
  fbc: Joi.string().max(512),
  fbp: Joi.string().max(512),
  gclid: Joi.string().max(512),
  gbraid: Joi.string().max(512),
  wbraid: Joi.string().max(512),
  ttclid: Joi.string().max(512),
  ttp: Joi.string().max(512),
  ga_client_id: Joi.string().max(128),
})
  .meta({ className: 'UserData' })
  .description('Identifiers for matching; hashed at ingest, never stored raw');

export const CustomDataSchema = Joi.object({
  currency: Joi.string()
    .pattern(/^[A-Za-z]{3}$/)
    .uppercase(),
  value: Joi.number().min(0).max(1e12),
  order_id: Joi.string().max(256),
  content_ids: Joi.array().items(Joi.string().max(256)).max(100),
  content_type: Joi.string().max(64),
  num_items: Joi.number().integer().min(0),
})
  .unknown(true)
  .meta({ className: 'CustomData' })
  .description('Conversion details; free-form keys allowed within a size limit');

export const ConsentSchema = Joi.object({
  ad_storage: consentState,
  analytics_storage: consentState,
  ad_user_data: consentState,
  ad_personalization: consentState,
  tcf_string: Joi.string()
    .max(4096)
    .pattern(/^[A-Za-z0-9_\-.]+$/),
})
  .meta({ className: 'Consent' })
  .description('Google Consent Mode v2 signals and an optional IAB TCF v2.2 string');

/**
 * Page context from the browser pixel, kept for the tenant's own analysis: it is stored but never
 * forwarded to an ad platform, and the stored referrer keeps only origin and path (ingest-api
 * events/page-context.ts).
 */
export const EventContextSchema = Joi.object({
  visitor_id: Joi.string().max(128),
  page_referrer: Joi.string().uri({ scheme: ['http', 'https'] }).max(2048),
  utm_source: shortText,
  utm_medium: shortText,
  utm_campaign: shortText,
  utm_term: shortText,
  utm_content: shortText,
  library: Joi.string().max(64),
})
  .meta({ className: 'EventContext' })
  .description('Page context from the tracking pixel; stored, never sent to ad platforms');

export const EventSchema = Joi.object({
  event_id: Joi.string().trim().min(1).max(128).required(),
  event_name: Joi.string().trim().min(1).max(100).required(),
  event_time: Joi.number().integer().required().description('Unix seconds'),
  action_source: Joi.string()
    .valid(...ACTION_SOURCES)
    .default('website'),
  event_source_url: Joi.string().uri({ scheme: ['http', 'https'] }).max(2048),
  user_data: UserDataSchema.default({}),
  custom_data: CustomDataSchema.default({}),
  consent: ConsentSchema,
  context: EventContextSchema,
})
  .meta({ className: 'TrackedEvent' })
  .description('One conversion or page event');

export const EventBatchSchema = Joi.object({
  events: Joi.array().items(EventSchema).min(1).max(MAX_BATCH_EVENTS).required(),
})
  .meta({ className: 'EventBatch' })
  .description('Up to MAX_BATCH_EVENTS events in one request');
