import fc from 'fast-check';
import { EventSchema } from '@attribution/core';
import { referrerOriginAndPath, toStoredContext } from './page-context';

describe('referrerOriginAndPath', () => {
  it.each([
    ['https://shop.example/reset?email=jane@example.com&token=abc', 'https://shop.example/reset'],
    ['https://shop.example/a/b#access_token=secret', 'https://shop.example/a/b'],
    ['https://shop.example/p#frag?not=query', 'https://shop.example/p'],
    ['https://shop.example?q=1', 'https://shop.example'],
    ['http://jane:hunter2@shop.example:8080/p?x', 'http://shop.example:8080/p'],
    ['https://shop.example/users/a@b/profile', 'https://shop.example/users/a@b/profile'],
    ['https://shop.example/search%3Fq%3Dx', 'https://shop.example/search%3Fq%3Dx'],
    ['https://shop.example/', 'https://shop.example/'],
    ['https://[2001:db8::1]/p?x', 'https://[2001:db8::1]/p'],
  ])('%s → %s', (referrer, stored) => {
    expect(referrerOriginAndPath(referrer)).toBe(stored);
  });

  it.each(['http://shop.example:99999/p?x=1', 'http://shop%20example/p?x=1', 'http://[v1.x]/p?x=1'])(
    'reduces %s, which the schema accepts but the WHATWG URL parser refuses, without throwing',
    (referrer) => {
      expect(EventSchema.extract('context').validate({ page_referrer: referrer }).error).toBeUndefined();
      expect(referrerOriginAndPath(referrer)).toBe(referrer.slice(0, referrer.indexOf('?')));
    },
  );

  it('leaves no query, fragment or credentials in any referrer the schema accepts', () => {
    const contextSchema = EventSchema.extract('context');
    const referrers = fc.webUrl({
      validSchemes: ['http', 'https'],
      withQueryParameters: true,
      withFragments: true,
      authoritySettings: { withUserInfo: true, withPort: true, withIPv4: true, withIPv6: true },
    });
    fc.assert(
      fc.property(referrers, (referrer) => {
        fc.pre(contextSchema.validate({ page_referrer: referrer }).error === undefined);
        const stored = referrerOriginAndPath(referrer);
        expect(stored).not.toMatch(/[?#]/);
        expect(referrer.replace(/^(https?:\/\/)[^/?#]*@/, '$1').startsWith(stored)).toBe(true);
        if (URL.canParse(stored)) expect(new URL(stored)).toMatchObject({ username: '', password: '', search: '', hash: '' });
      }),
      { seed: 20_261_126, numRuns: 500 },
    );
  });
});

describe('toStoredContext', () => {
  it('stores {} when the event has no context', () => {
    expect(toStoredContext(undefined)).toEqual({});
  });

  it('keeps every other key as given and reduces only the referrer', () => {
    const context = { visitor_id: 'v1', utm_source: 'newsletter', library: 'tracking.js/v1' };
    expect(toStoredContext({ ...context, page_referrer: 'https://news.example/story?email=jane@example.com' })).toEqual({
      ...context,
      page_referrer: 'https://news.example/story',
    });
    expect(toStoredContext(context)).toEqual(context);
  });
});
