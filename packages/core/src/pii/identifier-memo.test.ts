import { memoised, withIdentifierMemo } from './identifier-memo';
import { sha256Hex } from './hash';
import { toE164 } from './normalise';

describe('withIdentifierMemo', () => {
  it('computes each key once inside a scope', () => {
    const compute = jest.fn(() => 'value');
    const results = withIdentifierMemo(() => [memoised('k', compute), memoised('k', compute), memoised('other', compute)]);
    expect(results).toEqual(['value', 'value', 'value']);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('remembers a null result too (a phone that does not parse is parsed once)', () => {
    const compute = jest.fn(() => null);
    withIdentifierMemo(() => [memoised('bad', compute), memoised('bad', compute)]);
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('keeps nothing outside a scope: no raw identifier outlives the call', () => {
    const compute = jest.fn(() => 'value');
    withIdentifierMemo(() => memoised('k', compute));
    memoised('k', compute);
    memoised('k', compute);
    expect(compute).toHaveBeenCalledTimes(3);
  });

  it('drops the memo when the scope throws', () => {
    const compute = jest.fn(() => 'value');
    expect(() =>
      withIdentifierMemo(() => {
        memoised('k', compute);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    withIdentifierMemo(() => memoised('k', compute));
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('shares the outer memo with a nested scope and keeps it until the outer one ends', () => {
    const compute = jest.fn(() => 'value');
    withIdentifierMemo(() => {
      withIdentifierMemo(() => memoised('k', compute));
      memoised('k', compute);
    });
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('gives the same answers as without it', () => {
    const inputs = ['+1 (415) 555-0100', '4155550100', '0044 20 7946 0958', 'not a phone'];
    const plain = inputs.map((raw) => [toE164(raw, 'US'), sha256Hex(raw)]);
    const memo = withIdentifierMemo(() => inputs.flatMap(() => inputs.map((raw) => [toE164(raw, 'US'), sha256Hex(raw)])));
    expect(memo).toEqual([...plain, ...plain, ...plain, ...plain]);
  });

  it('keys the phone by its default country', () => {
    const [us, gb] = withIdentifierMemo(() => [toE164('020 7946 0958', 'US'), toE164('020 7946 0958', 'GB')]);
    expect(us).toBeNull();
    expect(gb).toBe('+442079460958');
  });
});
