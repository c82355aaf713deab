/**
 * A cheap structural pre-scan of a TC string, run before `TCString.decode`.
 *
 * Why: the library expands every vendor range entry id by id (`for (id = start; id <= end; id++)`),
 * so a short forged string (a few hundred characters of range entries spanning 1..65535) costs
 * hundreds of milliseconds of synchronous CPU per decode; measured up to ~650 ms for a random
 * 232-character string. Consent strings arrive from browsers, so that is a denial-of-service lever on
 * the dispatcher. This scan walks the TCF v2 bit layout (spec "Consent string and vendor list
 * formats v2", core + Disclosed/Allowed Vendors + Publisher TC segments), adds up range spans, and
 * rejects impossible ranges and anything whose expansion would exceed a budget no real string nears
 * (the GVL's highest vendor id is in the low thousands). It decides validity only in that sense;
 * the library still does the decoding.
 */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEXTET = new Map<string, number>([...B64].map((c, i) => [c, i]));

/** Upper bound on vendor ids expanded from range entries across the whole string. */
export const MAX_RANGE_EXPANSION = 131_072;

/** Core-segment fields before the vendor sections, in bits (version … publisherCC). */
const CORE_HEADER_BITS = 6 + 36 + 36 + 12 + 12 + 6 + 12 + 12 + 6 + 1 + 1 + 12 + 24 + 24 + 1 + 12;

class BitReader {
  private pos = 0;
  constructor(private readonly bits: Uint8Array) {}

  read(n: number): number {
    if (this.pos + n > this.bits.length) throw new RangeError('past the end');
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + (this.bits[this.pos++] as number);
    return v;
  }

  skip(n: number): void {
    if (this.pos + n > this.bits.length) throw new RangeError('past the end');
    this.pos += n;
  }
}

function toBits(segment: string): Uint8Array | null {
  const bits = new Uint8Array(segment.length * 6);
  for (let i = 0; i < segment.length; i++) {
    const v = SEXTET.get(segment.charAt(i));
    if (v === undefined) return null;
    for (let b = 0; b < 6; b++) bits[i * 6 + b] = (v >> (5 - b)) & 1;
  }
  return bits;
}

/** Reads NumEntries + range entries; returns the ids they expand to, or -1 when one is impossible. */
function scanRanges(r: BitReader, maxId: number): number {
  const entries = r.read(12);
  let span = 0;
  for (let i = 0; i < entries; i++) {
    const isRange = r.read(1) === 1;
    const start = r.read(16);
    const end = isRange ? r.read(16) : start;
    if (start < 1 || end < start || end > maxId) return -1;
    span += end - start + 1;
  }
  return span;
}

/** MaxVendorId + IsRangeEncoding + bitfield or ranges. */
function scanVendorVector(r: BitReader): number {
  const maxId = r.read(16);
  if (r.read(1) === 0) {
    r.skip(maxId);
    return 0;
  }
  return scanRanges(r, maxId);
}

function scanCore(r: BitReader): number {
  if (r.read(6) !== 2) return -1;
  r.skip(CORE_HEADER_BITS - 6);
  let total = 0;
  for (let i = 0; i < 2; i++) {
    const span = scanVendorVector(r); // vendor consents, then vendor legitimate interests
    if (span < 0) return -1;
    total += span;
  }
  const restrictions = r.read(12);
  for (let i = 0; i < restrictions; i++) {
    r.skip(6 + 2); // purpose id, restriction type
    const span = scanRanges(r, 0xffff);
    if (span < 0) return -1;
    total += span;
    if (total > MAX_RANGE_EXPANSION) return -1;
  }
  return total;
}

/** True when decoding `value` is structurally plausible and bounded; false means "invalid". */
export function scanTcString(value: string): boolean {
  let total = 0;
  try {
    for (const [i, segment] of value.split('.').entries()) {
      const bits = toBits(segment);
      if (!bits) return false;
      const r = new BitReader(bits);
      let span: number;
      if (i === 0) span = scanCore(r);
      else {
        const type = r.read(3);
        if (type === 1 || type === 2) span = scanVendorVector(r); // disclosed / allowed vendors
        else if (type === 3) span = 0; // publisher TC: fixed-size bit vectors only
        else return false;
      }
      if (span < 0) return false;
      total += span;
      if (total > MAX_RANGE_EXPANSION) return false;
    }
  } catch {
    return false;
  }
  return true;
}
