import Joi from 'joi';
import { adminTokenField, consoleEnvKeys } from '@attribution/console';
import { dispatcherEnvKeys } from '@attribution/dispatcher';
import { ingestEnvKeys } from '@attribution/ingest-api';
import { prunerEnvKeys } from '@attribution/pruner';
import { envFields, field, optional, parseEnv, type EnvOf, type EnvSource } from '@attribution/runtime';

/**
 * The single-process runner takes every app's variables, but needs no servers: without
 * DATABASE_URL it starts an embedded PostgreSQL under DATA_DIR, without KAFKA_BROKERS the apps
 * talk in-process, and without CREDENTIALS_KEY or CONSOLE_ADMIN_TOKEN one is generated and kept
 * under DATA_DIR.
 */
export const standaloneEnvKeys = {
  ...ingestEnvKeys,
  ...dispatcherEnvKeys,
  ...prunerEnvKeys,
  ...consoleEnvKeys,
  DATABASE_URL: envFields.databaseUrl,
  CONSOLE_ADMIN_TOKEN: adminTokenField,
  CREDENTIALS_KEY: optional(dispatcherEnvKeys.CREDENTIALS_KEY),
  DATA_DIR: field<string>(Joi.string().default('.data')),
  EMBEDDED_PG_PORT: envFields.port(5433),
  DEMO_TENANT: field<boolean>(Joi.boolean().default(true)),
};

export type StandaloneEnv = EnvOf<typeof standaloneEnvKeys>;

export function loadStandaloneEnv(source: EnvSource): StandaloneEnv {
  return parseEnv(standaloneEnvKeys, source);
}
