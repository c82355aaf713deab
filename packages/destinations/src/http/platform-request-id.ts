/**
 * The id a platform gives each request it answers (Meta's `fbtrace_id`, TikTok's `request_id`,
 * Google's `requestId`): what its support asks for, kept with every attempt. Only a short token of
 * printable ASCII counts as one; anything else (a long or odd string from a proxy) is left out
 * rather than stored.
 */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** `{ requestId }` when `value` is a usable request id, else `{}`: spread into a result. */
export function platformRequestId(value: unknown): { requestId?: string } {
  return typeof value === 'string' && REQUEST_ID.test(value) ? { requestId: value } : {};
}
