import { domainCandidates, readCookie } from './cookie-domain.rules';

describe('domainCandidates', () => {
  it('goes from the shortest parent domain (a public suffix the browser refuses) to the host', () => {
    expect(domainCandidates('a.b.example.co.uk')).toEqual(['co.uk', 'example.co.uk', 'b.example.co.uk', 'a.b.example.co.uk']);
    expect(domainCandidates('www.example.com')).toEqual(['example.com', 'www.example.com']);
    expect(domainCandidates('example.com')).toEqual(['example.com']);
  });

  it.each(['localhost', '127.0.0.1', '192.168.1.20', '[::1]', '[2001:db8::1]'])('has none for %s (host-only cookies)', (host) => {
    expect(domainCandidates(host)).toEqual([]);
  });
});

describe('readCookie', () => {
  const cookies = '_ga=GA1.1.1; _fbp=fb.1.1596403881668.1116446470;x_fbp=no; _att_touch=gclid=G1&utm_source=a%3Bb';

  it('finds a cookie by its exact name, keeping "=" inside values', () => {
    expect(readCookie(cookies, '_fbp')).toBe('fb.1.1596403881668.1116446470');
    expect(readCookie(cookies, '_att_touch')).toBe('gclid=G1&utm_source=a%3Bb');
    expect(readCookie(cookies, '_ga')).toBe('GA1.1.1');
  });

  it('returns undefined for a missing cookie, and the first of two with the same name', () => {
    expect(readCookie(cookies, '_fbc')).toBeUndefined();
    expect(readCookie('', '_fbc')).toBeUndefined();
    expect(readCookie('_fbc=host; _fbc=domain', '_fbc')).toBe('host');
  });
});
