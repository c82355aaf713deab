import { DELIVERY_STATUSES, MAX_DELIVERY_PAGE, type DeliveryListPosition, type ListedDelivery } from '@attribution/db';
import { PLATFORM_IDS } from '@attribution/destinations';
import type { Command } from 'commander';
import { ValidationError } from './cli-errors';
import { leafCommand, tenantOption, valueOption } from './cli-options';
import type { Runs } from './cli-program';
import { integerOption, isoDateOption } from './cli-validate';
import type { CommandContext } from './context';
import { table } from './output';

const DEFAULT_LIMIT = 50;
/** Of last_error in the table (the JSON has all of it). */
const ERROR_WIDTH = 60;

/** Where the next page starts, as the operator passes it back: opaque, so its form may change. */
export function encodeCursor(position: DeliveryListPosition): string {
  return Buffer.from(`${position.updatedAt.toISOString()}/${position.id}`).toString('base64url');
}

export function decodeCursor(raw: string): DeliveryListPosition {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\/(\d{1,19})$/.exec(Buffer.from(raw.trim(), 'base64url').toString('utf8'));
  const updatedAt = new Date(match?.[1] ?? NaN);
  // A time the cursor did not come from (31 February) would roll over silently: it must read back the same.
  if (!match || Number.isNaN(updatedAt.getTime()) || updatedAt.toISOString() !== match[1]) {
    throw new ValidationError(`option '--cursor': '${raw}' is not a cursor printed by \`attribution deliveries list\``);
  }
  return { updatedAt, id: BigInt(match[2]!) };
}

function deliveryJson(d: ListedDelivery) {
  return {
    id: d.id,
    event_id: d.event.eventId,
    event_name: d.event.eventName,
    destination: d.destination,
    status: d.status,
    attempts: d.attempts,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    next_attempt_at: d.nextAttemptAt,
    sent_at: d.sentAt,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

const clip = (text: string | null) => (text === null ? '-' : text.length > ERROR_WIDTH ? `${text.slice(0, ERROR_WIDTH - 1)}…` : text);

async function list(ctx: CommandContext): Promise<void> {
  const optional = <T>(name: string, parse: (raw: string) => T): T | undefined => {
    const raw = ctx.string(name);
    return raw === undefined ? undefined : parse(raw);
  };
  const since = optional('since', (raw) => isoDateOption('since', raw));
  const until = optional('until', (raw) => isoDateOption('until', raw));
  if (since && until && since >= until) throw new ValidationError("option '--since' must be before '--until'");
  const limit = optional('limit', (raw) => integerOption('limit', raw, 1, MAX_DELIVERY_PAGE)) ?? DEFAULT_LIMIT;
  const after = optional('cursor', decodeCursor);
  const tenant = await ctx.tenant();
  const { deliveries, next } = await ctx.deliveries.list({
    tenantId: tenant.id,
    status: ctx.string('status') as ListedDelivery['status'] | undefined,
    destination: ctx.string('destination'),
    since,
    until,
    after,
    limit,
  });
  const cursor = next ? encodeCursor(next) : null;
  ctx.out.result({ tenant_id: tenant.id, deliveries: deliveries.map(deliveryJson), next_cursor: cursor }, () =>
    [
      table(deliveries, [
        { header: 'id', value: (d) => String(d.id) },
        { header: 'event id', value: (d) => d.event.eventId },
        { header: 'event', value: (d) => d.event.eventName },
        { header: 'destination', value: (d) => d.destination },
        { header: 'status', value: (d) => d.status },
        { header: 'attempts', value: (d) => String(d.attempts) },
        { header: 'code', value: (d) => (d.lastStatusCode === null ? '-' : String(d.lastStatusCode)) },
        { header: 'updated', value: (d) => d.updatedAt.toISOString() },
        { header: 'error', value: (d) => clip(d.lastError) },
      ]),
      ...(cursor ? [`(more: run the same command with --cursor ${cursor})`] : []),
    ].join('\n'),
  );
}

export function deliveriesListCommand(runs: Runs): Command {
  return leafCommand('list', "List a tenant's deliveries, the most recent status change first", {
    details:
      `At most --limit per page (default ${DEFAULT_LIMIT}, at most ${MAX_DELIVERY_PAGE}); when there are more, the output ends with ` +
      'the cursor of the next page (`next_cursor` with --json): run the same command with --cursor <that cursor>. ' +
      '--since and --until select by the time a delivery reached its current status.',
    examples: [
      'attribution deliveries list --tenant 6f1c…',
      `attribution deliveries list --tenant 6f1c… --status dead --destination ${PLATFORM_IDS[0]} --since 2026-11-20 --json`,
      'attribution deliveries list --tenant 6f1c… --limit 1000 --cursor MjAyNi0xMS0yMFQxMjowNTowMC4wMDBaLzQy',
    ],
  })
    .addOption(tenantOption())
    .addOption(valueOption('--status <status>', 'only deliveries in this status', { choices: DELIVERY_STATUSES, defaultText: 'all' }))
    .addOption(valueOption('--destination <platform>', 'only this destination', { choices: PLATFORM_IDS, defaultText: 'all' }))
    .addOption(valueOption('--since <iso-date>', 'only deliveries that reached their status at or after this time'))
    .addOption(valueOption('--until <iso-date>', 'only deliveries that reached their status before this time'))
    .addOption(valueOption('--limit <n>', `deliveries per page (1-${MAX_DELIVERY_PAGE})`, { defaultText: String(DEFAULT_LIMIT) }))
    .addOption(valueOption('--cursor <cursor>', 'the next page of an earlier listing (its next_cursor)'))
    .action(runs(list));
}
