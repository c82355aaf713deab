import { loadPublishedVersions, type PublishedPixel } from '@attribution/pixel';

/**
 * The published pixel versions, each checked against its manifest hash. A mismatch (or a missing
 * file) stops the boot, since a server must never serve altered bytes; the reason goes into the
 * message because runMain reports only the first line of it.
 */
export function loadVerifiedPixels(load: () => PublishedPixel[] = loadPublishedVersions): PublishedPixel[] {
  try {
    return load();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`published pixel versions failed verification, refusing to start: ${reason}`, { cause: error });
  }
}
