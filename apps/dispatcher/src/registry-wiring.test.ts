/**
 * Every platform of the destinations registry is wired everywhere the engine needs it. Adding a
 * platform (docs/destinations.md) is one folder and one registry line; if anything else still had
 * to be touched, one of these fails for the new platform.
 */
import { main as cli, syntheticEvent } from '@attribution/cli';
import { PLATFORMS, createAdapters, decideConsent, erasureDocuments, hashUserData, platformEnvFields, type Platform } from '@attribution/destinations';
import { createAppMetrics, parseEnv } from '@attribution/runtime';
import { PLATFORM_FAKES } from '@attribution/testing';
import { createDispatcherMetrics } from './dispatcher.metrics';
import { dispatcherEnvKeys, loadDispatcherConfig } from './env';

const ids = PLATFORMS.map((p) => p.id);

async function help(argv: string[]): Promise<string> {
  let out = '';
  await cli(argv, {}, { stdout: (t) => void (out += t), stderr: (t) => void (out += t), readStdin: async () => '' });
  return out;
}

const GRANTED_EVERYTHING = { ad_storage: 'granted', analytics_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' } as const;

describe.each(ids)('platform %s', (id: Platform) => {
  const definition = PLATFORMS.find((p) => p.id === id)!;

  it('can be set up from the CLI with exactly its declared options, and replayed', async () => {
    const setHelp = await help(['destination', 'set', '--help']);
    expect(setHelp).toContain(id);
    for (const option of definition.options) expect(setHelp).toMatch(new RegExp(`--${option.name} <${option.valueName}>\\s+[^\\n]*${id}`));
    expect(await help(['deliveries', 'replay', '--help'])).toMatch(new RegExp(`choices: [^)]*\\b${id}\\b`));
  });

  it('declares settings and credentials schemas that accept what its options accept', () => {
    for (const where of ['settings', 'credentials'] as const) {
      const own = definition.options.filter((o) => o.in === where);
      expect(Object.keys(definition[where].describe().keys ?? {})).toEqual(own.map((o) => o.key));
    }
  });

  it('is decided by the consent switch and sent events it allows', () => {
    expect(decideConsent(GRANTED_EVERYTHING, definition.consent, 'block')).toMatchObject({ allowed: true, basis: 'consent' });
    expect(decideConsent(null, definition.consent, 'block')).toEqual({ allowed: false, reason: 'no consent signal' });
  });

  it('gets its identifiers hashed at ingest and erased on request', () => {
    const hashed = hashUserData({ email: 'jane@example.com', phone: '+14155552671' }) as unknown as Record<string, object>;
    expect(Object.keys(hashed[definition.identifiers.key] ?? {}).length).toBeGreaterThan(0);
    const documents = erasureDocuments('email', 'jane@example.com', {});
    if (definition.identifiers.erasure.email) expect(documents).toContainEqual({ [definition.identifiers.key]: { [definition.identifiers.erasure.email]: expect.any(Array) } });
  });

  it('has an adapter, its base URL variables in the dispatcher environment, and a strict fake to point them at', async () => {
    const env = Object.keys(definition.env);
    expect(env.length).toBeGreaterThan(0);
    for (const name of env) expect(Object.keys(dispatcherEnvKeys)).toContain(name);
    const fake = PLATFORM_FAKES[id]();
    await fake.start();
    try {
      expect(Object.keys(fake.env()).sort()).toEqual(env.sort());
      const config = loadDispatcherConfig({ DATABASE_URL: 'postgres://localhost/x', CREDENTIALS_KEY: 'a'.repeat(64), ...fake.env() });
      expect(createAdapters(config.destinations).get(id)).toBeDefined();
    } finally {
      await fake.stop();
    }
  });

  it("sends, live and in test mode, an event its strict fake accepts, from a destination the fake provisions", async () => {
    const fake = PLATFORM_FAKES[id]();
    await fake.start();
    try {
      const { settings, credentials } = fake.provision(1);
      const parsed = { settings: definition.settings.validate(settings), credentials: definition.credentials.validate(credentials) };
      expect([parsed.settings.error, parsed.credentials.error]).toEqual([undefined, undefined]);
      const config = loadDispatcherConfig({ DATABASE_URL: 'postgres://localhost/x', CREDENTIALS_KEY: 'a'.repeat(64), ...fake.env() });
      const adapter = createAdapters(config.destinations).get(id)!;
      const consent = { allowed: true as const, basis: 'consent' as const, adUserData: true, adPersonalization: true };
      const destination = { tenantId: 't-1', platform: id, status: 'active' as const, settings: parsed.settings.value, credentials: parsed.credentials.value, rules: {} };
      for (const testMode of [false, true]) {
        const event = syntheticEvent('t-1', 'Purchase', 'US');
        const outcomes = await adapter.send([{ event, consent, name: 'Purchase', renamed: false }], { ...destination, testMode });
        // With the platform's request id when it gives one (GA4 does not).
        const requestId = outcomes[0] && 'requestId' in outcomes[0] ? { requestId: expect.any(String) } : {};
        expect(outcomes).toEqual([{ eventPk: event.id, kind: 'sent', statusCode: expect.any(Number), ...requestId }]);
      }
    } finally {
      await fake.stop();
    }
  });

  it('has its series on the dispatcher /metrics before its first event', async () => {
    const metrics = createAppMetrics('dispatcher', 'test', { tenantLabel: true });
    createDispatcherMetrics(metrics);
    const text = (await metrics.render()).body;
    expect(text).toContain(`attribution_destination_request_duration_seconds_count{destination="${id}"} 0`);
    expect(text).toContain(`attribution_dispatch_dead_letters_total{destination="${id}",step="dispatch"} 0`);
  });

  it('declares its limits, retry horizon, dedup window and test mechanism', () => {
    expect(definition.limits.maxBatchSize).toBeGreaterThan(0);
    expect(definition.retryHorizonSeconds).toBe(definition.limits.maxEventAgeSeconds - 3600);
    expect(definition.limits.dedupWindowSeconds === null || definition.limits.dedupWindowSeconds > 0).toBe(true);
    expect(definition.testMechanism.description.length).toBeGreaterThan(10);
    expect(definition.apiVersion).not.toBe('');
  });
});

describe('the registry', () => {
  it('lists each platform once, with a lowercase id the database accepts', () => {
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9_]{1,31}$/);
  });

  it('gives every platform variable a default, so the dispatcher starts without any of them', () => {
    const parsed = parseEnv(platformEnvFields, {}) as Record<string, unknown>;
    for (const name of Object.keys(platformEnvFields)) expect(typeof parsed[name]).toBe('string');
  });
});
