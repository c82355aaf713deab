/**
 * The CLI's environment, validated once by `main` before a command runs (never for `--help`).
 * Nothing else in the CLI reads process.env: bin.ts hands it over, commands get the result.
 */
import Joi from 'joi';
import { parseCredentialsKey } from '@attribution/db';
import { ConfigError, envFields, field, optionalField, parseEnv, type EnvOf, type EnvSource } from '@attribution/runtime';
import { platformEnvFields } from '@attribution/destinations';
import { topicNames, transportEnvFields, type Topics } from '@attribution/transport';
import { ValidationError } from './cli-errors';

/** What the environment must provide for a command (checked once, before it runs). */
export interface EnvNeeds {
  credentialsKey?: boolean;
  /** CREDENTIALS_KEY_PREVIOUS (the key a rotation replaces). */
  previousCredentialsKey?: boolean;
  kafka?: boolean;
}

const credentialsKey = Joi.string()
  .custom((value: string, helpers) => {
    try {
      parseCredentialsKey(value);
      return value;
    } catch {
      return helpers.message({ custom: 'must be a 32-byte key, base64 or hex encoded (the one the dispatcher uses)' });
    }
  })
  .messages({ 'any.custom': 'must be a 32-byte key, base64 or hex encoded (the one the dispatcher uses)' });

function cliEnvKeys(needs: EnvNeeds) {
  return {
    DATABASE_URL: field<string>(envFields.databaseUrl.schema.required().messages({ 'any.required': 'is required (postgres://user:password@host:5432/db)' })),
    CREDENTIALS_KEY: optionalField<string>(
      needs.credentialsKey
        ? credentialsKey.required().messages({ 'any.required': 'is required for destination commands and credentials rotate-key (the dispatcher\'s 32-byte key, base64 or hex)' })
        : credentialsKey,
    ),
    // Opens only (never seals): the key being replaced during `credentials rotate-key`.
    CREDENTIALS_KEY_PREVIOUS: optionalField<string>(
      needs.previousCredentialsKey
        ? credentialsKey.required().messages({ 'any.required': 'is required for credentials rotate-key (the key being replaced, 32 bytes, base64 or hex)' })
        : credentialsKey.empty(''),
    ),
    KAFKA_BROKERS: optionalField<string[]>(
      needs.kafka
        ? transportEnvFields.kafkaBrokers.schema.required().messages({ 'any.required': 'is required to replay deliveries (comma-separated host:port)' })
        : transportEnvFields.kafkaBrokers.schema,
    ),
    KAFKA_CLIENT_ID: transportEnvFields.kafkaClientId('attribution-cli'),
    KAFKA_TOPIC_PREFIX: transportEnvFields.topicPrefix,
    KAFKA_RETRY_DELAYS_MS: transportEnvFields.retryDelaysMs,
    // The platforms' base URLs, for `destination test` (all have defaults).
    ...platformEnvFields,
  };
}

/** Optional where a command does not need them; `needs` makes them required before it runs. */
export type CliEnv = EnvOf<ReturnType<typeof cliEnvKeys>>;

/** Throws a ValidationError (exit 2) naming every bad variable, never its value. */
export function parseCliEnv(source: EnvSource, needs: EnvNeeds = {}): CliEnv {
  try {
    return parseEnv(cliEnvKeys(needs), source);
  } catch (error) {
    if (error instanceof ConfigError) throw new ValidationError(`invalid environment: ${error.problems.join('; ')}`);
    throw error;
  }
}

export function kafkaTopics(env: CliEnv): Topics {
  return topicNames(env.KAFKA_TOPIC_PREFIX, env.KAFKA_RETRY_DELAYS_MS);
}
