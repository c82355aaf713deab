import { randomBytes } from 'node:crypto';
import { CredentialsKeyring, sealDestinationCredentials, type CredentialsKey, type Destination, type DestinationRepository } from '@attribution/db';
import { PipelineWorld, TENANT } from '../../test/dispatch-fakes';
import { DestinationRouting } from './destination-routing';

const KEY = randomBytes(32).toString('base64');
const OTHER_KEY = randomBytes(32).toString('base64');

function row(platform: string, settings: object, credentials: object, key = KEY, extra: Partial<Destination> = {}): Destination {
  const now = new Date();
  return {
    id: `d-${platform}`,
    tenantId: TENANT,
    platform,
    settings,
    credentialsEncrypted: sealDestinationCredentials(TENANT, platform, credentials as Record<string, unknown>, key),
    status: 'active',
    testMode: false,
    eventRules: {},
    createdAt: now,
    updatedAt: now,
    ...extra,
  } as Destination;
}

function routing(rows: Destination[], keys: CredentialsKey | CredentialsKeyring = KEY) {
  const world = new PipelineWorld();
  let reads = 0;
  const repository = {
    routing: async () => {
      reads += 1;
      return { consentPolicy: 'allow' as const, destinations: rows };
    },
  } as unknown as DestinationRepository;
  return { world, reads: () => reads, routing: new DestinationRouting({ credentialsKey: keys, cacheTtlMs: 60_000 }, { destinations: repository, logger: world.logger }) };
}

describe('DestinationRouting', () => {
  it('opens the credentials and hands the adapter settings parsed with the platform schema', async () => {
    const rows = [row('meta', { pixel_id: '123', extra: 'x' }, { access_token: 'EAAtoken-123' }), row('ga4', { measurement_id: 'g-abc1234' }, { api_secret: 'secret-1234' }, KEY, { updatedAt: new Date('2026-01-02T03:04:05.678Z') })];
    const { routing: r } = routing(rows);
    const { consentPolicy, destinations } = await r.routingFor(TENANT);
    expect(consentPolicy).toBe('allow');
    expect(destinations).toEqual([
      {
        platform: 'meta',
        problem: null,
        version: rows[0]!.updatedAt,
        config: { tenantId: TENANT, platform: 'meta', status: 'active', settings: { pixel_id: '123' }, credentials: { access_token: 'EAAtoken-123' }, testMode: false, rules: {} },
      },
      {
        platform: 'ga4',
        problem: null,
        version: new Date('2026-01-02T03:04:05.678Z'),
        config: { tenantId: TENANT, platform: 'ga4', status: 'active', settings: { measurement_id: 'G-ABC1234' }, credentials: { api_secret: 'secret-1234' }, testMode: false, rules: {} },
      },
    ]);
  });

  it('does not cache a read that a change notification overtook, so the next batch reads the change', async () => {
    let release: () => void = () => undefined;
    let reads = 0;
    const repository = {
      routing: async () => {
        reads += 1;
        if (reads === 1) await new Promise<void>((resolve) => (release = resolve));
        return { consentPolicy: 'allow' as const, destinations: [] };
      },
    } as unknown as DestinationRepository;
    const r = new DestinationRouting({ credentialsKey: KEY, cacheTtlMs: 60_000 }, { destinations: repository, logger: new PipelineWorld().logger });
    const inFlight = r.routingFor(TENANT);
    await new Promise((resolve) => setImmediate(resolve));
    r.invalidate(TENANT); // `destination set` committed while the read was on its way
    release();
    await inFlight;
    await r.routingFor(TENANT);
    await r.routingFor(TENANT);
    expect(reads).toBe(2);
  });

  it('hands over the test mode and event rules as stored, and parks a destination whose stored rules no longer pass', async () => {
    const { routing: r } = routing([
      row('meta', { pixel_id: '123' }, { access_token: 'EAAtoken-123' }, KEY, { testMode: true, eventRules: { only: ['Purchase'], rename: { Purchase: 'Buy' } } }),
      row('ga4', { measurement_id: 'G-ABC1234' }, { api_secret: 'secret-1234' }, KEY, { eventRules: { only: ['A'], except: ['B'] } }),
    ]);
    const [meta, ga4] = (await r.routingFor(TENANT)).destinations;
    expect(meta?.config).toMatchObject({ testMode: true, rules: { only: ['Purchase'], rename: { Purchase: 'Buy' } } });
    expect(meta?.problem).toBeNull();
    expect(ga4?.problem).toEqual({ reason: expect.stringMatching(/^destination event rules are invalid: /), operatorMustSet: true });
    expect(ga4?.config.rules).toEqual({});
  });

  it('routes a destination it cannot use with the reason, so its events are parked instead of lost', async () => {
    const { routing: r, world } = routing([
      row('meta', {}, { access_token: 'EAAtoken-123' }),
      row('ga4', { measurement_id: 'G-ABC1234' }, { api_secret: 'secret-1234' }, OTHER_KEY),
    ]);
    const [meta, ga4] = (await r.routingFor(TENANT)).destinations;
    expect(meta?.problem).toEqual({ reason: 'destination settings are invalid: "pixel_id" is required', operatorMustSet: true });
    expect(ga4?.problem).toEqual({ reason: "destination credentials cannot be opened with this dispatcher's CREDENTIALS_KEY", operatorMustSet: false });
    expect(world.logEvents()).toEqual(['destination_credentials_unreadable']);
    expect(world.logs).not.toContain('secret-1234');
  });

  it('during a key rotation opens rows sealed under the previous key and under the new one', async () => {
    const rows = [row('meta', { pixel_id: '123' }, { access_token: 'EAAtoken-old' }, KEY), row('ga4', { measurement_id: 'G-ABC1234' }, { api_secret: 'secret-new1' }, OTHER_KEY)];
    const { routing: r, world } = routing(rows, new CredentialsKeyring(OTHER_KEY, KEY));
    const [meta, ga4] = (await r.routingFor(TENANT)).destinations;
    expect(meta).toMatchObject({ problem: null, config: { credentials: { access_token: 'EAAtoken-old' } } });
    expect(ga4).toMatchObject({ problem: null, config: { credentials: { api_secret: 'secret-new1' } } });
    expect(world.logEvents()).toEqual([]);
    // Once the previous key is removed, a row still under it is parked, not sent with garbage.
    const after = (await routing(rows, new CredentialsKeyring(OTHER_KEY)).routing.routingFor(TENANT)).destinations;
    expect(after.map((d) => d.problem?.operatorMustSet ?? null)).toEqual([false, null]);
  });

  it('leaves out, and reports, a platform this version does not know', async () => {
    const { routing: r, world } = routing([row('myspace', {}, {})]);
    expect((await r.routingFor(TENANT)).destinations).toEqual([]);
    expect(world.logEvents()).toEqual(['destination_platform_unknown']);
  });

  it('reads the database once per tenant until a change notice drops the entry', async () => {
    const { routing: r, reads } = routing([]);
    await r.routingFor(TENANT);
    await r.routingFor(TENANT);
    expect(reads()).toBe(1);
    r.invalidate(TENANT);
    await r.routingFor(TENANT);
    expect(reads()).toBe(2);
  });
});
