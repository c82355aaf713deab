import { validate } from '@readme/openapi-parser';
import Joi from 'joi';
import { ACTION_SOURCES, EventSchema, MAX_BATCH_EVENTS } from '@attribution/core';
import { readManifest } from '@attribution/pixel';
import { OpenApiSchemas, problems } from '../../test/openapi-schemas';
import { REQUEST_SCHEMAS } from '../events/validate-events';
import { ERRORS } from '../http/error-codes';
import { buildOpenApiDocument } from './openapi.document';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking a JSON document

const pixelVersions = Object.keys(readManifest().versions);
const document: Json = buildOpenApiDocument({ version: '0.1.0', pixelVersions });
const schemas = new OpenApiSchemas(document);
const components = document['components'].schemas as Json;
const post = document['paths']['/v1/events'].post as Json;

/** The keys Joi marks required, from the schema's own description. */
function joiRequired(schema: Joi.Schema): string[] {
  const keys = (schema.describe() as { keys: Record<string, { flags?: { presence?: string } }> }).keys;
  return Object.keys(keys).filter((key) => keys[key]!.flags?.presence === 'required');
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document, by @readme/openapi-parser, without warnings', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result).toEqual({ valid: true, warnings: [], specification: 'OpenAPI' });
    expect(document['openapi']).toMatch(/^3\.1\.\d+$/);
  });

  it('holds only schemas that Ajv compiles in strict draft 2020-12 mode', () => {
    const locations = schemas.schemaLocations();
    expect(locations.length).toBeGreaterThan(40);
    for (const location of locations) expect(() => schemas.at(...location)).not.toThrow();
  });

  it('describes the request bodies with the schemas validateEvents uses', () => {
    const ref = (schema: Joi.Schema) => ({ $ref: `#/components/schemas/${(schema.describe().metas as Array<{ className: string }>)[0]!.className}` });
    for (const mediaType of ['application/json', 'text/plain']) {
      expect(post['requestBody'].content[mediaType].schema).toEqual({ oneOf: [ref(REQUEST_SCHEMAS.single), ref(REQUEST_SCHEMAS.batch)] });
    }
    expect(components['TrackedEvent'].required).toEqual(joiRequired(REQUEST_SCHEMAS.single));
    expect(Object.keys(components['TrackedEvent'].properties)).toEqual(Object.keys(REQUEST_SCHEMAS.single.describe().keys));
    expect(components['TrackedEvent'].properties.action_source.enum).toEqual([...ACTION_SOURCES]);
    expect(components['EventBatch'].properties.events).toMatchObject({ minItems: 1, maxItems: MAX_BATCH_EVENTS });
    expect(components['EventBatch'].required).toEqual(joiRequired(REQUEST_SCHEMAS.batch));
  });

  it('changes with the Joi schemas: a new required key, a narrower enum and a smaller batch show up', () => {
    const single = EventSchema.keys({ coupon: Joi.string().max(32).required(), action_source: Joi.string().valid('website', 'app') });
    const batch = Joi.object({ events: Joi.array().items(single).min(1).max(10).required() }).meta({ className: 'EventBatch' });
    const changed = buildOpenApiDocument({ version: '0.1.0', pixelVersions, requestSchemas: { single, batch } }) as Json;
    const event = changed['components'].schemas.TrackedEvent;
    expect(event.required).toEqual([...joiRequired(REQUEST_SCHEMAS.single), 'coupon']);
    expect(event.properties.coupon).toEqual({ type: 'string', minLength: 1, maxLength: 32 });
    expect(event.properties.action_source.enum).toEqual(['website', 'app']);
    expect(changed['components'].schemas.EventBatch.properties.events.maxItems).toBe(10);
    expect(document).toEqual(buildOpenApiDocument({ version: '0.1.0', pixelVersions }));
  });

  it('gives every error code of the API a response, under its status', () => {
    const documented = new Map<string, string>();
    for (const item of Object.values(document['paths'] as Json)) {
      for (const operation of Object.values(item as Json)) {
        for (const [status, response] of Object.entries((operation as Json)['responses'] as Json)) {
          const codes: string[] = (response as Json)['content']?.['application/json']?.schema?.properties?.error?.enum ?? [];
          for (const code of codes) documented.set(code, status);
        }
      }
    }
    const unrouted = ['method_not_allowed']; // answered on the pixel paths for methods they do not serve
    const expected = Object.entries(ERRORS).filter(([code]) => !unrouted.includes(code));
    expect([...documented].sort()).toEqual(expected.map(([code, { status }]) => [code, String(status)]).sort());
  });

  it('lists the published pixel versions', () => {
    const get = document['paths']['/{version}/tracking.js'].get as Json;
    expect(get['parameters'][0].schema.enum).toEqual(pixelVersions);
    expect(pixelVersions).toContain('v1');
  });

  it('has examples that match their schemas: accepted request bodies and every response', () => {
    for (const [mediaType, content] of Object.entries(post['requestBody'].content as Json)) {
      const body = schemas.at('paths', '/v1/events', 'post', 'requestBody', 'content', mediaType, 'schema');
      for (const [name, example] of Object.entries((content as Json)['examples'] as Json)) {
        if (!(name in post['responses']['202'].content['application/json'].examples)) continue;
        expect([name, body((example as Json)['value']), problems(body)]).toEqual([name, true, '']);
      }
    }
    for (const [status, response] of Object.entries(post['responses'] as Json)) {
      const content = (response as Json)['content']?.['application/json'];
      if (!content) continue;
      const schema = schemas.response('/v1/events', 'post', status);
      for (const [name, example] of Object.entries(content.examples as Json)) {
        expect([status, name, schema((example as Json)['value']), problems(schema)]).toEqual([status, name, true, '']);
      }
    }
  });

  it('pairs every request example with a response example of the same name', () => {
    const responseExamples = Object.entries(post['responses'] as Json).flatMap(([status, response]) =>
      Object.keys((response as Json)['content']?.['application/json']?.examples ?? {}).map((name) => [name, status]),
    );
    for (const content of Object.values(post['requestBody'].content as Json)) {
      for (const name of Object.keys((content as Json)['examples'])) {
        expect(responseExamples.filter(([example]) => example === name)).toHaveLength(1);
      }
    }
  });
});
