/**
 * The built `attribution` binary against a real database (and Kafka for replays), driven as an
 * operator would: arguments, environment, exit codes, stdout/stderr.
 */
import {
  createDbClient,
  hashApiKey,
  openDestinationCredentials,
  PartitionRepository,
  type Prisma,
  type Db,
  sealDestinationCredentials,
} from '@attribution/db';
import { hashUserData } from '@attribution/destinations';
import {
  createTestDatabase,
  insertStoredEvents,
  seedDestination,
  seedTenant,
  TEST_CREDENTIALS_KEY,
  type TestDatabase,
  uniqueTopicPrefix,
} from '@attribution/testing';
import { decodeEventMessage, KafkaTransport, topicNames, topicSpecs } from '@attribution/transport';
import { readMessages } from '../test/read-topic';
import { main } from './cli';
import { parseJson, runCli } from './run-cli';

const asJson = (v: object) => v as Prisma.InputJsonObject;

interface CreatedJson {
  tenant: { id: string; retention_days: number; allowed_origins: string[]; default_country: string | null; consent_policy: string };
  keys: { public: string; secret: string };
}

describe('attribution CLI (built binary)', () => {
  let database: TestDatabase;
  let db: Db;
  let env: Record<string, string>;
  const prefix = uniqueTopicPrefix();
  const topics = topicNames(prefix);

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    env = { DATABASE_URL: database.url };
  });

  afterAll(async () => {
    await db.$disconnect();
    await database.drop();
  });

  it('creates, lists, shows and configures a tenant; keys are stored hashed and shown once', async () => {
    const created = await runCli(
      ['tenant', 'create', '--name', 'Shop', '--retention-days', '30', '--origin', 'https://Shop.example/', '--origin', 'http://localhost:3000', '--default-country', 'us', '--consent-policy', 'allow', '--json'],
      env,
    );
    expect(created.code).toBe(0);
    const { tenant, keys } = parseJson<CreatedJson>(created);
    expect(tenant).toMatchObject({ retention_days: 30, allowed_origins: ['https://shop.example', 'http://localhost:3000'], default_country: 'US', consent_policy: 'allow' });
    expect(keys.public).toMatch(/^pk_[A-Za-z0-9_-]{20,}$/);
    expect(keys.secret).toMatch(/^sk_[A-Za-z0-9_-]{20,}$/);
    const stored = await db.apiKey.findMany({ where: { tenantId: tenant.id } });
    expect(stored.map((k) => k.keyHash).sort()).toEqual([hashApiKey(keys.public), hashApiKey(keys.secret)].sort());

    const [list, show, human] = await Promise.all([
      runCli(['tenant', 'list', '--json'], env),
      runCli(['tenant', 'show', '--tenant', tenant.id, '--json'], env),
      runCli(['tenant', 'show', '--tenant', tenant.id], env),
    ]);
    expect(parseJson<{ tenants: Array<{ id: string; name: string }> }>(list).tenants).toEqual([expect.objectContaining({ id: tenant.id, name: 'Shop' })]);
    const shown = parseJson<{ api_keys: Array<{ kind: string; prefix: string; state: string }>; destinations: unknown[] }>(show);
    expect(shown.api_keys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'public', prefix: keys.public.slice(0, 10), state: 'active' }),
        expect.objectContaining({ kind: 'secret', prefix: keys.secret.slice(0, 10), state: 'active' }),
      ]),
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(keys.secret.slice(0, 10));
    for (const output of [show.stdout, human.stdout, list.stdout]) {
      expect(output).not.toContain(keys.secret);
      expect(output).not.toContain(keys.public);
    }

    const updates = await Promise.all([
      runCli(['tenant', 'set-retention', '--tenant', tenant.id, '--days', '7'], env),
      runCli(['tenant', 'set-origins', '--tenant', tenant.id, '--origin', 'https://new.shop.example:8443'], env),
    ]);
    expect(updates.map((u) => u.code)).toEqual([0, 0]);
    const disabled = await runCli(['tenant', 'disable', '--tenant', tenant.id, '--json'], env);
    expect(parseJson<{ tenant: { status: string }; changed: boolean }>(disabled)).toMatchObject({ tenant: { status: 'disabled' }, changed: true });
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({
      retentionDays: 7,
      allowedOrigins: ['https://new.shop.example:8443'],
      status: 'disabled',
    });
    expect((await runCli(['tenant', 'enable', '--tenant', tenant.id], env)).code).toBe(0);
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).status).toBe('active');
  });

  it('reports not-found (3), usage and validation (2) errors from the binary', async () => {
    const missing = '0b7d3f1e-9c1a-4c38-8f7e-2f1f6d0c9a11';
    // The rest of the parser and validation paths are covered in-process by cli.test.ts.
    const [notFound, notFoundJson, badFlag, badOrigin, badCountry, noKey] = await Promise.all([
      runCli(['tenant', 'show', '--tenant', missing], env),
      runCli(['keys', 'rotate', '--tenant', missing, '--json'], env),
      runCli(['tenant', 'list', '--bogus'], env),
      runCli(['tenant', 'create', '--name', 'X', '--origin', 'https://shop.example/checkout'], env),
      runCli(['tenant', 'create', '--name', 'X', '--default-country', 'XX'], env),
      runCli(['destination', 'set', '--tenant', missing, 'meta', '--pixel-id', '1234', '--access-token', 'EAAtoken-value-123'], env),
    ]);
    expect(notFound).toMatchObject({ code: 3, stdout: '' });
    expect(notFound.stderr).toBe(`error: tenant ${missing} not found\n`);
    expect(notFoundJson.code).toBe(3);
    expect(JSON.parse(notFoundJson.stderr)).toEqual({ error: { kind: 'not_found', message: `tenant ${missing} not found`, exit_code: 3 } });
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("error: unknown option '--bogus'");
    expect(badFlag.stderr).toContain('Usage: attribution tenant list [options]');
    expect(badOrigin.code).toBe(2);
    expect(badOrigin.stderr).toContain('no path allowed');
    expect(badCountry.code).toBe(2);
    expect(badCountry.stderr).toContain('ISO 3166-1 alpha-2');
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('CREDENTIALS_KEY');
    expect(noKey.stderr).not.toContain('EAAtoken-value-123');
    expect(await db.tenant.count({ where: { name: 'X' } })).toBe(0);
  });

  it('sets, shows (masked) and removes destinations; new credentials un-park and replay parked deliveries', async () => {
    const { tenant } = await seedTenant(db);
    // A destination whose token Meta refused: parked deliveries wait for new credentials.
    await db.destination.create({
      data: {
        tenantId: tenant.id,
        platform: 'meta',
        status: 'needs_credentials',
        settings: { pixel_id: '111' },
        credentialsEncrypted: sealDestinationCredentials(tenant.id, 'meta', { access_token: 'EAA-old-token-0000' }, TEST_CREDENTIALS_KEY),
      },
    });
    const parked = await insertStoredEvents(db, tenant.id, 2);
    const dead = await insertStoredEvents(db, tenant.id, 1);
    await db.delivery.createMany({
      data: [
        ...parked.map((e) => ({ eventPk: BigInt(e.id), eventReceivedAt: e.receivedAt, tenantId: tenant.id, destination: 'meta' as const, status: 'parked' as const })),
        ...dead.map((e) => ({ eventPk: BigInt(e.id), eventReceivedAt: e.receivedAt, tenantId: tenant.id, destination: 'meta' as const, status: 'dead' as const })),
      ],
    });
    const keyEnv = { ...env, CREDENTIALS_KEY: TEST_CREDENTIALS_KEY };
    const kafkaEnv = { ...keyEnv, KAFKA_BROKERS: process.env.TEST_KAFKA_BROKERS!, KAFKA_TOPIC_PREFIX: prefix };
    const transport = new KafkaTransport({ brokers: process.env.TEST_KAFKA_BROKERS!.split(','), clientId: 'cli-test' });
    await transport.ensureTopics(topicSpecs(topics, 1));

    // Without Kafka: the destination is fixed, and the operator is told how to replay.
    const withoutKafka = await runCli(['destination', 'set', '--tenant', tenant.id, 'meta', '--pixel-id', '222', '--access-token', 'EAA-new-token-1234', '--test-event-code', 'TEST42'], keyEnv);
    expect(withoutKafka.code).toBe(0);
    expect(withoutKafka.stderr).toContain('2 parked meta deliveries were NOT replayed: KAFKA_BROKERS is not set');
    expect(withoutKafka.stderr).toContain(`attribution deliveries replay --tenant ${tenant.id} --status parked --destination meta`);
    expect(withoutKafka.stdout).not.toContain('EAA-new-token-1234');
    const row = await db.destination.findUniqueOrThrow({ where: { tenantId_platform: { tenantId: tenant.id, platform: 'meta' } } });
    expect(row).toMatchObject({ status: 'active', settings: { pixel_id: '222', test_event_code: 'TEST42' } });
    expect(openDestinationCredentials(tenant.id, 'meta', row.credentialsEncrypted!, TEST_CREDENTIALS_KEY)).toEqual({ access_token: 'EAA-new-token-1234' });

    // Parked again (the new token was refused too); this time the secret comes from stdin and Kafka is there.
    await db.destination.update({ where: { id: row.id }, data: { status: 'needs_credentials' } });
    const withKafka = await runCli(['destination', 'set', '--tenant', tenant.id, 'meta', '--pixel-id', '222', '--access-token', '-', '--json'], kafkaEnv, { stdin: 'EAA-newest-token-9876\n' });
    expect(withKafka.code).toBe(0);
    expect(parseJson(withKafka)).toMatchObject({
      destination: { platform: 'meta', status: 'active', previous_status: 'needs_credentials', settings: { pixel_id: '222' }, credentials: { access_token: '****9876' } },
      parked: 2,
      replayed: 2,
    });

    const replayDead = await runCli(['deliveries', 'replay', '--tenant', tenant.id, '--status', 'dead', '--destination', 'meta', '--since', '2020-01-01', '--json'], kafkaEnv);
    expect(parseJson(replayDead)).toMatchObject({ replayed: 1, statuses: ['dead'], topic: topics.retries[0]!.name });

    // What the dispatcher's retry consumer will read: each delivery once, due now, flagged as a replay.
    const received = await readMessages(transport, `${prefix}cli-test`, topics.retries[0]!.name, 3, 'the replayed deliveries on the retry topic').finally(() => transport.close());
    expect(received).toHaveLength(3);
    expect(received.every((m) => m.headers['x-replay'] === '1' && m.headers['x-destination'] === 'meta')).toBe(true);
    const replayedIds = received.map((m) => decodeEventMessage(m).eventId).sort();
    expect(replayedIds).toEqual([...parked, ...dead].map((e) => e.eventId).sort());

    // show: secrets masked with a fixed mask; remove: gone, and a second remove is "not found".
    await runCli(['destination', 'set', '--tenant', tenant.id, 'ga4', '--measurement-id', 'G-ABC123XYZ', '--api-secret', 'ga4-secret-abcd5678'], keyEnv);
    const shown = await runCli(['destination', 'show', '--tenant', tenant.id, '--json'], keyEnv);
    expect(parseJson<{ destinations: unknown[] }>(shown).destinations).toEqual([
      expect.objectContaining({ platform: 'meta', status: 'active', credentials: { access_token: '****9876' }, credentials_readable: true }),
      expect.objectContaining({ platform: 'ga4', status: 'active', settings: { measurement_id: 'G-ABC123XYZ' }, credentials: { api_secret: '****5678' } }),
    ]);
    expect(shown.stdout).not.toContain('EAA-newest-token-9876');
    expect(shown.stdout).not.toContain('ga4-secret-abcd5678');
    const [removed, again] = [
      await runCli(['destination', 'remove', '--tenant', tenant.id, 'ga4'], env),
      await runCli(['destination', 'remove', '--tenant', tenant.id, 'ga4'], env),
    ];
    expect(removed.code).toBe(0);
    expect(again).toMatchObject({ code: 3 });
    expect(again.stderr).toContain(`destination ga4 of tenant ${tenant.id} not found`);
  });

  it('draws progress lines for replays and erasures on a terminal only: nothing when stderr is piped or with --json', async () => {
    const email = 'progress@example.com';
    const { tenant } = await seedTenant(db, { defaultCountry: 'US' });
    await seedDestination(db, tenant.id, 'meta', { settings: { pixel_id: '111' }, credentials: { access_token: 'EAA-old-token-0000' }, status: 'needs_credentials' });
    const events = await insertStoredEvents(db, tenant.id, 4, { userData: asJson(hashUserData({ email }, { defaultCountry: 'US' })) });
    await db.delivery.createMany({
      data: events.map((e, i) => ({ eventPk: BigInt(e.id), eventReceivedAt: e.receivedAt, tenantId: tenant.id, destination: 'meta', status: i < 2 ? ('parked' as const) : ('dead' as const) })),
    });
    const kafkaEnv = { ...env, CREDENTIALS_KEY: TEST_CREDENTIALS_KEY, KAFKA_BROKERS: process.env.TEST_KAFKA_BROKERS!, KAFKA_TOPIC_PREFIX: prefix };
    const transport = new KafkaTransport({ brokers: process.env.TEST_KAFKA_BROKERS!.split(','), clientId: 'cli-progress-test' });
    await transport.ensureTopics(topicSpecs(topics, 1)).finally(() => transport.close());

    // The built binary, its stderr a pipe: results on stdout, not one byte on stderr.
    const piped = [
      await runCli(['destination', 'set', '--tenant', tenant.id, 'meta', '--pixel-id', '222', '--access-token', 'EAA-new-token-1234'], kafkaEnv),
      await runCli(['deliveries', 'replay', '--tenant', tenant.id, '--status', 'dead'], kafkaEnv),
      await runCli(['gdpr', 'erase', '--tenant', tenant.id, '--email', email], kafkaEnv),
    ];
    expect(piped.map((r) => ({ code: r.code, stderr: r.stderr }))).toEqual([0, 0, 0].map((code) => ({ code, stderr: '' })));
    expect(piped[0]!.stdout).toContain('Replayed 2 parked deliveries');
    expect(piped[1]!.stdout).toContain('Replayed 2 deliveries');
    expect(piped[2]!.stdout).toContain('Would delete 4 events (and 4 deliveries)');

    // The same commands in-process, stderr a terminal: the line is drawn, then cleared before the result.
    const terminal = async (argv: string[]) => {
      const written: string[] = [];
      let stdout = '';
      const code = await main(argv, kafkaEnv, {
        stdout: (t) => void (stdout += t),
        stderr: (t) => void written.push(t),
        progress: { isTTY: true, write: (t: string) => written.push(t) },
        readStdin: async () => '',
      });
      return { code, stdout, stderr: written.join('') };
    };
    const replay = await terminal(['deliveries', 'replay', '--tenant', tenant.id, '--status', 'dead']);
    expect(replay.code).toBe(0);
    expect(replay.stderr).toContain(`\r\x1b[2KReplaying deliveries of tenant ${tenant.id}: 2 sent to ${topics.retries[0]!.name}`);
    expect(replay.stderr.endsWith('\r\x1b[2K')).toBe(true);
    const json = await terminal(['deliveries', 'replay', '--tenant', tenant.id, '--status', 'dead', '--json']);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    expect(parseJson(json)).toMatchObject({ replayed: 2 });
    const erase = await terminal(['gdpr', 'erase', '--tenant', tenant.id, '--email', email, '--yes']);
    expect(erase.stderr.startsWith(`\r\x1b[2KDeleting the events of tenant ${tenant.id} that match the given email address (0 s)`)).toBe(true);
    expect(erase.stderr.endsWith('\r\x1b[2K')).toBe(true);
    expect(erase.stdout).toContain('Deleted 4 events');
  });

  it('erases one person\'s events from one tenant only, after a dry run, without printing the identifier', async () => {
    const email = 'Jane.Doe@Example.com';
    const { tenant } = await seedTenant(db, { defaultCountry: 'US' });
    const { tenant: other } = await seedTenant(db, { defaultCountry: 'US' });
    const jane = asJson(hashUserData({ email, external_id: 'cust-1' }, { defaultCountry: 'US' }));
    const bob = asJson(hashUserData({ email: 'bob@example.com', phone: '+1 415 555 2671' }, { defaultCountry: 'US' }));
    // Jane's events lie in three kinds of place: today's partition, an earlier day's, the default partition.
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    await new PartitionRepository(db).ensureDays(threeDaysAgo, threeDaysAgo);
    const janeEvents = [
      ...(await insertStoredEvents(db, tenant.id, 2, { userData: jane })),
      ...(await insertStoredEvents(db, tenant.id, 1, { userData: jane, receivedAt: threeDaysAgo })),
      ...(await insertStoredEvents(db, tenant.id, 1, { userData: jane, receivedAt: new Date('2024-01-01T00:00:00Z') })),
    ];
    await insertStoredEvents(db, tenant.id, 1, { userData: bob });
    await insertStoredEvents(db, other.id, 1, { userData: jane }); // same person, another tenant
    for (const event of [janeEvents[0]!, janeEvents[2]!, janeEvents[3]!]) {
      await db.delivery.create({ data: { eventPk: BigInt(event.id), eventReceivedAt: event.receivedAt, tenantId: tenant.id, destination: 'meta', status: 'sent' } });
    }
    const partitions = await db.$queryRaw<Array<{ partition: string }>>`
      SELECT DISTINCT tableoid::regclass::text AS partition FROM events WHERE tenant_id = ${tenant.id}::uuid ORDER BY 1`;
    expect(partitions.map((p) => p.partition)).toEqual(['events_default', expect.stringMatching(/^events_p\d{8}$/), expect.stringMatching(/^events_p\d{8}$/)]);

    const dryRun = await runCli(['gdpr', 'erase', '--tenant', tenant.id, '--email', ' jane.doe@example.COM '], env);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('Would delete 4 events (and 3 deliveries)');
    expect(await db.event.count({ where: { tenantId: tenant.id } })).toBe(5);

    const erased = await runCli(['gdpr', 'erase', '--tenant', tenant.id, '--email', 'jane.doe@example.com', '--yes', '--json'], env);
    expect(parseJson(erased)).toEqual({ tenant_id: tenant.id, identifier: 'email', dry_run: false, events: 4, deliveries: 3, deleted: true });
    expect(await db.event.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await db.event.count({ where: { tenantId: other.id } })).toBe(1);
    expect(await db.delivery.count({ where: { tenantId: tenant.id } })).toBe(0);

    // A national number is completed with the tenant's default country, as at ingest.
    const byPhone = await runCli(['gdpr', 'erase', '--tenant', tenant.id, '--phone', '(415) 555-2671', '--yes'], env);
    expect(byPhone.stdout).toContain('Deleted 1 event (and 0 deliveries)');
    for (const result of [dryRun, erased, byPhone]) {
      expect(result.stdout + result.stderr).not.toMatch(/jane|4155552671|555-2671/i);
    }
    expect(await db.event.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.event.count({ where: { tenantId: other.id } })).toBe(1);
  });

  it("erases a browser's events by the pixel's visitor id, from one tenant only, without printing it", async () => {
    const visitor = '3f0c6a8e-5b1d-4c2e-9a7f-1e2d3c4b5a69';
    const { tenant } = await seedTenant(db);
    const { tenant: other } = await seedTenant(db);
    await insertStoredEvents(db, tenant.id, 2, { context: { visitor_id: visitor, page_referrer: 'https://www.google.com/' } });
    await insertStoredEvents(db, tenant.id, 1, { context: { visitor_id: '9b2e4d6f-0a1c-4e3b-8d5f-7a6b5c4d3e2f' } });
    await insertStoredEvents(db, tenant.id, 1); // a server event: no visitor
    await insertStoredEvents(db, other.id, 1, { context: { visitor_id: visitor } });

    const dryRun = await runCli(['gdpr', 'erase', '--tenant', tenant.id, '--visitor-id', visitor], env);
    expect(dryRun.stdout).toContain('Would delete 2 events (and 0 deliveries)');
    expect(await db.event.count({ where: { tenantId: tenant.id } })).toBe(4);
    const erased = await runCli(['gdpr', 'erase', '--tenant', tenant.id, '--visitor-id', ` ${visitor} `, '--yes', '--json'], env);
    expect(parseJson(erased)).toEqual({ tenant_id: tenant.id, identifier: 'visitor-id', dry_run: false, events: 2, deliveries: 0, deleted: true });
    expect(await db.event.count({ where: { tenantId: tenant.id } })).toBe(2);
    expect(await db.event.count({ where: { tenantId: other.id } })).toBe(1);
    for (const result of [dryRun, erased]) expect(result.stdout + result.stderr).not.toContain(visitor);

    const empty = await runCli(['gdpr', 'erase', '--tenant', tenant.id, '--visitor-id', ' ', '--yes'], env);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('the visitor id given is empty');
    expect(await db.event.count({ where: { tenantId: tenant.id } })).toBe(2);
  });
});
