import { postJson } from '../http/post-json';
import type { MetaEventsRequest } from './meta.schema';

export type MetaResult =
  | { kind: 'ok'; statusCode: number }
  | { kind: 'retry' | 'auth' | 'rejected'; statusCode: number | null; reason: string };

interface GraphError {
  error?: { message?: string; code?: number; error_subcode?: number; type?: string };
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

export function classifyMetaResponse(status: number, text: string): MetaResult {
  if (status >= 200 && status < 300) return { kind: 'ok', statusCode: status };
  let parsed: GraphError = {};
  try {
    parsed = JSON.parse(text) as GraphError;
  } catch {
    // Proxies and load balancers answer with HTML; the status code still tells us enough.
  }
  const code = parsed.error?.code;
  const reason = `${code !== undefined ? `code ${code}: ` : ''}${(parsed.error?.message ?? `HTTP ${status}`).slice(0, 500)}`;
  if (code !== undefined && AUTH_CODES.has(code)) return { kind: 'auth', statusCode: status, reason };
  if (status === 401) return { kind: 'auth', statusCode: status, reason };
  if (status === 429 || status >= 500 || (code !== undefined && RETRYABLE_CODES.has(code))) {
    return { kind: 'retry', statusCode: status, reason };
  }
  return { kind: 'rejected', statusCode: status, reason };
}
