import { TCModel, TCString } from '@iabtechlabtcf/core';
import { ALL_GRANTED, buildTcString, minimalGvl, OTHER_VENDOR_ID, RestrictionType } from '@attribution/testing';
import { GOOGLE_DECLARATION, GOOGLE_TCF_VENDOR, GOOGLE_VENDOR_ID } from '../google/google.tcf';
import { checkVendorPurpose, clearTcCache, evaluateVendor, MAX_TC_STRING_LENGTH, readTcString as readTcStringFor } from './tcf';

/** The summaries these tests read keep Google's vendor bits. */
const readTcString = (value: string) => readTcStringFor(value, [GOOGLE_VENDOR_ID]);

beforeEach(() => clearTcCache());

const coreOf = (spec: Parameters<typeof buildTcString>[0]) => buildTcString(spec).split('.')[0]!;

describe('readTcString', () => {
  it('decodes a string built by the library into the bits the rules read', () => {
    const tc = readTcString(buildTcString({ ...ALL_GRANTED, restrictions: [{ vendorId: 755, purposeId: 2, type: RestrictionType.NOT_ALLOWED }] }));
    expect(tc).not.toBeNull();
    expect([...tc!.purposeConsents]).toEqual([1, 2, 3, 4, 7, 9, 10]);
    expect([...tc!.purposeLegitimateInterests]).toEqual([2, 7, 9, 10]);
    expect(tc!.policyVersion).toBe(5);
    const google = tc!.vendors.get(GOOGLE_VENDOR_ID)!;
    expect(google).toMatchObject({ consent: true, legitimateInterest: true, disclosed: undefined });
    expect([...google.restrictions.get(2)!]).toEqual([RestrictionType.NOT_ALLOWED]);
  });

  it('returns the cached summary for a repeated string', () => {
    const s = buildTcString(ALL_GRANTED);
    expect(readTcString(s)).toBe(readTcString(s));
  });

  it('reads the Disclosed Vendors segment only when it lists vendors', () => {
    const listed = readTcString(buildTcString({ ...ALL_GRANTED, vendorsDisclosed: [OTHER_VENDOR_ID] }));
    expect(listed!.vendors.get(GOOGLE_VENDOR_ID)!.disclosed).toBe(false);
    const withGoogle = readTcString(buildTcString({ ...ALL_GRANTED, vendorsDisclosed: [755, OTHER_VENDOR_ID] }));
    expect(withGoogle!.vendors.get(GOOGLE_VENDOR_ID)!.disclosed).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'CP!@#$'],
    ['random letters', 'hello-world'],
    ['a TCF v1 string', 'BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA'],
    ['a lone Disclosed Vendors segment', 'IAAA'],
    ['two core segments', `${coreOf(ALL_GRANTED)}.${coreOf({ purposeConsents: [] })}`],
    ['a duplicated segment', `${coreOf(ALL_GRANTED)}.IAAA.IAAA`],
    ['too long', 'C'.repeat(MAX_TC_STRING_LENGTH + 1)],
  ])('rejects %s', (_label, value) => {
    expect(readTcString(value)).toBeNull();
  });

  it('rejects a truncated core segment', () => {
    expect(readTcString(coreOf(ALL_GRANTED).slice(0, 20))).toBeNull();
  });

  it('rejects a string whose created date predates TCF v2', () => {
    const model = new TCModel(minimalGvl());
    model.cmpId = 300;
    model.created = new Date('2015-01-01T00:00:00Z');
    model.lastUpdated = new Date('2015-01-01T00:00:00Z');
    expect(readTcString(TCString.encode(model))).toBeNull();
  });
});

