import { readParams, TOUCH_KEYS, touchValue } from './landing-params.rules';

describe('readParams', () => {
  it('takes the click ids and UTMs of a landing URL, untouched, and nothing else', () => {
    const query = '?gclid=Cj0KCQ_Ab&gbraid=0AAAA&wbraid=Cl0Kx&ttclid=E.C.P.x&fbclid=IwAR&utm_source=Face%20book&utm_medium=cpc' +
      '&utm_campaign=Winter&utm_term=shoes&utm_content=ad+1&q=other';
    expect(readParams(query)).toEqual({
      gclid: 'Cj0KCQ_Ab',
      gbraid: '0AAAA',
      wbraid: 'Cl0Kx',
      ttclid: 'E.C.P.x',
      utm_source: 'Face book',
      utm_medium: 'cpc',
      utm_campaign: 'Winter',
      utm_term: 'shoes',
      utm_content: 'ad 1',
    });
  });

  it('accepts a query without "?" (a stored value) and skips empty or over-long values', () => {
    expect(readParams('gclid=&utm_source=' + 'x'.repeat(257) + '&utm_medium=' + 'y'.repeat(256))).toEqual({ utm_medium: 'y'.repeat(256) });
    expect(readParams('')).toEqual({});
    expect(readParams(undefined)).toEqual({});
  });

  it('knows the keys the event API takes', () => {
    expect(TOUCH_KEYS).toEqual(['gclid', 'gbraid', 'wbraid', 'ttclid', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content']);
  });
});

describe('touchValue', () => {
  it('stores a landing with campaign parameters as a cookie-safe query string', () => {
    const value = touchValue('?gclid=G1&utm_source=a%3Bb&page=2', undefined);
    expect(value).toBe('gclid=G1&utm_source=a%3Bb');
    expect(value).not.toMatch(/[;,\s"]/);
    expect(readParams(value!)).toEqual({ gclid: 'G1', utm_source: 'a;b' });
  });

  it('keeps the remembered touch on a page without campaign parameters (the later Purchase)', () => {
    expect(touchValue('?page=2', 'gclid=G1&utm_source=news')).toBe('gclid=G1&utm_source=news');
    expect(touchValue('', undefined)).toBeUndefined();
  });

  it('replaces the whole touch on a new click, so an old wbraid never travels with a new gclid', () => {
    expect(touchValue('?gclid=G2', 'wbraid=W1&utm_source=old')).toBe('gclid=G2');
  });
});
