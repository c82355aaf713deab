import type { Consent, CustomData } from './event.types';

/** Identifiers that platforms need verbatim: never hashed, never re-cased. */
export interface ClickIds {
  fbc?: string;
  fbp?: string;
  gclid?: string;
  gbraid?: string;
  wbraid?: string;
  ttclid?: string;
  ga_client_id?: string;
}

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
