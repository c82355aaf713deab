import { RestrictionType, TCString, type TCModel } from '@iabtechlabtcf/core';
import { LruCache } from './lru-cache';
import { scanTcString } from './tcf-scan';

/**
 * IAB TCF v2.2/v2.3 TC strings: decode once (cached), keep only what the consent rules read, and
 * answer "may vendor V process for purpose P, and on which legal basis?".
 *
 * Decoding uses `TCString.decode` from @iabtechlabtcf/core and needs no Global Vendor List: the
 * legal bases a vendor declared are pinned in its platform's folder (a `VendorDeclaration`). Anything the library
 * cannot decode, or that decodes to something that is not a well-formed v2 core string, is
 * "invalid" (`readTcString` returns null) and the caller blocks: never allow on garbage.
 *
 * Pure: no I/O, no clock. The only state is a bounded LRU of decoded strings (strings repeat across
 * the events of one visitor); entries are immutable, so sharing them is safe.
 */

/** Real strings are well under 2 kB even with a full Disclosed Vendors segment; refuse absurd input. */
export const MAX_TC_STRING_LENGTH = 8192;

/** Purpose bit vectors are 24 bits wide in v2. */
const MAX_PURPOSE_ID = 24;

/** TCF v2 has existed since 2019; a "created" date before it marks a corrupt or forged string. */
const EARLIEST_CREATED_MS = Date.UTC(2019, 0, 1);

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL_RE = /^[A-Za-z0-9_-]+$/;

/** A vendor's declared legal bases per purpose, as published on the GVL. */
export interface VendorDeclaration {
  readonly consent: readonly number[];
  readonly legitimateInterest: readonly number[];
  readonly flexible: readonly number[];
}

export interface VendorSignals {
  readonly consent: boolean;
  readonly legitimateInterest: boolean;
  /** From a non-empty Disclosed Vendors segment (mandatory since v2.3); undefined when the string has none. */
  readonly disclosed: boolean | undefined;
  /** Publisher restriction types set for this vendor, by purpose id. */
  readonly restrictions: ReadonlyMap<number, ReadonlySet<RestrictionType>>;
}

/** The part of a decoded TC string that the rules read. Immutable; shared through the cache. */
export interface TcSummary {
  readonly policyVersion: number;
  readonly purposeOneTreatment: boolean;
  readonly purposeConsents: ReadonlySet<number>;
  readonly purposeLegitimateInterests: ReadonlySet<number>;
  readonly vendors: ReadonlyMap<number, VendorSignals>;
}

export type Basis = 'consent' | 'legitimate interest';
export type PurposeCheck = { ok: true; basis: Basis } | { ok: false; reason: string };

const INVALID = 'invalid' as const;
const cache = new LruCache<string, TcSummary | typeof INVALID>(1000);

/**
 * Decodes (or fetches from the cache) a TC string, keeping the bits of `vendorIds` only (cached
 * entries stay small); null when it is not a valid TCF v2 string.
 */
