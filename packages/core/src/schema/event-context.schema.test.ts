import type Joi from 'joi';
import { EventSchema } from './event.schema';
import type { EventContext, TrackedEvent } from './event.types';

const base = { event_id: 'e1', event_name: 'PageView', event_time: 1_700_000_000 };

function validate(context: unknown): { value: TrackedEvent; paths: string[]; types: string[] } {
  const { value, error } = EventSchema.validate({ ...base, context }, { abortEarly: false, convert: true });
  const details: Joi.ValidationErrorItem[] = error?.details ?? [];
  return { value: value as TrackedEvent, paths: details.map((d) => d.path.join('.')), types: details.map((d) => d.type) };
}

describe('EventSchema context', () => {
  it('accepts every documented key and trims the UTM tags', () => {
    const context: EventContext = {
      visitor_id: 'v_01HZX3',
      page_referrer: 'https://news.example/story?utm=x#top',
      utm_source: '  newsletter ',
      utm_medium: 'email',
      utm_campaign: 'spring',
      utm_term: 'shoes',
      utm_content: 'banner-a',
      library: 'tracking.js/v1',
    };
    const { value, paths } = validate(context);
    expect(paths).toEqual([]);
    expect(value.context).toEqual({ ...context, utm_source: 'newsletter' });
  });

  it('is optional, and absent stays absent', () => {
    const { value, error } = EventSchema.validate(base);
    expect(error).toBeUndefined();
    expect(value).not.toHaveProperty('context');
  });

  it('refuses unknown keys, naming context.<key>', () => {
    const { paths, types } = validate({ visitor_id: 'v1', colour: 'red', email: 'jane@example.com' });
    expect(paths).toEqual(['context.colour', 'context.email']);
    expect(types).toEqual(['object.unknown', 'object.unknown']);
  });

  it.each(['not a url', '/relative/path', 'ftp://files.example/x', 'javascript:alert(1)', 'android-app://com.example'])(
    'refuses the referrer %p (http or https URIs only)',
    (referrer) => {
      expect(validate({ page_referrer: referrer }).paths).toEqual(['context.page_referrer']);
    },
  );

  it.each([
    ['visitor_id', 128],
    ['utm_source', 256],
    ['utm_medium', 256],
    ['utm_campaign', 256],
    ['utm_term', 256],
    ['utm_content', 256],
    ['library', 64],
  ])('limits %s to %i characters', (key, max) => {
    expect(validate({ [key]: 'x'.repeat(max) }).paths).toEqual([]);
    expect(validate({ [key]: 'x'.repeat(max + 1) })).toMatchObject({ paths: [`context.${key}`], types: ['string.max'] });
  });

  it('limits the referrer to 2048 characters', () => {
    const url = (length: number) => `https://shop.example/${'p'.repeat(length - 'https://shop.example/'.length)}`;
    expect(validate({ page_referrer: url(2048) }).paths).toEqual([]);
    expect(validate({ page_referrer: url(2049) }).paths).toEqual(['context.page_referrer']);
  });

  it.each([['a string', 'v1'], ['an array', ['v1']], ['null', null], ['a number value', { visitor_id: 7 }]])('refuses %s', (_case, context) => {
    expect(validate(context).paths).toEqual([expect.stringMatching(/^context/)]);
  });
});
