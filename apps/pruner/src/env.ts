import Joi from 'joi';
import { CronExpressionParser } from 'cron-parser';
import { envFields, field, integerField, configLoader, required, serviceEnvKeys, toServiceConfig, type EnvOf } from '@attribution/runtime';

export const prunerEnvKeys = {
  PRUNER_PORT: envFields.port(8082),
  DATABASE_URL: required(envFields.databaseUrl),
  PRUNE_SCHEDULE: field<string>(
    Joi.string()
      .default('0 3 * * *')
      .custom((value: string, helpers) => {
        try {
          CronExpressionParser.parse(value, { tz: 'UTC' });
          return value;
        } catch {
          return helpers.message({ custom: 'must be a cron expression, e.g. "0 3 * * *"' });
        }
      }),
  ),
  PRUNE_BATCH_SIZE: integerField(1, 100_000, 5_000),
  PRUNE_BATCH_PAUSE_MS: integerField(0, 60_000, 0),
  ...serviceEnvKeys,
};

export type PrunerEnv = EnvOf<typeof prunerEnvKeys>;

export function toPrunerConfig(env: PrunerEnv) {
  return {
    http: { port: env.PRUNER_PORT, host: env.HOST },
    databaseUrl: env.DATABASE_URL,
    /** When the run starts (cron, UTC) and how it deletes: batch rows, pause between batches. */
    prune: { schedule: env.PRUNE_SCHEDULE, batchSize: env.PRUNE_BATCH_SIZE, batchPauseMs: env.PRUNE_BATCH_PAUSE_MS },
    ...toServiceConfig(env),
  };
}

export type PrunerConfig = ReturnType<typeof toPrunerConfig>;

export const loadPrunerConfig = configLoader(prunerEnvKeys, toPrunerConfig);
