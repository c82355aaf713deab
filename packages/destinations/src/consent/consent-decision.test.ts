import type { Consent } from '@attribution/core';
import { ALL_GRANTED, buildTcString, OTHER_VENDOR_ID, RestrictionType, type TcSpec } from '@attribution/testing';
import { platformDefinition, type Platform } from '../registry';
import { decideConsent as decide, type ConsentAllowed, type ConsentBlocked, type ConsentPolicy } from './consent-decision';
import { clearTcCache } from './tcf';

/** The switch with a platform's declared requirements, as the dispatcher calls it. */
const decideConsent = (consent: Consent | null | undefined, platform: Platform, policy: ConsentPolicy) => decide(consent, platformDefinition(platform).consent, policy);

const G = 'granted' as const;
const D = 'denied' as const;
const ALL_CM_GRANTED = { ad_storage: G, analytics_storage: G, ad_user_data: G, ad_personalization: G };

const tcf = (spec: TcSpec): Consent => ({ tcf_string: buildTcString(spec) });
const allowed = (adUserData: boolean, adPersonalization: boolean): ConsentAllowed => ({ allowed: true, basis: 'consent', adUserData, adPersonalization });
const blocked = (reason: string): ConsentBlocked => ({ allowed: false, reason });

beforeEach(() => clearTcCache());

describe('decideConsent: no signal', () => {
  it.each([null, undefined, {}, { tcf_string: '' }, { tcf_string: null }])('%j follows the tenant policy', (consent) => {
    expect(decideConsent(consent as Consent | null, 'meta', 'block')).toEqual(blocked('no consent signal'));
    expect(decideConsent(consent as Consent | null, 'ga4', 'block')).toEqual(blocked('no consent signal'));
    expect(decideConsent(consent as Consent | null, 'meta', 'allow')).toEqual({ allowed: true, basis: 'policy', adUserData: true, adPersonalization: true });
  });

  it('treats an unknown policy value as block', () => {
    expect(decideConsent(null, 'ga4', 'whatever' as 'block')).toEqual(blocked('no consent signal'));
  });

  it('ignores the policy once any signal is present', () => {
    expect(decideConsent({ analytics_storage: G }, 'meta', 'allow')).toEqual(blocked('ad_storage not granted'));
  });
});

describe('decideConsent: Consent Mode only, Meta', () => {
  it.each<[Consent, ReturnType<typeof decideConsent>]>([
    [ALL_CM_GRANTED, allowed(true, true)],
    [{ ad_storage: G, ad_user_data: G }, allowed(true, false)],
    [{ ad_storage: G, ad_user_data: G, analytics_storage: D }, allowed(true, false)],
    [{ ad_storage: G, ad_user_data: D }, blocked('ad_user_data denied')],
    [{ ad_storage: D, ad_user_data: G }, blocked('ad_storage denied')],
    [{ ...ALL_CM_GRANTED, ad_personalization: D }, blocked('ad_personalization denied')],
    [{ ad_user_data: G }, blocked('ad_storage not granted')],
    [{ ad_storage: G }, blocked('ad_user_data not granted')],
    [{ analytics_storage: G }, blocked('ad_storage not granted')],
    [{ ad_storage: 'yes', ad_user_data: G } as unknown as Consent, blocked('ad_storage denied')],
  ])('%j → %j', (consent, expected) => {
    expect(decideConsent(consent, 'meta', 'allow')).toEqual(expected);
  });
});

describe('decideConsent: Consent Mode only, GA4', () => {
  it.each<[Consent, ReturnType<typeof decideConsent>]>([
    [ALL_CM_GRANTED, allowed(true, true)],
    [{ analytics_storage: G, ad_user_data: G, ad_storage: D }, allowed(true, false)],
    [{ analytics_storage: G, ad_user_data: D, ad_personalization: G }, allowed(false, true)],
    [{ ...ALL_CM_GRANTED, ad_personalization: D }, allowed(true, false)],
    [{ analytics_storage: G }, allowed(false, false)],
    [{ ...ALL_CM_GRANTED, analytics_storage: D }, blocked('analytics_storage denied')],
    [{ ad_user_data: G, analytics_storage: D }, blocked('analytics_storage denied')],
    [{ ad_storage: G, ad_user_data: G, ad_personalization: G }, blocked('analytics_storage not granted')],
  ])('%j → %j', (consent, expected) => {
    expect(decideConsent(consent, 'ga4', 'block')).toEqual(expected);
  });
});

