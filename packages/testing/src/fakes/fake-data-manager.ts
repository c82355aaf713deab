import type { IncomingMessage } from 'node:http';
import { FakeGoogleOAuth } from './fake-google-oauth';
import { FakePlatformServer, readBody, type FakeReply, type ProvisionedDestination } from './fake-platform-server';
import { ingestRequestProblems, type FieldViolation } from './data-manager-request-rules';

export * from './data-manager-request-rules';
export { FakeGoogleOAuth } from './fake-google-oauth';

export interface IngestedRequest {
  clientId: string;
  body: { destinations: Array<{ operatingAccount: { accountId: string }; loginAccount?: { accountId: string }; productDestinationId: string }>; events: Array<Record<string, unknown> & { transactionId?: string }>; validateOnly?: boolean; encoding?: string };
}

/**
 * A local stand-in for Google Ads behind the Data Manager API: it serves `POST /v1/events:ingest`
 * and owns a FakeGoogleOAuth (`oauth`) whose live tokens are the only ones it takes
 * (`Authorization: Bearer`; anything else is 401 UNAUTHENTICATED). Requests are validated as
 * Google documents them (data-manager-request-rules.ts) and fail fast: one violation → 400
 * INVALID_ARGUMENT with field violations, nothing ingested. `validateOnly` requests land in
 * `validated`, never in `ingested`. `replyNext()` scripts 429 / 5xx / 401 replies; `denyAccount()`
 * answers 403 PERMISSION_DENIED for a customer. Like Google, it names each request it answers
 * (`requestId` of a success, a `RequestInfo` detail of its own errors): `fake-request-<n>`, n
 * counting every request. `start()` starts both servers; `env()` gives both variables, so this one
 * object is the platform's fake in PLATFORM_FAKES.
 */
export class FakeDataManager extends FakePlatformServer {
  readonly ingested: IngestedRequest[] = [];
  readonly validated: IngestedRequest[] = [];
  readonly invalid: Array<{ body: unknown; violations: FieldViolation[] }> = [];
  readonly unauthenticated: Array<{ authorization: string | undefined }> = [];
  /** Replies sent from the script, by status. */
  readonly failed: number[] = [];
  private readonly script: FakeReply[] = [];
  private readonly denied = new Set<string>();
  private requests = 0;
  private quota: { requests: number; windowMs: number; arrivals: number[] } | undefined;
  /** Authenticated requests answered 429 because they were over the quota. */
  readonly overQuota: number[] = [];

  constructor(readonly oauth: FakeGoogleOAuth = new FakeGoogleOAuth()) {
    super();
  }

  env(): Record<string, string> {
    return { GOOGLE_DATA_MANAGER_URL: this.baseUrl, GOOGLE_OAUTH_TOKEN_URL: this.oauth.tokenUrl() };
  }

  /** A destination whose OAuth client the token fake knows; no request quota of its own (see limitRequests). */
  provision(n: number): ProvisionedDestination {
    const credentials = { client_id: `fake-${n}.apps.googleusercontent.com`, client_secret: `fake-secret-${n}`, refresh_token: `1//fake-refresh-${n}` };
    this.oauth.allow(credentials.client_id, credentials.client_secret, credentials.refresh_token);
    return { settings: { customer_id: String(2_000_000_000 + n), conversion_actions: 'Purchase=111,Lead=222', requests_per_minute: '99999' }, credentials };
  }

  replyNext(...replies: FakeReply[]): this {
    this.script.push(...replies);
    return this;
  }

  /**
   * Google's per-project quota, as a rolling window: more than `requests` authenticated requests
   * within `windowMs` are answered 429 RESOURCE_EXHAUSTED (and not ingested).
   */
  limitRequests(requests: number, windowMs: number): this {
    this.quota = { requests, windowMs, arrivals: [] };
    return this;
  }

  denyAccount(accountId: string): this {
    this.denied.add(accountId);
    return this;
  }

  /** Ingested events, each with its conversion action. */
  eventsIngested(): Array<Record<string, unknown> & { conversionActionId: string; customerId: string }> {
    return this.ingested.flatMap(({ body }) => body.events.map((e) => ({ ...e, conversionActionId: body.destinations[0]!.productDestinationId, customerId: body.destinations[0]!.operatingAccount.accountId })));
  }

  /** Conversions as Google Ads counts them: one per (conversion action, transaction id). */
  uniqueConversions(): Set<string> {
    return new Set(this.eventsIngested().map((e) => `${e.conversionActionId}|${String(e.transactionId)}`));
  }

  async start(): Promise<this> {
    await this.oauth.start();
    await this.listen('/v1');
    return this;
  }

  override async stop(): Promise<void> {
    await Promise.all([super.stop(), this.oauth.stop()]);
  }

  protected acceptedCount(): number {
    return this.eventsIngested().length;
  }

  protected shortfall(count: number): string {
    return `fake Data Manager ingested ${this.eventsIngested().length} of ${count} events (invalid requests: ${this.invalid.length}, unauthenticated: ${this.unauthenticated.length})`;
  }

  protected async handle(req: IncomingMessage): Promise<FakeReply> {
    const raw = await readBody(req);
    this.requests += 1;
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/events:ingest') return this.rpcError(404, 'NOT_FOUND', 'Unknown path or method.');
    const scripted = this.script.shift();
    if (scripted) {
      this.failed.push(scripted.status);
      return scripted;
    }
    const authorization = req.headers['authorization'];
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const client = token ? this.oauth.liveToken(token) : undefined;
    if (!client) {
      this.unauthenticated.push({ authorization: authorization ? 'Bearer [token]' : undefined });
      return this.rpcError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.');
    }
    if (this.quota) {
      const now = Date.now();
      const { arrivals, windowMs, requests } = this.quota;
      while (arrivals.length > 0 && arrivals[0]! <= now - windowMs) arrivals.shift();
      if (arrivals.length >= requests) {
        this.overQuota.push(now);
        return this.rpcError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric \'Requests\' of service datamanager.googleapis.com.');
      }
      arrivals.push(now);
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return this.rpcError(400, 'INVALID_ARGUMENT', 'Expected a JSON body.');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return this.rpcError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    const violations = ingestRequestProblems(body, { nowMs: Date.now() });
    if (violations.length > 0) {
      this.invalid.push({ body, violations });
      return this.rpcError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations }]);
    }
    const request = { clientId: client, body: body as IngestedRequest['body'] };
    const account = request.body.destinations.map((d) => d.operatingAccount.accountId).find((id) => this.denied.has(id));
    if (account) return this.rpcError(403, 'PERMISSION_DENIED', `The caller does not have permission to access account ${account}.`);
    if (request.body.validateOnly === true) this.validated.push(request);
    else this.ingested.push(request);
    return { status: 200, body: { requestId: `fake-request-${this.requests}` } };
  }

  /** Google's error, with the RequestInfo detail that carries this request's id. */
  private rpcError(code: number, status: string, message: string, details: unknown[] = []): FakeReply {
    return rpcError(code, status, message, [...details, { '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: `fake-request-${this.requests}` }]);
  }
}

export function rpcError(code: number, status: string, message: string, details: unknown[] = []): FakeReply {
  return { status: code, body: { error: { code, message, status, details: [...details, { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: status, domain: 'datamanager.googleapis.com' }] } } };
}
