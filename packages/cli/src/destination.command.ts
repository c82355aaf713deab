import { inTransaction, DestinationRepository, openDestinationCredentials, sealDestinationCredentials, type CredentialsKeyring, type Destination, type Prisma } from '@attribution/db';
import { PLATFORMS, PLATFORM_IDS, describeEventRules, platformDefinition, type DestinationOption, type EventRules, type Platform } from '@attribution/destinations';
import { NotFoundError, RuntimeError, ValidationError } from './cli-errors';
import { inRegistryOrder, patternOption } from './cli-validate';
import type { Command } from 'commander';
import { argument, flagOption, groupCommand, leafCommand, tenantOption, valueOption, type CliOption } from './cli-options';
import type { Runs } from './cli-program';
import type { CommandContext } from './context';
import { destinationBehaviour, ruleOptions } from './destination-rules';
import { destinationTestCommand } from './destination-test.command';
import { replayCommandLine, replayViaKafka, type ReplayRequest } from './deliveries.command';
import { table } from './output';

/** A fixed-width mask: never the length, at most the last 4 characters of a long secret. */
export function maskSecret(value: unknown): string {
  if (typeof value !== 'string') return '****';
  return value.length >= 12 ? `****${value.slice(-4)}` : '****';
}

function maskAll(credentials: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(credentials).map(([k, v]) => [k, maskSecret(v)]));
}

interface PlatformInput {
  settings: Record<string, string>;
  credentials: Record<string, string>;
}

/** Every platform's options, each once: `destination set` takes the union, a platform refuses the others'. */
const PLATFORM_OPTIONS: Array<{ option: DestinationOption; platforms: Platform[] }> = [];
for (const platform of PLATFORMS) {
  for (const option of platform.options) {
    const known = PLATFORM_OPTIONS.find((o) => o.option.name === option.name);
    if (known) known.platforms.push(platform.id);
    else PLATFORM_OPTIONS.push({ option, platforms: [platform.id] });
  }
}

/** The values the operator gave for `platform`, checked as its folder declares them. */
async function platformInput(ctx: CommandContext, platform: Platform): Promise<PlatformInput> {
  const definition = platformDefinition(platform);
  const own = new Set(definition.options.map((o) => o.name));
  for (const { option } of PLATFORM_OPTIONS) {
    if (!own.has(option.name) && ctx.options[option.name] !== undefined) throw new ValidationError(`option '--${option.name}' does not apply to ${platform}`);
  }
  for (const option of definition.options) {
    if (option.required && ctx.options[option.name] === undefined) throw new ValidationError(`required option '--${option.name}' not specified for ${platform}`);
  }
  const input: PlatformInput = { settings: {}, credentials: {} };
  for (const option of definition.options) {
    if (ctx.options[option.name] === undefined) continue;
    const secret = option.in === 'credentials';
    let raw = ctx.required(option.name);
    // `-` reads a secret from stdin, so it stays out of shell history and `ps`.
    if (secret && raw === '-') raw = (await ctx.readStdin()).split(/\r?\n/)[0] ?? '';
    if (option.uppercase) raw = raw.toUpperCase();
    input[option.in][option.key] = patternOption(option.name, raw, option.pattern, option.expected, secret);
  }
  // The same schemas the dispatcher reads them with: what is stored here is what it can use.
  for (const [where, schema] of [['settings', definition.settings], ['credentials', definition.credentials]] as const) {
    const { error } = schema.validate(input[where]);
    if (error) throw new ValidationError(`${platform} ${where}: ${error.message}`);
  }
  return input;
}

/**
 * Credentials sealed with another key than the dispatcher's are skipped by the dispatcher. If
 * credentials are already stored, the key given (or CREDENTIALS_KEY_PREVIOUS, during a key
 * rotation) must open one of them (this destination's first), unless --force says the key
 * really changed.
 */
async function checkCredentialsKey(ctx: CommandContext, tenantId: string, platform: Platform, key: CredentialsKeyring): Promise<void> {
  const same = await ctx.destinations.find(tenantId, platform);
  const probe = same?.credentialsEncrypted ? same : await ctx.destinations.latestSealed();
  if (!probe?.credentialsEncrypted) return;
  try {
    openDestinationCredentials(probe.tenantId, probe.platform, probe.credentialsEncrypted, key);
  } catch {
    if (ctx.flag('force')) {
      ctx.out.warn('CREDENTIALS_KEY cannot open the credentials already stored; storing anyway (--force)');
      return;
    }
    throw new ValidationError(
      `CREDENTIALS_KEY cannot open the credentials already stored (destination ${probe.platform} of tenant ${probe.tenantId}): ` +
        'it is probably not the key the dispatcher uses, which could not read what this command would store. Nothing was changed. ' +
        'Pass --force if the dispatcher\'s key really changed.',
    );
  }
}

