import Joi from 'joi';
import { CredentialsKeyring, parseCredentialsKey } from '@attribution/db';
import { platformEnvFields } from '@attribution/destinations';
import { envFields, field, integerField, optionalField, configLoader, required, serviceEnvKeys, toServiceConfig, type EnvOf } from '@attribution/runtime';
import { busEnvKeys, toBusConfig, transportEnvFields } from '@attribution/transport';

/** A 32-byte key, base64 or 64 hex characters, checked as the keyring will parse it. */
const credentialsKeySchema = Joi.string().custom((value: string, helpers) => {
  try {
    parseCredentialsKey(value);
    return value;
  } catch {
    return helpers.message({ custom: 'must be a 32-byte key, base64 or hex encoded' });
  }
});

export const dispatcherEnvKeys = {
  DISPATCHER_PORT: envFields.port(8081),
  DATABASE_URL: required(envFields.databaseUrl),
  ...busEnvKeys('dispatcher'),
  /** Defaults to `<KAFKA_TOPIC_PREFIX>dispatcher`: environments sharing a cluster never share a group. */
  DISPATCHER_GROUP_ID: optionalField<string>(Joi.string().max(128)),
  /** Each platform's base URL (META_GRAPH_URL, GA4_MP_URL, ...), declared in its folder. */
  ...platformEnvFields,
  DESTINATION_TIMEOUT_MS: integerField(100, 60_000, 5_000),
  DISPATCH_TENANT_CONCURRENCY: integerField(1, 256, 8),
  DISPATCH_LINGER_MS: integerField(0, 5_000, 100),
  DISPATCH_PARTITIONS_CONCURRENTLY: integerField(1, 64, 3),
  DISPATCH_SESSION_TIMEOUT_MS: transportEnvFields.sessionTimeoutMs,
  CREDENTIALS_KEY: field<string>(credentialsKeySchema.required()),
  /**
   * During a key rotation only: the key being replaced, used to open (never to seal). Empty is
   * unset, so compose and Helm can pass `${CREDENTIALS_KEY_PREVIOUS:-}` outside a rotation.
   */
  CREDENTIALS_KEY_PREVIOUS: optionalField<string>(credentialsKeySchema.empty('')),
  ...serviceEnvKeys,
};

export type DispatcherEnv = EnvOf<typeof dispatcherEnvKeys>;

export function toDispatcherConfig(env: DispatcherEnv) {
  return {
    http: { port: env.DISPATCHER_PORT, host: env.HOST },
    databaseUrl: env.DATABASE_URL,
    ...toBusConfig(env),
    groupId: env.DISPATCHER_GROUP_ID ?? `${env.KAFKA_TOPIC_PREFIX}dispatcher`,
    tenantConcurrency: env.DISPATCH_TENANT_CONCURRENCY,
    consumer: {
      lingerMs: env.DISPATCH_LINGER_MS,
      partitionsConcurrently: env.DISPATCH_PARTITIONS_CONCURRENTLY,
      sessionTimeoutMs: env.DISPATCH_SESSION_TIMEOUT_MS,
    },
    destinations: { env, timeoutMs: env.DESTINATION_TIMEOUT_MS },
    /** Seals with CREDENTIALS_KEY, opens with it or CREDENTIALS_KEY_PREVIOUS; shows only key ids if logged. */
    credentialsKey: new CredentialsKeyring(env.CREDENTIALS_KEY, env.CREDENTIALS_KEY_PREVIOUS),
    ...toServiceConfig(env),
  };
}

export type DispatcherConfig = ReturnType<typeof toDispatcherConfig>;

export const loadDispatcherConfig = configLoader(dispatcherEnvKeys, toDispatcherConfig);
