import Joi from 'joi';
import { envFields, field, integerField, optionalField, configLoader, required, serviceEnvKeys, toServiceConfig, type EnvOf } from '@attribution/runtime';
import { busEnvKeys, toBusConfig } from '@attribution/transport';

/**
 * The operator's sign-in secret: long enough that guessing is hopeless (the console does not
 * throttle sign-ins), printable, no spaces. `openssl rand -base64 32` gives one.
 */
export const adminTokenField = optionalField<string>(
  Joi.string()
    .min(32)
    .max(512)
    .pattern(/^[\x21-\x7e]+$/)
    .messages({ 'string.pattern.base': 'must be printable ASCII without spaces' }),
);

/** Every variable the console reads. The standalone runner reuses these keys. */
export const consoleEnvKeys = {
  CONSOLE_PORT: envFields.port(8084),
  DATABASE_URL: required(envFields.databaseUrl),
  // Replays are published to the dispatcher's first retry tier: the same topics as the dispatcher's.
  ...busEnvKeys('console'),
  CONSOLE_ADMIN_TOKEN: required(adminTokenField),
  /** A session ends this long after sign-in. */
  CONSOLE_SESSION_TTL_MS: integerField(60_000, 7 * 24 * 3_600_000, 8 * 3_600_000),
  /** Whose X-Forwarded-Proto to believe (Express `trust proxy`), for the Secure cookie behind TLS termination. */
  CONSOLE_TRUST_PROXY: field<string>(Joi.string().max(512).default('loopback')),
  /** How often an open live view looks for new events and outcomes. */
  CONSOLE_LIVE_POLL_MS: integerField(200, 60_000, 1_000),
  /** Jaeger's UI (e.g. http://127.0.0.1:16686): event pages link their trace there when set. */
  JAEGER_UI_URL: optionalField<string>(Joi.string().uri({ scheme: ['http', 'https'] })),
  ...serviceEnvKeys,
};

export type ConsoleEnv = EnvOf<typeof consoleEnvKeys>;

export function toConsoleConfig(env: ConsoleEnv) {
  return {
    http: { port: env.CONSOLE_PORT, host: env.HOST, trustProxy: env.CONSOLE_TRUST_PROXY },
    databaseUrl: env.DATABASE_URL,
    ...toBusConfig(env),
    auth: { adminToken: env.CONSOLE_ADMIN_TOKEN, sessionTtlMs: env.CONSOLE_SESSION_TTL_MS },
    live: { pollMs: env.CONSOLE_LIVE_POLL_MS },
    jaegerUiUrl: env.JAEGER_UI_URL?.replace(/\/+$/, '') ?? null,
    ...toServiceConfig(env),
  };
}

export type ConsoleConfig = ReturnType<typeof toConsoleConfig>;

export const loadConsoleConfig = configLoader(consoleEnvKeys, toConsoleConfig);