async function setDestination(ctx: CommandContext): Promise<void> {
  const platform = ctx.args[0] as Platform;
  const input = await platformInput(ctx, platform);
  const tenant = await ctx.tenant();
  const key = ctx.credentialsKeyring();
  await checkCredentialsKey(ctx, tenant.id, platform, key);
  const sealed = sealDestinationCredentials(tenant.id, platform, input.credentials, key);
  const { previous, destination, behaviour } = await inTransaction(ctx.db, async (tx) => {
    const repository = new DestinationRepository(tx);
    const behaviour = destinationBehaviour(ctx, platform, input.settings, await repository.find(tenant.id, platform));
    const write = { settings: input.settings, credentialsEncrypted: sealed, status: 'active' as const, testMode: behaviour.testMode, eventRules: { ...behaviour.rules } as Prisma.InputJsonObject };
    return { ...(await repository.upsert(tenant.id, platform, write)), behaviour };
  });

  // Parked deliveries wait for exactly this: new credentials. Send them again now.
  const request: ReplayRequest = { tenantId: tenant.id, statuses: ['parked'], destination: platform };
  const parked = await ctx.deliveries.count(tenant.id, platform, 'parked');
  let replayed: number | null = null;
  let replayNote = '';
  if (parked > 0 && ctx.env.KAFKA_BROKERS) {
    const result = await replayViaKafka(ctx, request).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      throw new RuntimeError(`destination ${platform} of tenant ${tenant.id} was set (status active), but its ${parked} parked deliveries were not replayed: ${message}`, { cause: error });
    });
    replayed = result.replayed;
    replayNote = `Replayed ${replayed} parked deliver${replayed === 1 ? 'y' : 'ies'} (sent to ${result.topic}, due now)`;
  } else if (parked > 0) {
    ctx.out.warn(
      `${parked} parked ${platform} deliver${parked === 1 ? 'y was' : 'ies were'} NOT replayed: KAFKA_BROKERS is not set. ` +
        `Replay them with: KAFKA_BROKERS=… ${replayCommandLine(request)}`,
      { parked, replay_command: replayCommandLine(request) },
    );
  }

  const masked = maskAll(input.credentials);
  ctx.out.result(
    {
      tenant_id: tenant.id,
      destination: {
        platform,
        status: destination.status,
        previous_status: previous?.status ?? null,
        test_mode: behaviour.testMode,
        event_rules: behaviour.rules,
        settings: input.settings,
        credentials: masked,
      },
      parked,
      replayed,
    },
    () =>
      [
        `Destination ${platform} of tenant ${tenant.id} ${previous ? 'updated' : 'created'}: status ${destination.status}` +
          (previous && previous.status !== destination.status ? ` (was ${previous.status})` : '') +
          (behaviour.testMode ? ', in test mode' : ''),
        `  events: ${describeEventRules(behaviour.rules) || 'all, under their own names'}`,
        ...Object.entries({ ...input.settings, ...masked }).map(([k, v]) => `  ${k}: ${v}`),
        ...(replayNote ? [replayNote] : []),
      ].join('\n'),
  );
}

interface ShownDestination {
  platform: string;
  status: string;
  test_mode: boolean;
  event_rules: EventRules;
  settings: Record<string, unknown>;
  credentials: Record<string, string> | null;
  credentials_set: boolean;
  credentials_readable: boolean;
  updated_at: Date;
}

