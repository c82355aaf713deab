// Generated from event.schema.ts by generate-types.ts. Do not edit by hand.

/**
 * Identifiers for matching; hashed at ingest, never stored raw
 */
export interface UserData {
  email?: string | string[];
  phone?: string | string[];
  first_name?: string;
  last_name?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  external_id?: string | string[];
  client_ip_address?: string;
  client_user_agent?: string;
  fbc?: string;
  fbp?: string;
  gclid?: string;
  gbraid?: string;
  wbraid?: string;
  ttclid?: string;
  ttp?: string;
  ga_client_id?: string;
}

/**
 * Conversion details; free-form keys allowed within a size limit
 */
export interface CustomData {
  currency?: string;
  value?: number;
  order_id?: string;
  content_ids?: string[];
  content_type?: string;
  num_items?: number;
  /**
   * Unknown Property
   */
  [x: string]: unknown;
}

/**
 * Google Consent Mode v2 signals and an optional IAB TCF v2.2 string
 */
export interface Consent {
  ad_storage?: 'granted' | 'denied';
  analytics_storage?: 'granted' | 'denied';
  ad_user_data?: 'granted' | 'denied';
  ad_personalization?: 'granted' | 'denied';
  tcf_string?: string;
}

/**
 * Page context from the tracking pixel; stored, never sent to ad platforms
 */
export interface EventContext {
  visitor_id?: string;
  page_referrer?: string;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  utm_term?: string;
  utm_content?: string;
  library?: string;
}

/**
 * One conversion or page event
 */
export interface TrackedEvent {
  event_id: string;
  event_name: string;
  /**
   * Unix seconds
   */
  event_time: number;
  action_source?: 'website' | 'app' | 'email' | 'phone_call' | 'chat' | 'physical_store' | 'system_generated' | 'business_messaging' | 'other';
  event_source_url?: string;
  /**
   * Identifiers for matching; hashed at ingest, never stored raw
   */
  user_data?: UserData;
  /**
   * Conversion details; free-form keys allowed within a size limit
   */
  custom_data?: CustomData;
  /**
   * Google Consent Mode v2 signals and an optional IAB TCF v2.2 string
   */
  consent?: Consent;
  /**
   * Page context from the tracking pixel; stored, never sent to ad platforms
   */
  context?: EventContext;
}

/**
 * Up to MAX_BATCH_EVENTS events in one request
 */
export interface EventBatch {
  events: TrackedEvent[];
}
