import { nextFbc, nextFbp } from './meta-cookies.rules';

const CLICK_MS = 1795000000123;
const LATER_MS = 1795000999999;

describe('nextFbc', () => {
  it('creates fb.1.<click time>.<fbclid> for a landing with an fbclid', () => {
    expect(nextFbc(undefined, '?fbclid=IwAR2F4-dbP0l7Mn&x=1', CLICK_MS)).toBe('fb.1.1795000000123.IwAR2F4-dbP0l7Mn');
  });

  it('keeps the stored cookie, and its click time, when the same fbclid comes back', () => {
    const stored = 'fb.1.1790000000000.IwAR2F4-dbP0l7Mn';
    expect(nextFbc(stored, '?fbclid=IwAR2F4-dbP0l7Mn', LATER_MS)).toBe(stored);
  });

  it('rewrites it when a different fbclid arrives', () => {
    expect(nextFbc('fb.1.1790000000000.OldClick', '?fbclid=NewClick', LATER_MS)).toBe('fb.1.1795000999999.NewClick');
  });

  it('never changes the case of the click id, and compares it case-sensitively', () => {
    expect(nextFbc(undefined, '?fbclid=AbC_dEf-GhI', CLICK_MS)).toBe('fb.1.1795000000123.AbC_dEf-GhI');
    expect(nextFbc('fb.1.1790000000000.abc', '?fbclid=ABC', LATER_MS)).toBe('fb.1.1795000999999.ABC');
  });

  it('keeps a stored cookie when the page has no fbclid, and has none to offer otherwise', () => {
    expect(nextFbc('fb.1.1790000000000.Click', '?utm_source=x', LATER_MS)).toBe('fb.1.1790000000000.Click');
    expect(nextFbc(undefined, '', LATER_MS)).toBeUndefined();
  });

  it("reads Meta's own cookies: another subdomain index, or the parameter builder's fifth segment", () => {
    expect(nextFbc('fb.2.1790000000000.Click', '?fbclid=Click', LATER_MS)).toBe('fb.2.1790000000000.Click');
    expect(nextFbc('fb.1.1790000000000.Click.AQQCAQMC', '?fbclid=Click', LATER_MS)).toBe('fb.1.1790000000000.Click.AQQCAQMC');
  });

  it.each(['garbage', 'fb.1.notatime.Click', 'fb.1.1790000000000', 'fb..1790000000000.Click', ''])(
    'treats a malformed stored value (%j) as absent',
    (stored) => {
      expect(nextFbc(stored, '', LATER_MS)).toBeUndefined();
      expect(nextFbc(stored, '?fbclid=Click', LATER_MS)).toBe('fb.1.1795000999999.Click');
    },
  );

  it('ignores an fbclid that is not URL-safe base64 or too long for the API, rather than altering it', () => {
    expect(nextFbc(undefined, '?fbclid=a%3Bdomain%3Devil', CLICK_MS)).toBeUndefined();
    expect(nextFbc(undefined, '?fbclid=' + 'a'.repeat(481), CLICK_MS)).toBeUndefined();
    expect(nextFbc(undefined, '?fbclid=' + 'a'.repeat(480), CLICK_MS)).toHaveLength(19 + 480);
  });
});

describe('nextFbp', () => {
  it('creates fb.1.<now>.<random 31-bit integer> when there is none', () => {
    expect(nextFbp(undefined, CLICK_MS, () => 0.5)).toBe('fb.1.1795000000123.1073741823');
    expect(nextFbp(undefined, CLICK_MS, () => 0.9999999999)).toMatch(/^fb\.1\.1795000000123\.\d{1,10}$/);
  });

  it('is stable once present, whoever set it (Meta pixel included)', () => {
    const random = jest.fn(() => 0.5);
    expect(nextFbp('fb.1.1596403881668.1116446470', LATER_MS, random)).toBe('fb.1.1596403881668.1116446470');
    expect(nextFbp('fb.2.1596403881668.1116446470', LATER_MS, random)).toBe('fb.2.1596403881668.1116446470');
    expect(random).not.toHaveBeenCalled();
  });

  it.each(['garbage', 'fb.1.x.1', 'fb.1.1596403881668', ''])('replaces a malformed value (%j)', (stored) => {
    expect(nextFbp(stored, LATER_MS, () => 0)).toBe('fb.1.1795000999999.0');
  });
});
