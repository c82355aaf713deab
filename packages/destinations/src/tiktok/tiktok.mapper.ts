import { isIP } from 'node:net';
import type { CustomData, StoredEvent } from '@attribution/core';
import { storedHashes } from '../identifiers/identifier-profile';
import { tiktokIdentifiers } from './tiktok.identifiers';
import { TIKTOK_MAX_EVENT_AGE_SECONDS, TIKTOK_STANDARD_EVENTS, type TiktokContent, type TiktokEvent, type TiktokProperties, type TiktokUser } from './tiktok.schema';

export type TiktokMapping = { ok: true; event: TiktokEvent } | { ok: false; kind: 'rejected' | 'skipped'; reason: string };

/** Our (Meta-style) standard names whose TikTok standard event has another name. */
const RENAMED_STANDARD: Readonly<Record<string, string>> = { Purchase: 'CompletePayment', Lead: 'SubmitForm' };
const STANDARD = new Set<string>(TIKTOK_STANDARD_EVENTS);
const SHA256 = /^[0-9a-f]{64}$/;
const CURRENCY = /^[A-Z]{3}$/;
const MAX_CONTENTS = 100;

/**
 * The event name TikTok gets. A tenant's rename rule wins as it is; otherwise our standard names
 * become TikTok's (`Purchase` → `CompletePayment`, `Lead` → `SubmitForm`; `ViewContent`,
 * `AddToCart`, … are the same on both), and any other name goes as a custom event (reported,
 * not used to optimise).
 */
export function tiktokEventName(name: string, renamed: boolean): string {
  if (renamed || STANDARD.has(name)) return name;
  return RENAMED_STANDARD[name] ?? name;
}

/**
 * Pure mapping from a stored event (under its destination name) to an Events API 2.0 web event.
 * Identifiers were hashed at ingest (the `tiktok` profile); ttclid, ttp, IP and user agent go
 * verbatim; event_id passes unchanged so TikTok deduplicates against its pixel.
 */
export function mapToTiktokEvent(event: StoredEvent, renamed: boolean, nowSeconds: number): TiktokMapping {
  if (event.eventTime < nowSeconds - TIKTOK_MAX_EVENT_AGE_SECONDS) {
    return { ok: false, kind: 'rejected', reason: 'event_time is older than 7 days' };
  }
  const user = tiktokUser(event);
  if (Object.keys(user).length === 0) {
    return { ok: false, kind: 'skipped', reason: 'no TikTok matching key (email, phone, external_id, ttclid, ttp, IP or user agent)' };
  }
  const mapped: TiktokEvent = { event: tiktokEventName(event.eventName, renamed), event_time: event.eventTime, event_id: event.eventId, user };
  if (event.sourceUrl) mapped.page = { url: event.sourceUrl };
  const properties = tiktokProperties(event.customData);
  if (Object.keys(properties).length > 0) mapped.properties = properties;
  return { ok: true, event: mapped };
}

function tiktokUser(event: StoredEvent): TiktokUser {
  const hashed = storedHashes(event.userData, tiktokIdentifiers);
  const user: TiktokUser = {};
  // The 2.0 reference shows one string per key: the first hash ingest kept is sent.
  for (const key of ['email', 'phone', 'external_id'] as const) {
    const first = (hashed[key] ?? []).find((h) => typeof h === 'string' && SHA256.test(h));
    if (first) user[key] = first;
  }
  if (event.clickIds.ttclid) user.ttclid = event.clickIds.ttclid;
  if (event.clickIds.ttp) user.ttp = event.clickIds.ttp;
  if (event.ipAddress && isIP(event.ipAddress) !== 0) user.ip = event.ipAddress;
  if (event.userAgent) user.user_agent = event.userAgent;
  return user;
}

function tiktokProperties(data: CustomData): TiktokProperties {
  const properties: TiktokProperties = {};
  const currency = typeof data.currency === 'string' ? data.currency.toUpperCase() : undefined;
  // A value without its currency cannot be read as revenue, so it goes only with one.
  if (currency && CURRENCY.test(currency)) {
    properties.currency = currency;
    if (typeof data.value === 'number' && Number.isFinite(data.value) && data.value >= 0) properties.value = data.value;
  }
  const contents = tiktokContents(data['contents'], data.content_ids);
  if (contents.length > 0) properties.contents = contents;
  if (data.content_type === 'product' || data.content_type === 'product_group') properties.content_type = data.content_type;
  const query = data['search_string'];
  if (typeof query === 'string' && query.trim() !== '') properties.query = query.slice(0, 500);
  return properties;
}

/** Meta-style `contents` ([{id, quantity, item_price}]) when present, else `content_ids`. */
function tiktokContents(contents: unknown, contentIds: unknown): TiktokContent[] {
  const out: TiktokContent[] = [];
  if (Array.isArray(contents)) {
    for (const item of contents) {
      if (!item || typeof item !== 'object') continue;
      const c = item as Record<string, unknown>;
      const content: TiktokContent = {};
      if (typeof c['id'] === 'string' || typeof c['id'] === 'number') content.content_id = String(c['id']);
      if (typeof c['title'] === 'string') content.content_name = c['title'];
      if (typeof c['quantity'] === 'number' && Number.isInteger(c['quantity']) && c['quantity'] > 0) content.quantity = c['quantity'];
      if (typeof c['item_price'] === 'number' && Number.isFinite(c['item_price']) && c['item_price'] >= 0) content.price = c['item_price'];
      if (content.content_id) out.push(content);
    }
  } else if (Array.isArray(contentIds)) {
    for (const id of contentIds) if (typeof id === 'string' && id !== '') out.push({ content_id: id });
  }
  return out.slice(0, MAX_CONTENTS);
}
