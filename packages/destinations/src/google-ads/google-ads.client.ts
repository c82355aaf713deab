import { parseAnswer } from '../http/parse-answer';
import { platformRequestId } from '../http/platform-request-id';
import { postJson } from '../http/post-json';
import { redact } from './google-ads.oauth';
import type { IngestEventsRequest } from './google-ads.schema';

export type DataManagerResult =
  | { kind: 'ok'; statusCode: number; requestId?: string }
  /** 401: the access token is expired or revoked; the adapter renews it once and retries. */
  | { kind: 'unauthenticated'; statusCode: number; reason: string; requestId?: string }
  | { kind: 'retry' | 'auth'; statusCode: number | null; reason: string; requestId?: string }
  /** `badEvents`: the events (by index in the request) Google's field violations name. */
  | { kind: 'rejected'; statusCode: number; reason: string; requestId?: string; badEvents: Map<number, string> };

interface RpcStatus {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: Array<{ '@type'?: string; reason?: string; requestId?: string; fieldViolations?: Array<{ field?: string; description?: string }> }>;
  };
}

/** One `events:ingest` call. The access token travels in the Authorization header only. */
export async function postIngestEvents(baseUrl: string, body: IngestEventsRequest, accessToken: string, timeoutMs: number, fetchImpl?: typeof fetch): Promise<DataManagerResult> {
  const result = await postJson(`${baseUrl}/events:ingest`, body, timeoutMs, fetchImpl, { authorization: `Bearer ${accessToken}` });
  if (result.kind === 'failed') return { kind: 'retry', statusCode: null, reason: result.reason };
  return classifyDataManagerResponse(result.status, redact(result.text, [accessToken]));
}

/**
 * Google's error model (google.rpc.Status): 2xx → ok; 401 UNAUTHENTICATED → renew the token;
 * 403 PERMISSION_DENIED (no access to the customer, API not enabled) → auth; 408, 429
 * RESOURCE_EXHAUSTED and 5xx → retry; any other 4xx (400 INVALID_ARGUMENT) → rejected, with
 * Google's field violations and the request id in the reason. The request id (a success's
 * `requestId`, a failure's `RequestInfo` detail) is also the result's `requestId`.
 */
export function classifyDataManagerResponse(status: number, text: string): DataManagerResult {
  const parsed = parseAnswer<RpcStatus & { requestId?: unknown }>(text);
  if (status >= 200 && status < 300) return { kind: 'ok', statusCode: status, ...platformRequestId(parsed.requestId) };
  const error = parsed.error ?? {};
  const details = error.details ?? [];
  const violations = details.flatMap((d) => d.fieldViolations ?? []);
  const requestId = details.find((d) => typeof d.requestId === 'string')?.requestId;
  const head = `${error.status ?? `HTTP ${status}`}: ${error.message ?? 'no message'}`;
  const listed = violations.map((v) => `${v.field ?? '?'}: ${v.description ?? ''}`).join('; ');
  const reason = `${head}${listed ? ` (${listed})` : ''}${requestId ? ` [request ${requestId}]` : ''}`.replace(/\s+/g, ' ').slice(0, 500);
  const request = platformRequestId(requestId);

  if (status === 401) return { kind: 'unauthenticated', statusCode: status, reason, ...request };
  if (status === 403) return { kind: 'auth', statusCode: status, reason, ...request };
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', statusCode: status, reason, ...request };
  return { kind: 'rejected', statusCode: status, reason, ...request, badEvents: badEventsOf(violations) };
}

/** `events[3].adIdentifiers.gclid` (or snake_case) → event 3 with its description. */
function badEventsOf(violations: Array<{ field?: string; description?: string }>): Map<number, string> {
  const bad = new Map<number, string>();
  for (const v of violations) {
    const index = /^events\[(\d+)\]/.exec(v.field ?? '')?.[1];
    if (index === undefined) continue;
    const line = `${v.field}: ${v.description ?? 'invalid'}`;
    const i = Number(index);
    bad.set(i, bad.has(i) ? `${bad.get(i)}; ${line}` : line);
  }
  return bad;
}
