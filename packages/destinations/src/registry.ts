import type { EnvOf } from '@attribution/runtime';
import type { DestinationAdapter } from './destination-adapter';
import { ga4Platform } from './ga4/ga4.platform';
import { googleAdsPlatform } from './google-ads/google-ads.platform';
import type { IdentifierProfile } from './identifiers/identifier-profile';
import { metaPlatform } from './meta/meta.platform';
import type { PlatformDefinition } from './platform-definition';
import { tiktokPlatform } from './tiktok/tiktok.platform';

/**
 * Every ad platform the engine delivers to, in the order they are listed to operators. Adding a
 * platform is one folder and one line here (docs/destinations.md); apps/dispatcher's
 * `registry-wiring.test.ts` proves every entry is wired into the CLI, consent, hashing, the
 * dispatcher's environment and its metrics.
 */
export const PLATFORMS = [metaPlatform, ga4Platform, googleAdsPlatform, tiktokPlatform] as const;

export type Platform = (typeof PLATFORMS)[number]['id'];
export type AnyPlatformDefinition = (typeof PLATFORMS)[number];

export const PLATFORM_IDS: readonly Platform[] = PLATFORMS.map((p) => p.id);

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORM_IDS as readonly string[]).includes(value);
}

/** The definition of a platform by its id; throws for an id not in the registry. */
export function platformDefinition(id: Platform): PlatformDefinition<Platform> {
  const found = PLATFORMS.find((p) => p.id === id);
  if (!found) throw new Error(`unknown platform ${String(id)}`);
  return found as unknown as PlatformDefinition<Platform>;
}

/** The identifier profiles of the registry, each once (platforms may share one). */
export function identifierProfiles(): IdentifierProfile[] {
  return [...new Map(PLATFORMS.map((p) => [p.identifiers.key, p.identifiers as IdentifierProfile])).values()];
}

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;

/** The environment variables of every platform (their base URLs), for the dispatcher's schema. */
export type PlatformEnvFields = UnionToIntersection<AnyPlatformDefinition['env']>;
export const platformEnvFields = Object.assign({}, ...PLATFORMS.map((p) => p.env)) as PlatformEnvFields;

/** One adapter per platform, configured from the dispatcher's environment. */
export function createAdapters(config: { env: EnvOf<PlatformEnvFields>; timeoutMs: number }): Map<Platform, DestinationAdapter> {
  return new Map(
    PLATFORMS.map((p) => [p.id, (p as unknown as PlatformDefinition).createAdapter({ env: config.env, timeoutMs: config.timeoutMs }) as DestinationAdapter]),
  );
}
