import { uuidV4 } from './event-id.rules';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV4', () => {
  it('fixes the version (4) and variant (8, 9, a, b) digits; the others are template XOR random nibble', () => {
    expect(uuidV4(() => 0)).toBe('10000000-1000-4000-8000-100000000000');
    expect(uuidV4(() => 255)).toBe('efffffff-efff-4fff-bfff-efffffffffff');
    expect(uuidV4(() => 0)).toMatch(V4);
  });

  it('gives distinct valid ids from a random source', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidV4(() => Math.floor(Math.random() * 256))));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(V4);
  });
});
