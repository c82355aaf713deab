import { createHash } from 'node:crypto';
import { isTimeout, type PostResult } from '../http/post-json';
import type { GoogleAdsCredentials } from './google-ads.schema';

export type TokenResult = { ok: true; token: string } | { ok: false; kind: 'auth' | 'retry'; statusCode: number | null; reason: string };

export interface GoogleOAuthConfig {
  /** `https://oauth2.googleapis.com/token` (env GOOGLE_OAUTH_TOKEN_URL). */
  tokenUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
  /** Refresh this long before `expires_in` runs out, so a token never expires in flight. */
  earlyMs?: number;
}

interface Cached {
  token: string;
  expiresAt: number;
}

/** Errors of the token endpoint that mean the credentials themselves are refused (RFC 6749 §5.2). */
const REFUSED = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_scope']);

/**
 * Access tokens from refresh tokens, one per destination: keyed by tenant and a hash of the
 * credentials, so `destination set` with new credentials uses them at once. Cached until shortly
 * before expiry; concurrent sends share one in-flight refresh. No token ever reaches a reason.
 */
export class GoogleOAuth {
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<TokenResult>>();

  constructor(private readonly config: GoogleOAuthConfig) {}

  /** A live access token: the cached one, or a fresh one. */
  async accessToken(tenantId: string, credentials: GoogleAdsCredentials): Promise<TokenResult> {
    const key = cacheKey(tenantId, credentials);
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.now()) return { ok: true, token: cached.token };
    return this.refresh(key, credentials);
  }

  /** After a 401 with `stale`: a new token, unless a concurrent send already replaced it. */
  async renew(tenantId: string, credentials: GoogleAdsCredentials, stale: string): Promise<TokenResult> {
    const key = cacheKey(tenantId, credentials);
    const cached = this.cache.get(key);
    if (cached && cached.token !== stale && cached.expiresAt > this.now()) return { ok: true, token: cached.token };
    if (cached?.token === stale) this.cache.delete(key);
    return this.refresh(key, credentials);
  }

  private refresh(key: string, credentials: GoogleAdsCredentials): Promise<TokenResult> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = this.exchange(credentials)
      .then((result) => {
        if (result.ok) this.cache.set(key, { token: result.token, expiresAt: this.now() + result.expiresInMs - (this.config.earlyMs ?? 60_000) });
        else this.cache.delete(key);
        return result.ok ? { ok: true as const, token: result.token } : result;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  private async exchange(credentials: GoogleAdsCredentials): Promise<(TokenResult & { ok: false }) | { ok: true; token: string; expiresInMs: number }> {
    const form = { grant_type: 'refresh_token', client_id: credentials.client_id, client_secret: credentials.client_secret, refresh_token: credentials.refresh_token };
    const result = await postForm(this.config.tokenUrl, form, this.config.timeoutMs, this.config.fetch);
    if (result.kind === 'failed') return { ok: false, kind: 'retry', statusCode: null, reason: `OAuth token endpoint: ${result.reason}` };
    const body = parse(result.text);
    const secrets = [credentials.client_secret, credentials.refresh_token, typeof body.access_token === 'string' ? body.access_token : ''];
    if (result.status >= 200 && result.status < 300) {
      if (typeof body.access_token !== 'string' || body.access_token === '') return { ok: false, kind: 'retry', statusCode: result.status, reason: 'OAuth token endpoint answered without an access_token' };
      const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
      return { ok: true, token: body.access_token, expiresInMs: expiresIn * 1000 };
    }
    const error = typeof body.error === 'string' ? body.error : `HTTP ${result.status}`;
    const description = typeof body.error_description === 'string' ? `: ${body.error_description}` : '';
    const reason = redact(`OAuth refresh refused (${error}${description})`.slice(0, 300), secrets);
    if (result.status === 429 || result.status >= 500) return { ok: false, kind: 'retry', statusCode: result.status, reason: redact(`OAuth token endpoint: HTTP ${result.status}`, secrets) };
    if (REFUSED.has(error) || result.status === 400 || result.status === 401 || result.status === 403) return { ok: false, kind: 'auth', statusCode: result.status, reason };
    return { ok: false, kind: 'retry', statusCode: result.status, reason };
  }

  private now(): number {
    return (this.config.now ?? Date.now)();
  }
}

function cacheKey(tenantId: string, c: GoogleAdsCredentials): string {
  return `${tenantId}\u0000${createHash('sha256').update(`${c.client_id}\u0000${c.client_secret}\u0000${c.refresh_token}`).digest('hex')}`;
}

/**
 * One `application/x-www-form-urlencoded` POST (the token endpoint takes no JSON), bounded by
 * `timeoutMs`. Like postJson it never throws, and no reason built here holds the URL or the body.
 */
export async function postForm(url: string, form: Record<string, string>, timeoutMs: number, fetchImpl: typeof fetch = fetch): Promise<PostResult> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { kind: 'failed', reason: isTimeout(error) ? 'timeout' : 'network error' };
  }
  const text = await response.text().catch(() => '');
  return { kind: 'response', status: response.status, text };
}

function parse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Every secret replaced, so a server echoing one never puts it in a reason. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((out, s) => out.split(s).join('[redacted]'), text);
}
