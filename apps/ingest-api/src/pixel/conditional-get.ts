/** Each quoted entity-tag of a list, with or without the weak `W/` prefix. */
const ENTITY_TAG = /(?:W\/)?("[^"]*")/g;

/**
 * Whether `If-None-Match` names the representation about to be sent (RFC 9110 §13.1.2). The
 * comparison is weak, as the RFC requires here, so the `W/"x"` a recompressing proxy hands on
 * still matches `"x"`. `*` matches any current representation, and every path served has one.
 */
export function isNotModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  for (const [, opaque] of ifNoneMatch.matchAll(ENTITY_TAG)) {
    if (opaque === etag) return true;
  }
  return false;
}
