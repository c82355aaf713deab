import { hashUserData, type RawUserData } from '@attribution/core';
import { Prisma } from '@attribution/db';
import { ValidationError } from './cli-errors';
import type { CommandSpec } from './command';
import { TX_OPTIONS, type CommandContext } from './context';
import { TENANT_OPTION } from './tenant.command';

type HashedIdentifier = 'email' | 'phone' | 'external-id';
type Identifier = HashedIdentifier | 'visitor-id';

const IDENTIFIERS: Identifier[] = ['email', 'phone', 'external-id', 'visitor-id'];
const LABEL: Record<Identifier, string> = { email: 'email address', phone: 'phone number', 'external-id': 'external id', 'visitor-id': 'visitor id' };

/**
 * The jsonb documents a matching event's user_data contains: the same hashes the ingest-api
 * stored (hashUserData with the tenant's default country), under Meta's keys and, for email and
 * phone, Google's too (so a value a site sent pre-hashed with either normalisation matches).
 */
export function erasePatterns(identifier: HashedIdentifier, raw: string, defaultCountry: string | null): object[] {
  const input: RawUserData =
    identifier === 'email' ? { email: raw } : identifier === 'phone' ? { phone: raw } : { external_id: raw };
  const { meta, google } = hashUserData(input, { defaultCountry });
  const patterns: object[] = [];
  const add = (section: 'meta' | 'google', key: string, hashes: string[] | undefined) =>
    hashes?.forEach((hash) => patterns.push({ [section]: { [key]: [hash] } }));
  if (identifier === 'email') {
    add('meta', 'em', meta.em);
    add('google', 'sha256_email_address', google.sha256_email_address);
  } else if (identifier === 'phone') {
    add('meta', 'ph', meta.ph);
    add('google', 'sha256_phone_number', google.sha256_phone_number);
  } else {
    add('meta', 'external_id', meta.external_id);
  }
  return patterns;
}

/**
 * The WHERE clause for one person's events of one tenant. A visitor id (the pixel's first-party
 * `_att_vid` cookie, stored as given in `context`) is compared as is; the others as stored hashes.
 */
function personMatch(identifier: Identifier, raw: string, tenant: { id: string; defaultCountry: string | null }): Prisma.Sql {
  if (identifier === 'visitor-id') {
    const visitorId = raw.trim();
    if (visitorId === '') throw new ValidationError('the visitor id given is empty, so no stored event can match it; nothing was deleted');
    return Prisma.sql`tenant_id = ${tenant.id}::uuid AND context @> ${JSON.stringify({ visitor_id: visitorId })}::jsonb`;
  }
  const patterns = erasePatterns(identifier, raw, tenant.defaultCountry);
  if (patterns.length === 0) {
    const hint = identifier === 'phone' && !tenant.defaultCountry ? ' (give it with its country code, e.g. +1…: the tenant has no default country)' : '';
    throw new ValidationError(`the ${LABEL[identifier]} given is not valid, so no stored event can match it${hint}; nothing was deleted`);
  }
  return Prisma.sql`tenant_id = ${tenant.id}::uuid AND (${Prisma.join(
    patterns.map((p) => Prisma.sql`user_data @> ${JSON.stringify(p)}::jsonb`),
    ' OR ',
  )})`;
}

async function erase(ctx: CommandContext): Promise<void> {
  const given = IDENTIFIERS.filter((name) => ctx.string(name) !== undefined);
  if (given.length !== 1) throw new ValidationError('give exactly one of --email, --phone, --external-id or --visitor-id');
  const identifier = given[0]!;
  const tenant = await ctx.tenant();
  const matches = personMatch(identifier, ctx.string(identifier)!, tenant);
  const dryRun = !ctx.flag('yes');
  const { events, deliveries } = await ctx.db.$transaction(async (tx) => {
    const [counts] = await tx.$queryRaw<Array<{ events: bigint; deliveries: bigint }>>`
      SELECT (SELECT count(*) FROM events WHERE ${matches}) AS events,
             (SELECT count(*) FROM deliveries WHERE event_pk IN (SELECT id FROM events WHERE ${matches})) AS deliveries`;
    // Deliveries go with their events (ON DELETE CASCADE).
    const events = dryRun ? Number(counts!.events) : await tx.$executeRaw`DELETE FROM events WHERE ${matches}`;
    return { events, deliveries: Number(counts!.deliveries) };
  }, TX_OPTIONS);
  const what = `event${events === 1 ? '' : 's'} (and ${deliveries} deliver${deliveries === 1 ? 'y' : 'ies'}) of tenant ${tenant.id} matching the given ${LABEL[identifier]}`;
  ctx.out.result({ tenant_id: tenant.id, identifier, dry_run: dryRun, events, deliveries, deleted: !dryRun }, () =>
    dryRun
      ? `Would delete ${events} ${what}.\nNothing was deleted: run again with --yes to delete them.`
      : `Deleted ${events} ${what}.`,
  );
}

export const gdprCommand: CommandSpec = {
  name: 'gdpr',
  summary: 'Data-subject requests',
  subcommands: [
    {
      name: 'erase',
      summary: 'Delete a person\'s events (and their deliveries) from one tenant',
      details:
        'The identifier is normalised and hashed exactly as at ingest (with the tenant\'s default\n' +
        'country for phone numbers) and matched against the stored hashes; a visitor id is matched\n' +
        'as stored. It is never printed or stored. Without --yes, only counts what would be deleted.\n' +
        'Copies already published to Kafka expire with the topics\' retention.',
      options: [
        TENANT_OPTION,
        { name: 'email', type: 'string', valueName: 'email', description: 'the person\'s email address' },
        { name: 'phone', type: 'string', valueName: 'phone', description: 'the person\'s phone number (E.164, or national in the tenant\'s default country)' },
        { name: 'external-id', type: 'string', valueName: 'id', description: 'the site\'s own id for the person' },
        { name: 'visitor-id', type: 'string', valueName: 'id', description: 'the tracking pixel\'s visitor id (the _att_vid cookie of the person\'s browser)' },
        { name: 'yes', type: 'boolean', description: 'really delete (otherwise a dry run)' },
      ],
      examples: [
        'attribution gdpr erase --tenant 6f1c… --email jane@example.com',
        'attribution gdpr erase --tenant 6f1c… --email jane@example.com --yes',
        'attribution gdpr erase --tenant 6f1c… --phone "+1 415 555 2671" --yes --json',
        'attribution gdpr erase --tenant 6f1c… --visitor-id 3f0c6a8e-5b1d-4c2e-9a7f-1e2d3c4b5a69 --yes',
      ],
      action: erase,
    },
  ],
};
