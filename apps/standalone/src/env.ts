import Joi from 'joi';
import { envFields, parseEnv, type EnvSource } from '@attribution/core';
import { dispatcherEnvKeys, type DispatcherEnv } from '@attribution/dispatcher';
import { ingestEnvKeys, type IngestEnv } from '@attribution/ingest-api';
import { prunerEnvKeys, type PrunerEnv } from '@attribution/pruner';

/**
 * The single-process runner takes every app's variables, but needs no servers: without
 * DATABASE_URL it starts an embedded PostgreSQL under DATA_DIR, without KAFKA_BROKERS the apps
 * talk in-process, and without CREDENTIALS_KEY one is generated and kept under DATA_DIR.
 */
export const standaloneSchema = Joi.object({
  ...ingestEnvKeys,
  ...dispatcherEnvKeys,
  ...prunerEnvKeys,
  DATABASE_URL: envFields.databaseUrl,
  CREDENTIALS_KEY: dispatcherEnvKeys.CREDENTIALS_KEY.optional(),
  DATA_DIR: Joi.string().default('.data'),
  EMBEDDED_PG_PORT: envFields.port(5433),
  DEMO_TENANT: Joi.boolean().default(true),
});

export type StandaloneEnv = Omit<IngestEnv & DispatcherEnv & PrunerEnv, 'DATABASE_URL' | 'CREDENTIALS_KEY'> & {
  DATABASE_URL?: string;
  CREDENTIALS_KEY?: string;
  DATA_DIR: string;
  EMBEDDED_PG_PORT: number;
  DEMO_TENANT: boolean;
};

export function loadStandaloneEnv(source: EnvSource): StandaloneEnv {
  return parseEnv(standaloneSchema as Joi.ObjectSchema<StandaloneEnv>, source);
}
