import { REDACTED, redact, redactString } from './redact';

describe('redact', () => {
  it('masks sensitive keys at any depth and in arrays', () => {
    const input = {
      request: { headers: { Authorization: 'Bearer sk_live_abcdef123456', 'X-Api-Key': 'whatever' } },
      events: [{ user_data: { email: 'jane@example.com' } }, { email: 'joe@example.com', phone: '+1 650 555 0101' }],
      access_token: 'EAAGm0PX4ZCpsBAKZCZAdZCZAxyz0123456789',
    };
    const out = JSON.stringify(redact(input));
    expect(out).not.toMatch(/jane@|joe@|650 555|sk_live|EAAGm0|whatever/);
    expect(redact(input)).toMatchObject({
      request: { headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED } },
      events: [{ user_data: REDACTED }, { email: REDACTED, phone: REDACTED }],
      access_token: REDACTED,
    });
  });

  it('masks emails, phones, bearer tokens and keys inside free text', () => {
    const text =
      'failed for jane.doe+promo@example.co.uk (tel +44 20 7946 0958) with Bearer abc.def.ghi and key sk_test_1234567890abcd, url https://x.test/?access_token=EAAB123&x=1';
    const out = redactString(text);
    expect(out).toBe(
      'failed for [email] (tel [phone]) with Bearer [token] and key [api-key], url https://x.test/?[token]&x=1',
    );
  });

  it('masks IPv4 addresses as addresses, not as phone numbers', () => {
    expect(redactString('client 203.0.113.7 via http://0.0.0.0:8080/x')).toBe('client [ip] via http://[ip]:8080/x');
  });

  it('keeps identifiers we log on purpose and non-sensitive values', () => {
    const meta = { event_id: '17000000001234', status_code: 429, latency_ms: 12.5, destination: 'meta', attempts: 3 };
    expect(redact(meta)).toEqual(meta);
  });

  it('keeps a key display prefix under key_prefix, and masks anything longer there', () => {
    expect(redact({ key_prefix: 'pk_68V6Bm5' })).toEqual({ key_prefix: 'pk_68V6Bm5' });
    expect(redact({ key_prefix: 'pk_68V6Bm5Qx8rT2mZ0aLkPq9' })).toEqual({ key_prefix: '[api-key]' });
    expect(redact({ key_prefix: 'jane@example.org' })).toEqual({ key_prefix: '[email]' });
  });

  it('logs errors by class, code and masked message, without stacks', () => {
    const error = Object.assign(new Error('user bob@example.org rejected'), { code: 'E_REJECT' });
    expect(redact({ error })).toEqual({ error: { name: 'Error', message: 'user [email] rejected', code: 'E_REJECT' } });
  });

  it('survives cycles and excessive depth', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(redact(cyclic)).toEqual({ a: 1, self: REDACTED });
  });
});

describe('redactError causes', () => {
  it('keeps what caused an error, a few levels deep, masked like the message', () => {
    const root = Object.assign(new Error('the database system is starting up for jane@example.com'), { code: '57P03' });
    const wrapped = new Error('postgres is unavailable', { cause: new Error('Invalid invocation', { cause: root }) });
    expect(redact({ error: wrapped })).toEqual({
      error: {
        name: 'Error',
        message: 'postgres is unavailable',
        cause: { name: 'Error', message: 'Invalid invocation', cause: { name: 'Error', message: 'the database system is starting up for [email]', code: '57P03' } },
      },
    });
  });
});
