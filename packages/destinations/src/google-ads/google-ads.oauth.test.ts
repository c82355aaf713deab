import { GoogleOAuth } from './google-ads.oauth';

const CREDS = { client_id: 'client-1.apps.googleusercontent.com', client_secret: 'GOCSPX-secret-1', refresh_token: '1//refresh-token-1' };

/** A token endpoint stand-in: answers from `replies` in turn and records each form it got. */
function endpoint(...replies: Array<{ status: number; body: unknown }>) {
  const forms: Array<{ contentType: string; form: URLSearchParams }> = [];
  let n = 0;
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    forms.push({ contentType: (init.headers as Record<string, string>)['content-type']!, form: new URLSearchParams(init.body as string) });
    const reply = replies[Math.min(n++, replies.length - 1)]!;
    return new Response(JSON.stringify(reply.body), { status: reply.status });
  }) as unknown as typeof fetch;
  return { forms, fetchImpl };
}

const token = (access: string, expiresIn = 3600) => ({ status: 200, body: { access_token: access, expires_in: expiresIn, token_type: 'Bearer', scope: 'https://www.googleapis.com/auth/datamanager' } });

describe('GoogleOAuth', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('posts the refresh-token grant as a form, once, and reuses the token until 60 s before expiry', async () => {
    const { forms, fetchImpl } = endpoint(token('ya29.one'), token('ya29.two'));
    const oauth = new GoogleOAuth({ tokenUrl: 'http://oauth.test/token', timeoutMs: 1000, fetch: fetchImpl, now: clock });
    await expect(oauth.accessToken('t', CREDS)).resolves.toEqual({ ok: true, token: 'ya29.one' });
    expect(forms[0]!.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(forms[0]!.form)).toEqual({ grant_type: 'refresh_token', ...CREDS });
    now += 3539_000;
    await expect(oauth.accessToken('t', CREDS)).resolves.toEqual({ ok: true, token: 'ya29.one' });
    now += 2_000;
    await expect(oauth.accessToken('t', CREDS)).resolves.toEqual({ ok: true, token: 'ya29.two' });
    expect(forms).toHaveLength(2);
  });

  it('shares one in-flight refresh between concurrent sends', async () => {
    const { forms, fetchImpl } = endpoint(token('ya29.shared'));
    const oauth = new GoogleOAuth({ tokenUrl: 'http://oauth.test/token', timeoutMs: 1000, fetch: fetchImpl, now: clock });
    const results = await Promise.all([1, 2, 3, 4].map(() => oauth.accessToken('t', CREDS)));
    expect(results.every((r) => r.ok && r.token === 'ya29.shared')).toBe(true);
    expect(forms).toHaveLength(1);
  });

  it('keys the cache by tenant and credentials: new credentials get a new token', async () => {
    const { forms, fetchImpl } = endpoint(token('ya29.a'), token('ya29.b'), token('ya29.c'));
    const oauth = new GoogleOAuth({ tokenUrl: 'http://oauth.test/token', timeoutMs: 1000, fetch: fetchImpl, now: clock });
    await oauth.accessToken('t', CREDS);
    await expect(oauth.accessToken('t', { ...CREDS, refresh_token: '1//refresh-token-2' })).resolves.toEqual({ ok: true, token: 'ya29.b' });
    await expect(oauth.accessToken('other-tenant', CREDS)).resolves.toEqual({ ok: true, token: 'ya29.c' });
    expect(forms).toHaveLength(3);
  });

  it('renews a token refused with 401 once, and not again when another send already did', async () => {
    const { forms, fetchImpl } = endpoint(token('ya29.old'), token('ya29.new'));
    const oauth = new GoogleOAuth({ tokenUrl: 'http://oauth.test/token', timeoutMs: 1000, fetch: fetchImpl, now: clock });
    await oauth.accessToken('t', CREDS);
    const [a, b] = await Promise.all([oauth.renew('t', CREDS, 'ya29.old'), oauth.renew('t', CREDS, 'ya29.old')]);
    expect([a, b]).toEqual([{ ok: true, token: 'ya29.new' }, { ok: true, token: 'ya29.new' }]);
    await expect(oauth.renew('t', CREDS, 'ya29.old')).resolves.toEqual({ ok: true, token: 'ya29.new' });
    expect(forms).toHaveLength(2);
  });

  it('turns a refused refresh token into auth, without any secret in the reason', async () => {
    const { fetchImpl } = endpoint({ status: 400, body: { error: 'invalid_grant', error_description: `Token ${CREDS.refresh_token} has been expired or revoked.` } });
    const oauth = new GoogleOAuth({ tokenUrl: 'http://oauth.test/token', timeoutMs: 1000, fetch: fetchImpl, now: clock });
    const result = await oauth.accessToken('t', CREDS);
    expect(result).toMatchObject({ ok: false, kind: 'auth', statusCode: 400, reason: expect.stringContaining('invalid_grant') });
    expect(JSON.stringify(result)).not.toContain(CREDS.refresh_token);
    const client = endpoint({ status: 401, body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' } });
    await expect(new GoogleOAuth({ tokenUrl: 'http://oauth.test/token', timeoutMs: 1000, fetch: client.fetchImpl }).accessToken('t', CREDS)).resolves.toMatchObject({ ok: false, kind: 'auth', statusCode: 401 });
  });

  it('turns token endpoint outages into retry', async () => {
    const down = endpoint({ status: 503, body: {} });
    await expect(new GoogleOAuth({ tokenUrl: 'http://oauth.test/token', timeoutMs: 1000, fetch: down.fetchImpl }).accessToken('t', CREDS)).resolves.toMatchObject({ ok: false, kind: 'retry', statusCode: 503 });
    const hanging = ((_url: string, init: RequestInit) => new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason as Error)))) as unknown as typeof fetch;
    await expect(new GoogleOAuth({ tokenUrl: 'http://oauth.test/token', timeoutMs: 20, fetch: hanging }).accessToken('t', CREDS)).resolves.toEqual({ ok: false, kind: 'retry', statusCode: null, reason: 'OAuth token endpoint: timeout' });
  });
});
