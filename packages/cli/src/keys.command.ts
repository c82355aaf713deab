import { ApiKeyRepository, generateApiKey, inTransaction, TenantRepository, type ApiKeyKind } from '@attribution/db';
import type { Command } from 'commander';
import { groupCommand, leafCommand, tenantOption, valueOption } from './cli-options';
import type { Runs } from './cli-program';
import type { CommandContext } from './context';
import { fields, table } from './output';

async function rotate(ctx: CommandContext): Promise<void> {
  const tenant = await ctx.tenant();
  const choice = ctx.string('kind') ?? 'both';
  const kinds: ApiKeyKind[] = choice === 'both' ? ['public', 'secret'] : [choice as ApiKeyKind];
  const fresh = kinds.map((kind) => generateApiKey(kind));
  // One transaction: the new keys exist before the old ones stop working, and a failure
  // leaves the old keys untouched. The api_keys trigger announces the revocation at commit.
  const { created, revoked } = await inTransaction(ctx.db, async (tx) => {
    // Two rotations of one tenant at once would each keep their own new key: take turns.
    await new TenantRepository(tx).lock(tenant.id);
    return new ApiKeyRepository(tx).rotate(tenant.id, fresh);
  });
  const keyOf = (kind: ApiKeyKind) => fresh.find((k) => k.kind === kind)?.key;
  ctx.out.result(
    {
      tenant_id: tenant.id,
      keys: Object.fromEntries(kinds.map((kind) => [kind, keyOf(kind)])),
      created: created.map((k) => ({ id: k.id, kind: k.kind, prefix: k.displayPrefix })),
      revoked: revoked.map((k) => ({ id: k.id, kind: k.kind, prefix: k.displayPrefix, revoked_at: k.revokedAt })),
    },
    () =>
      [
        `Rotated ${kinds.join(' and ')} key${kinds.length > 1 ? 's' : ''} of tenant ${tenant.id}`,
        '',
        'New keys (shown once: only their hashes are stored)',
        fields(kinds.map((kind) => [`${kind} key`, keyOf(kind)!]), '  '),
        '',
        `Revoked (refused by every ingest-api replica within a second)`,
        table(revoked, [
          { header: 'kind', value: (k) => k.kind },
          { header: 'prefix', value: (k) => `${k.displayPrefix}…` },
        ]),
      ].join('\n'),
  );
}

export function keysCommand(runs: Runs): Command {
  return groupCommand('keys', "Manage a tenant's API keys", [
    leafCommand('rotate', 'Create new keys and revoke the old ones, in one transaction', {
      details:
        'Every ingest-api replica refuses the revoked keys within a second (PostgreSQL change notifications). ' +
        'Deploy the new secret key to your servers and the new public key to your pages first if you need an overlap: rotation is immediate.',
      examples: ['attribution keys rotate --tenant 6f1c…', 'attribution keys rotate --tenant 6f1c… --kind secret --json'],
    })
      .addOption(tenantOption())
      .addOption(valueOption('--kind <kind>', 'which keys to rotate', { choices: ['public', 'secret', 'both'], defaultText: 'both' }))
      .action(runs(rotate)),
  ]);
}
