import { consentMode, storageAllowed, type TcData } from './consent.rules';

/** gtag pushes `arguments` objects, not arrays. */
function gtagArgs(..._args: unknown[]): IArguments {
  // eslint-disable-next-line prefer-rest-params
  return arguments;
}

const tcf = (purposeOne: boolean, gdprApplies: boolean | undefined = true): TcData => ({
  gdprApplies,
  tcString: 'CPxyz.abc',
  purpose: { consents: purposeOne ? { 1: true } : {} },
});

describe('consentMode', () => {
  it('applies Consent Mode default then update, in order', () => {
    const dataLayer = [
      gtagArgs('js', new Date()),
      gtagArgs('consent', 'default', { ad_storage: 'denied', analytics_storage: 'denied', ad_user_data: 'denied', wait_for_update: 500 }),
      { event: 'gtm.js' },
      gtagArgs('consent', 'update', { ad_storage: 'granted', ad_user_data: 'granted' }),
    ];
    expect(consentMode(dataLayer, [])).toEqual({ ad_storage: 'granted', analytics_storage: 'denied', ad_user_data: 'granted' });
  });

  it('lets the explicit calls of the site override gtag, the last one winning', () => {
    const dataLayer = [gtagArgs('consent', 'update', { ad_storage: 'granted', ad_personalization: 'granted' })];
    const calls = [{ ad_storage: 'denied' }, { ad_user_data: 'granted' }, { ad_user_data: 'denied' }];
    expect(consentMode(dataLayer, calls)).toEqual({ ad_storage: 'denied', ad_personalization: 'granted', ad_user_data: 'denied' });
  });

  it('keeps only the keys and values the event API accepts', () => {
    const calls = [{ ad_storage: 'yes', analytics_storage: 'granted', functionality_storage: 'granted', region: ['ES'] }, null, 'x'];
    expect(consentMode([gtagArgs('consent', 'get', { ad_storage: 'granted' })], calls)).toEqual({ analytics_storage: 'granted' });
  });

  it('copes with no dataLayer, or one that is not an array', () => {
    expect(consentMode(undefined, [])).toEqual({});
    expect(consentMode({ push: 1 }, [{ ad_storage: 'granted' }])).toEqual({ ad_storage: 'granted' });
    expect(consentMode([null, 5, 'consent'], [])).toEqual({});
  });
});

describe('storageAllowed', () => {
  it('with the default policy, stores nothing without a signal', () => {
    expect(storageAllowed(undefined, {}, undefined)).toBe(false);
    expect(storageAllowed('required', { analytics_storage: 'granted' }, undefined)).toBe(false);
  });

  it('is granted by TCF purpose 1, by gdprApplies false, or by ad_storage granted', () => {
    expect(storageAllowed('required', {}, tcf(true))).toBe(true);
    expect(storageAllowed('required', {}, { gdprApplies: false, tcString: '' })).toBe(true);
    expect(storageAllowed('required', { ad_storage: 'granted' }, undefined)).toBe(true);
  });

  it('is denied by TCF purpose 1 missing, whatever Consent Mode grants', () => {
    expect(storageAllowed('required', { ad_storage: 'granted' }, tcf(false))).toBe(false);
    expect(storageAllowed('not_required', {}, tcf(false))).toBe(false);
    // A CMP that cannot tell whether the GDPR applies has not given consent either.
    expect(storageAllowed('not_required', {}, tcf(false, undefined))).toBe(false);
  });

  it('is denied by ad_storage denied, whatever TCF says', () => {
    expect(storageAllowed('required', { ad_storage: 'denied' }, tcf(true))).toBe(false);
    expect(storageAllowed('not_required', { ad_storage: 'denied' }, undefined)).toBe(false);
  });

  it("with 'not_required', stores unless a signal denies", () => {
    expect(storageAllowed('not_required', {}, undefined)).toBe(true);
    expect(storageAllowed('not_required', { ad_user_data: 'denied' }, undefined)).toBe(true);
  });
});