async function show(ctx: CommandContext): Promise<void> {
  const tenant = await ctx.tenant();
  const rows = inRegistryOrder(await ctx.destinations.listForTenant(tenant.id), (d) => d.platform);
  const keyring = ctx.credentialsKeyring();
  const shown = rows.map((row: Destination): ShownDestination => {
    let credentials: Record<string, string> | null = null;
    let readable = false;
    if (row.credentialsEncrypted) {
      try {
        credentials = maskAll(openDestinationCredentials(tenant.id, row.platform, row.credentialsEncrypted, keyring));
        readable = true;
      } catch {
        ctx.out.warn(
          `the ${row.platform} credentials cannot be opened with this CREDENTIALS_KEY: check the key (a dispatcher with this same key would skip the destination)`,
        );
      }
    }
    return {
      platform: row.platform,
      status: row.status,
      test_mode: row.testMode,
      event_rules: row.eventRules as EventRules,
      settings: row.settings as Record<string, unknown>,
      credentials, credentials_set: row.credentialsEncrypted !== null, credentials_readable: readable, updated_at: row.updatedAt };
  });
  const entries = (map: Record<string, unknown> | null) => Object.entries(map ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  ctx.out.result({ tenant_id: tenant.id, destinations: shown }, () =>
    table(shown, [
      { header: 'platform', value: (d) => d.platform },
      { header: 'status', value: (d) => d.status },
      { header: 'mode', value: (d) => (d.test_mode ? 'test' : 'live') },
      { header: 'events', value: (d) => describeEventRules(d.event_rules) || 'all' },
      { header: 'settings', value: (d) => entries(d.settings) || '-' },
      { header: 'credentials', value: (d) => (d.credentials ? entries(d.credentials) : d.credentials_set ? 'unreadable with this key' : 'missing') },
      { header: 'updated', value: (d) => d.updated_at.toISOString() },
    ]),
  );
}

async function remove(ctx: CommandContext): Promise<void> {
  const platform = ctx.args[0] as Platform;
  const tenant = await ctx.tenant();
  if (!(await ctx.destinations.remove(tenant.id, platform))) throw new NotFoundError(`destination ${platform} of tenant ${tenant.id} not found`);
  ctx.out.result({ tenant_id: tenant.id, removed: platform }, () =>
    `Destination ${platform} of tenant ${tenant.id} removed: new events are no longer sent there (delivery history is kept)`,
  );
}

const platformArgument = () => argument('platform', 'destination platform', PLATFORM_IDS);

function setOptions(): CliOption[] {
  return [
    tenantOption(),
    ...PLATFORM_OPTIONS.map(({ option, platforms }) => valueOption(`--${option.name} <${option.valueName}>`, `${platforms.join(', ')}: ${option.description}`)),
    ...ruleOptions(),
    flagOption('--force', 'store even if CREDENTIALS_KEY cannot open the credentials already stored'),
  ];
}

/** One example per platform, from its declared options, and one that reads a secret from stdin. */
const setCommandLine = (p: (typeof PLATFORMS)[number], secretFromStdin = false) =>
  `attribution destination set --tenant 6f1c… ${p.id} ${p.options
    .filter((o) => o.required)
    .map((o) => `--${o.name} ${secretFromStdin && o.in === 'credentials' ? '-' : `<${o.valueName}>`}`)
    .join(' ')}${secretFromStdin ? ' < secret.txt' : ''}`;
const setExamples = [
  ...PLATFORMS.map((p) => setCommandLine(p)),
  setCommandLine(PLATFORMS[0], true),
  'attribution destination set --tenant 6f1c… meta --pixel-id <id> --access-token - --events Purchase,Lead --map Lead=SubmitForm < secret.txt',
];

export function destinationCommand(runs: Runs): Command {
  const set = leafCommand('set', "Create or replace a destination's settings and credentials (sealed with CREDENTIALS_KEY)", {
    details:
      'The destination becomes active. Its parked deliveries (refused credentials) are then ' +
      'replayed when KAFKA_BROKERS is set; otherwise a warning says how to replay them. ' +
      'Event rules (--events, --skip-events, --map) and test mode are kept when not given.',
    examples: setExamples,
  }).addArgument(platformArgument());
  for (const option of setOptions()) set.addOption(option);
  return groupCommand('destination', `Configure where a tenant's conversions are sent (${PLATFORMS.map((p) => p.displayName).join(', ')})`, [
    set.action(runs(setDestination, { credentialsKey: true })),
    leafCommand('show', "Show a tenant's destinations, secrets masked (****1234)", { examples: ['attribution destination show --tenant 6f1c…'] })
      .addOption(tenantOption())
      .action(runs(show, { credentialsKey: true })),
    destinationTestCommand(runs),
    leafCommand('remove', 'Remove a destination (its delivery history is kept)', { examples: ['attribution destination remove --tenant 6f1c… ga4'] })
      .addArgument(platformArgument())
      .addOption(tenantOption())
      .action(runs(remove)),
  ]);
}
