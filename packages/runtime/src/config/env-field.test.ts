import { ConfigError } from '../errors/app-error';
import { envFields, integerField } from './env-fields';
import { field, optional, optionalField, required, type EnvOf } from './env-field';
import { parseEnv } from './parse-env';
import Joi from 'joi';

const schema = {
  PORT: envFields.port(8080),
  DATABASE_URL: required(envFields.databaseUrl),
  SECRET: optional(field<string>(Joi.string().min(8).required())),
  NAME: optionalField<string>(Joi.string()),
  WORKERS: integerField(1, 8, 2),
};

describe('typed environment fields', () => {
  it('parses into the type the schema declares: defaults filled, optional ones absent', () => {
    const env: EnvOf<typeof schema> = parseEnv(schema, { DATABASE_URL: 'postgres://localhost/x', WORKERS: '4' });
    expect(env).toEqual({ PORT: 8080, DATABASE_URL: 'postgres://localhost/x', WORKERS: 4 });
  });

  it('required() refuses an absent variable and optional() accepts one, listing every problem at once', () => {
    let caught: unknown;
    try {
      parseEnv(schema, { SECRET: 'short', WORKERS: '9' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['DATABASE_URL', 'SECRET', 'WORKERS']);
    expect(() => parseEnv(schema, { DATABASE_URL: 'postgres://localhost/x' })).not.toThrow();
  });
});
