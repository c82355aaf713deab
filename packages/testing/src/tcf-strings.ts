import { GVL, PurposeRestriction, RestrictionType, TCModel, TCString } from '@iabtechlabtcf/core';

/**
 * Builds real IAB TCF v2.2 TC strings with @iabtechlabtcf/core against a minimal,
 * GVL-shaped vendor list (the encoder drops vendor bits for vendors missing from the GVL, and
 * publisher restrictions the vendor's declaration does not allow).
 */

const purpose = (id: number) => ({ id, name: `Purpose ${id}`, description: '', illustrations: [] });

export const OTHER_VENDOR_ID = 10;

export function minimalGvl(): GVL {
  const purposes = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [String(i + 1), purpose(i + 1)]));
  return new GVL({
    gvlSpecificationVersion: 3,
    vendorListVersion: 150,
    tcfPolicyVersion: 5,
    lastUpdated: '2026-01-01T00:00:00Z',
    purposes,
    specialPurposes: {},
    features: {},
    specialFeatures: {},
    stacks: {},
    dataCategories: {},
    vendors: {
      '755': {
        id: 755,
        name: 'Google Advertising Products',
        purposes: [1, 3, 4],
        legIntPurposes: [2, 7, 9, 10],
        flexiblePurposes: [2, 7, 9, 10],
        specialPurposes: [],
        features: [],
        specialFeatures: [],
      },
      [String(OTHER_VENDOR_ID)]: {
        id: OTHER_VENDOR_ID,
        name: 'Some other vendor',
        purposes: [1, 7],
        legIntPurposes: [],
        flexiblePurposes: [],
        specialPurposes: [],
        features: [],
        specialFeatures: [],
      },
    },
  } as unknown as ConstructorParameters<typeof GVL>[0]);
}

export interface TcSpec {
  purposeConsents?: number[];
  purposeLegitimateInterests?: number[];
  vendorConsents?: number[];
  vendorLegitimateInterests?: number[];
  vendorsDisclosed?: number[];
  restrictions?: Array<{ vendorId: number; purposeId: number; type: RestrictionType }>;
  purposeOneTreatment?: boolean;
}

/** Everything Google needs for personalised ads: purposes 1-4, 7, 9, 10 consented; 755 consented and LI. */
export const ALL_GRANTED: TcSpec = {
  purposeConsents: [1, 2, 3, 4, 7, 9, 10],
  purposeLegitimateInterests: [2, 7, 9, 10],
  vendorConsents: [755],
  vendorLegitimateInterests: [755],
};

export function buildTcString(spec: TcSpec): string {
  const model = new TCModel(minimalGvl());
  model.cmpId = 300;
  model.cmpVersion = 2;
  model.consentScreen = 1;
  model.publisherCountryCode = 'DE';
  model.purposeOneTreatment = spec.purposeOneTreatment ?? false;
  if (spec.purposeConsents) model.purposeConsents.set(spec.purposeConsents);
  if (spec.purposeLegitimateInterests) model.purposeLegitimateInterests.set(spec.purposeLegitimateInterests);
  if (spec.vendorConsents) model.vendorConsents.set(spec.vendorConsents);
  if (spec.vendorLegitimateInterests) model.vendorLegitimateInterests.set(spec.vendorLegitimateInterests);
  if (spec.vendorsDisclosed) model.vendorsDisclosed.set(spec.vendorsDisclosed);
  for (const r of spec.restrictions ?? []) model.publisherRestrictions.add(r.vendorId, new PurposeRestriction(r.purposeId, r.type));
  return TCString.encode(model);
}

export { RestrictionType };
