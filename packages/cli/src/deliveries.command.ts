import { PLATFORM_IDS, platformDefinition, type Platform } from '@attribution/destinations';
import { createTransport } from '@attribution/transport';
import { kafkaTopics } from './cli-env';
import { RuntimeError, ValidationError, describeUnexpected } from './cli-errors';
import { isoDateOption } from './cli-validate';
import type { Command } from 'commander';
import { groupCommand, leafCommand, tenantOption, valueOption } from './cli-options';
import type { Runs } from './cli-program';
import type { CommandContext } from './context';
import { deliveriesListCommand } from './deliveries-list.command';
import { replayDeliveries, type ReplayProgress } from './replay/replay-deliveries';

export type ReplayStatus = 'dead' | 'parked';

export interface ReplayRequest {
  tenantId: string;
  statuses: ReplayStatus[];
  destination?: Platform;
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
 * Publishes the selected deliveries to the shortest retry tier (replayDeliveries), through a
 * short-lived Kafka producer, with a progress line at a terminal.
 */
export async function replayViaKafka(ctx: CommandContext, request: ReplayRequest): Promise<{ replayed: number; topic: string }> {
  const { env } = ctx;
  if (!env.KAFKA_BROKERS) throw new ValidationError('KAFKA_BROKERS is not set: replays are published to the dispatcher\'s retry topic');
  const topics = kafkaTopics(env);
  const topic = topics.retries[0]!.name;
  const transport = createTransport({ brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID });
  const producer = transport.createProducer();
  const progress = ctx.out.progress();
  const report = ({ replayed }: ReplayProgress) => progress.update(`Replaying deliveries of tenant ${request.tenantId}: ${replayed} sent to ${topic}`);
  try {
    report({ replayed: 0 });
    await producer.connect();
    const { replayed } = await replayDeliveries(
      { deliveries: ctx.deliveries, producer, topics },
      { tenantId: request.tenantId, statuses: request.statuses, ...(request.destination ? { destination: request.destination } : {}), ...(request.since ? { since: request.since } : {}) },
      report,
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
    progress.end();
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
    ...(ctx.string('destination') ? { destination: ctx.string('destination') as Platform } : {}),
    ...(since ? { since } : {}),
  };
  const { replayed, topic } = await replayViaKafka(ctx, request);
  ctx.out.result(
    { tenant_id: tenant.id, statuses: request.statuses, destination: request.destination ?? null, since: request.since ?? null, replayed, topic },
    () =>
      replayed === 0
        ? `No ${request.statuses.join(' or ')} deliveries to replay for tenant ${tenant.id}`
        : `Replayed ${replayed} deliver${replayed === 1 ? 'y' : 'ies'} of tenant ${tenant.id} (sent to ${topic}, due now; the dispatcher sends them again)`,
  );
}

/** Each platform's oldest accepted event, for the help text ("meta 168 h, ga4 72 h"). */
const MAX_AGES = PLATFORM_IDS.map((id) => `${id} ${platformDefinition(id).limits.maxEventAgeSeconds / 3600} h`).join(', ');

export function deliveriesCommand(runs: Runs): Command {
  return groupCommand('deliveries', 'List and replay deliveries (one per event and destination)', [
    deliveriesListCommand(runs),
    leafCommand('replay', 'Send dead and/or parked deliveries again', {
      details:
        'Each matching delivery is published to the shortest retry tier, due now and flagged as a ' +
        'replay, so the dispatcher sends it although it is settled (deciding consent again). Events ' +
        `older than the platform accepts (${MAX_AGES}) die again, with the reason. ` +
        'Needs KAFKA_BROKERS (and the KAFKA_TOPIC_PREFIX / KAFKA_RETRY_DELAYS_MS the dispatcher uses).',
      examples: [
        'attribution deliveries replay --tenant 6f1c…',
        `attribution deliveries replay --tenant 6f1c… --status dead --destination ${PLATFORM_IDS[0]} --since 2026-11-20`,
      ],
    })
      .addOption(tenantOption())
      .addOption(valueOption('--status <status>', 'which deliveries', { choices: ['dead', 'parked'], defaultText: 'both' }))
      .addOption(valueOption('--destination <platform>', 'only this destination', { choices: PLATFORM_IDS, defaultText: 'all' }))
      .addOption(valueOption('--since <iso-date>', 'only deliveries that reached their status at or after this time'))
      .action(runs(replay, { kafka: true })),
  ]);
}
