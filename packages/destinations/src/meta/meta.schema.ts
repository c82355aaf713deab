import type { MetaHashedUserData } from './meta.identifiers';

/** The Conversions API request body, as Meta documents it (graph `/{pixel_id}/events`). */

/** The hashed identifiers from ingest, plus what Meta takes verbatim. */
export interface MetaUserData extends MetaHashedUserData {
  client_ip_address?: string;
  client_user_agent?: string;
  fbc?: string;
  fbp?: string;
}

export interface MetaServerEvent {
  event_name: string;
  event_time: number;
  event_id: string;
  action_source: string;
  event_source_url?: string;
  user_data: MetaUserData;
  custom_data?: Record<string, unknown>;
}

export interface MetaEventsRequest {
  data: MetaServerEvent[];
  access_token: string;
  test_event_code?: string;
}

/** A destination's settings, as `destination set meta` stores them. */
export interface MetaSettings {
  pixel_id: string;
  /** Events Manager → Test events: events with this code are shown there, not used for ads. */
  test_event_code?: string;
}

export interface MetaCredentials {
  access_token: string;
}

/** "If any event you send in a batch is invalid, we reject the entire batch." */
export const META_MAX_BATCH = 1000;
export const META_MAX_EVENT_AGE_SECONDS = 7 * 24 * 60 * 60;
