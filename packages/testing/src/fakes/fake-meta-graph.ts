import type { IncomingMessage } from 'node:http';
import { FakePlatformServer, readBody, type ProvisionedDestination } from './fake-platform-server';
import { META_MAX_EVENTS, metaEventProblems } from './meta-request-rules';

export interface ReceivedMetaRequest {
  pixelId: string;
  accessToken: string;
  testEventCode?: string;
  data: Array<Record<string, unknown>>;
}

export interface ScriptedReply {
  status: number;
  body: unknown;
}

/**
 * A local stand-in for graph.facebook.com that validates requests as strictly as Meta
 * documents (path, token, batch size, each event's fields and hashing) and can be scripted to
 * fail (401/190, 429, 5xx). Only accepted requests are recorded as received. Its answers carry an
 * `fbtrace_id` as Meta's do: `fake<n>` for the n-th accepted request, `fake-err-…` in an error.
 */
export class FakeMetaGraph extends FakePlatformServer {
  readonly received: ReceivedMetaRequest[] = [];
  readonly rejected: Array<{ status: number; body: unknown }> = [];
  /** When each event id was first accepted (ms since epoch), for latency measurements. */
  readonly arrivals = new Map<string, number>();
  private readonly tokens = new Map<string, string>();
  private readonly script: ScriptedReply[] = [];
  private readonly pixelScripts = new Map<string, ScriptedReply[]>();
  private readonly pixelDelays = new Map<string, number>();
  /** META_GRAPH_URL for a dispatcher that sends here. */
  env(): Record<string, string> {
    return { META_GRAPH_URL: this.baseUrl };
  }

  provision(n: number): ProvisionedDestination {
    const pixelId = String(90_000 + n);
    this.allow(pixelId, `EAAtoken${pixelId}`);
    return { settings: { pixel_id: pixelId, test_event_code: 'TEST12345' }, credentials: { access_token: `EAAtoken${pixelId}` } };
  }

  /** Registers the only access token the fake accepts for a pixel. */
  allow(pixelId: string, accessToken: string): this {
    this.tokens.set(pixelId, accessToken);
    return this;
  }

  /** The next requests get these replies, in order, whatever they contain. */
  replyNext(...replies: ScriptedReply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** Like replyNext, for requests to one pixel only. */
  replyNextFor(pixelId: string, ...replies: ScriptedReply[]): this {
    this.pixelScripts.set(pixelId, [...(this.pixelScripts.get(pixelId) ?? []), ...replies]);
    return this;
  }

  /** Answers this pixel's requests only after `ms` (a slow or hanging endpoint). */
  delayFor(pixelId: string, ms: number): this {
    this.pixelDelays.set(pixelId, ms);
    return this;
  }

  /** Events as Meta would count them: deduplicated on (pixel, event_name, event_id). */
  uniqueEvents(): Set<string> {
    return new Set(this.eventsReceived().map((e) => `${e.pixelId}|${String(e['event_name'])}|${String(e['event_id'])}`));
  }

  eventsReceived(): Array<Record<string, unknown> & { pixelId: string }> {
    return this.received.flatMap((r) => r.data.map((e) => ({ ...e, pixelId: r.pixelId })));
  }

  async start(version = 'v25.0'): Promise<this> {
    await this.listen(`/${version}`);
    return this;
  }

  protected acceptedCount(): number {
    return this.eventsReceived().length;
  }

  protected shortfall(count: number): string {
    return `fake Meta received ${this.eventsReceived().length} of ${count} events`;
  }

  protected async handle(req: IncomingMessage): Promise<ScriptedReply> {
    const raw = await readBody(req);
    const match = /^\/v\d+\.\d+\/(\d+)\/events(?:\?(.*))?$/.exec(req.url ?? '');
    const delay = match ? this.pixelDelays.get(match[1]!) : undefined;
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay).unref());
    const scripted = (match ? this.pixelScripts.get(match[1]!)?.shift() : undefined) ?? this.script.shift();
    if (scripted) return this.reject(scripted);
    if (req.method !== 'POST' || !match) return this.reject(graphError(400, 100, 'Unsupported request: unknown path or method'));
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return this.reject(graphError(400, 100, 'Expected a JSON body'));
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return this.reject(graphError(400, 100, 'Invalid JSON'));
    }
    const pixelId = match[1]!;
    const token = (body['access_token'] as string | undefined) ?? new URLSearchParams(match[2] ?? '').get('access_token') ?? '';
    if (!token || this.tokens.get(pixelId) !== token) {
      return this.reject(graphError(401, 190, 'Error validating access token: The session has been invalidated.'));
    }
    const data = body['data'];
    if (!Array.isArray(data) || data.length === 0) return this.reject(graphError(400, 100, 'The parameter data is required'));
    if (data.length > META_MAX_EVENTS) return this.reject(graphError(400, 100, `At most ${META_MAX_EVENTS} events per request`));
    const now = Math.floor(Date.now() / 1000);
    const problems = data.flatMap((event, index) => metaEventProblems(event, index, now));
    if (problems.length > 0) return this.reject(graphError(400, 100, `Invalid parameter: ${problems.join('; ')}`));
    const request: ReceivedMetaRequest = { pixelId, accessToken: token, data: data as Array<Record<string, unknown>> };
    if (typeof body['test_event_code'] === 'string') request.testEventCode = body['test_event_code'];
    this.received.push(request);
    const arrivedAt = Date.now();
    for (const event of request.data) if (!this.arrivals.has(String(event['event_id']))) this.arrivals.set(String(event['event_id']), arrivedAt);
    return { status: 200, body: { events_received: data.length, messages: [], fbtrace_id: `fake${this.received.length}` } };
  }

  private reject(reply: ScriptedReply): ScriptedReply {
    this.rejected.push(reply);
    return reply;
  }
}

/** A Graph error as Meta answers it, with an `fbtrace_id` of its own (`fake-err-<random>`). */
export function graphError(status: number, code: number, message: string): ScriptedReply {
  const fbtraceId = `fake-err-${Math.random().toString(36).slice(2, 10)}`;
  return { status, body: { error: { message, type: code === 190 ? 'OAuthException' : 'GraphMethodException', code, fbtrace_id: fbtraceId } } };
}
