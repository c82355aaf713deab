/**
 * The CLI's environment, validated once by `main` before a command runs (never for `--help`).
 * Nothing else in the CLI reads process.env: bin.ts hands it over, commands get the result.
 */
import Joi from 'joi';
import { ConfigError, envFields, parseEnv, topicNames, type EnvSource, type Topics } from '@attribution/core';
import { parseCredentialsKey } from '@attribution/db';
import { ValidationError } from './cli-errors';
import type { EnvNeeds } from './command';

export interface CliEnv {
  DATABASE_URL: string;
  CREDENTIALS_KEY?: string;
  KAFKA_BROKERS?: string[];
  KAFKA_CLIENT_ID: string;
  KAFKA_TOPIC_PREFIX: string;
  KAFKA_RETRY_DELAYS_MS: number[];
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

function schema(needs: EnvNeeds): Joi.ObjectSchema<CliEnv> {
  return Joi.object<CliEnv>({
    DATABASE_URL: envFields.databaseUrl.required().messages({ 'any.required': 'is required (postgres://user:password@host:5432/db)' }),
    CREDENTIALS_KEY: needs.credentialsKey
      ? credentialsKey.required().messages({ 'any.required': 'is required for destination commands (the dispatcher\'s 32-byte key, base64 or hex)' })
      : credentialsKey,
    KAFKA_BROKERS: needs.kafka
      ? envFields.kafkaBrokers.required().messages({ 'any.required': 'is required to replay deliveries (comma-separated host:port)' })
      : envFields.kafkaBrokers,
    KAFKA_CLIENT_ID: envFields.kafkaClientId('attribution-cli'),
    KAFKA_TOPIC_PREFIX: envFields.topicPrefix,
    KAFKA_RETRY_DELAYS_MS: envFields.retryDelaysMs,
  });
}

/** Throws a ValidationError (exit 2) naming every bad variable, never its value. */
export function parseCliEnv(source: EnvSource, needs: EnvNeeds = {}): CliEnv {
  try {
    return parseEnv(schema(needs), source);
  } catch (error) {
    if (error instanceof ConfigError) throw new ValidationError(`invalid environment: ${error.problems.join('; ')}`);
    throw error;
  }
}

export function kafkaTopics(env: CliEnv): Topics {
  return topicNames(env.KAFKA_TOPIC_PREFIX, env.KAFKA_RETRY_DELAYS_MS);
}
