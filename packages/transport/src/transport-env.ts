import Joi from 'joi';
import { field, integerField, optionalField, type EnvOf } from '@attribution/runtime';
import { DEFAULT_RETRY_DELAYS_MS, topicNames } from './topics';
import { DEFAULT_SESSION_TIMEOUT_MS } from './kafka.transport';

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** The bus variables, spelled and validated the same way by every app that uses the bus. */
export const transportEnvFields = {
  kafkaBrokers: optionalField<string[]>(
    Joi.string()
      .custom((value: string, helpers) => {
        const brokers = value.split(',').map((b) => b.trim());
        const bad = brokers.filter((b) => !HOST_PORT.test(b) || Number(b.split(':')[1]) > 65535);
        if (bad.length > 0) return helpers.message({ custom: 'must be a comma-separated list of host:port' });
        return brokers;
      })
      .messages({ 'any.custom': 'must be a comma-separated list of host:port' }),
  ),
  kafkaClientId: (fallback: string) => field<string>(Joi.string().max(128).default(fallback)),
  topicPrefix: field<string>(
    Joi.string()
      .pattern(/^[A-Za-z0-9._-]*$/)
      .allow('')
      .default('')
      .messages({ 'string.pattern.base': 'may only contain letters, digits, ".", "_" and "-"' }),
  ),
  /** Delays of the retry tier topics, shortest first; every app must use the same list. */
  retryDelaysMs: field<number[]>(
    Joi.string()
      // Joi does not run custom rules on defaults, so the default is already the parsed list.
      .default(() => [...DEFAULT_RETRY_DELAYS_MS])
      .custom((value: string, helpers) => {
        const delays = value.split(',').map((d) => Number(d.trim()));
        const ok = delays.length > 0 && delays.every((d, i) => Number.isInteger(d) && d >= 10 && (i === 0 || d > delays[i - 1]!));
        return ok ? delays : helpers.message({ custom: 'must be increasing whole milliseconds, comma-separated' });
      }),
  ),
  partitions: integerField(1, 1000, 6),
  // The broker refuses sessions outside group.min/max.session.timeout.ms (6 s and 30 min by default).
  sessionTimeoutMs: integerField(6_000, 300_000, DEFAULT_SESSION_TIMEOUT_MS),
};

/** The variables of an app that publishes to the bus; `clientId` names it to the brokers. */
export function busEnvKeys(clientId: string) {
  return {
    KAFKA_BROKERS: transportEnvFields.kafkaBrokers,
    KAFKA_CLIENT_ID: transportEnvFields.kafkaClientId(clientId),
    KAFKA_TOPIC_PREFIX: transportEnvFields.topicPrefix,
    KAFKA_RETRY_DELAYS_MS: transportEnvFields.retryDelaysMs,
    KAFKA_PARTITIONS: transportEnvFields.partitions,
  };
}

export type BusEnv = EnvOf<ReturnType<typeof busEnvKeys>>;

/** The bus an app uses: Kafka when brokers are given, else the in-process bus; and its topics. */
export function toBusConfig(env: BusEnv) {
  return {
    kafka: env.KAFKA_BROKERS ? { brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID } : null,
    topics: topicNames(env.KAFKA_TOPIC_PREFIX, env.KAFKA_RETRY_DELAYS_MS),
    partitions: env.KAFKA_PARTITIONS,
  };
}

export type BusConfig = ReturnType<typeof toBusConfig>;
