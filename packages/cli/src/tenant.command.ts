import type { ApiKey, Tenant } from '@attribution/db';
import type { Command } from 'commander';
import { flagOption, groupCommand, leafCommand, tenantOption, valueOption } from './cli-options';
import type { Runs } from './cli-program';
import { countryOption, inRegistryOrder, originsOption, retentionOption, RETENTION_DAYS, tenantNameOption } from './cli-validate';
import { ValidationError } from './cli-errors';
import type { CommandContext } from './context';
import { fields, table } from './output';

export function tenantJson(t: Tenant) {
  return {
    id: t.id,
    name: t.name,
    status: t.status,
    retention_days: t.retentionDays,
    allowed_origins: t.allowedOrigins,
    default_country: t.defaultCountry,
    consent_policy: t.consentPolicy,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  };
}

export function keyJson(k: ApiKey) {
  return { id: k.id, kind: k.kind, prefix: k.displayPrefix, state: k.revokedAt ? 'revoked' : 'active', created_at: k.createdAt, revoked_at: k.revokedAt };
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : '-');
const originsText = (origins: string[]) => (origins.length ? origins.join(', ') : '(none: public keys are refused from every origin)');

function tenantFields(t: Tenant): string {
  return fields([
    ['id', t.id],
    ['name', t.name],
    ['status', t.status],
    ['retention days', String(t.retentionDays)],
    ['allowed origins', originsText(t.allowedOrigins)],
    ['default country', t.defaultCountry ?? '-'],
    ['consent policy', t.consentPolicy],
    ['created', iso(t.createdAt)],
  ], '  ');
}

async function create(ctx: CommandContext): Promise<void> {
  const name = tenantNameOption(ctx.required('name'));
  const retention = ctx.string('retention-days');
  const country = ctx.string('default-country');
  const input = {
    name,
    ...(retention !== undefined ? { retentionDays: retentionOption('retention-days', retention) } : {}),
    allowedOrigins: originsOption(ctx.list('origin')),
    ...(country !== undefined ? { defaultCountry: countryOption(country) } : {}),
    ...(ctx.string('consent-policy') ? { consentPolicy: ctx.string('consent-policy') as 'block' | 'allow' } : {}),
  };
  const { tenant, publicKey, secretKey } = await ctx.tenants.create(input);
  ctx.out.result({ tenant: tenantJson(tenant), keys: { public: publicKey, secret: secretKey } }, () =>
    [
      `Created tenant ${tenant.id}`,
      tenantFields(tenant),
      '',
      'API keys (shown once: only their hashes are stored)',
      fields([['public key', publicKey], ['secret key', secretKey]], '  '),
      '',
      `The public key (pk_) is for browsers on the allowed origins; the secret key (sk_) is for servers only.`,
    ].join('\n'),
  );
}

async function list(ctx: CommandContext): Promise<void> {
  const tenants = await ctx.tenants.list();
  ctx.out.result({ tenants: tenants.map(tenantJson) }, () =>
    table(tenants, [
      { header: 'id', value: (t) => t.id },
      { header: 'name', value: (t) => t.name },
      { header: 'status', value: (t) => t.status },
      { header: 'retention', value: (t) => `${t.retentionDays}d` },
      { header: 'country', value: (t) => t.defaultCountry ?? '-' },
      { header: 'consent', value: (t) => t.consentPolicy },
      { header: 'origins', value: (t) => String(t.allowedOrigins.length) },
      { header: 'created', value: (t) => iso(t.createdAt) },
    ]),
  );
}

async function show(ctx: CommandContext): Promise<void> {
  const tenant = await ctx.tenant();
  const [keys, stored, counts] = await Promise.all([
    ctx.apiKeys.listForTenant(tenant.id),
    ctx.destinations.listForTenant(tenant.id),
    ctx.deliveries.countsByStatus(tenant.id),
  ]);
  const destinations = inRegistryOrder(stored, (d) => d.platform);
  const deliveryRows = inRegistryOrder(counts, (d) => d.destination);
  const destinationRows = destinations.map((d) => ({
    platform: d.platform,
    status: d.status,
    settings: d.settings as Record<string, unknown>,
    credentials_set: d.credentialsEncrypted !== null,
    updated_at: d.updatedAt,
  }));
  ctx.out.result(
    { tenant: tenantJson(tenant), api_keys: keys.map(keyJson), destinations: destinationRows, deliveries: deliveryRows },
    () =>
      [
        `Tenant ${tenant.id}`,
        tenantFields(tenant),
        '',
        'API keys',
        table(keys, [
          { header: 'kind', value: (k) => k.kind },
          { header: 'prefix', value: (k) => `${k.displayPrefix}…` },
          { header: 'state', value: (k) => (k.revokedAt ? 'revoked' : 'active') },
          { header: 'created', value: (k) => iso(k.createdAt) },
          { header: 'revoked', value: (k) => iso(k.revokedAt) },
        ]),
        '',
        'Destinations (secrets are never shown; `attribution destination show` masks them)',
        table(destinationRows, [
          { header: 'platform', value: (d) => d.platform },
          { header: 'status', value: (d) => d.status },
          { header: 'settings', value: (d) => Object.entries(d.settings).map(([k, v]) => `${k}=${String(v)}`).join(' ') || '-' },
          { header: 'credentials', value: (d) => (d.credentials_set ? 'set' : 'missing') },
          { header: 'updated', value: (d) => iso(d.updated_at) },
        ]),
        '',
        'Deliveries',
        table(deliveryRows, [
          { header: 'destination', value: (d) => d.destination },
          { header: 'status', value: (d) => d.status },
          { header: 'count', value: (d) => String(d.count) },
        ]),
      ].join('\n'),
  );
}