describe('checkVendorPurpose (vendor 755)', () => {
  const check = (spec: Parameters<typeof buildTcString>[0], purpose: number) =>
    checkVendorPurpose(readTcString(buildTcString(spec))!, GOOGLE_VENDOR_ID, GOOGLE_DECLARATION, purpose);

  it('purpose 1 needs purpose and vendor consent', () => {
    expect(check(ALL_GRANTED, 1)).toEqual({ ok: true, basis: 'consent' });
    expect(check({ ...ALL_GRANTED, purposeConsents: [2, 3, 4, 7] }, 1)).toEqual({ ok: false, reason: 'TCF purpose 1 consent missing' });
    expect(check({ ...ALL_GRANTED, vendorConsents: [] }, 1)).toEqual({ ok: false, reason: 'TCF vendor 755 consent missing' });
  });

  it('purpose 7 rests on consent or on legitimate interest', () => {
    expect(check({ purposeConsents: [1, 7], vendorConsents: [755] }, 7)).toEqual({ ok: true, basis: 'consent' });
    expect(check({ purposeConsents: [1], purposeLegitimateInterests: [7], vendorConsents: [755], vendorLegitimateInterests: [755] }, 7)).toEqual({
      ok: true,
      basis: 'legitimate interest',
    });
    expect(check({ purposeConsents: [1], purposeLegitimateInterests: [7], vendorConsents: [755] }, 7)).toEqual({
      ok: false,
      reason: 'TCF purpose 7 has neither consent nor legitimate interest for vendor 755',
    });
  });

  it('honours publisher restrictions: 0 forbids, 1 forces consent, 2 forces legitimate interest', () => {
    const liOnly = { purposeConsents: [1], purposeLegitimateInterests: [7], vendorConsents: [755], vendorLegitimateInterests: [755] };
    expect(check({ ...ALL_GRANTED, restrictions: [{ vendorId: 755, purposeId: 7, type: RestrictionType.NOT_ALLOWED }] }, 7)).toEqual({
      ok: false,
      reason: 'TCF publisher restriction: purpose 7 not allowed for vendor 755',
    });
    expect(check({ ...liOnly, restrictions: [{ vendorId: 755, purposeId: 7, type: RestrictionType.REQUIRE_CONSENT }] }, 7)).toEqual({
      ok: false,
      reason: 'TCF purpose 7 consent missing',
    });
    // 755 declares purpose 7 as LI, so the encoder drops a REQUIRE_LI for it; a decoded string can still carry one.
    const consentOnly = readTcString(buildTcString({ purposeConsents: [1, 7], vendorConsents: [755], vendorLegitimateInterests: [755] }))!;
    const google = consentOnly.vendors.get(GOOGLE_VENDOR_ID)!;
    const forced = { ...consentOnly, vendors: new Map([[GOOGLE_VENDOR_ID, { ...google, restrictions: new Map([[7, new Set([RestrictionType.REQUIRE_LI])]]) }]]) };
    expect(checkVendorPurpose(forced, GOOGLE_VENDOR_ID, GOOGLE_DECLARATION, 7)).toEqual({ ok: false, reason: 'TCF purpose 7 legitimate interest missing' });
    // A restriction on another vendor does not touch 755.
    expect(check({ ...ALL_GRANTED, restrictions: [{ vendorId: OTHER_VENDOR_ID, purposeId: 7, type: RestrictionType.NOT_ALLOWED }] }, 7).ok).toBe(true);
  });

  it('never accepts legitimate interest for purpose 1, even when a restriction asks for it', () => {
    // The encoder refuses REQUIRE_LI on a consent-only purpose, but a decoded string can carry one.
    const tc = readTcString(buildTcString(ALL_GRANTED))!;
    const google = tc.vendors.get(GOOGLE_VENDOR_ID)!;
    const forged = { ...tc, vendors: new Map([[GOOGLE_VENDOR_ID, { ...google, restrictions: new Map([[1, new Set([RestrictionType.REQUIRE_LI])]]) }]]) };
    expect(checkVendorPurpose(forged, GOOGLE_VENDOR_ID, GOOGLE_DECLARATION, 1)).toEqual({
      ok: false,
      reason: 'TCF publisher restriction leaves no legal basis for purpose 1 (vendor 755)',
    });
  });

  it('blocks a vendor missing from a non-empty Disclosed Vendors segment', () => {
    expect(check({ ...ALL_GRANTED, vendorsDisclosed: [OTHER_VENDOR_ID] }, 1)).toEqual({ ok: false, reason: 'TCF vendor 755 not disclosed' });
  });
});

describe('evaluateVendor (Google)', () => {
  const google = (spec: Parameters<typeof buildTcString>[0]) => evaluateVendor(readTcString(buildTcString(spec))!, GOOGLE_TCF_VENDOR);

  it('reports personalisation from purposes 3 and 4 without blocking on them', () => {
    expect(google(ALL_GRANTED)).toEqual({ ok: true, adPersonalization: true, measurementBasis: 'consent' });
    expect(google({ ...ALL_GRANTED, purposeConsents: [1, 7] })).toEqual({ ok: true, adPersonalization: false, measurementBasis: 'consent' });
    expect(google({ ...ALL_GRANTED, restrictions: [{ vendorId: 755, purposeId: 3, type: RestrictionType.NOT_ALLOWED }] })).toMatchObject({
      ok: true,
      adPersonalization: false,
    });
  });

  it('blocks when purpose 1 was not disclosed (purposeOneTreatment)', () => {
    expect(google({ ...ALL_GRANTED, purposeOneTreatment: true })).toEqual({ ok: false, reason: 'TCF purpose 1 not disclosed (purposeOneTreatment)' });
  });
});
