import { ConfigError, envFields, parseEnv } from '@attribution/runtime';
import { transportEnvFields } from './transport-env';

const schema = {
  PORT: envFields.port(8080),
  DATABASE_URL: envFields.databaseUrl,
  KAFKA_BROKERS: transportEnvFields.kafkaBrokers,
  TOPIC_PREFIX: transportEnvFields.topicPrefix,
  RETRY_DELAYS: transportEnvFields.retryDelaysMs,
};

describe('parseEnv', () => {
  it('applies defaults and converts types', () => {
    expect(parseEnv(schema, { KAFKA_BROKERS: 'a:9092, b.example:19092' })).toEqual({
      PORT: 8080,
      KAFKA_BROKERS: ['a:9092', 'b.example:19092'],
      TOPIC_PREFIX: '',
      RETRY_DELAYS: [30_000, 120_000, 600_000, 3_600_000, 21_600_000],
    });
    expect(parseEnv(schema, { RETRY_DELAYS: '100, 250' })).toMatchObject({ RETRY_DELAYS: [100, 250] });
  });

  it('lists every bad variable at once, by name, without echoing values', () => {
    let error: unknown;
    try {
      parseEnv(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://u:hunter2@h/db', KAFKA_BROKERS: 'not a host:port', TOPIC_PREFIX: 'bad prefix!' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'PORT: must be a number',
      'DATABASE_URL: must be a postgres:// or postgresql:// URL',
      'KAFKA_BROKERS: must be a comma-separated list of host:port',
      'TOPIC_PREFIX: may only contain letters, digits, ".", "_" and "-"',
    ]);
    expect((error as Error).message).not.toContain('hunter2');
  });
});
