import { FakeMetaGraph, graphError } from './fake-meta-graph';

/** failFor: the fault matrix's platform outages (5xx, 429, no answer), time-boxed, then the fake is itself again. */
describe('FakePlatformServer.failFor', () => {
  const meta = new FakeMetaGraph();
  const { settings, credentials } = { settings: { pixel_id: '777' }, credentials: { access_token: 'EAAtoken777' } };
  const send = (signal?: AbortSignal) =>
    fetch(`${meta.baseUrl}/${settings.pixel_id}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: credentials.access_token, data: [{ event_name: 'Lead', event_time: Math.floor(Date.now() / 1000), action_source: 'system_generated', user_data: { external_id: ['a'.repeat(64)] } }] }),
      ...(signal ? { signal } : {}),
    });

  beforeAll(async () => {
    await meta.start();
    meta.allow(settings.pixel_id, credentials.access_token);
  });
  afterAll(() => meta.stop());

  it('answers every request with the outage reply until it ends, and records nothing as received', async () => {
    const { body } = graphError(429, 4, 'Application request limit reached');
    meta.failFor({ reply: { status: 429, body, headers: { 'retry-after': '1' } } }, 60_000);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual(body);
    expect(meta.received).toHaveLength(0);
    meta.failFor({ reply: { status: 200 } }, 0);
    expect((await send()).status).toBe(200);
    expect(meta.received).toHaveLength(1);
    expect(meta.outageRequests).toBe(1);
  });

  it('holds requests unanswered during a hang, so only the caller\'s timeout ends them', async () => {
    meta.failFor({ hang: true }, 60_000);
    await expect(send(AbortSignal.timeout(300))).rejects.toThrow(/aborted|timeout/i);
    meta.failFor({ hang: true }, 0);
    expect((await send()).status).toBe(200);
  });
});
