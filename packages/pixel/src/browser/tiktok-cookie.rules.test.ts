import { readCookie } from './cookie-domain.rules';
import { storageAllowed } from './consent.rules';
import { ttp } from './tiktok-cookie.rules';

/** What the pixel sends as `user_data.ttp` for a page's cookies, as identifiers.ts reads them. */
const sent = (cookies: string, allowed: boolean): string | undefined => (allowed ? ttp(readCookie(cookies, '_ttp')) : undefined);

describe('ttp (the _ttp cookie, as user_data.ttp)', () => {
  it("sends the value as it is: TikTok's documented example, and values with dots, underscores, dashes", () => {
    expect(ttp('2F7h37YkS1j57AYSKTI7IHhJPYH')).toBe('2F7h37YkS1j57AYSKTI7IHhJPYH');
    expect(ttp('01JCQ8Z6H2X9Y7V0K3M5N8P1QR_.tt.1')).toBe('01JCQ8Z6H2X9Y7V0K3M5N8P1QR_.tt.1');
    expect(ttp('a-b_c.d')).toBe('a-b_c.d');
    expect(sent('_fbp=fb.1.1.2; _ttp=2F7h37YkS1j57AYSKTI7IHhJPYH; _att_vid=x', true)).toBe('2F7h37YkS1j57AYSKTI7IHhJPYH');
  });

  it('sends nothing when the page has no _ttp (or an empty one)', () => {
    expect(ttp(undefined)).toBeUndefined();
    expect(ttp('')).toBeUndefined();
    expect(sent('_fbp=fb.1.1.2; x_ttp=abc; _ttpx=abc', true)).toBeUndefined();
    expect(sent('', true)).toBeUndefined();
  });

  it.each(['abc%3Bdomain%3Devil', 'a b', 'a"b', 'a,b', 'a+b/c=', 'é', 'a\\b'])('leaves out a value with other characters (%j) rather than altering it', (value) => {
    expect(ttp(value)).toBeUndefined();
  });

  it("keeps a value of up to the API's 512 characters and leaves out a longer one (which would lose the event)", () => {
    expect(ttp('a'.repeat(512))).toBe('a'.repeat(512));
    expect(ttp('a'.repeat(513))).toBeUndefined();
    expect(sent('_ttp=' + 'b'.repeat(600), true)).toBeUndefined();
  });

  it('sends nothing when ad storage is denied, whatever the cookie holds', () => {
    const cookies = '_ttp=2F7h37YkS1j57AYSKTI7IHhJPYH';
    expect(storageAllowed('required', { ad_storage: 'denied' }, undefined)).toBe(false);
    expect(storageAllowed('not_required', { ad_storage: 'denied' }, undefined)).toBe(false);
    expect(storageAllowed('required', { ad_storage: 'granted' }, undefined)).toBe(true);
    expect(sent(cookies, storageAllowed('required', { ad_storage: 'denied' }, undefined))).toBeUndefined();
    expect(sent(cookies, storageAllowed('required', {}, { gdprApplies: true, purpose: { consents: {} } }))).toBeUndefined();
    expect(sent(cookies, storageAllowed('required', { ad_storage: 'granted' }, undefined))).toBe('2F7h37YkS1j57AYSKTI7IHhJPYH');
  });
});
