import { parseAnswer } from '../http/parse-answer';
import { platformRequestId } from '../http/platform-request-id';
import { postJson } from '../http/post-json';
import type { MetaEventsRequest } from './meta.schema';

export type MetaResult =
  | { kind: 'ok'; statusCode: number; requestId?: string }
  | { kind: 'retry' | 'auth' | 'rejected'; statusCode: number | null; reason: string; requestId?: string };

/** A Graph answer: `fbtrace_id` at the top of a success, inside `error` of a failure. */
interface GraphAnswer {
  fbtrace_id?: unknown;
  error?: { message?: string; code?: number; error_subcode?: number; type?: string; fbtrace_id?: unknown };
}

/** Graph error codes that mean "later" (rate limits, transient service errors). */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 341, 613]);
/** Codes that mean the token is expired, revoked or invalid. */
const AUTH_CODES = new Set([190, 102]);

/**
 * Sends one batch to the Graph API. The token travels in the body, not the URL, so it never
 * lands in access logs; our own logs never see it either.
 */
export async function postMetaEvents(
  graphUrl: string,
  pixelId: string,
  body: MetaEventsRequest,
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
): Promise<MetaResult> {
  const result = await postJson(`${graphUrl}/${encodeURIComponent(pixelId)}/events`, body, timeoutMs, fetchImpl);
  if (result.kind === 'failed') return { kind: 'retry', statusCode: null, reason: result.reason };
  return classifyMetaResponse(result.status, result.text);
}

/** The status and Graph error code decide the kind; Meta's `fbtrace_id`, when given, goes with it. */
export function classifyMetaResponse(status: number, text: string): MetaResult {
  const parsed = parseAnswer<GraphAnswer>(text);
  return { ...classify(status, parsed), ...platformRequestId(parsed.error?.fbtrace_id ?? parsed.fbtrace_id) };
}

function classify(status: number, parsed: Partial<GraphAnswer>): MetaResult {
  if (status >= 200 && status < 300) return { kind: 'ok', statusCode: status };
  const code = parsed.error?.code;
  const reason = `${code !== undefined ? `code ${code}: ` : ''}${(parsed.error?.message ?? `HTTP ${status}`).slice(0, 500)}`;
  if (code !== undefined && AUTH_CODES.has(code)) return { kind: 'auth', statusCode: status, reason };
  if (status === 401) return { kind: 'auth', statusCode: status, reason };
  if (status === 429 || status >= 500 || (code !== undefined && RETRYABLE_CODES.has(code))) {
    return { kind: 'retry', statusCode: status, reason };
  }
  return { kind: 'rejected', statusCode: status, reason };
}
