import { EventRepository, type PersonMatch } from '@attribution/db';
import { erasureDocuments, type ErasableIdentifier } from '@attribution/destinations';
import { ValidationError } from './cli-errors';
import type { Command } from 'commander';
import { flagOption, groupCommand, leafCommand, tenantOption, valueOption } from './cli-options';
import type { Runs } from './cli-program';
import { whileRunning } from './cli-progress';
import type { CommandContext } from './context';

type HashedIdentifier = 'email' | 'phone' | 'external-id';
type Identifier = HashedIdentifier | 'visitor-id';

const IDENTIFIERS: Identifier[] = ['email', 'phone', 'external-id', 'visitor-id'];
const LABEL: Record<Identifier, string> = { email: 'email address', phone: 'phone number', 'external-id': 'external id', 'visitor-id': 'visitor id' };
const ERASABLE: Record<HashedIdentifier, ErasableIdentifier> = { email: 'email', phone: 'phone', 'external-id': 'external_id' };

/**
 * The jsonb documents a matching event's user_data contains: the same hashes the ingest-api
 * stored (with the tenant's default country), under every identifier profile of the registry
 * that can be searched by this identifier (so a value a site sent pre-hashed with either
 * normalisation matches).
 */
export function erasePatterns(identifier: HashedIdentifier, raw: string, defaultCountry: string | null): object[] {
  return erasureDocuments(ERASABLE[identifier], raw, { defaultCountry });
}

/**
 * Whose events of one tenant to erase. A visitor id (the pixel's first-party `_att_vid` cookie,
 * stored as given in `context`) is compared as is; the others as stored hashes.
 */
function personMatch(identifier: Identifier, raw: string, tenant: { defaultCountry: string | null }): PersonMatch {
  if (identifier === 'visitor-id') {
    const visitorId = raw.trim();
    if (visitorId === '') throw new ValidationError('the visitor id given is empty, so no stored event can match it; nothing was deleted');
    return { visitorId };
  }
  const userData = erasePatterns(identifier, raw, tenant.defaultCountry);
  if (userData.length === 0) {
    const hint = identifier === 'phone' && !tenant.defaultCountry ? ' (give it with its country code, e.g. +1…: the tenant has no default country)' : '';
    throw new ValidationError(`the ${LABEL[identifier]} given is not valid, so no stored event can match it${hint}; nothing was deleted`);
  }
  return { userData };
}

async function erase(ctx: CommandContext): Promise<void> {
  const given = IDENTIFIERS.filter((name) => ctx.string(name) !== undefined);
  if (given.length !== 1) throw new ValidationError('give exactly one of --email, --phone, --external-id or --visitor-id');
  const identifier = given[0]!;
  const tenant = await ctx.tenant();
  const match = personMatch(identifier, ctx.string(identifier)!, tenant);
  const dryRun = !ctx.flag('yes');
  const { events, deliveries } = await whileRunning(
    ctx.out.progress(),
    `${dryRun ? 'Counting' : 'Deleting'} the events of tenant ${tenant.id} that match the given ${LABEL[identifier]}`,
    new EventRepository(ctx.db).erasePerson(tenant.id, match, { dryRun }),
  );
  const what = `event${events === 1 ? '' : 's'} (and ${deliveries} deliver${deliveries === 1 ? 'y' : 'ies'}) of tenant ${tenant.id} matching the given ${LABEL[identifier]}`;
  ctx.out.result({ tenant_id: tenant.id, identifier, dry_run: dryRun, events, deliveries, deleted: !dryRun }, () =>
    dryRun
      ? `Would delete ${events} ${what}.\nNothing was deleted: run again with --yes to delete them.`
      : `Deleted ${events} ${what}.`,
  );
}

export function gdprCommand(runs: Runs): Command {
  return groupCommand('gdpr', 'Data-subject requests', [
    leafCommand('erase', "Delete a person's events (and their deliveries) from one tenant", {
      details:
        "The identifier is normalised and hashed exactly as at ingest (with the tenant's default " +
        'country for phone numbers) and matched against the stored hashes; a visitor id is matched ' +
        'as stored. It is never printed or stored. Without --yes, only counts what would be deleted. ' +
        "Copies already published to Kafka expire with the topics' retention.",
      examples: [
        'attribution gdpr erase --tenant 6f1c… --email jane@example.com',
        'attribution gdpr erase --tenant 6f1c… --email jane@example.com --yes',
        'attribution gdpr erase --tenant 6f1c… --phone "+1 415 555 2671" --yes --json',
        'attribution gdpr erase --tenant 6f1c… --visitor-id 3f0c6a8e-5b1d-4c2e-9a7f-1e2d3c4b5a69 --yes',
      ],
    })
      .addOption(tenantOption())
      .addOption(valueOption('--email <email>', "the person's email address"))
      .addOption(valueOption('--phone <phone>', "the person's phone number (E.164, or national in the tenant's default country)"))
      .addOption(valueOption('--external-id <id>', "the site's own id for the person"))
      .addOption(valueOption('--visitor-id <id>', "the tracking pixel's visitor id (the _att_vid cookie of the person's browser)"))
      .addOption(flagOption('--yes', 'really delete (otherwise a dry run)'))
      .action(runs(erase)),
  ]);
}
