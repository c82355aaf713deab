import { MAX_BODY_DEPTH, scanBody } from './scan-body';

describe('scanBody', () => {
  it('accepts ordinary bodies, including non-ASCII text and paired surrogates', () => {
    expect(scanBody({ event_id: 'e1', user_data: { city: 'São Paulo' }, custom_data: { note: 'ok 👍' } })).toBeNull();
  });

  it('refuses NUL and unpaired surrogates in values and keys, naming only field-like paths', () => {
    expect(scanBody({ events: [{}, { event_id: 'a\u0000b' }] })).toEqual({ index: 1, field: 'event_id', message: expect.stringContaining('NUL') });
    expect(scanBody({ custom_data: { 'jane@example.com': '\uD800' } })).toEqual({ index: 0, field: 'custom_data.*', message: expect.any(String) });
    expect(scanBody({ custom_data: { ['\uDC00']: 1 } })).toMatchObject({ field: 'custom_data' });
  });

  it('refuses nesting beyond the limit without recursing', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 10_000; i += 1) deep = deep['x'] = {} as Record<string, unknown>;
    expect(scanBody(root)).toMatchObject({ message: `is nested deeper than ${MAX_BODY_DEPTH} levels` });
  });
});
