import fc from 'fast-check';
import Joi from 'joi';
import { fuzzBodies } from '../../test/fuzz-bodies.arbitraries';
import { OpenApiSchemas } from '../../test/openapi-schemas';
import { REQUEST_SCHEMAS, VALIDATION_OPTIONS } from '../events/validate-events';
import { JoiJsonSchemaConverter, UnsupportedJoiError } from './joi-json-schema';

function convert(schema: Joi.Schema) {
  const converter = new JoiJsonSchemaConverter();
  return { schema: converter.convert(schema), components: converter.components };
}

describe('JoiJsonSchemaConverter', () => {
  it('turns a named object into a component and keeps the use-site default beside the $ref', () => {
    const Named = Joi.object({ a: Joi.number().integer().min(1).required(), b: Joi.string().max(3) }).meta({ className: 'Named' }).description('named');
    const { schema, components } = convert(Joi.object({ inner: Named.default({}) }));
    expect(schema).toEqual({ type: 'object', properties: { inner: { $ref: '#/components/schemas/Named', default: {} } }, additionalProperties: false });
    expect(components['Named']).toEqual({
      description: 'named',
      type: 'object',
      properties: { a: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }, b: { type: 'string', minLength: 1, maxLength: 3 } },
      required: ['a'],
      additionalProperties: false,
    });
  });

  it('states what Joi refuses by default or after trimming: empty strings, blank trimmed strings, unsafe numbers', () => {
    expect(convert(Joi.string()).schema).toEqual({ type: 'string', minLength: 1 });
    expect(convert(Joi.string().trim().max(5)).schema).toEqual({ type: 'string', minLength: 1, pattern: '\\S', maxLength: 5 });
    expect(convert(Joi.number()).schema).toEqual({ type: 'number', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
    expect(convert(Joi.string().uri({ scheme: ['https'] })).schema).toEqual({ type: 'string', minLength: 1, format: 'uri', pattern: '^(?:https)://' });
  });

  it('keeps free-form objects open and alternatives as anyOf', () => {
    expect(convert(Joi.object({ a: Joi.string() }).unknown(true)).schema).toMatchObject({ additionalProperties: true });
    expect(convert(Joi.object()).schema).toEqual({ type: 'object', properties: {}, additionalProperties: true });
    expect(convert(Joi.alternatives().try(Joi.string(), Joi.array().items(Joi.string()).max(2))).schema).toEqual({
      anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 2 }],
    });
  });

  it.each([
    ['an unknown rule', Joi.string().email()],
    ['an unknown type', Joi.boolean()],
    ['allow() without valid()', Joi.string().allow('')],
    ['a pattern with flags', Joi.string().pattern(/x/i)],
    ['an inverted pattern', Joi.string().pattern(/x/, { invert: true })],
    ['a uri with another scheme', Joi.string().uri({ scheme: ['ftp'] })],
    ['a conditional', Joi.alternatives().conditional('a', { is: 1, then: Joi.string() })],
    ['an example', Joi.string().example('x')],
    ['a forbidden key', Joi.object({ a: Joi.string().forbidden() })],
    ['two schemas of one name', Joi.object({ a: Joi.object().meta({ className: 'X' }), b: Joi.object({ c: Joi.string() }).meta({ className: 'X' }) })],
  ])('refuses %s rather than guessing', (_what, schema) => {
    expect(() => convert(schema)).toThrow(UnsupportedJoiError);
  });

  it('is never laxer than Joi on the event schemas: what the document accepts, the API accepts', () => {
    const converter = new JoiJsonSchemaConverter();
    const body = { oneOf: [converter.convert(REQUEST_SCHEMAS.single), converter.convert(REQUEST_SCHEMAS.batch)] };
    const schemas = new OpenApiSchemas({ components: { schemas: converter.components }, paths: { body: { schema: body } } });
    const documentAccepts = schemas.at('paths', 'body', 'schema');
    let accepted = 0;
    fc.assert(
      fc.property(fuzzBodies(4096), ({ bytes }) => {
        let value: unknown;
        try {
          value = JSON.parse(bytes.toString('utf8'));
        } catch {
          return;
        }
        if (!documentAccepts(value)) return;
        accepted += 1;
        const joi = value !== null && typeof value === 'object' && 'events' in value ? REQUEST_SCHEMAS.batch : REQUEST_SCHEMAS.single;
        expect(joi.validate(value, VALIDATION_OPTIONS).error?.message).toBeUndefined();
      }),
      { numRuns: 1_000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});
