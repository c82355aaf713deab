import type { IncomingMessage } from 'node:http';
import { FakePlatformServer, readBody, type ProvisionedDestination } from './fake-platform-server';
import { TIKTOK_FAKE_MAX_TEST_EVENTS, tiktokEventProblems, tiktokRequestProblems } from './tiktok-request-rules';

export * from './tiktok-request-rules';

export interface ReceivedTiktokRequest {
  pixelCode: string;
  accessToken: string;
  /** Set on test requests (Events Manager → Test events); those are never counted as live. */
  testEventCode?: string;
  data: Array<Record<string, unknown>>;
}

export interface TiktokScriptedReply {
  status: number;
  body?: unknown;
}

/** TikTok's answer shape: HTTP 200 more often than not, the outcome in `code`. */
export function tiktokReply(code: number, message: string, status = 200): TiktokScriptedReply {
  return { status, body: { code, message, request_id: `fake-${code}-${Math.random().toString(36).slice(2, 10)}`, data: {} } };
}

/** Replies to script with `replyNext`, in TikTok's code shapes. */
export const TIKTOK_REPLIES = {
  authError: () => tiktokReply(40105, 'Access token is incorrect or has been revoked.'),
  noPermission: () => tiktokReply(40001, 'No permission to operate pixel.'),
  rateLimited: () => tiktokReply(40100, 'Too many requests. Please retry in some time.'),
  serverError: () => tiktokReply(50000, 'System error, please retry.'),
  http503: (): TiktokScriptedReply => ({ status: 503, body: '<html>Service Unavailable</html>' }),
  invalid: (message = 'Invalid parameters') => tiktokReply(40002, message),
};

const PATH = '/open_api/v1.3/event/track/';

/**
 * A local stand-in for business-api.tiktok.com's Events API 2.0, as strict as TikTok documents:
 * path and method, the `Access-Token` registered for the pixel with `allow()`, the envelope and
 * batch size, and each event's fields (tiktok-request-rules.ts). One bad event fails the request
 * (code 40002), as TikTok does. Accepted live requests land in `received`, test requests (with a
 * `test_event_code`) in `testReceived`; every refusal in `rejected`, with its problems in `invalid`
 * when the payload broke a rule (tests assert it stays empty). `replyNext()` scripts failures.
 */
export class FakeTiktok extends FakePlatformServer {
  readonly received: ReceivedTiktokRequest[] = [];
  readonly testReceived: ReceivedTiktokRequest[] = [];
  readonly rejected: Array<{ status: number; body: unknown }> = [];
  readonly invalid: Array<{ problems: string[]; body: unknown }> = [];
  private readonly tokens = new Map<string, Set<string>>();
  private readonly script: TiktokScriptedReply[] = [];

  constructor(private readonly options: { maxTestEvents?: number } = {}) {
    super();
  }

  /** TIKTOK_EVENTS_URL for a dispatcher that sends here. */
  env(): Record<string, string> {
    return { TIKTOK_EVENTS_URL: `${this.baseUrl}/open_api/v1.3` };
  }

  /** Registers an access token the fake accepts for a pixel code (several may be). */
  provision(n: number): ProvisionedDestination {
    const pixelCode = `CFAKE${String(n).padStart(15, '0')}`;
    this.allow(pixelCode, `tt-fake-token-${n}`);
    return { settings: { pixel_code: pixelCode, test_event_code: 'TEST12345' }, credentials: { access_token: `tt-fake-token-${n}` } };
  }

  allow(pixelCode: string, accessToken: string): this {
    this.tokens.set(pixelCode, (this.tokens.get(pixelCode) ?? new Set()).add(accessToken));
    return this;
  }

  /** The next requests get these replies, in order, whatever they contain. */
  replyNext(...replies: TiktokScriptedReply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** Accepted live events, each with its pixel code. */
  eventsReceived(): Array<Record<string, unknown> & { pixelCode: string }> {
    return this.received.flatMap((r) => r.data.map((e) => ({ ...e, pixelCode: r.pixelCode })));
  }

  /** Accepted test events, each with its pixel code and test event code. */
  testEventsReceived(): Array<Record<string, unknown> & { pixelCode: string; testEventCode: string }> {
    return this.testReceived.flatMap((r) => r.data.map((e) => ({ ...e, pixelCode: r.pixelCode, testEventCode: r.testEventCode ?? '' })));
  }

  /** Live events as TikTok counts them: deduplicated on (pixel, event, event_id). */
  uniqueEvents(): Set<string> {
    return new Set(this.eventsReceived().map((e) => `${e.pixelCode}|${String(e['event'])}|${String(e['event_id'])}`));
  }

  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  /** Deduplicated live events plus test events. */
  protected acceptedCount(): number {
    return this.uniqueEvents().size + this.testEventsReceived().length;
  }

  protected shortfall(count: number): string {
    return `fake TikTok accepted ${this.acceptedCount()} of ${count} events (rejected requests: ${this.rejected.length}, invalid: ${this.invalid.length})`;
  }

  protected async handle(req: IncomingMessage): Promise<TiktokScriptedReply> {
    const raw = await readBody(req);
    const scripted = this.script.shift();
    if (scripted) return this.reject(scripted);
    if (req.method !== 'POST' || req.url !== PATH) return this.reject({ status: 404, body: { code: 40400, message: 'Not found', request_id: 'fake' } });
    const token = req.headers['access-token'];
    let body: unknown;
    try {
      body = JSON.parse(raw) as unknown;
    } catch {
      return this.invalidRequest(['body is not JSON'], raw);
    }
    const problems = tiktokRequestProblems(body, { testEvents: this.options.maxTestEvents ?? TIKTOK_FAKE_MAX_TEST_EVENTS });
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) problems.push('Content-Type must be application/json');
    if (problems.length > 0) return this.invalidRequest(problems, body);
    const b = body as { event_source_id: string; data: unknown[]; test_event_code?: string };
    if (typeof token !== 'string' || token === '') return this.reject(tiktokReply(40104, 'Access token is null, please check the Access-Token header.'));
    if (!this.tokens.get(b.event_source_id)?.has(token)) return this.reject(TIKTOK_REPLIES.authError());
    const now = Math.floor(Date.now() / 1000);
    const eventProblems = b.data.flatMap((event, index) => tiktokEventProblems(event, index, now));
    if (eventProblems.length > 0) return this.invalidRequest(eventProblems, body);
    const request: ReceivedTiktokRequest = { pixelCode: b.event_source_id, accessToken: token, data: b.data as Array<Record<string, unknown>> };
    if (b.test_event_code !== undefined) {
      request.testEventCode = b.test_event_code;
      this.testReceived.push(request);
    } else this.received.push(request);
    return tiktokReply(0, 'OK');
  }

  private invalidRequest(problems: string[], body: unknown): TiktokScriptedReply {
    this.invalid.push({ problems, body });
    return this.reject(TIKTOK_REPLIES.invalid(`Invalid parameters: ${problems.join('; ').slice(0, 1000)}`));
  }

  private reject(reply: TiktokScriptedReply): TiktokScriptedReply {
    this.rejected.push({ status: reply.status, body: reply.body });
    return reply;
  }
}
