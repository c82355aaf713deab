import { platformRequestId } from './platform-request-id';

describe('platformRequestId', () => {
  it.each(['AbCdEf123_-', 'fake-40002-x1y2', '2026120112000001', 'a'.repeat(128)])('keeps %s', (id) => {
    expect(platformRequestId(id)).toEqual({ requestId: id });
  });

  it.each([
    ['a number', 42],
    ['nothing', undefined],
    ['an empty string', ''],
    ['a string with spaces', 'not an id'],
    ['a control character', 'id\n'],
    ['more than 128 characters', 'a'.repeat(129)],
  ])('leaves out %s', (_label, value) => {
    expect(platformRequestId(value)).toEqual({});
  });
});
