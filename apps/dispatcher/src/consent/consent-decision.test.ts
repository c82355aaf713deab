import { decideConsent } from './consent-decision';

describe('decideConsent', () => {
  it('follows the tenant policy when the event carries no signal', () => {
    expect(decideConsent(null, 'meta', 'block')).toEqual({ allowed: false, reason: 'no consent signal' });
    expect(decideConsent({}, 'meta', 'block')).toEqual({ allowed: false, reason: 'no consent signal' });
    expect(decideConsent(null, 'meta', 'allow')).toEqual({ allowed: true });
  });

  it.each([
    [{ ad_storage: 'granted', ad_user_data: 'granted' }, 'meta', true],
    [{ ad_storage: 'granted', ad_user_data: 'denied' }, 'meta', false],
    [{ ad_storage: 'denied', ad_user_data: 'granted' }, 'meta', false],
    [{ ad_user_data: 'granted', analytics_storage: 'denied' }, 'ga4', false],
    [{ ad_user_data: 'granted', analytics_storage: 'granted', ad_storage: 'denied' }, 'ga4', true],
  ] as const)('%j for %s → allowed=%s', (consent, platform, allowed) => {
    expect(decideConsent(consent, platform, 'allow').allowed).toBe(allowed);
  });
});
