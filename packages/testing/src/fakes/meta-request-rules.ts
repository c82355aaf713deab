import { isIP } from 'node:net';

/**
 * The Conversions API's documented request rules, checked the way Meta applies them: one
 * invalid event rejects the whole request (error code 100).
 */

const ACTION_SOURCES = new Set(['email', 'website', 'app', 'phone_call', 'chat', 'physical_store', 'system_generated', 'business_messaging', 'other']);
const HASHED = ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'external_id', 'db', 'ge'];
const PLAIN = ['client_ip_address', 'client_user_agent', 'fbc', 'fbp', 'subscription_id', 'fb_login_id', 'lead_id', 'anon_id', 'madid'];
const SHA256 = /^[0-9a-f]{64}$/;
const FBC = /^fb\.\d\.\d{13}\.\S+$/;
const FBP = /^fb\.\d\.\d{13}\.\d+$/;
const MAX_AGE_SECONDS = 7 * 24 * 60 * 60;
export const META_MAX_EVENTS = 1000;

export function metaEventProblems(event: unknown, index: number, nowSeconds: number): string[] {
  const at = (msg: string) => `data[${index}]: ${msg}`;
  if (!event || typeof event !== 'object') return [at('must be an object')];
  const e = event as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof e['event_name'] !== 'string' || e['event_name'] === '') problems.push(at('event_name is required'));
  const time = e['event_time'];
  if (typeof time !== 'number' || !Number.isInteger(time)) problems.push(at('event_time must be an integer (unix seconds)'));
  else if (time > 1e11) problems.push(at('event_time must be in seconds, not milliseconds'));
  else if (time < nowSeconds - MAX_AGE_SECONDS) problems.push(at('event_time is more than 7 days in the past'));
  else if (time > nowSeconds + 60 * 60) problems.push(at('event_time is in the future'));
  if (typeof e['action_source'] !== 'string' || !ACTION_SOURCES.has(e['action_source'])) problems.push(at('action_source is invalid'));
  if (e['event_id'] !== undefined && typeof e['event_id'] !== 'string') problems.push(at('event_id must be a string'));
  problems.push(...userDataProblems(e['user_data'], at));
  if (e['action_source'] === 'website') {
    if (typeof e['event_source_url'] !== 'string') problems.push(at('event_source_url is required for website events'));
    const ua = (e['user_data'] as Record<string, unknown> | undefined)?.['client_user_agent'];
    if (typeof ua !== 'string') problems.push(at('client_user_agent is required for website events'));
  }
  return problems;
}

function userDataProblems(userData: unknown, at: (msg: string) => string): string[] {
  if (!userData || typeof userData !== 'object' || Array.isArray(userData)) return [at('user_data is required')];
  const u = userData as Record<string, unknown>;
  const problems: string[] = [];
  const known = Object.keys(u).filter((k) => HASHED.includes(k) || PLAIN.includes(k));
  if (known.length === 0) problems.push(at('user_data needs at least one customer information parameter'));
  for (const key of Object.keys(u)) {
    if (!HASHED.includes(key) && !PLAIN.includes(key)) problems.push(at(`user_data.${key} is not a known parameter`));
  }
  for (const key of HASHED) {
    if (u[key] === undefined) continue;
    const values = Array.isArray(u[key]) ? (u[key] as unknown[]) : [u[key]];
    if (values.some((v) => typeof v !== 'string' || !SHA256.test(v))) problems.push(at(`user_data.${key} must be SHA-256 lowercase hex`));
  }
  const ip = u['client_ip_address'];
  if (ip !== undefined && (typeof ip !== 'string' || isIP(ip) === 0)) problems.push(at('client_ip_address must be a plain IPv4 or IPv6 address'));
  if (u['fbc'] !== undefined && (typeof u['fbc'] !== 'string' || !FBC.test(u['fbc']))) problems.push(at('fbc must look like fb.1.<ms>.<fbclid>'));
  if (u['fbp'] !== undefined && (typeof u['fbp'] !== 'string' || !FBP.test(u['fbp']))) problems.push(at('fbp must look like fb.1.<ms>.<random>'));
  return problems;
}
