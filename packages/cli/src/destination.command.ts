import { openDestinationCredentials, sealDestinationCredentials, type Destination } from '@attribution/db';
import { NotFoundError, RuntimeError, ValidationError } from './cli-errors';
import { patternOption } from './cli-validate';
import type { CommandSpec, OptionSpec } from './command';
import { TX_OPTIONS, type CommandContext } from './context';
import { replayCommandLine, replayViaKafka, type PlatformName, type ReplayRequest } from './deliveries.command';
import { table } from './output';
import { TENANT_OPTION } from './tenant.command';

const PLATFORMS = ['meta', 'ga4'] as const;

/** A fixed-width mask: never the length, at most the last 4 characters of a long secret. */
export function maskSecret(value: unknown): string {
  if (typeof value !== 'string') return '****';
  return value.length >= 12 ? `****${value.slice(-4)}` : '****';
}

function maskAll(credentials: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(credentials).map(([k, v]) => [k, maskSecret(v)]));
}

/** `-` as a secret's value reads it from stdin, so it stays out of shell history and `ps`. */
async function secretValue(ctx: CommandContext, option: string, pattern: RegExp, expected: string): Promise<string> {
  let raw = ctx.required(option);
  if (raw === '-') raw = (await ctx.readStdin()).split(/\r?\n/)[0] ?? '';
  return patternOption(option, raw, pattern, expected, true);
}

interface PlatformInput {
  settings: Record<string, string>;
  credentials: Record<string, string>;
}

const PRINTABLE_SECRET = /^[\x21-\x7e]{8,2048}$/;

function requireFor(ctx: CommandContext, platform: PlatformName, required: string[], forbidden: string[]): void {
  for (const name of forbidden) {
    if (ctx.options[name] !== undefined) throw new ValidationError(`option '--${name}' does not apply to ${platform}`);
  }
  for (const name of required) {
    if (ctx.options[name] === undefined) throw new ValidationError(`required option '--${name}' not specified for ${platform}`);
  }
}

async function platformInput(ctx: CommandContext, platform: PlatformName): Promise<PlatformInput> {
  if (platform === 'meta') {
    requireFor(ctx, platform, ['pixel-id', 'access-token'], ['measurement-id', 'api-secret']);
    const pixelId = patternOption('pixel-id', ctx.required('pixel-id'), /^\d{1,32}$/, 'a Meta pixel (dataset) id: digits only');
    const testEventCode = ctx.string('test-event-code');
    const accessToken = await secretValue(ctx, 'access-token', PRINTABLE_SECRET, 'an access token (8 or more printable characters, no spaces)');
    return {
      settings: {
        pixel_id: pixelId,
        ...(testEventCode !== undefined ? { test_event_code: patternOption('test-event-code', testEventCode, /^[A-Za-z0-9_-]{1,64}$/, 'a test event code such as TEST12345') } : {}),
      },
      credentials: { access_token: accessToken },
    };
  }
  requireFor(ctx, platform, ['measurement-id', 'api-secret'], ['pixel-id', 'access-token', 'test-event-code']);
  const measurementId = patternOption('measurement-id', ctx.required('measurement-id'), /^G-[A-Z0-9]{4,20}$/i, 'a GA4 measurement id such as G-ABC123XYZ').toUpperCase();
  const apiSecret = await secretValue(ctx, 'api-secret', PRINTABLE_SECRET, 'a Measurement Protocol API secret (8 or more printable characters, no spaces)');
  return { settings: { measurement_id: measurementId }, credentials: { api_secret: apiSecret } };
}

/**
 * Credentials sealed with another key than the dispatcher's are skipped by the dispatcher. If
 * credentials are already stored, the key given must open one of them (this destination's
 * first), unless --force says the key really changed.
 */
