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
export type { DestinationOption, PlatformDefinition, PlatformLimits, TestMechanism } from './platform-definition';
export type { DestinationAdapter, DestinationConfig, OutgoingEvent, SendOutcome } from './destination-adapter';
export { decideConsent, type ConsentAllowed, type ConsentBlocked, type ConsentDecision, type ConsentPolicy } from './consent/consent-decision';
export type { ConsentModeSignal, ConsentRequirements } from './consent/consent-requirements';
export { erasureDocuments, hashUserData, type HashedUserData } from './identifiers/hash-user-data';
export type { ErasableIdentifier, HashOptions, IdentifierProfile, RawUserData } from './identifiers/identifier-profile';
export type { MetaHashedUserData } from './meta/meta.identifiers';
export type { GoogleAddress, GoogleUserData } from './google/google.identifiers';
export { validateGa4Request, type Ga4Call, type Ga4ValidationMessage } from './ga4/ga4.client';
