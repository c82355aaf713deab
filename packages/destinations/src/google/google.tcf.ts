import type { VendorDeclaration, VendorRequirement } from '../consent/tcf';

/** Google Advertising Products on the GVL. */
export const GOOGLE_VENDOR_ID = 755;

/**
 * Vendor 755 as declared on the GVL (IAB fixture GVL v2.2, see the rules doc §3.1): consent for
 * purposes 1, 3, 4; legitimate interest, flexible, for 2, 7, 9, 10.
 */
export const GOOGLE_DECLARATION: VendorDeclaration = {
  consent: [1, 3, 4],
  legitimateInterest: [2, 7, 9, 10],
  flexible: [2, 7, 9, 10],
};

/**
 * Google for a server-side conversion: purpose 1 by consent (purpose and vendor bits), purpose 7
 * "measure advertising performance" by consent or legitimate interest; purposes 3 and 4 (consent)
 * only decide personalisation. Shared by every Google destination.
 */
export const GOOGLE_TCF_VENDOR: VendorRequirement = {
  vendorId: GOOGLE_VENDOR_ID,
  declaration: GOOGLE_DECLARATION,
  consentPurposes: [1],
  measurementPurposes: [7],
  personalisationPurposes: [3, 4],
};
