import { describeJoiProblem, JOI_MESSAGE_OPTIONS } from '@attribution/core';
import { ConfigError } from '../errors/app-error';
import { envSchema, type EnvFields, type EnvOf } from './env-field';

export type EnvSource = Record<string, string | undefined>;

/**
 * Validates the environment once at boot against an app's own schema. Every bad variable is
 * reported (abortEarly: false) and values are never echoed, since they may be secrets.
 */
export function parseEnv<F extends EnvFields>(fields: F, source: EnvSource): EnvOf<F> {
  const { value, error } = envSchema(fields).validate(source, {
    abortEarly: false,
    allowUnknown: true,
    stripUnknown: true,
    convert: true,
    errors: JOI_MESSAGE_OPTIONS,
  });
  if (error) {
    throw new ConfigError(error.details.map((d) => `${d.path.join('.')}: ${describeJoiProblem(d)}`));
  }
  return Object.freeze(value) as EnvOf<F>;
}

/** `load(env)` for an app: parse its schema once, then shape the result into its configuration. */
export function configLoader<F extends EnvFields, C>(fields: F, toConfig: (env: EnvOf<F>) => C): (source: EnvSource) => C {
  return (source) => toConfig(parseEnv(fields, source));
}
