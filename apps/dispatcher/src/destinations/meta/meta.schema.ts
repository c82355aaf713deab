/** The Conversions API request body, as Meta documents it (graph `/{pixel_id}/events`). */

export const META_ACTION_SOURCES = [
  'email',
  'website',
  'app',
  'phone_call',
  'chat',
  'physical_store',
  'system_generated',
  'business_messaging',
  'other',
] as const;

export interface MetaUserData {
  em?: string[];
  ph?: string[];
  fn?: string[];
  ln?: string[];
  ct?: string[];
  st?: string[];
  zp?: string[];
  country?: string[];
  external_id?: string[];
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

export interface MetaSettings {
  pixelId: string;
  testEventCode?: string;
}

export interface MetaCredentials {
  accessToken: string;
}

/** "If any event you send in a batch is invalid, we reject the entire batch." */
export const META_MAX_BATCH = 1000;
export const META_MAX_EVENT_AGE_SECONDS = 7 * 24 * 60 * 60;
