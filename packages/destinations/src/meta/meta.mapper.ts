import type { StoredEvent } from '@attribution/core';
import { storedHashes } from '../identifiers/identifier-profile';
import { metaIdentifiers } from './meta.identifiers';
import { META_MAX_EVENT_AGE_SECONDS, type MetaServerEvent, type MetaUserData } from './meta.schema';

const HASHED_KEYS = ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'external_id'] as const;

export type MetaMapping = { ok: true; event: MetaServerEvent } | { ok: false; reason: string };

/**
 * Pure mapping from a stored event to a CAPI server event. Identifiers were hashed at ingest;
 * IP, user agent, fbc and fbp are passed verbatim (Meta: never hash, never change case), and
 * event_id/event_name pass unchanged so Meta deduplicates against the browser pixel.
 */
export function mapToMetaEvent(event: StoredEvent, nowSeconds: number): MetaMapping {
  if (event.eventTime < nowSeconds - META_MAX_EVENT_AGE_SECONDS) {
    return { ok: false, reason: 'event_time is older than 7 days' };
  }
  const userData: MetaUserData = {};
  const hashed = storedHashes(event.userData, metaIdentifiers);
  for (const key of HASHED_KEYS) {
    const values = hashed[key];
    if (values && values.length > 0) userData[key] = values;
  }
  if (event.ipAddress) userData.client_ip_address = event.ipAddress;
  if (event.userAgent) userData.client_user_agent = event.userAgent;
  if (event.clickIds.fbc) userData.fbc = event.clickIds.fbc;
  if (event.clickIds.fbp) userData.fbp = event.clickIds.fbp;

  if (Object.keys(userData).length === 0) return { ok: false, reason: 'no user_data parameter to match on' };
  if (event.actionSource === 'website' && (!event.sourceUrl || !event.userAgent)) {
    return { ok: false, reason: 'website events need event_source_url and client_user_agent' };
  }

  const mapped: MetaServerEvent = {
    event_name: event.eventName,
    event_time: event.eventTime,
    event_id: event.eventId,
    action_source: event.actionSource,
    user_data: userData,
  };
  if (event.sourceUrl) mapped.event_source_url = event.sourceUrl;
  if (Object.keys(event.customData).length > 0) mapped.custom_data = { ...event.customData };
  return { ok: true, event: mapped };
}
