import type { Consent, CustomData, UserData } from './event.types';

/** The user_data keys that platforms need verbatim: never hashed, never re-cased. */
export const CLICK_ID_KEYS = ['fbc', 'fbp', 'gclid', 'gbraid', 'wbraid', 'ttclid', 'ttp', 'ga_client_id'] as const;

export type ClickIds = Pick<UserData, (typeof CLICK_ID_KEYS)[number]>;

/**
 * Hashed identifiers as produced at ingest: one object per identifier profile of the
 * destinations registry (a family of platforms that hash alike), under the profile's key.
 */
export type StoredUserData = Readonly<Record<string, object | undefined>>;

/** An accepted event as stored in Postgres and carried on the bus: no raw personal data. */
export interface StoredEvent {
  /** Database id; the dispatcher's delivery rows point at it. */
  id: string;
  tenantId: string;
  eventId: string;
  eventName: string;
  /** Unix seconds, as the platforms expect. */
  eventTime: number;
  receivedAt: string;
  actionSource: string;
  sourceUrl: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  userData: StoredUserData;
  clickIds: ClickIds;
  customData: CustomData;
  consent: Consent | null;
  traceId: string | null;
}
