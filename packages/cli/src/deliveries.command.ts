import { createTransport } from '@attribution/core';
import type { PrismaClient } from '@attribution/db';
import { kafkaTopics, type CliEnv } from './cli-env';
import { RuntimeError, ValidationError, describeUnexpected } from './cli-errors';
import { isoDateOption } from './cli-validate';
import type { CommandSpec } from './command';
import type { CommandContext } from './context';
import { TENANT_OPTION } from './tenant.command';

export type ReplayStatus = 'dead' | 'parked';
export type PlatformName = 'meta' | 'ga4';

export interface ReplayRequest {
  tenantId: string;
  statuses: ReplayStatus[];
  destination?: PlatformName;
  since?: Date;
}

/** The command that replays what a request selects, for messages that tell the operator what to run. */
export function replayCommandLine(request: ReplayRequest): string {
  return [
    `attribution deliveries replay --tenant ${request.tenantId}`,
    request.statuses.length === 1 ? ` --status ${request.statuses[0]}` : '',
    request.destination ? ` --destination ${request.destination}` : '',
    request.since ? ` --since ${request.since.toISOString()}` : '',
  ].join('');
}

/**
 * Publishes the selected deliveries to the shortest retry tier (the dispatcher's replayDeliveries),
 * through a short-lived Kafka producer. The dispatcher is loaded only here, so other commands
 * start without it.
 */
export async function replayViaKafka(env: CliEnv, db: PrismaClient, request: ReplayRequest): Promise<{ replayed: number; topic: string }> {
  if (!env.KAFKA_BROKERS) throw new ValidationError('KAFKA_BROKERS is not set: replays are published to the dispatcher\'s retry topic');
  const { replayDeliveries } = await import('@attribution/dispatcher');
  const topics = kafkaTopics(env);
  const topic = topics.retries[0]!.name;
  const transport = createTransport({ brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID });
  const producer = transport.createProducer();
  try {
    await producer.connect();
    const { replayed } = await replayDeliveries(
      { db, producer, topics },
      { tenantId: request.tenantId, statuses: request.statuses, ...(request.destination ? { destination: request.destination } : {}), ...(request.since ? { since: request.since } : {}) },
    );
    return { replayed, topic };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new RuntimeError(
      `replay failed while publishing to Kafka topic ${topic} (brokers ${env.KAFKA_BROKERS.join(',')}): ${describeUnexpected(cause)}. ` +
        'Check KAFKA_BROKERS and KAFKA_TOPIC_PREFIX (the dispatcher creates its topics at start). Running the replay again is safe: ' +
        'deliveries already re-sent are skipped by the dispatcher.',
      { cause: error },
    );
  } finally {
    await producer.disconnect().catch(() => undefined);
    await transport.close().catch(() => undefined);
  }
}

async function replay(ctx: CommandContext): Promise<void> {
  const status = ctx.string('status');
  const sinceRaw = ctx.string('since');
  const since = sinceRaw !== undefined ? isoDateOption('since', sinceRaw) : undefined;
  const tenant = await ctx.tenant();
  const request: ReplayRequest = {
    tenantId: tenant.id,
    statuses: status ? [status as ReplayStatus] : ['dead', 'parked'],
    ...(ctx.string('destination') ? { destination: ctx.string('destination') as PlatformName } : {}),
    ...(since ? { since } : {}),
  };
  const { replayed, topic } = await replayViaKafka(ctx.env, ctx.db, request);
  ctx.out.result(
    { tenant_id: tenant.id, statuses: request.statuses, destination: request.destination ?? null, since: request.since ?? null, replayed, topic },
    () =>
      replayed === 0
        ? `No ${request.statuses.join(' or ')} deliveries to replay for tenant ${tenant.id}`
        : `Replayed ${replayed} deliver${replayed === 1 ? 'y' : 'ies'} of tenant ${tenant.id} (sent to ${topic}, due now; the dispatcher sends them again)`,
  );
}

export const deliveriesCommand: CommandSpec = {
  name: 'deliveries',
  summary: 'Act on deliveries (one per event and destination)',
  subcommands: [
    {
      name: 'replay',
      summary: 'Send dead and/or parked deliveries again',
      details:
        'Each matching delivery is published to the shortest retry tier, due now and flagged as a\n' +
        'replay, so the dispatcher sends it although it is settled. Events older than the platform\n' +
        'accepts (Meta 7 days, GA4 72 hours) die again, with the reason. Needs KAFKA_BROKERS (and the\n' +
        'KAFKA_TOPIC_PREFIX / KAFKA_RETRY_DELAYS_MS the dispatcher uses).',
      env: { kafka: true },
      options: [
        TENANT_OPTION,
        { name: 'status', type: 'string', valueName: 'status', choices: ['dead', 'parked'], description: 'which deliveries', defaultText: 'both' },
        { name: 'destination', type: 'string', valueName: 'platform', choices: ['meta', 'ga4'], description: 'only this destination', defaultText: 'all' },
        { name: 'since', type: 'string', valueName: 'iso-date', description: 'only deliveries that reached their status at or after this time' },
      ],
      examples: [
        'attribution deliveries replay --tenant 6f1c…',
        'attribution deliveries replay --tenant 6f1c… --status dead --destination meta --since 2026-11-20',
      ],
      action: replay,
    },
  ],
};
