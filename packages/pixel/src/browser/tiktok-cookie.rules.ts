/**
 * TikTok's `_ttp` browser id: set on the site by TikTok's own pixel (e.g.
 * `2F7h37YkS1j57AYSKTI7IHhJPYH`), and matched on by its Events API as `user.ttp`. The pixel only
 * reads it: it never writes, renews or alters it.
 */

/**
 * The `ttp` to send for a `_ttp` cookie value: the value as it is when it holds 1 to 512
 * cookie-safe characters (letters, digits, `_`, `.`, `-`), else nothing, since a longer or
 * stranger value would make the API refuse the whole event. The caller reads the cookie only when
 * storage is allowed (the gate of `_fbp`).
 */
export const ttp = (value?: string): string | undefined => (value && /^[\w.-]{1,512}$/.test(value) ? value : undefined);
