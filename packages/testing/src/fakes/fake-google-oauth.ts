import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { FakePlatformServer, readBody, type FakeReply } from './fake-platform-server';

interface Client {
  secret: string;
  refreshTokens: Set<string>;
}

/**
 * A local stand-in for oauth2.googleapis.com/token, as strict as RFC 6749 §6 and Google's
 * token endpoint: POST, `application/x-www-form-urlencoded`, `grant_type=refresh_token` with a
 * client id, secret and refresh token registered with `allow()`. Issues bearer tokens with
 * `expires_in`; `revoke()` makes a refresh token answer 400 invalid_grant; `expireAll()` makes
 * every issued access token stale (the Data Manager fake then answers 401). Counts refreshes.
 */
export class FakeGoogleOAuth extends FakePlatformServer {
  /** Successful refreshes, in order (client id of each). */
  readonly refreshes: string[] = [];
  readonly refused: Array<{ status: number; error: string }> = [];
  expiresInSeconds = 3600;
  private readonly clients = new Map<string, Client>();
  private readonly revoked = new Set<string>();
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  private readonly script: FakeReply[] = [];

  env(): Record<string, string> {
    return { GOOGLE_OAUTH_TOKEN_URL: this.tokenUrl() };
  }

  tokenUrl(): string {
    return `${this.baseUrl}/token`;
  }

  allow(clientId: string, clientSecret: string, refreshToken: string): this {
    const client = this.clients.get(clientId) ?? { secret: clientSecret, refreshTokens: new Set<string>() };
    client.secret = clientSecret;
    client.refreshTokens.add(refreshToken);
    this.clients.set(clientId, client);
    return this;
  }

  revoke(refreshToken: string): this {
    this.revoked.add(refreshToken);
    return this;
  }

  expireAll(): this {
    for (const token of this.tokens.values()) token.expiresAt = 0;
    return this;
  }

  /** The next token requests get these replies (5xx, 429…), whatever they contain. */
  replyNext(...replies: FakeReply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** The client an access token was issued to, if it is still live. */
  liveToken(token: string): string | undefined {
    const issued = this.tokens.get(token);
    return issued && issued.expiresAt > Date.now() ? issued.clientId : undefined;
  }

  /** Every access token ever issued (tests check none leaks into a reason). */
  issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  protected acceptedCount(): number {
    return this.refreshes.length;
  }

  protected shortfall(count: number): string {
    return `fake Google OAuth issued ${this.refreshes.length} of ${count} tokens`;
  }

  protected async handle(req: IncomingMessage): Promise<FakeReply> {
    const raw = await readBody(req);
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/token') return { status: 404, body: { error: 'not_found' } };
    const scripted = this.script.shift();
    if (scripted) return scripted;
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return this.refuse(400, 'invalid_request', 'Expected an application/x-www-form-urlencoded body.');
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'refresh_token') return this.refuse(400, 'unsupported_grant_type', 'Invalid grant_type.');
    const clientId = form.get('client_id') ?? '';
    const refreshToken = form.get('refresh_token') ?? '';
    const client = this.clients.get(clientId);
    if (!client || client.secret !== form.get('client_secret')) return this.refuse(401, 'invalid_client', 'The OAuth client was not found.');
    if (!refreshToken) return this.refuse(400, 'invalid_request', 'Missing required parameter: refresh_token');
    if (!client.refreshTokens.has(refreshToken) || this.revoked.has(refreshToken)) return this.refuse(400, 'invalid_grant', 'Token has been expired or revoked.');
    const token = `ya29.fake-${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, { clientId, expiresAt: Date.now() + this.expiresInSeconds * 1000 });
    this.refreshes.push(clientId);
    return { status: 200, body: { access_token: token, expires_in: this.expiresInSeconds, token_type: 'Bearer', scope: 'https://www.googleapis.com/auth/datamanager' } };
  }

  private refuse(status: number, error: string, description: string): FakeReply {
    this.refused.push({ status, error });
    return { status, body: { error, error_description: description } };
  }
}
