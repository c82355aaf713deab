import { parseAnswer } from '../http/parse-answer';
import { platformRequestId } from '../http/platform-request-id';
import { postJson } from '../http/post-json';
import type { TiktokResponse, TiktokTrackRequest } from './tiktok.schema';

export type TiktokResult =
  | { kind: 'ok'; statusCode: number; requestId?: string }
  | { kind: 'retry' | 'auth' | 'rejected'; statusCode: number | null; reason: string; requestId?: string };

/** The token is missing, invalid, expired, or may not report to this pixel. */
const AUTH_CODES = new Set([40001, 40102, 40104, 40105]);
/** Too many requests: later. */
const RATE_LIMIT_CODES = new Set([40100]);

/**
 * Sends one batch to `{base}/event/track/`. The token travels in the `Access-Token` header, never
 * in the URL or the body, and is cut out of any answer text before it can reach a reason.
 */
export async function postTiktokEvents(
  baseUrl: string,
  accessToken: string,
  body: TiktokTrackRequest,
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
): Promise<TiktokResult> {
  const result = await postJson(`${baseUrl}/event/track/`, body, timeoutMs, fetchImpl, { 'Access-Token': accessToken });
  if (result.kind === 'failed') return { kind: 'retry', statusCode: null, reason: result.reason };
  return classifyTiktokResponse(result.status, redact(result.text, accessToken));
}

/**
 * TikTok often answers HTTP 200 with a non-zero `code`, so the code decides first:
 * 0 → ok; 40001/40102/40104/40105 (permission, token) → auth; 40100 (rate limit) and 5xxxx
 * (TikTok's own errors) → retry; any other code (40002 invalid parameters, …) → rejected.
 * Without a readable code: 401 → auth; 408, 429, 5xx and an unreadable 2xx → retry; else rejected.
 * TikTok's `request_id`, which its support asks for, is the result's `requestId`, success or not;
 * a failure's reason keeps it too, for the log line.
 */
export function classifyTiktokResponse(status: number, text: string): TiktokResult {
  const parsed = parseAnswer<TiktokResponse>(text);
  return { ...classify(status, parsed), ...platformRequestId(parsed.request_id) };
}

function classify(status: number, parsed: Partial<TiktokResponse>): TiktokResult {
  const code = typeof parsed.code === 'number' ? parsed.code : undefined;
  if (code === 0 && status >= 200 && status < 300) return { kind: 'ok', statusCode: status };

  const message = (typeof parsed.message === 'string' ? parsed.message : `HTTP ${status}`).replace(/\s+/g, ' ').trim().slice(0, 300);
  const requestId = typeof parsed.request_id === 'string' ? ` (request_id ${parsed.request_id.slice(0, 64)})` : '';
  const reason = `${code !== undefined ? `code ${code}: ` : ''}${message}${requestId}`;

  if (code !== undefined && code !== 0) {
    if (AUTH_CODES.has(code)) return { kind: 'auth', statusCode: status, reason };
    if (RATE_LIMIT_CODES.has(code) || (code >= 50000 && code < 60000)) return { kind: 'retry', statusCode: status, reason };
    if (status === 429 || status >= 500) return { kind: 'retry', statusCode: status, reason };
    return { kind: 'rejected', statusCode: status, reason };
  }
  if (status === 401) return { kind: 'auth', statusCode: status, reason };
  // A 2xx we cannot read may or may not have been taken; TikTok deduplicates a re-send on event_id.
  if ((status >= 200 && status < 300) || status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', statusCode: status, reason: code === undefined && status < 300 ? `HTTP ${status}: answer without a code` : reason };
  }
  return { kind: 'rejected', statusCode: status, reason };
}

function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}
