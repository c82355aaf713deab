export type ContentEncoding = 'br' | 'gzip' | 'identity';

/** Our order among codings the client likes equally: smallest body first. */
const PREFERENCE: readonly ContentEncoding[] = ['br', 'gzip', 'identity'];
const QVALUE = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;
/** Identity not named by the client stays acceptable but loses to every coding it did name. */
const UNNAMED_IDENTITY = Number.MIN_VALUE;

/**
 * Chooses the representation for an `Accept-Encoding` header (RFC 9110 §12.5.3): the highest
 * q-value wins, ties go to the smaller body, `q=0` rules a coding out and `*` stands for every
 * coding not named. When nothing is acceptable we still answer with identity rather than a 406:
 * a script that loads beats an error page.
 */
export function negotiateEncoding(header: string | undefined): ContentEncoding {
  if (!header) return 'identity';
  const named = parseAcceptEncoding(header);
  const wildcard = named.get('*');
  const weight = (coding: ContentEncoding) => named.get(coding) ?? wildcard ?? (coding === 'identity' ? UNNAMED_IDENTITY : 0);
  let best: ContentEncoding = 'identity';
  let bestWeight = 0;
  for (const coding of PREFERENCE) {
    if (weight(coding) > bestWeight) {
      best = coding;
      bestWeight = weight(coding);
    }
  }
  return best;
}

/** Coding → q-value. An entry with a malformed q-value is ignored rather than guessed at. */
function parseAcceptEncoding(header: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const entry of header.split(',')) {
    const [name = '', ...params] = entry.split(';').map((part) => part.trim());
    if (name === '') continue;
    const q = params.find((param) => /^q=/i.test(param));
    const match = q === undefined ? undefined : QVALUE.exec(q);
    if (q !== undefined && !match) continue;
    // RFC 9110 §8.4.1.3: x-gzip is an alias recipients should honour.
    const coding = name.toLowerCase() === 'x-gzip' ? 'gzip' : name.toLowerCase();
    weights.set(coding, match ? Number(match[1]) : 1);
  }
  return weights;
}