describe('decideConsent: Consent Mode only, Google Ads (ad_storage decides, ad_user_data only strips identifiers)', () => {
  it.each<[Consent, ReturnType<typeof decideConsent>]>([
    [ALL_CM_GRANTED, allowed(true, true)],
    [{ ad_storage: G, ad_user_data: G }, allowed(true, false)],
    [{ ad_storage: G, ad_user_data: D, ad_personalization: G }, allowed(false, true)],
    [{ ...ALL_CM_GRANTED, ad_personalization: D }, allowed(true, false)],
    [{ analytics_storage: G, ad_user_data: D }, blocked('ad_storage not granted')],
    [{ analytics_storage: G }, blocked('ad_storage not granted')],
    [{ ...ALL_CM_GRANTED, ad_storage: D }, blocked('ad_storage denied')],
  ])('%j → %j', (consent, expected) => {
    expect(decideConsent(consent, 'google_ads', 'block')).toEqual(expected);
  });

  it('is Google vendor 755 under TCF, like GA4', () => {
    expect(decideConsent(tcf({ ...ALL_GRANTED, vendorConsents: [OTHER_VENDOR_ID] }), 'google_ads', 'block')).toEqual(blocked('TCF vendor 755 consent missing'));
  });
});

describe('decideConsent: Consent Mode only, TikTok (as Meta)', () => {
  it.each<[Consent, ReturnType<typeof decideConsent>]>([
    [ALL_CM_GRANTED, allowed(true, true)],
    [{ ad_storage: G, ad_user_data: G }, allowed(true, false)],
    [{ ...ALL_CM_GRANTED, ad_personalization: D }, blocked('ad_personalization denied')],
    [{ ...ALL_CM_GRANTED, ad_user_data: D }, blocked('ad_user_data denied')],
    [{ analytics_storage: G, ad_storage: G }, blocked('ad_user_data not granted')],
  ])('%j → %j', (consent, expected) => {
    expect(decideConsent(consent, 'tiktok', 'block')).toEqual(expected);
  });
});

