export {
  PLATFORMS,
  PLATFORM_IDS,
  createAdapters,
  identifierProfiles,
  isPlatform,
  platformDefinition,
  platformEnvFields,
  type AnyPlatformDefinition,
  type Platform,
  type PlatformEnvFields,
} from './registry';
export { missingTestSetting, type DestinationOption, type PlatformDefinition, type PlatformLimits, type TestMechanism } from './platform-definition';
export { namedForDestination, type DestinationAdapter, type DestinationConfig, type OutgoingEvent, type SendOutcome } from './destination-adapter';
export { applyEventRules, describeEventRules, eventRulesSchema, type EventRules, type RuleVerdict } from './rules/event-rules';
export { decideConsent, type ConsentAllowed, type ConsentBlocked, type ConsentDecision, type ConsentPolicy } from './consent/consent-decision';
export type { ConsentModeSignal, ConsentRequirements } from './consent/consent-requirements';
export { erasureDocuments, hashUserData, type HashedUserData } from './identifiers/hash-user-data';
export type { ErasableIdentifier, HashOptions, IdentifierProfile, RawUserData } from './identifiers/identifier-profile';
export type { MetaHashedUserData } from './meta/meta.identifiers';
export type { GoogleAddress, GoogleUserData } from './google/google.identifiers';
export { validateGa4Request, type Ga4Call, type Ga4ValidationMessage } from './ga4/ga4.client';
export type { GoogleAdsAddress, GoogleAdsUserData } from './google-ads/google-ads.identifiers';
export type { TiktokHashedUserData } from './tiktok/tiktok.identifiers';
