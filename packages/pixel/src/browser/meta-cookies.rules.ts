/**
 * Meta's `_fbc` / `_fbp` values: `fb.<subdomainIndex>.<creation ms>.<payload>` (rules §1.7). Meta's
 * parameter builder may append a fifth segment, so only the first four are read.
 */
const FB_COOKIE = /^fb\.\d+\.\d+\.([^.]+)/;
/**
 * An fbclid is URL-safe base64; anything else (or one too long for the API's 512-character fbc)
 * is ignored rather than altered, since Meta compares the click id byte for byte.
 */
const FBCLID = /^[\w-]{1,480}$/;

/**
 * The `_fbc` value to hold after this page: a new one when the landing URL brings an fbclid that
 * differs from the stored one, else the stored one. `clickMs` is when the landing page loaded,
 * even if the cookie can only be written later (consent given after landing). The subdomain index
 * is 1 (`example.com`), which Meta asks for when in doubt.
 */
export function nextFbc(existing: string | undefined, landingQuery: string, clickMs: number): string | undefined {
  const fbclid = new URLSearchParams(landingQuery).get('fbclid');
  const stored = FB_COOKIE.exec(existing || '');
  if (fbclid && FBCLID.test(fbclid) && (!stored || stored[1] !== fbclid)) return `fb.1.${clickMs}.${fbclid}`;
  return stored ? existing : undefined;
}

/**
 * The `_fbp` browser id: kept as it is once present (Meta's own pixel may have set it, and a
 * changing id would split one browser into many), created only when absent or unreadable.
 * `random` returns a float in [0, 1), like Math.random.
 */
export function nextFbp(existing: string | undefined, nowMs: number, random: () => number): string {
  return existing && FB_COOKIE.test(existing) ? existing : `fb.1.${nowMs}.${(random() * 2147483647) | 0}`;
}