describe('decideConsent: TCF string only', () => {
  it('all granted → allowed for both destinations', () => {
    expect(decideConsent(tcf(ALL_GRANTED), 'ga4', 'block')).toEqual(allowed(true, true));
    expect(decideConsent(tcf(ALL_GRANTED), 'meta', 'block')).toEqual(allowed(true, true));
  });

  it('purpose 1 missing → blocked for both', () => {
    const consent = tcf({ ...ALL_GRANTED, purposeConsents: [2, 3, 4, 7, 9, 10] });
    expect(decideConsent(consent, 'ga4', 'block')).toEqual(blocked('TCF purpose 1 consent missing'));
    expect(decideConsent(consent, 'meta', 'block')).toEqual(blocked('TCF purpose 1 consent missing'));
  });

  it('vendor 755 consent missing → blocked for GA4; Meta is not vendor 755', () => {
    const consent = tcf({ ...ALL_GRANTED, vendorConsents: [OTHER_VENDOR_ID] });
    expect(decideConsent(consent, 'ga4', 'block')).toEqual(blocked('TCF vendor 755 consent missing'));
    expect(decideConsent(consent, 'meta', 'block')).toEqual(allowed(true, true));
  });

  it('purpose 7 by legitimate interest with vendor LI → allowed for GA4, not for Meta (consent only)', () => {
    const consent = tcf({ purposeConsents: [1, 3, 4], purposeLegitimateInterests: [7], vendorConsents: [755], vendorLegitimateInterests: [755] });
    expect(decideConsent(consent, 'ga4', 'block')).toEqual(allowed(true, true));
    expect(decideConsent(consent, 'meta', 'block')).toEqual(blocked('TCF purpose 7 consent missing'));
  });

  it('purpose 7 LI without vendor 755 LI → blocked for GA4', () => {
    const consent = tcf({ purposeConsents: [1], purposeLegitimateInterests: [7], vendorConsents: [755] });
    expect(decideConsent(consent, 'ga4', 'block')).toEqual(blocked('TCF purpose 7 has neither consent nor legitimate interest for vendor 755'));
  });

  it('publisher restriction type 0 on a needed purpose → blocked', () => {
    const consent = tcf({ ...ALL_GRANTED, restrictions: [{ vendorId: 755, purposeId: 7, type: RestrictionType.NOT_ALLOWED }] });
    expect(decideConsent(consent, 'ga4', 'block')).toEqual(blocked('TCF publisher restriction: purpose 7 not allowed for vendor 755'));
  });

  it('publisher restriction type 1 turns an LI-only purpose 7 into a block', () => {
    const consent = tcf({
      purposeConsents: [1],
      purposeLegitimateInterests: [7],
      vendorConsents: [755],
      vendorLegitimateInterests: [755],
      restrictions: [{ vendorId: 755, purposeId: 7, type: RestrictionType.REQUIRE_CONSENT }],
    });
    expect(decideConsent(consent, 'ga4', 'block')).toEqual(blocked('TCF purpose 7 consent missing'));
  });

  it('publisher restriction type 0 on purpose 3 only drops personalisation for GA4', () => {
    const consent = tcf({ ...ALL_GRANTED, restrictions: [{ vendorId: 755, purposeId: 3, type: RestrictionType.NOT_ALLOWED }] });
    expect(decideConsent(consent, 'ga4', 'block')).toEqual(allowed(true, false));
  });

  it('purposes 3/4 missing → GA4 allowed without personalisation, Meta blocked', () => {
    const consent = tcf({ ...ALL_GRANTED, purposeConsents: [1, 2, 7, 9, 10] });
    expect(decideConsent(consent, 'ga4', 'block')).toEqual(allowed(true, false));
    expect(decideConsent(consent, 'meta', 'block')).toEqual(blocked('TCF purpose 3 consent missing'));
  });

  it('purposeOneTreatment → blocked', () => {
    const consent = tcf({ ...ALL_GRANTED, purposeOneTreatment: true });
    expect(decideConsent(consent, 'ga4', 'block')).toEqual(blocked('TCF purpose 1 not disclosed (purposeOneTreatment)'));
    expect(decideConsent(consent, 'meta', 'block')).toEqual(blocked('TCF purpose 1 not disclosed (purposeOneTreatment)'));
  });

  it('vendor 755 absent from a non-empty Disclosed Vendors segment → blocked for GA4', () => {
    expect(decideConsent(tcf({ ...ALL_GRANTED, vendorsDisclosed: [OTHER_VENDOR_ID] }), 'ga4', 'block')).toEqual(blocked('TCF vendor 755 not disclosed'));
    expect(decideConsent(tcf({ ...ALL_GRANTED, vendorsDisclosed: [755, OTHER_VENDOR_ID] }), 'ga4', 'block').allowed).toBe(true);
  });

  it.each([
    ['garbage', 'not-a-tc-string'],
    ['bad characters', 'CPxyz!!'],
    ['a TCF v1 string', 'BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA'],
    ['whitespace', '   '],
    ['a valid string with surrounding whitespace', ` ${buildTcString(ALL_GRANTED)} `],
    ['a truncated string', buildTcString(ALL_GRANTED).slice(0, 25)],
    ['a number', 42],
    ['an object', { purposes: [1] }],
  ])('an undecodable TCF string (%s) → blocked, even with Consent Mode granted and policy allow', (_label, value) => {
    const consent = { ...ALL_CM_GRANTED, tcf_string: value } as unknown as Consent;
    expect(decideConsent(consent, 'ga4', 'allow')).toEqual(blocked('invalid TCF string'));
    expect(decideConsent(consent, 'meta', 'allow')).toEqual(blocked('invalid TCF string'));
  });
});

