import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '@attribution/core';
import { openDestinationCredentials } from '@attribution/db';
import {
  PLATFORM_IDS,
  applyEventRules,
  createAdapters,
  hashUserData,
  missingTestSetting,
  platformDefinition,
  type DestinationConfig,
  type EventRules,
  type Platform,
  type SendOutcome,
} from '@attribution/destinations';
import { NotFoundError, RuntimeError, ValidationError } from './cli-errors';
import type { Command } from 'commander';
import { argument, leafCommand, tenantOption, valueOption } from './cli-options';
import type { Runs } from './cli-program';
import type { CommandContext } from './context';

/** Long enough for a platform's validation round trip, short enough for an operator waiting. */
const TEST_TIMEOUT_MS = 15_000;

/**
 * A made-up conversion that every platform can use: documentation-range IP, example.com contact
 * data (hashed here, as ingest would), a value and currency, every consent signal granted.
 */
export function syntheticEvent(tenantId: string, eventName: string, defaultCountry: string | null, nowMs = Date.now()): StoredEvent {
  return {
    id: '0',
    tenantId,
    eventId: `attribution-test-${randomUUID()}`,
    eventName,
    eventTime: Math.floor(nowMs / 1000) - 5,
    receivedAt: new Date(nowMs).toISOString(),
    actionSource: 'website',
    sourceUrl: 'https://www.example.com/attribution-destination-test',
    ipAddress: '203.0.113.10',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) attribution-destination-test',
    userData: hashUserData({ email: 'destination-test@example.com', phone: '+14155552671', first_name: 'Test', last_name: 'Person', country: 'US' }, { defaultCountry }),
    clickIds: { ga_client_id: `GA1.1.${Math.floor(nowMs / 1000)}.${Math.floor(nowMs / 1000)}` },
    customData: { currency: 'EUR', value: 1 },
    consent: { ad_storage: 'granted', analytics_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' },
    traceId: null,
  };
}

const VERDICT: Record<SendOutcome['kind'], string> = {
  sent: 'accepted',
  rejected: 'refused',
  auth: 'refused the credentials',
  retry: 'did not answer usefully (try again)',
  skipped: 'was not asked: the event cannot be sent there',
};

async function test(ctx: CommandContext): Promise<void> {
  const platform = ctx.args[0] as Platform;
  const definition = platformDefinition(platform);
  const tenant = await ctx.tenant();
  const row = await ctx.destinations.find(tenant.id, platform);
  if (!row) throw new NotFoundError(`destination ${platform} of tenant ${tenant.id} not found (set it first: attribution destination set --tenant ${tenant.id} ${platform} ...)`);
  const settings = definition.settings.validate(row.settings ?? {}, { stripUnknown: true });
  if (settings.error) throw new ValidationError(`the stored ${platform} settings are invalid: ${settings.error.message}; set the destination again`);
  let credentials: unknown;
  try {
    credentials = row.credentialsEncrypted ? openDestinationCredentials(tenant.id, platform, row.credentialsEncrypted, ctx.credentialsKeyring()) : {};
  } catch {
    throw new ValidationError(`the ${platform} credentials cannot be opened with this CREDENTIALS_KEY (the dispatcher's key)`);
  }
  const secrets = definition.credentials.validate(credentials, { stripUnknown: true });
  if (secrets.error) throw new ValidationError(`the stored ${platform} credentials are invalid: ${secrets.error.message}; set the destination again`);
  const missing = missingTestSetting(definition, settings.value as Record<string, unknown>);
  if (missing) throw new ValidationError(`testing ${platform} needs ${missing}: set it with attribution destination set`);

  const eventName = ctx.string('event') ?? 'Purchase';
  const rules = (row.eventRules ?? {}) as EventRules;
  const verdict = applyEventRules(rules, eventName);
  if (!verdict.kept) throw new ValidationError(`${verdict.reason}: choose one it sends with --event <name>`);
  const event = syntheticEvent(tenant.id, eventName, tenant.defaultCountry);
  const destination: DestinationConfig = { tenantId: tenant.id, platform, status: 'active', settings: settings.value, credentials: secrets.value, testMode: true, rules };
  const adapter = createAdapters({ env: ctx.env, timeoutMs: TEST_TIMEOUT_MS }).get(platform)!;
  const consent = { allowed: true as const, basis: 'consent' as const, adUserData: true, adPersonalization: true };
  const [outcome] = await adapter.send([{ event, consent, name: verdict.name, renamed: verdict.renamed }], destination);
  if (!outcome) throw new RuntimeError(`${platform} gave no outcome for the test event`);

  const detail = outcome.kind === 'sent' ? `HTTP ${outcome.statusCode}` : outcome.reason;
  const summary = `${definition.displayName} ${VERDICT[outcome.kind]} test event ${event.eventId} (${verdict.name}): ${detail}`;
  const result = { tenant_id: tenant.id, platform, event_id: event.eventId, event_name: verdict.name, test_mechanism: definition.testMechanism.kind, outcome: outcome.kind, status_code: outcome.statusCode, detail };
  if (outcome.kind !== 'sent') {
    ctx.out.result(result, () => summary);
    throw new RuntimeError(`the ${platform} test did not pass: ${detail}`);
  }
  ctx.out.result(result, () => `${summary}\n  (${definition.testMechanism.description})`);
}

export function destinationTestCommand(runs: Runs): Command {
  return leafCommand('test', "Send one synthetic event through the real mapping and the platform's test mechanism; print its verdict", {
    details:
      "Uses the stored settings and credentials, whatever the destination's mode: the event goes through " +
      "test_event_code (Meta, TikTok), validateOnly (Google Ads) or GA4's validation server, never into " +
      'reports. Exit 0 when the platform accepted it, 1 otherwise. Nothing is stored.',
    examples: ['attribution destination test --tenant 6f1c… meta', 'attribution destination test --tenant 6f1c… google_ads --event Lead'],
  })
    .addArgument(argument('platform', 'destination platform', PLATFORM_IDS))
    .addOption(tenantOption())
    .addOption(valueOption('--event <name>', 'the event name to test (default Purchase)'))
    .action(runs(test, { credentialsKey: true }));
}
