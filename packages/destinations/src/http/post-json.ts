/** What came back from one POST: a status and body, or why nothing came back (retryable). */
export type PostResult = { kind: 'response'; status: number; text: string } | { kind: 'failed'; reason: 'timeout' | 'network error' };

/**
 * One JSON POST to a platform, bounded by `timeoutMs`. Node's global fetch keeps connections
 * alive between calls. Never throws: a network error or a timeout is a result, and no reason
 * built here holds the URL (it may carry a secret in its query string).
 */
export async function postJson(url: string, body: unknown, timeoutMs: number, fetchImpl: typeof fetch = fetch, headers: Record<string, string> = {}): Promise<PostResult> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { kind: 'failed', reason: isTimeout(error) ? 'timeout' : 'network error' };
  }
  const text = await response.text().catch(() => '');
  return { kind: 'response', status: response.status, text };
}

/** By name, not instanceof: the DOMException from AbortSignal.timeout may come from another realm (e.g. under Jest). */
export function isTimeout(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'TimeoutError' || name === 'AbortError';
}
