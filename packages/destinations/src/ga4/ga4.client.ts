import { postJson } from '../http/post-json';
import type { Ga4Request } from './ga4.schema';

export type Ga4Result =
  | { kind: 'ok'; statusCode: number }
  | { kind: 'retry' | 'rejected'; statusCode: number | null; reason: string };

/** Where and as whom one MP call goes. */
export interface Ga4Call {
  /** The collect endpoint, `…/mp/collect` (the validation server's path is derived from it). */
  collectUrl: string;
  measurementId: string;
  apiSecret: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface Ga4ValidationMessage {
  fieldPath?: string;
  description?: string;
  validationCode?: string;
}

/**
 * `<collect url>?measurement_id=…&api_secret=…`. The MP only takes the secret in the query string,
 * so it reaches Google's access logs; it never reaches ours: no reason string built here holds a URL.
 */
export function ga4CollectUrl(collectUrl: string, measurementId: string, apiSecret: string): string {
  const url = new URL(collectUrl);
  url.searchParams.set('measurement_id', measurementId);
  url.searchParams.set('api_secret', apiSecret);
  return url.toString();
}

/** The validation server lives beside the collector: `…/mp/collect` → `…/debug/mp/collect`. */
export function ga4DebugUrl(collectUrl: string): string {
  const url = new URL(collectUrl);
  if (!/\/mp\/collect\/?$/.test(url.pathname)) throw new Error('GA4 collect URL must end with /mp/collect');
  url.pathname = url.pathname.replace(/\/mp\/collect\/?$/, '/debug/mp/collect');
  return url.toString();
}

/**
 * Sends one MP request (one client_id, ≤ 25 events). Node's global fetch keeps connections
 * alive between calls. A 2xx only means "received": the MP "doesn't return an error code if the
 * payload is malformed", and a wrong api_secret is answered 2xx too, so success here proves
 * neither validity (our mapper's job) nor credentials (check with the validation endpoint and
 * GA4 Realtime when a destination is set up).
 */
export async function postGa4Events(call: Ga4Call, body: Ga4Request): Promise<Ga4Result> {
  const { collectUrl, measurementId, apiSecret } = call;
  const result = await postJson(ga4CollectUrl(collectUrl, measurementId, apiSecret), body, call.timeoutMs, call.fetch);
  if (result.kind === 'failed') return { kind: 'retry', statusCode: null, reason: result.reason };
  return classifyGa4Response(result.status, redact(result.text, apiSecret));
}

/**
 * 2xx → ok; 408, 429 and 5xx → retry (rate limit, overload, outage); any other status → rejected.
 * There is no auth outcome: the MP gives no signal for a bad api_secret.
 */
export function classifyGa4Response(status: number, text = ''): Ga4Result {
  if (status >= 200 && status < 300) return { kind: 'ok', statusCode: status };
  const detail = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  const reason = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', statusCode: status, reason };
  return { kind: 'rejected', statusCode: status, reason };
}

/**
 * Asks the validation server (`/debug/mp/collect`) about a request. It "does not validate the
 * api_secret or measurement_id" and its events "don't show up in reports"; meant for setting up a
 * destination and for tests, never for the delivery path.
 */
export async function validateGa4Request(call: Ga4Call, body: Ga4Request): Promise<{ ok: true; messages: Ga4ValidationMessage[] } | { ok: false; reason: string }> {
  const { collectUrl, measurementId, apiSecret } = call;
  const result = await postJson(ga4CollectUrl(ga4DebugUrl(collectUrl), measurementId, apiSecret), body, call.timeoutMs, call.fetch);
  if (result.kind === 'failed') return { ok: false, reason: result.reason };
  if (result.status < 200 || result.status >= 300) return { ok: false, reason: `HTTP ${result.status}` };
  let parsed: { validationMessages?: unknown };
  try {
    parsed = JSON.parse(result.text) as { validationMessages?: unknown };
  } catch {
    return { ok: false, reason: 'response is not JSON' };
  }
  if (!Array.isArray(parsed.validationMessages)) return { ok: false, reason: 'response has no validationMessages' };
  return { ok: true, messages: parsed.validationMessages as Ga4ValidationMessage[] };
}

/**
 * Test mode's send: the same request to the validation server, its verdict as a result. Valid →
 * ok (nothing reaches reports); validation messages → rejected, with GA4's own words.
 */
export async function postGa4Validation(call: Ga4Call, body: Ga4Request): Promise<Ga4Result> {
  const verdict = await validateGa4Request(call, body);
  if (!verdict.ok) return { kind: 'retry', statusCode: null, reason: `validation server: ${verdict.reason}` };
  if (verdict.messages.length === 0) return { kind: 'ok', statusCode: 200 };
  const described = verdict.messages.map((m) => `${m.validationCode ?? 'INVALID'} ${m.fieldPath ?? ''}: ${m.description ?? ''}`.replace(/\s+/g, ' ').trim());
  return { kind: 'rejected', statusCode: 200, reason: redact(`GA4 validation: ${described.join('; ')}`.slice(0, 500), call.apiSecret) };
}

function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}
