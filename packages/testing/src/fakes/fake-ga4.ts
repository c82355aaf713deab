import type { IncomingMessage } from 'node:http';
import { FakePlatformServer, readBody, type ProvisionedDestination } from './fake-platform-server';
import { ga4RequestProblems, type Ga4ValidationMessage } from './ga4-request-rules';

export * from './ga4-request-rules';

export interface Ga4Credentials {
  measurementId: string;
  apiSecret: string;
}

export interface ReceivedGa4Request extends Ga4Credentials {
  body: Record<string, unknown> & { client_id: string; events: Array<{ name: string; params?: Record<string, unknown> }> };
}

export interface Ga4RecordedRequest extends Ga4Credentials {
  path: string;
  /** The parsed body, or the raw text when it is not JSON. */
  body: unknown;
}

export interface InvalidGa4Request extends Ga4RecordedRequest {
  messages: Ga4ValidationMessage[];
}

export interface Ga4ScriptedReply {
  status: number;
  body?: unknown;
}

export interface FakeGa4Event {
  name: string;
  params: Record<string, unknown>;
  measurementId: string;
  client_id: string;
  user_id?: string;
  timestamp_micros?: number;
  consent?: unknown;
  user_data?: unknown;
  ip_override?: string;
}

/**
 * A local stand-in for www.google-analytics.com that behaves like the Measurement Protocol:
 * - `POST /mp/collect` answers 204 to everything it receives, as the real API does ("doesn't
 *   return an error code if the payload is malformed"), and records what it would have dropped:
 *   payloads breaking a documented rule land in `invalid`, requests with a measurement_id /
 *   api_secret pair not registered with `allow()` land in `unauthorised`. Only requests that
 *   are both valid and authorised count as `received`. Tests assert `invalid` stays empty.
 * - `POST /debug/mp/collect` is the validation server: 200 with `{validationMessages: [...]}`
 *   and, like Google's, no check of the credentials; recorded in `validated`.
 * - `replyNext()` scripts failures (429, 5xx, or a status with a body) for the next requests;
 *   `replyNextFor()` and `delayFor()` do so for one measurement id (one tenant's stream).
 * Use `${fake.baseUrl}/mp/collect` as the dispatcher's GA4_MP_URL.
 */
export class FakeGa4 extends FakePlatformServer {
  readonly received: ReceivedGa4Request[] = [];
  readonly invalid: InvalidGa4Request[] = [];
  readonly unauthorised: Ga4RecordedRequest[] = [];
  readonly validated: InvalidGa4Request[] = [];
  /** Requests answered with a scripted reply (not inspected further). */
  readonly failed: Array<Ga4RecordedRequest & { status: number }> = [];
  private readonly secrets = new Map<string, Set<string>>();
  private readonly script: Ga4ScriptedReply[] = [];
  private readonly streamScripts = new Map<string, Ga4ScriptedReply[]>();
  private readonly streamDelays = new Map<string, number>();
  /** GA4_MP_URL for a dispatcher that sends here. */
  env(): Record<string, string> {
    return { GA4_MP_URL: `${this.baseUrl}/mp/collect` };
  }

  /** Registers an api_secret the fake treats as valid for a measurement id (several may be). */
  provision(n: number): ProvisionedDestination {
    const measurementId = `G-FAKE${String(n).padStart(6, '0')}`;
    this.allow(measurementId, `mp-secret-${n}`);
    return { settings: { measurement_id: measurementId }, credentials: { api_secret: `mp-secret-${n}` } };
  }

  allow(measurementId: string, apiSecret: string): this {
    const secrets = this.secrets.get(measurementId) ?? new Set<string>();
    secrets.add(apiSecret);
    this.secrets.set(measurementId, secrets);
    return this;
  }

  /** The next `/mp/collect` requests get these replies, in order, whatever they contain. */
  replyNext(...replies: Ga4ScriptedReply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** Like replyNext, for `/mp/collect` requests to one measurement id only. */
  replyNextFor(measurementId: string, ...replies: Ga4ScriptedReply[]): this {
    this.streamScripts.set(measurementId, [...(this.streamScripts.get(measurementId) ?? []), ...replies]);
    return this;
  }

  /** Answers this measurement id's requests only after `ms` (a slow or hanging endpoint). */
  delayFor(measurementId: string, ms: number): this {
    this.streamDelays.set(measurementId, ms);
    return this;
  }

  /** Accepted events, flattened, each with its request-level fields. */
  eventsReceived(): FakeGa4Event[] {
    return this.received.flatMap(({ measurementId, body }) => {
      const { events, ...envelope } = body;
      return events.map((e) => ({ ...(envelope as Omit<FakeGa4Event, 'name' | 'params' | 'measurementId'>), measurementId, name: e.name, params: e.params ?? {} }));
    });
  }

  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  protected acceptedCount(): number {
    return this.eventsReceived().length;
  }

  protected shortfall(count: number): string {
    return `fake GA4 received ${this.eventsReceived().length} of ${count} events (invalid requests: ${this.invalid.length}, unauthorised: ${this.unauthorised.length})`;
  }

  protected async handle(req: IncomingMessage): Promise<Ga4ScriptedReply> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const debug = url.pathname === '/debug/mp/collect';
    if (url.pathname !== '/mp/collect' && !debug) return { status: 404, body: { error: 'not found' } };
    if (req.method !== 'POST') return { status: 405, body: { error: 'the Measurement Protocol only takes POST' } };
    const credentials = { measurementId: url.searchParams.get('measurement_id') ?? '', apiSecret: url.searchParams.get('api_secret') ?? '' };
    const base = { ...credentials, path: url.pathname };

    let body: unknown;
    let messages: Ga4ValidationMessage[];
    try {
      body = JSON.parse(raw) as unknown;
      messages = ga4RequestProblems(body, { nowMicros: Date.now() * 1000, bodyBytes: Buffer.byteLength(raw, 'utf8') });
    } catch {
      body = raw;
      messages = [{ fieldPath: '', description: 'The request body is not valid JSON.', validationCode: 'VALUE_INVALID' }];
    }
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      messages.push({ fieldPath: '', description: 'Content-Type must be application/json.', validationCode: 'VALUE_INVALID' });
    }

    if (debug) {
      this.validated.push({ ...base, body, messages });
      return { status: 200, body: { validationMessages: messages } };
    }
    const delay = this.streamDelays.get(credentials.measurementId);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay).unref());
    const scripted = this.streamScripts.get(credentials.measurementId)?.shift() ?? this.script.shift();
    if (scripted) {
      this.failed.push({ ...base, body, status: scripted.status });
      return scripted;
    }
    const authorised = this.secrets.get(credentials.measurementId)?.has(credentials.apiSecret) ?? false;
    if (messages.length > 0) this.invalid.push({ ...base, body, messages });
    if (!authorised) this.unauthorised.push({ ...base, body });
    if (messages.length === 0 && authorised) this.received.push({ ...credentials, body: body as ReceivedGa4Request['body'] });
    return { status: 204 };
  }
}