export function readTcString(value: string, vendorIds: readonly number[]): TcSummary | null {
  if (value.length === 0 || value.length > MAX_TC_STRING_LENGTH) return null;
  const key = `${vendorIds.join(',')}:${value}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached === INVALID ? null : cached;
  const summary = decode(value, vendorIds);
  cache.set(key, summary ?? INVALID);
  return summary;
}

/** For tests and benchmarks. */
export function clearTcCache(): void {
  cache.clear();
}

function decode(value: string, vendorIds: readonly number[]): TcSummary | null {
  // The pre-scan bounds the library's work: it expands vendor ranges id by id (see tcf-scan.ts).
  if (!hasValidSegmentLayout(value) || !scanTcString(value)) return null;
  let model: TCModel;
  try {
    model = TCString.decode(value);
  } catch {
    return null;
  }
  if (!isWellFormedCore(model)) return null;
  try {
    return summarise(model, vendorIds);
  } catch {
    return null;
  }
}

/**
 * `core[.disclosedVendors][.allowedVendors][.publisherTC]`: the core segment comes first and starts
 * with version 2 (six bits 000010, the character 'C'); every other segment starts with its 3-bit type
 * (1..3) and appears at most once. The library would otherwise let a later segment overwrite the core.
 */
function hasValidSegmentLayout(value: string): boolean {
  const segments = value.split('.');
  if (segments.length > 4) return false;
  const seen = new Set<number>();
  for (const [i, segment] of segments.entries()) {
    if (!BASE64URL_RE.test(segment)) return false;
    const type = BASE64URL.indexOf(segment.charAt(0)) >> 3;
    if (i === 0) {
      if (segment.charAt(0) !== 'C') return false;
      continue;
    }
    if (type < 1 || type > 3 || seen.has(type)) return false;
    seen.add(type);
  }
  return true;
}

function isWellFormedCore(m: TCModel): boolean {
  const created = m.created instanceof Date ? m.created.getTime() : Number.NaN;
  const { policyVersion, cmpId, vendorListVersion } = m;
  return (
    m.version === 2 &&
    typeof policyVersion === 'number' &&
    Number.isInteger(policyVersion) &&
    policyVersion >= 2 &&
    typeof cmpId === 'number' &&
    Number.isInteger(cmpId) &&
    cmpId > 1 &&
    typeof vendorListVersion === 'number' &&
    Number.isInteger(vendorListVersion) &&
    vendorListVersion > 0 &&
    typeof m.consentLanguage === 'string' &&
    /^[A-Z]{2}$/.test(m.consentLanguage) &&
    Number.isFinite(created) &&
    created >= EARLIEST_CREATED_MS
  );
}

function summarise(m: TCModel, vendorIds: readonly number[]): TcSummary {
  const purposeConsents = new Set<number>();
  const purposeLegitimateInterests = new Set<number>();
  for (let p = 1; p <= MAX_PURPOSE_ID; p++) {
    if (m.purposeConsents.has(p)) purposeConsents.add(p);
    if (m.purposeLegitimateInterests.has(p)) purposeLegitimateInterests.add(p);
  }
  const disclosedSegment = m.vendorsDisclosed.size > 0;
  const vendors = new Map<number, VendorSignals>();
  for (const id of vendorIds) {
    const restrictions = new Map<number, Set<RestrictionType>>();
    for (const r of m.publisherRestrictions.getRestrictions(id)) {
      const types = restrictions.get(r.purposeId) ?? new Set<RestrictionType>();
      types.add(r.restrictionType);
      restrictions.set(r.purposeId, types);
    }
    vendors.set(id, {
      consent: m.vendorConsents.has(id),
      legitimateInterest: m.vendorLegitimateInterests.has(id),
      disclosed: disclosedSegment ? m.vendorsDisclosed.has(id) : undefined,
      restrictions,
    });
  }
  return {
    policyVersion: Number(m.policyVersion),
    purposeOneTreatment: m.purposeOneTreatment === true,
    purposeConsents,
    purposeLegitimateInterests,
    vendors,
  };
}

/**
 * May `vendorId` process for `purpose`, and on which basis? Publisher restrictions come first:
 * type 0 (NOT_ALLOWED) forbids the purpose; type 1 (REQUIRE_CONSENT) / type 2 (REQUIRE_LI) narrow
 * the basis. Without a restriction, a flexible purpose may rest on either basis. Purpose 1 is
 * consent-only and, since v2.2, so are purposes 3-6. Then the basis needs both its purpose bit and
 * the vendor's bit.
 */
export function checkVendorPurpose(tc: TcSummary, vendorId: number, declaration: VendorDeclaration, purpose: number): PurposeCheck {
  const vendor = tc.vendors.get(vendorId);
  if (!vendor) return { ok: false, reason: `TCF vendor ${vendorId} not evaluated` };
  if (vendor.disclosed === false) return { ok: false, reason: `TCF vendor ${vendorId} not disclosed` };
  const restrictions = vendor.restrictions.get(purpose) ?? new Set<RestrictionType>();
  if (restrictions.has(RestrictionType.NOT_ALLOWED)) {
    return { ok: false, reason: `TCF publisher restriction: purpose ${purpose} not allowed for vendor ${vendorId}` };
  }

  const flexible = declaration.flexible.includes(purpose);
  const liForbidden = purpose === 1 || (purpose >= 3 && purpose <= 6);
  let consentOk = declaration.consent.includes(purpose) || (flexible && declaration.legitimateInterest.includes(purpose));
  let liOk = !liForbidden && (declaration.legitimateInterest.includes(purpose) || (flexible && declaration.consent.includes(purpose)));
  if (restrictions.has(RestrictionType.REQUIRE_CONSENT)) liOk = false;
  if (restrictions.has(RestrictionType.REQUIRE_LI)) consentOk = false;
  if (!consentOk && !liOk) {
    const restricted = restrictions.size > 0;
    return {
      ok: false,
      reason: restricted
        ? `TCF publisher restriction leaves no legal basis for purpose ${purpose} (vendor ${vendorId})`
        : `TCF vendor ${vendorId} does not declare purpose ${purpose}`,
    };
  }

  if (consentOk && tc.purposeConsents.has(purpose) && vendor.consent) return { ok: true, basis: 'consent' };
  if (liOk && tc.purposeLegitimateInterests.has(purpose) && vendor.legitimateInterest) return { ok: true, basis: 'legitimate interest' };

  if (consentOk && !liOk) {
    return {
      ok: false,
      reason: tc.purposeConsents.has(purpose) ? `TCF vendor ${vendorId} consent missing` : `TCF purpose ${purpose} consent missing`,
    };
  }
  if (liOk && !consentOk) {
    return {
      ok: false,
      reason: tc.purposeLegitimateInterests.has(purpose)
        ? `TCF vendor ${vendorId} legitimate interest missing`
        : `TCF purpose ${purpose} legitimate interest missing`,
    };
  }
  return { ok: false, reason: `TCF purpose ${purpose} has neither consent nor legitimate interest for vendor ${vendorId}` };
}

export type VendorTcfResult = { ok: true; adPersonalization: boolean; measurementBasis: Basis } | { ok: false; reason: string };

/** A GVL vendor's requirements, as a platform folder declares them (see consent-requirements.ts). */
export interface VendorRequirement {
  readonly vendorId: number;
  readonly declaration: VendorDeclaration;
  readonly consentPurposes: readonly number[];
  readonly measurementPurposes: readonly number[];
  readonly personalisationPurposes: readonly number[];
}

/**
 * A vendor for a server-side conversion: its consent purposes (1: store/access) by consent,
 * purpose and vendor bits; its measurement purposes (7) by consent or legitimate interest. The
 * personalisation purposes (3, 4) only decide personalisation; they never block.
 * `purposeOneTreatment` (purpose 1 not disclosed to the user) leaves no purpose-1 consent, so it
 * blocks.
 */
export function evaluateVendor(tc: TcSummary, vendor: VendorRequirement): VendorTcfResult {
  if (tc.purposeOneTreatment && vendor.consentPurposes.includes(1)) return { ok: false, reason: 'TCF purpose 1 not disclosed (purposeOneTreatment)' };
  let measurementBasis: Basis = 'consent';
  for (const purpose of [...vendor.consentPurposes, ...vendor.measurementPurposes]) {
    const check = checkVendorPurpose(tc, vendor.vendorId, vendor.declaration, purpose);
    if (!check.ok) return check;
    if (vendor.measurementPurposes.includes(purpose)) measurementBasis = check.basis;
  }
  const adPersonalization = vendor.personalisationPurposes.every((p) => checkVendorPurpose(tc, vendor.vendorId, vendor.declaration, p).ok);
  return { ok: true, adPersonalization, measurementBasis };
}

/**
 * Purposes a non-TCF destination needs, by consent only: the user was never told about the
 * vendor through the TCF, so there is no vendor bit and no legitimate interest to rely on.
 */
export function evaluatePurposeConsents(tc: TcSummary, purposes: readonly number[]): { ok: true } | { ok: false; reason: string } {
  if (tc.purposeOneTreatment && purposes.includes(1)) return { ok: false, reason: 'TCF purpose 1 not disclosed (purposeOneTreatment)' };
  for (const p of purposes) {
    if (!tc.purposeConsents.has(p)) return { ok: false, reason: `TCF purpose ${p} consent missing` };
  }
  return { ok: true };
}
