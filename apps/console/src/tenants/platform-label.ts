import { isPlatform, platformDefinition } from '@attribution/destinations';

/** The platform's name and the API version this engine speaks to it, from the destinations registry. */
export function platformLabel(platform: string): { name: string; apiVersion: string } {
  if (!isPlatform(platform)) return { name: platform, apiVersion: 'unknown to this version' };
  const definition = platformDefinition(platform);
  return { name: definition.displayName, apiVersion: definition.apiVersion };
}
