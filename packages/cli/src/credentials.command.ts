import { rotateDestinationCredentials, type CredentialsRotationReport } from '@attribution/db';
import { RuntimeError } from './cli-errors';
import { integerOption } from './cli-validate';
import type { Command } from 'commander';
import { flagOption, groupCommand, leafCommand, valueOption } from './cli-options';
import type { Runs } from './cli-program';
import type { CommandContext } from './context';
import { fields, table } from './output';

/** The failures named by tenant and destination (and the key ids involved), never a secret. */
function failureSummary(report: CredentialsRotationReport): string {
  const shown = report.failures.slice(0, 10).map((f) => `tenant ${f.tenantId} destination ${f.platform}`);
  const more = report.failed > shown.length ? `; and ${report.failed - shown.length} more (see the output)` : '';
  return `${shown.join('; ')}${more}`;
}

async function rotateKey(ctx: CommandContext): Promise<void> {
  // Keys come from the environment only: on the command line they would show in `ps` and shell history.
  const keyring = ctx.credentialsKeyring();
  const batchSize = integerOption('batch-size', ctx.string('batch-size') ?? '100', 1, 1_000);
  const tenantId = ctx.string('tenant') === undefined ? undefined : (await ctx.tenant()).id;
  const dryRun = ctx.flag('dry-run');
  const report = await rotateDestinationCredentials(ctx.db, keyring, { tenantId, dryRun, batchSize });
  ctx.out.result(
    {
      dry_run: dryRun,
      tenant_id: tenantId ?? null,
      key_ids: { current: keyring.currentKeyId, previous: keyring.previousKeyId },
      scanned: report.scanned,
      resealed: report.resealed,
      already_current: report.alreadyCurrent,
      failed: report.failed,
      failures: report.failures.map((f) => ({ tenant_id: f.tenantId, destination: f.platform, reason: f.reason })),
    },
    () =>
      [
        `${dryRun ? 'Dry run (nothing changed): would re-seal' : 'Re-sealed'} destination credentials ${tenantId ? `of tenant ${tenantId}` : 'of every tenant'} under CREDENTIALS_KEY (key id ${keyring.currentKeyId})`,
        fields([
          ['scanned', String(report.scanned)],
          [dryRun ? 'would re-seal' : 're-sealed', String(report.resealed)],
          ['already current', String(report.alreadyCurrent)],
          ['failed', String(report.failed)],
        ], '  '),
        ...(report.failed > 0
          ? ['', 'Open under neither key (left as they are)', table(report.failures, [
              { header: 'tenant', value: (f) => f.tenantId },
              { header: 'destination', value: (f) => f.platform },
              { header: 'reason', value: (f) => f.reason },
            ])]
          : []),
      ].join('\n'),
  );
  if (report.failed > 0) {
    throw new RuntimeError(
      `${report.failed} destination credential${report.failed === 1 ? '' : 's'} open under neither CREDENTIALS_KEY nor CREDENTIALS_KEY_PREVIOUS ` +
        `(${failureSummary(report)}). Check that CREDENTIALS_KEY_PREVIOUS is the key they were sealed with, or set those destinations again; ` +
        'the others were ' + (dryRun ? 'only counted (dry run).' : 're-sealed, and running again re-seals only what is left.'),
    );
  }
}

export function credentialsCommand(runs: Runs): Command {
  return groupCommand('credentials', 'Manage the key that seals destination credentials', [
    leafCommand('rotate-key', 'Re-seal every destination credential under CREDENTIALS_KEY (opened with it or CREDENTIALS_KEY_PREVIOUS)', {
      details:
        'Reads both keys from the environment, never from the command line. Deploy the dispatchers with ' +
        'CREDENTIALS_KEY=<new> and CREDENTIALS_KEY_PREVIOUS=<old> first: they open rows under either key. ' +
        'Rows are re-sealed in batches, each in its own transaction; rows already under the new key are ' +
        'left alone, so an interrupted run is resumed by running it again. Exit 1 if any credential ' +
        'opens under neither key (named by tenant and destination). See docs/key-rotation.md.',
      examples: [
        'CREDENTIALS_KEY=… CREDENTIALS_KEY_PREVIOUS=… attribution credentials rotate-key --dry-run',
        'attribution credentials rotate-key --json',
        'attribution credentials rotate-key --tenant 6f1c…',
      ],
    })
      .addOption(valueOption('--tenant <id>', "only this tenant's destinations", { defaultText: 'every tenant' }))
      .addOption(flagOption('--dry-run', 'open and count, change nothing'))
      .addOption(valueOption('--batch-size <n>', 'rows per transaction (1-1000)', { defaultText: '100' }))
      .action(runs(rotateKey, { credentialsKey: true, previousCredentialsKey: true })),
  ]);
}
