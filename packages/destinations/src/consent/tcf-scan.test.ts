import { TCString } from '@iabtechlabtcf/core';
import { ALL_GRANTED, buildTcString, RestrictionType } from '@attribution/testing';
import { MAX_RANGE_EXPANSION, scanTcString } from './tcf-scan';
import { clearTcCache, readTcString } from './tcf';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const toBits = (s: string) => [...s].map((c) => B64.indexOf(c).toString(2).padStart(6, '0')).join('');
const toB64 = (bits: string) => {
  const padded = bits.padEnd(Math.ceil(bits.length / 24) * 24, '0');
  let out = '';
  for (let i = 0; i < padded.length; i += 6) out += B64[parseInt(padded.slice(i, i + 6), 2)];
  return out;
};
const int = (v: number, n: number) => v.toString(2).padStart(n, '0');
const CORE_HEADER_BITS = 213;

/** A real core header (valid dates, CMP id, language) followed by forged vendor sections. */
function forgedCore(sections: string): string {
  const header = toBits(buildTcString(ALL_GRANTED).split('.')[0]!).slice(0, CORE_HEADER_BITS);
  return toB64(header + sections);
}
const ranges = (entries: Array<[number, number]>) => int(entries.length, 12) + entries.map(([s, e]) => '1' + int(s, 16) + int(e, 16)).join('');
const rangeVector = (maxId: number, entries: Array<[number, number]>) => int(maxId, 16) + '1' + ranges(entries);
const emptyVector = int(0, 16) + '0';

beforeEach(() => clearTcCache());

describe('scanTcString', () => {
  it('accepts strings built by the library, with ranges, restrictions and every segment', () => {
    const s = buildTcString({
      ...ALL_GRANTED,
      vendorsDisclosed: [10, 755],
      restrictions: [{ vendorId: 755, purposeId: 7, type: RestrictionType.REQUIRE_CONSENT }],
    });
    expect(s.split('.')).toHaveLength(3);
    expect(scanTcString(s)).toBe(true);
  });

  it('accepts a forged-but-sane core the library also decodes', () => {
    const s = forgedCore(rangeVector(755, [[700, 755]]) + emptyVector + int(0, 12));
    expect(scanTcString(s)).toBe(true);
    expect(TCString.decode(s).vendorConsents.has(755)).toBe(true);
  });

  it('rejects a range bomb cheaply, before the library would expand it id by id', () => {
    const bomb = forgedCore(rangeVector(0xffff, Array.from({ length: 40 }, () => [1, 0xffff])) + emptyVector + int(0, 12));
    expect(bomb.length).toBeLessThan(300);
    const started = process.hrtime.bigint();
    expect(scanTcString(bomb)).toBe(false);
    expect(readTcString(bomb, [])).toBeNull();
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
  });

  it('rejects publisher-restriction ranges past the budget', () => {
    const restriction = int(7, 6) + int(RestrictionType.NOT_ALLOWED, 2) + ranges([[1, 0xffff]]);
    const s = forgedCore(emptyVector + emptyVector + int(3, 12) + restriction.repeat(3));
    expect(3 * 0xffff).toBeGreaterThan(MAX_RANGE_EXPANSION);
    expect(scanTcString(s)).toBe(false);
  });

  it.each([
    ['a range ending past MaxVendorId', rangeVector(100, [[1, 101]])],
    ['a reversed range', rangeVector(755, [[755, 700]])],
    ['vendor id 0', rangeVector(755, [[0, 755]])],
  ])('rejects %s', (_label, vector) => {
    expect(scanTcString(forgedCore(vector + emptyVector + int(0, 12)))).toBe(false);
  });

  it('rejects truncated input and unknown segment types', () => {
    const core = buildTcString(ALL_GRANTED).split('.')[0]!;
    expect(scanTcString(core.slice(0, 30))).toBe(false);
    expect(scanTcString(`${core}.AAAA`)).toBe(false);
    expect(scanTcString(`${core}.${toB64('101' + emptyVector)}`)).toBe(false);
  });
});
