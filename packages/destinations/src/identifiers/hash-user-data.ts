import { withIdentifierMemo } from '@attribution/core';
import { identifierProfiles, type AnyPlatformDefinition } from '../registry';
import type { ErasableIdentifier, HashOptions, IdentifierProfile, RawUserData } from './identifier-profile';

type Profiles = AnyPlatformDefinition['identifiers'];

/** What ingest stores in `user_data`: each profile's hashes under its key (from the registry). */
export type HashedUserData = { [P in Profiles as P['key']]: P extends IdentifierProfile<infer T> ? T : never };

/**
 * Normalises and hashes personal identifiers once for every identifier profile of the
 * registry. Pure. Values that do not normalise are dropped, so the result never holds a raw
 * identifier; Google's plain address fields (city, region, postal code, country) are the only
 * unhashed output, as Google requires.
 */
export function hashUserData(input: RawUserData, options: HashOptions = {}): HashedUserData {
  // The profiles share work (one phone parse, one hash per normalised value): see withIdentifierMemo.
  return withIdentifierMemo(() => {
    const hashed: Record<string, object> = {};
    for (const profile of identifierProfiles()) hashed[profile.key] = profile.hash(input, options);
    return hashed as unknown as HashedUserData;
  });
}

/**
 * The jsonb documents a stored event's `user_data` contains when it holds this person's
 * identifier: one per hash, under every profile that can be searched by that identifier (so a
 * value a site sent pre-hashed with either normalisation matches).
 */
export function erasureDocuments(identifier: ErasableIdentifier, raw: string, options: HashOptions): object[] {
  const documents: object[] = [];
  for (const profile of identifierProfiles()) {
    const key = profile.erasure[identifier];
    if (!key) continue;
    const hashes = (profile.hash({ [identifier]: raw }, options) as Record<string, unknown>)[key];
    if (Array.isArray(hashes)) for (const hash of hashes) documents.push({ [profile.key]: { [key]: [hash] } });
  }
  return documents;
}
