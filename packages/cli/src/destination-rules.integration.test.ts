/**
 * `destination set` with event rules and test mode, and `destination test`, through the built
 * binary against a real database and the strict fakes of Meta and GA4.
 */
import { createDbClient, type Db } from '@attribution/db';
import { FakeDataManager, FakeGa4, FakeMetaGraph, FakeTiktok, createTestDatabase, seedTenant, TEST_CREDENTIALS_KEY, type TestDatabase } from '@attribution/testing';
import { parseJson, runCli } from './run-cli';

interface SetJson {
  destination: { test_mode: boolean; event_rules: Record<string, unknown>; settings: Record<string, string> };
}
interface ShowJson {
  destinations: Array<{ platform: string; test_mode: boolean; event_rules: Record<string, unknown> }>;
}
interface TestJson {
  platform: string;
  event_id: string;
  event_name: string;
  outcome: string;
  detail: string;
}

describe('destination rules, test mode and `destination test` (built binary)', () => {
  let database: TestDatabase;
  let db: Db;
  let env: Record<string, string>;
  const meta = new FakeMetaGraph();
  const ga4 = new FakeGa4();
  const google = new FakeDataManager();
  const tiktok = new FakeTiktok();

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    await meta.start();
    await ga4.start();
    await google.start();
    await tiktok.start();
    env = { DATABASE_URL: database.url, CREDENTIALS_KEY: TEST_CREDENTIALS_KEY, ...meta.env(), ...ga4.env(), ...google.env(), ...tiktok.env() };
  });

  afterAll(async () => {
    await db.$disconnect();
    await meta.stop();
    await ga4.stop();
    await google.stop();
    await tiktok.stop();
    await database.drop();
  });

  const cli = (args: string[], stdin?: string) => runCli(args, env, stdin === undefined ? {} : { stdin });

  it('stores rules and test mode, shows them, keeps them when only the token is renewed, and lifts them on request', async () => {
    const { tenant } = await seedTenant(db);
    const set = await cli(['destination', 'set', '--tenant', tenant.id, 'meta', '--pixel-id', '111', '--access-token', 'EAAtoken-1111', '--test-event-code', 'TEST42', '--test-mode', '--events', 'Purchase,Lead', '--map', 'Lead=SubmitForm', '--json']);
    expect(set.code).toBe(0);
    expect(parseJson<SetJson>(set).destination).toMatchObject({ test_mode: true, event_rules: { only: ['Purchase', 'Lead'], rename: { Lead: 'SubmitForm' } } });
    expect(await db.destination.findFirst({ where: { tenantId: tenant.id } })).toMatchObject({ testMode: true, eventRules: { only: ['Purchase', 'Lead'], rename: { Lead: 'SubmitForm' } } });

    const renewed = await cli(['destination', 'set', '--tenant', tenant.id, 'meta', '--pixel-id', '111', '--access-token', '-', '--test-event-code', 'TEST42'], 'EAAtoken-2222\n');
    expect(renewed.code).toBe(0);
    expect(renewed.stdout).toContain('in test mode');
    expect(renewed.stdout).toContain('events: only Purchase, Lead; as Lead=SubmitForm');

    const shown = await cli(['destination', 'show', '--tenant', tenant.id]);
    expect(shown.stdout).toMatch(/meta\s+active\s+test\s+only Purchase, Lead; as Lead=SubmitForm/);

    const live = await cli(['destination', 'set', '--tenant', tenant.id, 'meta', '--pixel-id', '111', '--access-token', 'EAAtoken-2222', '--live', '--skip-events', 'PageView', '--map', 'none']);
    expect(live.code).toBe(0);
    const after = parseJson<ShowJson>(await cli(['destination', 'show', '--tenant', tenant.id, '--json'])).destinations[0];
    // A deny list replaces the allow list; `--map none` lifts the renames.
    expect(after).toMatchObject({ platform: 'meta', test_mode: false, event_rules: { except: ['PageView'] } });
    expect(after?.event_rules).not.toHaveProperty('only');
    expect(after?.event_rules).not.toHaveProperty('rename');
  });

  it('refuses contradictory or incomplete rules with a clear message and changes nothing', async () => {
    const { tenant } = await seedTenant(db);
    const base = ['destination', 'set', '--tenant', tenant.id, 'meta', '--pixel-id', '111', '--access-token', 'EAAtoken-1111'];
    const cases: Array<[string[], string]> = [
      [['--test-mode'], 'test mode for meta needs --test-event-code'],
      [['--test-mode', '--live', '--test-event-code', 'T1'], "options '--test-mode' and '--live' cannot be combined"],
      [['--map', 'Lead'], "option '--map': 'Lead' is not From=To"],
      [['--events', 'Purchase,,Lead'], "option '--events': an empty event name"],
    ];
    for (const [extra, message] of cases) {
      const result = await cli([...base, ...extra]);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 2, stderr: expect.stringContaining(message) });
    }
    expect(await db.destination.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it("tests a Meta destination through its test event code and prints Meta's verdict", async () => {
    const { tenant } = await seedTenant(db);
    meta.allow('222', 'EAAtoken-3333');
    await cli(['destination', 'set', '--tenant', tenant.id, 'meta', '--pixel-id', '222', '--access-token', 'EAAtoken-3333', '--test-event-code', 'TEST77', '--map', 'Purchase=Subscribe']);
    const result = await cli(['destination', 'test', '--tenant', tenant.id, 'meta', '--json']);
    expect(result.code).toBe(0);
    const verdict = parseJson<TestJson>(result);
    expect(verdict).toMatchObject({ platform: 'meta', outcome: 'sent', event_name: 'Subscribe' });
    const request = meta.received.find((r) => r.pixelId === '222');
    expect(request).toMatchObject({ testEventCode: 'TEST77', data: [expect.objectContaining({ event_id: verdict.event_id, event_name: 'Subscribe' })] });
    expect(result.stdout + result.stderr).not.toContain('EAAtoken-3333');

    // A refused token is the verdict, exit 1, and the token is not printed.
    meta.replyNextFor('222', { status: 401, body: { error: { code: 190, message: 'Error validating access token' } } });
    const refused = await cli(['destination', 'test', '--tenant', tenant.id, 'meta']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('Meta Conversions API refused the credentials');
    expect(refused.stdout + refused.stderr).not.toContain('EAAtoken-3333');
  });

  it("tests a GA4 destination on the validation server, and refuses to test an event the rules keep away", async () => {
    const { tenant } = await seedTenant(db);
    ga4.allow('G-TEST7777', 'mp-secret-7777');
    await cli(['destination', 'set', '--tenant', tenant.id, 'ga4', '--measurement-id', 'G-TEST7777', '--api-secret', 'mp-secret-7777', '--events', 'Purchase']);
    const validatedBefore = ga4.validated.length;
    const result = await cli(['destination', 'test', '--tenant', tenant.id, 'ga4']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^GA4 Measurement Protocol accepted test event attribution-test-[0-9a-f-]+ \(Purchase\): HTTP 200/);
    expect(ga4.validated.length).toBe(validatedBefore + 1);
    expect(ga4.received).toHaveLength(0);

    const kept = await cli(['destination', 'test', '--tenant', tenant.id, 'ga4', '--event', 'Lead']);
    expect({ code: kept.code, stderr: kept.stderr }).toEqual({ code: 2, stderr: expect.stringContaining('event "Lead" is not in this destination\'s event list: choose one it sends with --event <name>') });
    const missing = await cli(['destination', 'test', '--tenant', tenant.id, 'meta']);
    expect(missing.code).toBe(3);
  });

  it('tests Google Ads with validateOnly (nothing ingested) and TikTok with its test event code, from a destination set on the command line', async () => {
    const { tenant } = await seedTenant(db);
    google.oauth.allow('cli-client.apps.googleusercontent.com', 'cli-client-secret', '1//cli-refresh-token');
    const setGoogle = await cli(
      ['destination', 'set', '--tenant', tenant.id, 'google_ads', '--customer-id', '1234567890', '--conversion-actions', 'Purchase=111,Lead=222', '--client-id', 'cli-client.apps.googleusercontent.com', '--client-secret', 'cli-client-secret', '--refresh-token', '-'],
      '1//cli-refresh-token\n',
    );
    expect(setGoogle.code).toBe(0);
    const googleVerdict = await cli(['destination', 'test', '--tenant', tenant.id, 'google_ads', '--event', 'Lead', '--json']);
    expect(googleVerdict.code).toBe(0);
    expect(parseJson<TestJson>(googleVerdict)).toMatchObject({ platform: 'google_ads', outcome: 'sent', event_name: 'Lead' });
    expect(google.validated.map((r) => r.body.destinations[0]!.productDestinationId)).toEqual(['222']);
    expect(google.ingested).toEqual([]);
    expect(googleVerdict.stdout + googleVerdict.stderr).not.toContain('cli-client-secret');

    // No conversion action for the event: Google is not asked, and the verdict says why.
    const unmapped = await cli(['destination', 'test', '--tenant', tenant.id, 'google_ads', '--event', 'Signup']);
    expect(unmapped.code).toBe(1);
    expect(unmapped.stdout).toContain('was not asked: the event cannot be sent there');

    tiktok.allow('CCLITEST000000000001', 'tt-cli-token-1');
    await cli(['destination', 'set', '--tenant', tenant.id, 'tiktok', '--pixel-code', 'CCLITEST000000000001', '--access-token', 'tt-cli-token-1', '--test-event-code', 'TEST999']);
    const tiktokVerdict = await cli(['destination', 'test', '--tenant', tenant.id, 'tiktok', '--json']);
    expect(tiktokVerdict.code).toBe(0);
    expect(tiktok.testEventsReceived().map((e) => [e['event'], e.testEventCode])).toEqual([['CompletePayment', 'TEST999']]);
    expect(tiktok.eventsReceived()).toEqual([]);
  });
});
