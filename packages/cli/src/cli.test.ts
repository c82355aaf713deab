/**
 * The command line in-process: parsing, help, usage and validation errors, exit codes. None of
 * these reach a database (the URL below is never connected to); the integration tests drive
 * the built binary against real services.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hashUserData } from '@attribution/destinations';
import type { Command } from 'commander';
import { runMain as run, UNREACHABLE_DB as DB } from '../test/run-main';
import { createProgram } from './cli-program';
import { countryOption, isoDateOption, originOption } from './cli-validate';
import { maskSecret } from './destination.command';
import { erasePatterns } from './gdpr.command';

const TENANT = '0b7d3f1e-9c1a-4c38-8f7e-2f1f6d0c9a11';

describe('attribution command line', () => {
  it('prints help for the program, a group and a command, without needing any environment', async () => {
    const root = await run(['--help'], {});
    expect(root).toMatchObject({ code: 0, stderr: '' });
    expect(root.stdout).toContain('Usage: attribution [options] <command>');
    expect(root.stdout).toMatch(/Exit codes: 0 success, 1 runtime failure/);
    for (const name of ['tenant', 'keys', 'destination', 'deliveries', 'gdpr']) expect(root.stdout).toContain(`  ${name} <command>`);
    const group = await run(['destination', '-h'], {});
    expect(group.stdout).toContain('Usage: attribution destination [options] <command>');
    expect(group.stdout).toMatch(/set\s+Create or replace/);
    const leaf = await run(['destination', 'set', '--help'], {});
    expect(leaf.stdout).toContain('Usage: attribution destination set [options] <platform>');
    expect(leaf.stdout).toMatch(/--tenant <id>\s+tenant id \(required\)/);
    expect(leaf.stdout).toContain('$ attribution destination set');
  });

  it('has --help on every command and group, on stdout with exit 0', async () => {
    const paths = (command: Command, path: string[] = []): string[][] => [path, ...command.commands.flatMap((sub) => paths(sub, [...path, sub.name()]))];
    const all = paths(createProgram(() => async () => undefined, { stdout: () => undefined, stderr: () => undefined }));
    expect(all).toEqual(expect.arrayContaining([['deliveries', 'list'], ['deliveries', 'replay'], ['destination', 'test'], ['credentials', 'rotate-key']]));
    for (const path of all) {
      const result = await run([...path, '--help'], {});
      expect({ path, code: result.code, stderr: result.stderr }).toEqual({ path, code: 0, stderr: '' });
      expect(result.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: ${['attribution', ...path].join(' ')} \\[options\\]`));
      expect(result.stdout).toMatch(/-h, --help\s+display help for command/);
      expect(result.stdout).toMatch(/--json\s+machine-readable JSON output/);
    }
  });

  it('prints the package version with --version or -V', async () => {
    const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const argv of [['--version'], ['-V']]) expect(await run(argv, {})).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([
    [['tenant', 'lst'], "unknown command 'lst'", 'Did you mean list?'],
    [['tenat', 'list'], "unknown command 'tenat'", 'Did you mean tenant?'],
    [['deliveries', 'replya'], "unknown command 'replya'", 'Did you mean replay?'],
    [['tenant', 'create', '--nme', 'Shop'], "unknown option '--nme'", 'Did you mean --name?'],
    [['tenant', 'list', '--jsn'], "unknown option '--jsn'", 'Did you mean --json?'],
  ])('%j suggests what was probably meant (exit 2), in text and in JSON', async (argv, message, suggestion) => {
    const text = await run(argv);
    expect(text).toMatchObject({ code: 2, stdout: '' });
    expect(text.stderr.split('\n').slice(0, 2)).toEqual([`error: ${message}`, `(${suggestion})`]);
    const json = await run([...argv, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toEqual({ error: { kind: 'usage', message, exit_code: 2, suggestion } });
  });

  it('shows a group\'s help on stderr with exit 2 when no subcommand is named', async () => {
    const result = await run(['keys'], {});
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('Usage: attribution keys [options] <command>');
  });

  it.each([
    [['tenant', 'list', '--bogus'], "error: unknown option '--bogus'"],
    [['tenant', 'lst'], "error: unknown command 'lst'"],
    [['tenant', 'create'], "error: required option '--name <name>' not specified"],
    [['tenant', 'create', '--name'], "error: option '--name <name>' argument missing"],
    [['tenant', 'create', '--name', '--origin', 'https://shop.example'], "error: option '--name <name>' argument missing"],
    [['tenant', 'list', 'extra'], "error: too many arguments for 'list'. Expected 0 arguments but got 1."],
    [['keys', 'rotate', '--tenant', TENANT, '--kind', 'all'], "error: option '--kind <kind>' argument 'all' is invalid. Allowed choices are public, secret, both."],
    [['destination', 'remove', '--tenant', TENANT], "error: missing required argument 'platform'"],
    [['destination', 'remove', '--tenant', TENANT, 'myspace'], "error: command-argument value 'myspace' is invalid for argument 'platform'. Allowed choices are meta, ga4, google_ads, tiktok."],
    [['tenant', 'show', '--tenant', TENANT, '--tenant', TENANT], "error: option '--tenant <id>' given more than once"],
    [['tenant', 'list', '--json=yes'], "error: option '--json' does not take a value"],
  ])('%j is a usage error (exit 2) in commander\'s words', async (argv, message) => {
    const result = await run(argv);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr.split('\n')[0]).toBe(message);
    expect(result.stderr).toMatch(/^Usage: attribution .+\n\(run 'attribution .+ --help' for details\)$/m);
  });

  it.each([
    [['tenant', 'create', '--name', 'S', '--origin', 'https://shop.example/path'], 'no path allowed'],
    [['tenant', 'create', '--name', 'S', '--origin', 'shop.example'], 'scheme must be http or https'],
    [['tenant', 'create', '--name', 'S', '--default-country', 'UK'], 'ISO 3166-1 alpha-2'],
    [['tenant', 'create', '--name', 'S', '--retention-days', '3651'], 'from 1 to 3650'],
    [['tenant', 'create', '--name', '  '], '1 to 200 characters'],
    [['tenant', 'show', '--tenant', 'shop'], 'is not a tenant id'],
    [['tenant', 'set-origins', '--tenant', TENANT], 'either --origin'],
    [['gdpr', 'erase', '--tenant', TENANT, '--email', 'a@b.example', '--phone', '+14155552671'], 'exactly one of --email, --phone, --external-id or --visitor-id'],
  ])('%j is a validation error (exit 2) before any database access', async (argv, message) => {
    const result = await run(argv);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain(message);
  });

  it('names each missing or bad variable (exit 2), never its value', async () => {
    const noDb = await run(['tenant', 'list'], {});
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toContain('DATABASE_URL: is required');
    const noKey = await run(['destination', 'show', '--tenant', TENANT]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('CREDENTIALS_KEY: is required for destination commands');
    const badKey = await run(['destination', 'show', '--tenant', TENANT], { ...DB, CREDENTIALS_KEY: 'too-short-secret' });
    expect(badKey.stderr).toContain('CREDENTIALS_KEY: must be a 32-byte key');
    expect(badKey.stderr).not.toContain('too-short-secret');
    const noKafka = await run(['deliveries', 'replay', '--tenant', TENANT]);
    expect(noKafka.code).toBe(2);
    expect(noKafka.stderr).toContain('KAFKA_BROKERS: is required to replay deliveries');
    const badUrl = await run(['tenant', 'list'], { DATABASE_URL: 'mysql://u:p@h/db' });
    expect(badUrl.stderr).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
  });

  it('reports errors as JSON on stderr with --json, wherever the flag is', async () => {
    const result = await run(['--json', 'tenant', 'create', '--bogus']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toEqual({ error: { kind: 'usage', message: "unknown option '--bogus'", exit_code: 2 } });
  });

  it('reports an unreachable database as a runtime failure (exit 1) without the password', async () => {
    const result = await run(['tenant', 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: PostgreSQL (DATABASE_URL): Can't reach database server at 127.0.0.1:1\n");
    expect(result.stderr).not.toContain('secret');
  }, 30_000);
});

describe('option values', () => {
  it('accepts origins as browsers send them, in canonical form', () => {
    expect(originOption('https://Shop.Example')).toBe('https://shop.example');
    expect(originOption('https://shop.example/')).toBe('https://shop.example');
    expect(originOption('https://shop.example:443')).toBe('https://shop.example');
    expect(originOption('http://localhost:3000')).toBe('http://localhost:3000');
    for (const bad of ['https://shop.example/a', 'https://shop.example?x=1', 'https://shop.example#f', 'ftp://shop.example', '*.shop.example', 'https://*.shop.example', 'https://u:p@shop.example']) {
      expect(() => originOption(bad)).toThrow(/is not an origin/);
    }
    expect(() => originOption('https://u:hunter2@shop.example')).toThrow(/^(?!.*hunter2)/);
  });

  it('accepts officially assigned ISO alpha-2 country codes only', () => {
    expect(countryOption('us')).toBe('US');
    expect(countryOption(' de ')).toBe('DE');
    for (const bad of ['UK', 'XX', 'USA', 'U', 'United States']) expect(() => countryOption(bad)).toThrow(/alpha-2/);
  });

  it('reads ISO 8601 dates and date-times', () => {
    expect(isoDateOption('since', '2026-11-01').toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(isoDateOption('since', '2026-11-01T12:30:00+02:00').toISOString()).toBe('2026-11-01T10:30:00.000Z');
    for (const bad of ['yesterday', '2026-13-01', '11/01/2026', '']) expect(() => isoDateOption('since', bad)).toThrow(/ISO 8601/);
  });

  it('masks secrets with a fixed mask that never reveals their length', () => {
    expect(maskSecret('EAAB' + 'x'.repeat(200) + '1234')).toBe('****1234');
    expect(maskSecret('short-secret')).toBe('****cret');
    expect(maskSecret('tiny')).toBe('****');
    expect(maskSecret(undefined)).toBe('****');
  });

  it('matches erasure on exactly the hashes ingest stores, with the tenant\'s default country for phones', () => {
    const stored = hashUserData({ email: 'Jane.Doe@gmail.com', phone: '(415) 555-2671', external_id: 'C-1' }, { defaultCountry: 'US' });
    expect(erasePatterns('email', ' jane.doe@GMAIL.com', 'US')).toEqual([
      { meta: { em: stored.meta.em } },
      { google: { sha256_email_address: stored.google.sha256_email_address } },
      { google_ads: { sha256_email: stored.google_ads.sha256_email } },
      { tiktok: { email: stored.tiktok.email } },
    ]);
    expect(erasePatterns('phone', '+1 415-555-2671', null)).toEqual([
      { meta: { ph: stored.meta.ph } },
      { google: { sha256_phone_number: stored.google.sha256_phone_number } },
      { google_ads: { sha256_phone: stored.google_ads.sha256_phone } },
      { tiktok: { phone: stored.tiktok.phone } },
    ]);
    expect(erasePatterns('external-id', 'C-1', null)).toEqual([{ meta: { external_id: stored.meta.external_id } }, { tiktok: { external_id: stored.tiktok.external_id } }]);
    expect(erasePatterns('phone', '4155552671', null)).toEqual([]); // no country: cannot match anything
    expect(erasePatterns('email', 'not-an-email', 'US')).toEqual([]);
  });
});