describe('decideConsent: TCF and Consent Mode together (the stricter wins)', () => {
  it('both allow → allowed', () => {
    const consent = { ...ALL_CM_GRANTED, ...tcf(ALL_GRANTED) };
    expect(decideConsent(consent, 'ga4', 'block')).toEqual(allowed(true, true));
    expect(decideConsent(consent, 'meta', 'block')).toEqual(allowed(true, true));
  });

  it('TCF allows, Consent Mode denies → blocked', () => {
    expect(decideConsent({ ...tcf(ALL_GRANTED), analytics_storage: D }, 'ga4', 'block')).toEqual(blocked('analytics_storage denied'));
    expect(decideConsent({ ...tcf(ALL_GRANTED), ad_user_data: D }, 'meta', 'block')).toEqual(blocked('ad_user_data denied'));
    expect(decideConsent({ ...tcf(ALL_GRANTED), ad_storage: D }, 'meta', 'block')).toEqual(blocked('ad_storage denied'));
  });

  it('TCF allows, Consent Mode denies ad_user_data / ad_personalization → GA4 limited, not blocked', () => {
    expect(decideConsent({ ...tcf(ALL_GRANTED), ad_user_data: D }, 'ga4', 'block')).toEqual(allowed(false, true));
    expect(decideConsent({ ...tcf(ALL_GRANTED), ad_personalization: D }, 'ga4', 'block')).toEqual(allowed(true, false));
  });

  it('Consent Mode allows, TCF denies → blocked', () => {
    const denyingTcf = tcf({ ...ALL_GRANTED, vendorConsents: [], purposeConsents: [2, 3, 4, 7] });
    expect(decideConsent({ ...ALL_CM_GRANTED, ...denyingTcf }, 'ga4', 'block')).toEqual(blocked('TCF purpose 1 consent missing'));
    expect(decideConsent({ ...ALL_CM_GRANTED, ...denyingTcf }, 'meta', 'block')).toEqual(blocked('TCF purpose 1 consent missing'));
    const noGoogle = tcf({ ...ALL_GRANTED, vendorConsents: [] });
    expect(decideConsent({ ...ALL_CM_GRANTED, ...noGoogle }, 'ga4', 'block')).toEqual(blocked('TCF vendor 755 consent missing'));
  });

  it('Consent Mode grants personalisation, TCF lacks purposes 3/4 → GA4 personalisation DENIED', () => {
    const consent = { ...ALL_CM_GRANTED, ...tcf({ ...ALL_GRANTED, purposeConsents: [1, 7] }) };
    const decision = decideConsent(consent, 'ga4', 'block');
    expect(decision).toEqual(allowed(true, false));
  });

  it('a TCF string supplies the affirmative grant Consent Mode left unset', () => {
    expect(decideConsent({ ad_personalization: G, ...tcf(ALL_GRANTED) }, 'ga4', 'block')).toEqual(allowed(true, true));
    expect(decideConsent({ analytics_storage: G, ...tcf(ALL_GRANTED) }, 'meta', 'block')).toEqual(allowed(true, true));
  });
});

describe('decideConsent: garbage TCF strings never allow', () => {
  // Deterministic PRNG (mulberry32) so a failure reproduces.
  function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const pick = (r: () => number, chars: string, n: number) => Array.from({ length: n }, () => chars[Math.floor(r() * chars.length)]).join('');
  const valid = buildTcString(ALL_GRANTED);

  const generators: Record<string, (r: () => number) => string> = {
    'random base64url': (r) => pick(r, B64, 1 + Math.floor(r() * 300)),
    "random base64url starting with 'C'": (r) => 'C' + pick(r, B64, 20 + Math.floor(r() * 300)),
    'random segments': (r) =>
      Array.from({ length: 1 + Math.floor(r() * 4) }, (_, i) => (i === 0 ? 'C' : pick(r, 'IJKLMNOPQRSTUVWXYZ', 1)) + pick(r, B64, Math.floor(r() * 80))).join('.'),
    'valid prefix, random tail': (r) => valid.slice(0, 20 + Math.floor(r() * 20)) + pick(r, B64, Math.floor(r() * 200)),
    'random printable and unicode': (r) => pick(r, ' !"#$%&()*+,./:;<=>?@[]^`{|}~ABCabc012éü中🙂\n\t', 1 + Math.floor(r() * 100)),
  };

  it.each(Object.entries(generators))('%s', (_name, generate) => {
    const r = rng(0xc0ffee);
    for (let i = 0; i < 1500; i++) {
      const consent = { ...ALL_CM_GRANTED, tcf_string: generate(r) };
      for (const platform of ['ga4', 'meta'] as const) {
        const decision = decideConsent(consent, platform, 'allow');
        if (decision.allowed) throw new Error(`garbage allowed for ${platform}: ${JSON.stringify(consent.tcf_string)}`);
        expect(decision.reason).toMatch(/^(invalid TCF string$|TCF )/);
      }
    }
  });
});