async function checkCredentialsKey(ctx: CommandContext, tenantId: string, platform: PlatformName, key: string): Promise<void> {
  const same = await ctx.db.destination.findUnique({ where: { tenantId_platform: { tenantId, platform } } });
  const probe = same?.credentialsEncrypted
    ? same
    : await ctx.db.destination.findFirst({ where: { credentialsEncrypted: { not: null } }, orderBy: { updatedAt: 'desc' } });
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

async function set(ctx: CommandContext): Promise<void> {
  const platform = ctx.args[0] as PlatformName;
  const input = await platformInput(ctx, platform);
  const tenant = await ctx.tenant();
  const key = ctx.env.CREDENTIALS_KEY!;
  await checkCredentialsKey(ctx, tenant.id, platform, key);
  const sealed = sealDestinationCredentials(tenant.id, platform, input.credentials, key);
  const { previous, destination } = await ctx.db.$transaction(async (tx) => {
    const previous = await tx.destination.findUnique({ where: { tenantId_platform: { tenantId: tenant.id, platform } } });
    const data = { settings: input.settings, credentialsEncrypted: sealed, status: 'active' as const };
    const destination = await tx.destination.upsert({
      where: { tenantId_platform: { tenantId: tenant.id, platform } },
      create: { tenantId: tenant.id, platform, ...data },
      update: data,
    });
    return { previous, destination };
  }, TX_OPTIONS);

  // Parked deliveries wait for exactly this: new credentials. Send them again now.
  const request: ReplayRequest = { tenantId: tenant.id, statuses: ['parked'], destination: platform };
  const parked = await ctx.db.delivery.count({ where: { tenantId: tenant.id, destination: platform, status: 'parked' } });
  let replayed: number | null = null;
  let replayNote = '';
  if (parked > 0 && ctx.env.KAFKA_BROKERS) {
    const result = await replayViaKafka(ctx.env, ctx.db, request).catch((error: unknown) => {
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
      destination: { platform, status: destination.status, previous_status: previous?.status ?? null, settings: input.settings, credentials: masked },
      parked,
      replayed,
    },
    () =>
      [
        `Destination ${platform} of tenant ${tenant.id} ${previous ? 'updated' : 'created'}: status ${destination.status}` +
          (previous && previous.status !== destination.status ? ` (was ${previous.status})` : ''),
        ...Object.entries({ ...input.settings, ...masked }).map(([k, v]) => `  ${k}: ${v}`),
        ...(replayNote ? [replayNote] : []),
      ].join('\n'),
  );
}

interface ShownDestination {
  platform: string;
  status: string;
  settings: Record<string, unknown>;
  credentials: Record<string, string> | null;
  credentials_set: boolean;
  credentials_readable: boolean;
  updated_at: Date;
}

async function show(ctx: CommandContext): Promise<void> {
  const tenant = await ctx.tenant();
  const rows = await ctx.db.destination.findMany({ where: { tenantId: tenant.id }, orderBy: { platform: 'asc' } });
  const shown = rows.map((row: Destination): ShownDestination => {
    let credentials: Record<string, string> | null = null;
    let readable = false;
    if (row.credentialsEncrypted) {
      try {
        credentials = maskAll(openDestinationCredentials(tenant.id, row.platform, row.credentialsEncrypted, ctx.env.CREDENTIALS_KEY!));
        readable = true;
      } catch {
        ctx.out.warn(
          `the ${row.platform} credentials cannot be opened with this CREDENTIALS_KEY: check the key (a dispatcher with this same key would skip the destination)`,
        );
      }
    }
    return { platform: row.platform, status: row.status, settings: row.settings as Record<string, unknown>, credentials, credentials_set: row.credentialsEncrypted !== null, credentials_readable: readable, updated_at: row.updatedAt };
  });
  const entries = (map: Record<string, unknown> | null) => Object.entries(map ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  ctx.out.result({ tenant_id: tenant.id, destinations: shown }, () =>
    table(shown, [
      { header: 'platform', value: (d) => d.platform },
      { header: 'status', value: (d) => d.status },
      { header: 'settings', value: (d) => entries(d.settings) || '-' },
      { header: 'credentials', value: (d) => (d.credentials ? entries(d.credentials) : d.credentials_set ? 'unreadable with this key' : 'missing') },
      { header: 'updated', value: (d) => d.updated_at.toISOString() },
    ]),
  );
}

async function remove(ctx: CommandContext): Promise<void> {
  const platform = ctx.args[0] as PlatformName;
  const tenant = await ctx.tenant();
  const { count } = await ctx.db.destination.deleteMany({ where: { tenantId: tenant.id, platform } });
  if (count === 0) throw new NotFoundError(`destination ${platform} of tenant ${tenant.id} not found`);
  ctx.out.result({ tenant_id: tenant.id, removed: platform }, () =>
    `Destination ${platform} of tenant ${tenant.id} removed: new events are no longer sent there (delivery history is kept)`,
  );
}

const PLATFORM_ARG = { name: 'platform', description: 'destination platform', choices: PLATFORMS };

const setOptions: OptionSpec[] = [
  TENANT_OPTION,
  { name: 'pixel-id', type: 'string', valueName: 'id', description: 'meta: pixel (dataset) id' },
  { name: 'access-token', type: 'string', valueName: 'token', description: 'meta: Conversions API access token (`-` reads it from stdin)' },
  { name: 'test-event-code', type: 'string', valueName: 'code', description: 'meta: test event code (Events Manager "Test events")' },
  { name: 'measurement-id', type: 'string', valueName: 'id', description: 'ga4: measurement id, G-XXXX' },
  { name: 'api-secret', type: 'string', valueName: 'secret', description: 'ga4: Measurement Protocol API secret (`-` reads it from stdin)' },
  { name: 'force', type: 'boolean', description: 'store even if CREDENTIALS_KEY cannot open the credentials already stored' },
];

export const destinationCommand: CommandSpec = {
  name: 'destination',
  summary: 'Configure where a tenant\'s conversions are sent (Meta CAPI, GA4)',
  subcommands: [
    {
      name: 'set',
      summary: 'Create or replace a destination\'s settings and credentials (sealed with CREDENTIALS_KEY)',
      details:
        'The destination becomes active. Its parked deliveries (refused credentials) are then\n' +
        'replayed when KAFKA_BROKERS is set; otherwise a warning says how to replay them.',
      args: [PLATFORM_ARG],
      options: setOptions,
      env: { credentialsKey: true },
      examples: [
        'attribution destination set --tenant 6f1c… meta --pixel-id 1234567890 --access-token EAAB…',
        'attribution destination set --tenant 6f1c… meta --pixel-id 1234567890 --access-token - < token.txt',
        'attribution destination set --tenant 6f1c… ga4 --measurement-id G-ABC123XYZ --api-secret s3cr3t…',
      ],
      action: set,
    },
    {
      name: 'show',
      summary: 'Show a tenant\'s destinations, secrets masked (****1234)',
      options: [TENANT_OPTION],
      env: { credentialsKey: true },
      examples: ['attribution destination show --tenant 6f1c…'],
      action: show,
    },
    {
      name: 'remove',
      summary: 'Remove a destination (its delivery history is kept)',
      args: [PLATFORM_ARG],
      options: [TENANT_OPTION],
      examples: ['attribution destination remove --tenant 6f1c… ga4'],
      action: remove,
    },
  ],
};
