import { parseYamlSubset } from './yaml-subset';

describe('parseYamlSubset', () => {
  it('reads mappings, sequences, flow lists, quotes, comments, anchors and merge keys', () => {
    const doc = parseYamlSubset(
      [
        'x-base: &base',
        '  A: "1" # comment',
        "  B: 'it''s'",
        'x-more: &more',
        '  C: c',
        'svc:',
        '  env:',
        '    <<: [*base, *more]',
        '    A: override',
        '  list:',
        '    - "127.0.0.1:80:80"',
        '    - plain:value',
        '  test: ["CMD", "node", "-e", "a, b # not a comment"]',
        '  items:',
        '    - name: one',
        '      deep:',
        '        k: v',
        '  empty:',
      ].join('\n'),
    );
    expect(doc).toEqual({
      'x-base': { A: '1', B: "it's" },
      'x-more': { C: 'c' },
      svc: {
        env: { A: 'override', B: "it's", C: 'c' },
        list: ['127.0.0.1:80:80', 'plain:value'],
        test: ['CMD', 'node', '-e', 'a, b # not a comment'],
        items: [{ name: 'one', deep: { k: 'v' } }],
        empty: null,
      },
    });
  });

  it('refuses constructs it does not understand', () => {
    expect(() => parseYamlSubset('a: |\n  text\n')).toThrow(/unsupported/);
    expect(() => parseYamlSubset('a: {b: c}\n')).toThrow(/unsupported/);
    expect(() => parseYamlSubset('a:\n\tb: c\n')).toThrow(/tab/);
    expect(() => parseYamlSubset('a: *missing\n')).toThrow(/unknown alias/);
    expect(() => parseYamlSubset('a: 1\na: 2\n')).toThrow(/duplicate/);
  });
});