async function setRetention(ctx: CommandContext): Promise<void> {
  const days = retentionOption('days', ctx.required('days'));
  const before = await ctx.tenant();
  const tenant = await ctx.tenants.update(before.id, { retentionDays: days });
  ctx.out.result({ tenant: tenantJson(tenant), previous_retention_days: before.retentionDays }, () =>
    `Tenant ${tenant.id}: retention ${before.retentionDays} → ${tenant.retentionDays} days (the pruner applies it on its next run)`,
  );
}

async function setOrigins(ctx: CommandContext): Promise<void> {
  const raw = ctx.list('origin');
  const none = ctx.flag('none');
  if (none === raw.length > 0) throw new ValidationError(`give either --origin (one or more) or --none`);
  const origins = originsOption(raw);
  const before = await ctx.tenant();
  const tenant = await ctx.tenants.update(before.id, { allowedOrigins: origins });
  ctx.out.result({ tenant: tenantJson(tenant), previous_allowed_origins: before.allowedOrigins }, () =>
    `Tenant ${tenant.id}: allowed origins ${originsText(tenant.allowedOrigins)}`,
  );
}

function setStatus(status: 'active' | 'disabled') {
  return async (ctx: CommandContext): Promise<void> => {
    const before = await ctx.tenant();
    const tenant = before.status === status ? before : await ctx.tenants.update(before.id, { status });
    const changed = before.status !== status;
    ctx.out.result({ tenant: tenantJson(tenant), changed }, () =>
      status === 'disabled'
        ? `Tenant ${tenant.id} ${changed ? 'disabled' : 'was already disabled'}: every ingest-api replica refuses its keys (401) within a second`
        : `Tenant ${tenant.id} ${changed ? 'enabled' : 'was already enabled'}: its active keys are accepted again`,
    );
  };
}

export function tenantCommand(runs: Runs): Command {
  return groupCommand('tenant', 'Create, list, inspect and configure tenants', [
    leafCommand('create', 'Create a tenant and its first public (pk_) and secret (sk_) API keys', {
      details: 'The keys are printed once; only their SHA-256 hashes are stored.',
      examples: [
        `attribution tenant create --name "Shop" --origin https://shop.example --origin https://www.shop.example --default-country US`,
        `attribution tenant create --name "Shop" --retention-days 30 --consent-policy allow --json`,
      ],
    })
      .addOption(valueOption('--name <name>', 'display name', { required: true }))
      .addOption(valueOption('--retention-days <days>', `days events are kept (${RETENTION_DAYS.min}..${RETENTION_DAYS.max})`, { defaultText: '90' }))
      .addOption(valueOption('--origin <origin>', 'allowed browser origin for the public key, scheme://host[:port]', { repeatable: true }))
      .addOption(valueOption('--default-country <cc>', 'ISO 3166-1 alpha-2 country for phone numbers without a country code'))
      .addOption(valueOption('--consent-policy <policy>', 'events without a consent signal are', { choices: ['block', 'allow'], defaultText: 'block' }))
      .action(runs(create)),
    leafCommand('list', 'List every tenant', { examples: ['attribution tenant list', 'attribution tenant list --json'] }).action(runs(list)),
    leafCommand('show', 'Show a tenant: settings, API key prefixes and states, destinations, delivery counts', {
      details: 'Secrets are never shown: keys by their prefix only, destinations without credentials.',
      examples: ['attribution tenant show --tenant 6f1c…'],
    })
      .addOption(tenantOption())
      .action(runs(show)),
    leafCommand('set-retention', "Set how many days a tenant's events are kept", { examples: ['attribution tenant set-retention --tenant 6f1c… --days 30'] })
      .addOption(tenantOption())
      .addOption(valueOption('--days <days>', `${RETENTION_DAYS.min}..${RETENTION_DAYS.max}`, { required: true }))
      .action(runs(setRetention)),
    leafCommand('set-origins', "Replace the browser origins allowed to use the tenant's public key", {
      examples: ['attribution tenant set-origins --tenant 6f1c… --origin https://shop.example --origin https://m.shop.example'],
    })
      .addOption(tenantOption())
      .addOption(valueOption('--origin <origin>', 'allowed origin, scheme://host[:port]', { repeatable: true }))
      .addOption(flagOption('--none', 'allow no origin at all (public key refused everywhere)'))
      .action(runs(setOrigins)),
    leafCommand('disable', 'Disable a tenant: its keys are refused (401) by every replica within a second', { examples: ['attribution tenant disable --tenant 6f1c…'] })
      .addOption(tenantOption())
      .action(runs(setStatus('disabled'))),
    leafCommand('enable', 'Enable a disabled tenant again', { examples: ['attribution tenant enable --tenant 6f1c…'] })
      .addOption(tenantOption())
      .action(runs(setStatus('active'))),
  ]);
}
