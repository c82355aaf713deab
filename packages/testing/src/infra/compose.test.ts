/**
 * Structural promises of the deployment files (docker-compose.yml, the root Dockerfile,
 * .dockerignore), checked without Docker: this machine and the unit job have no engine.
 * docker-compose.yml is read with the YAML subset in ./yaml-subset; `docker compose config -q`
 * (CI) remains the full validation. The Dockerfile is resolved per app as Docker would for
 * `--build-arg APP=<app>` (what its images carry: ./images.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isMap, parseYamlSubset, type Yaml, type YamlMap } from './yaml-subset';

const ROOT = path.resolve(__dirname, '../../../..');
const APPS = ['ingest-api', 'dispatcher', 'pruner', 'console'] as const;
/** Apps that talk to Kafka (the pruner only uses PostgreSQL; the console publishes replays). */
const KAFKA_APPS = new Set<string>(['ingest-api', 'dispatcher', 'console']);
/** The variable each app reads its HTTP port from (the ops server's, for the workers) and its default. */
const APP_PORTS: Record<(typeof APPS)[number], { variable: string; port: string }> = {
  'ingest-api': { variable: 'PORT', port: '8080' },
  dispatcher: { variable: 'DISPATCHER_PORT', port: '8081' },
  pruner: { variable: 'PRUNER_PORT', port: '8082' },
  console: { variable: 'CONSOLE_PORT', port: '8084' },
};

// Helpers over the parsed compose file.

function asMap(value: Yaml | undefined, what: string): YamlMap {
  if (!isMap(value)) throw new Error(`${what} must be a mapping`);
  return value;
}

function asList(value: Yaml | undefined, what: string): Yaml[] {
  if (!Array.isArray(value)) throw new Error(`${what} must be a list`);
  return value;
}

function readRepoFile(relative: string): string {
  return fs.readFileSync(path.join(ROOT, relative), 'utf8');
}

/** A compose duration ("30s", "1m30s", "500ms") in milliseconds. */
function durationMs(value: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  const rest = value.replace(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g, (_all, amount: string, unit: string) => {
    total += Number(amount) * (units[unit] ?? NaN);
    return '';
  });
  if (rest !== '' || Number.isNaN(total)) throw new Error(`not a duration: ${value}`);
  return total;
}

/** A value that is exactly one `${NAME...}` interpolation. */
function interpolation(value: Yaml | undefined): { name: string; modifier: string; fallback: string } | null {
  if (typeof value !== 'string') return null;
  const match = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}$/.exec(value);
  return match ? { name: match[1]!, modifier: match[2] ?? '', fallback: match[3] ?? '' } : null;
}

const SECRET_NAME = /(^|_)(KEY|SECRET|TOKEN|PASSWORD|PASS|CREDENTIALS?)(_|$)/i;
/** Secrets that must be supplied by the environment with no default at all. */
const REQUIRED_SECRETS = new Set(['CREDENTIALS_KEY', 'CONSOLE_ADMIN_TOKEN']);
/** Secrets allowed a default: the local-only database password (bound to 127.0.0.1). */
const DEFAULTED_SECRETS = new Set(['POSTGRES_PASSWORD']);

/** A value with its `${NAME}`, `${NAME:-default}` and `${NAME:?message}` interpolated, as compose does. */
function interpolate(value: Yaml | undefined, vars: Record<string, string>): string {
  return String(value).replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-?])([^}]*))?\}/g, (_all, name: string, modifier?: string, text?: string) => {
    const set = vars[name];
    if (modifier === '?' && !set) throw new Error(`${name}: ${text}`);
    return set || (modifier === '-' ? (text ?? '') : '');
  });
}

describe('docker-compose.yml', () => {
  const raw = readRepoFile('docker-compose.yml');
  const compose = asMap(parseYamlSubset(raw), 'docker-compose.yml');
  const services = asMap(compose.services, 'services');
  const service = (name: string): YamlMap => asMap(services[name], `services.${name}`);
  const environment = (name: string): YamlMap => asMap(service(name).environment, `services.${name}.environment`);

  it('is a compose-spec file with the whole stack', () => {
    expect(compose).not.toHaveProperty('version');
    expect(Object.keys(services).sort()).toEqual(
      expect.arrayContaining(['postgres', 'kafka', 'migrate', 'jaeger', 'cli', ...APPS].sort()),
    );
  });

  it.each(APPS)('%s is built from the root Dockerfile with APP set to its name and the repo root as context', (app) => {
    const build = asMap(service(app).build, `${app}.build`);
    expect(build.context).toBe('.');
    expect(build.dockerfile).toBe('Dockerfile');
    expect(asMap(build.args, `${app}.build.args`)).toEqual({ APP: app });
    expect(service(app).image).toBe(`attribution/${app}:local`);
    expect(fs.existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
  });

  it.each(APPS)('%s has a node-based healthcheck on /health', (app) => {
    const healthcheck = asMap(service(app).healthcheck, `${app}.healthcheck`);
    expect(healthcheck.disable).toBeUndefined();
    const test = asList(healthcheck.test, `${app}.healthcheck.test`);
    expect(test[0]).toBe('CMD');
    expect(test[1]).toBe('node');
    expect(test.join(' ')).toContain('/health');
  });

  it.each(APPS)('%s waits for the migration job to complete successfully and for its backing services', (app) => {
    const dependsOn = asMap(service(app).depends_on, `${app}.depends_on`);
    expect(asMap(dependsOn.migrate, `${app}.depends_on.migrate`).condition).toBe('service_completed_successfully');
    expect(asMap(dependsOn.postgres, `${app}.depends_on.postgres`).condition).toBe('service_healthy');
    if (KAFKA_APPS.has(app)) {
      expect(asMap(dependsOn.kafka, `${app}.depends_on.kafka`).condition).toBe('service_healthy');
      expect(environment(app).KAFKA_BROKERS).toBe('kafka:9092');
    }
  });

  it.each(APPS)('%s gets more stop time than its own shutdown timeout (graceful SIGTERM)', (app) => {
    const svc = service(app);
    const grace = durationMs(String(svc.stop_grace_period ?? '10s'));
    expect(grace).toBeGreaterThan(Number(environment(app).SHUTDOWN_TIMEOUT_MS ?? 10_000));
  });

  it('runs migrate once, from the ingest-api image, after PostgreSQL is healthy', () => {
    const migrate = service('migrate');
    expect(migrate.build).toEqual(service('ingest-api').build);
    expect(asMap(asMap(migrate.build, 'migrate.build').args, 'migrate.build.args').APP).toBe('ingest-api');
    expect(migrate.image).toBe(service('ingest-api').image);
    expect(asList(migrate.command, 'migrate.command')).toEqual(['node', 'packages/db/dist/bin/migrate.js']);
    expect(fs.existsSync(path.join(ROOT, 'packages/db/src/bin/migrate.ts'))).toBe(true);
    expect(migrate.restart).toBe('no');
    expect(asMap(asMap(migrate.depends_on, 'migrate.depends_on').postgres, 'migrate.depends_on.postgres').condition).toBe(
      'service_healthy',
    );
  });

  it('runs the operator CLI on demand only (profile tools), from its own image, once the schema is migrated', () => {
    const cli = service('cli');
    expect(asMap(cli.build, 'cli.build')).toEqual({ context: '.', dockerfile: 'Dockerfile', args: { APP: 'cli' } });
    expect(cli.image).toBe('attribution/cli:local');
    expect(cli.profiles).toEqual(['tools']);
    // The only service `docker compose up` leaves out.
    expect(Object.entries(services).filter(([, value]) => asMap(value, 'service').profiles !== undefined).map(([name]) => name)).toEqual(['cli']);
    expect(cli.restart).toBe('no');
    expect(cli.ports).toBeUndefined();
    expect(cli).toMatchObject({ read_only: 'true', cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'] });
    const dependsOn = asMap(cli.depends_on, 'cli.depends_on');
    expect(asMap(dependsOn.migrate, 'cli.depends_on.migrate').condition).toBe('service_completed_successfully');
    expect(asMap(dependsOn.postgres, 'cli.depends_on.postgres').condition).toBe('service_healthy');
    expect(asMap(dependsOn.kafka, 'cli.depends_on.kafka').condition).toBe('service_healthy');
  });

  it('gives the CLI the database, credentials key and brokers of the services it administers, enough for every command', async () => {
    const cli = environment('cli');
    for (const key of ['DATABASE_URL', 'KAFKA_BROKERS', 'CREDENTIALS_KEY', 'CREDENTIALS_KEY_PREVIOUS']) {
      expect({ key, value: cli[key] }).toEqual({ key, value: environment('dispatcher')[key] });
    }
    const vars = { CREDENTIALS_KEY: randomBytes(32).toString('base64') };
    const resolved = Object.fromEntries(Object.entries(cli).map(([key, value]) => [key, interpolate(value, vars)]));
    const { parseCliEnv } = (await import(path.join(ROOT, 'packages/cli/src/cli-env'))) as { parseCliEnv: (source: object, needs: object) => Record<string, unknown> };
    expect(parseCliEnv(resolved, { credentialsKey: true, kafka: true })).toMatchObject({
      DATABASE_URL: 'postgresql://attribution:attribution-local@postgres:5432/attribution',
      CREDENTIALS_KEY: vars.CREDENTIALS_KEY,
      KAFKA_BROKERS: ['kafka:9092'],
    });
    expect(() => interpolate(cli.CREDENTIALS_KEY, {})).toThrow(/^CREDENTIALS_KEY: set CREDENTIALS_KEY/);
  });

  it('publishes every port on 127.0.0.1 only', () => {
    const published: string[] = [];
    for (const [name, value] of Object.entries(services)) {
      const ports = asMap(value, name).ports;
      if (ports === undefined) continue;
      for (const port of asList(ports, `${name}.ports`)) {
        expect(typeof port).toBe('string');
        expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+(\/(tcp|udp))?$/);
        published.push(`${name} ${String(port)}`);
      }
    }
    for (const app of APPS) expect(published.some((entry) => entry.startsWith(`${app} `))).toBe(true);
  });

  it('gives every service that others wait on the matching healthcheck or one-shot behaviour', () => {
    for (const [name, value] of Object.entries(services)) {
      const dependsOn = asMap(value, name).depends_on;
      if (dependsOn === undefined) continue;
      for (const [target, spec] of Object.entries(asMap(dependsOn, `${name}.depends_on`))) {
        const condition = asMap(spec, `${name}.depends_on.${target}`).condition;
        const dependency = service(target);
        if (condition === 'service_healthy') {
          const healthcheck = asMap(dependency.healthcheck, `${target}.healthcheck`);
          expect(healthcheck.disable).toBeUndefined();
          expect(healthcheck.test).toBeDefined();
        }
        if (condition === 'service_completed_successfully') expect(dependency.restart).toBe('no');
      }
    }
  });

  it('declares every named volume it mounts', () => {
    const declared = Object.keys(asMap(compose.volumes ?? {}, 'volumes'));
    for (const [name, value] of Object.entries(services)) {
      const volumes = asMap(value, name).volumes;
      if (volumes === undefined) continue;
      for (const volume of asList(volumes, `${name}.volumes`)) {
        const source = String(volume).split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) expect(declared).toContain(source);
      }
    }
    expect(asList(service('postgres').volumes, 'postgres.volumes')).toContain('postgres-data:/var/lib/postgresql');
  });

  it('inlines no secret: CREDENTIALS_KEY and other secrets come from the environment', () => {
    expect(interpolation(environment('dispatcher').CREDENTIALS_KEY)).toEqual({ name: 'CREDENTIALS_KEY', modifier: ':?', fallback: expect.any(String) });
    expect(interpolation(environment('dispatcher').CREDENTIALS_KEY_PREVIOUS)).toEqual({ name: 'CREDENTIALS_KEY_PREVIOUS', modifier: ':-', fallback: '' });
    expect(interpolation(environment('console').CONSOLE_ADMIN_TOKEN)).toEqual({ name: 'CONSOLE_ADMIN_TOKEN', modifier: ':?', fallback: expect.any(String) });

    for (const [name, value] of Object.entries(services)) {
      const env = asMap(value, name).environment;
      if (env === undefined) continue;
      for (const [key, val] of Object.entries(asMap(env, `${name}.environment`))) {
        if (SECRET_NAME.test(key)) {
          const ref = interpolation(val);
          expect({ service: name, key, fromEnvironment: ref !== null }).toEqual({ service: name, key, fromEnvironment: true });
          if (REQUIRED_SECRETS.has(key)) expect(ref?.modifier).toBe(':?');
          // An optional secret may default to empty (unset), never to a value.
          else if (!DEFAULTED_SECRETS.has(ref?.name ?? '')) expect(ref?.modifier.includes('-') ? ref.fallback : '').toBe('');
        }
        // A password inside a connection URL must be an interpolation too.
        if (typeof val === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*@/i.test(val)) {
          const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]*)@/i.exec(val)![1]!;
          const password = userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : '';
          expect({ service: name, key, password: password === '' || interpolation(password) !== null }).toEqual({
            service: name,
            key,
            password: true,
          });
        }
      }
    }
    // Nothing anywhere in the file looks like a 32-byte key (base64 or hex).
    expect(raw).not.toMatch(/(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])/);
    expect(raw).not.toMatch(/(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])/);
  });
});

// The Dockerfile, resolved as Docker does for one value of APP.

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions with line continuations joined; comments and parser directives dropped. */
function dockerfileInstructions(text: string): Instruction[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...args] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: args.join(' ') };
    });
}

/** `${NAME}`, `${NAME:-default}` and `${NAME:?message}` (a missing value throws), as BuildKit expands them. */
function expand(word: string, vars: Record<string, string | undefined>): string {
  return word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-?])([^}]*))?\}/g, (_all, name: string, modifier?: string, text?: string) => {
    const value = vars[name];
    if (modifier === ':?' && !value) throw new Error(`${name}: ${text}`);
    if (modifier === ':-' && !value) return text ?? '';
    return value ?? '';
  });
}

interface ImageConfig {
  env: Record<string, string>;
  entrypoint: unknown;
  cmd: unknown;
  user: string | undefined;
  healthcheck: string | undefined;
  stopSignal: string | undefined;
  expose: string[];
}

/**
 * The config of the image `docker build --build-arg ...` makes: the final stage and the stages it
 * is built FROM, down to the base image, applied in order (later settings win; an ENTRYPOINT
 * resets a CMD set by an earlier stage). The base image's own settings are not known here.
 */
function imageConfig(text: string, buildArgs: Record<string, string>): ImageConfig {
  const all = dockerfileInstructions(text);
  const firstFrom = all.findIndex((i) => i.keyword === 'FROM');
  const globals: Record<string, string | undefined> = {};
  for (const i of all.slice(0, firstFrom).filter((i) => i.keyword === 'ARG')) {
    const [name = '', value] = i.args.split('=');
    globals[name] = buildArgs[name] ?? value;
  }
  const stages: Stage[] = [];
  for (const i of all.slice(firstFrom)) {
    if (i.keyword === 'FROM') {
      const [from = '', , name] = i.args.split(/\s+/);
      stages.push({ from, name: name?.toLowerCase(), instructions: [] });
    } else {
      stages.at(-1)!.instructions.push(i);
    }
  }
  const chain: Stage[] = [];
  for (let stage = stages.at(-1); stage; ) {
    chain.unshift(stage);
    const base = expand(stage.from, globals).toLowerCase();
    stage = stages.find((s) => s.name === base);
  }
  const config: ImageConfig = { env: {}, entrypoint: undefined, cmd: undefined, user: undefined, healthcheck: undefined, stopSignal: undefined, expose: [] };
  for (const stage of chain) {
    let cmdSetHere = false;
    for (const { keyword, args } of stage.instructions) {
      if (keyword === 'ENV') {
        const pairs = [...args.matchAll(/(\S+?)=(\S*)/g)].map(([, key = '', value = '']) => [expand(key, config.env), expand(value, config.env)]);
        for (const [key = '', value = ''] of pairs) config.env[key] = value;
      } else if (keyword === 'CMD') {
        config.cmd = JSON.parse(args) as unknown;
        cmdSetHere = true;
      } else if (keyword === 'ENTRYPOINT') {
        config.entrypoint = JSON.parse(args) as unknown;
        if (!cmdSetHere) config.cmd = undefined;
      } else if (keyword === 'USER') config.user = expand(args, config.env);
      else if (keyword === 'HEALTHCHECK') config.healthcheck = args;
      else if (keyword === 'STOPSIGNAL') config.stopSignal = args;
      else if (keyword === 'EXPOSE') config.expose.push(...expand(args, config.env).split(/\s+/));
    }
  }
  return config;
}

/** The URL the image's HEALTHCHECK command fetches, run with node and `env` as the container's. */
function healthcheckUrl(healthcheck: string, env: Record<string, string>): string {
  const [program, flag, script] = JSON.parse(healthcheck.replace(/^.*?\bCMD\s+/, '')) as string[];
  expect([program, flag]).toEqual(['node', '-e']);
  const stub = 'globalThis.fetch = (url) => { process.stdout.write(String(url)); process.exit(0); };';
  return execFileSync(process.execPath, ['-e', `${stub}\n${script}`], { env, encoding: 'utf8' });
}

describe('Dockerfile', () => {
  const text = readRepoFile('Dockerfile');
  const instructions = dockerfileInstructions(text);

  it('is multi-stage', () => {
    expect(instructions.filter((i) => i.keyword === 'FROM').length).toBeGreaterThan(1);
  });

  it('refuses to build without APP', () => {
    expect(() => imageConfig(text, {})).toThrow(/^APP: /);
  });

  it('bakes in no .env file and no secret', () => {
    for (const i of instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
      expect(i.args).not.toMatch(/(^|[\s/])\.env/);
    }
    for (const i of instructions.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')) {
      expect(i.args).not.toMatch(/CREDENTIALS_KEY|DATABASE_URL|PASSWORD|SECRET/);
    }
  });
});

describe.each(APPS)('Dockerfile with APP=%s', (app) => {
  const config = imageConfig(readRepoFile('Dockerfile'), { APP: app });
  const { variable, port } = APP_PORTS[app];

  it('runs as a non-root numeric user', () => {
    expect(config.user).toMatch(/^\d+:\d+$/);
    expect(config.user!.split(':')[0]).not.toBe('0');
  });

  it(`sets ${variable}=${port} and NODE_ENV=production, and exposes ${port}`, () => {
    expect(config.env[variable]).toBe(port);
    expect(config.env.NODE_ENV).toBe('production');
    expect(config.expose).toEqual([port]);
    for (const other of Object.values(APP_PORTS).filter((p) => p.variable !== variable)) expect(config.env[other.variable]).toBeUndefined();
  });

  it(`has a node HEALTHCHECK on /health at ${variable}, followed when overridden`, () => {
    expect(config.healthcheck).toMatch(/\bCMD\s+\[\s*"node"/);
    expect(healthcheckUrl(config.healthcheck!, config.env)).toBe(`http://127.0.0.1:${port}/health`);
    expect(healthcheckUrl(config.healthcheck!, { ...config.env, [variable]: '9999' })).toBe('http://127.0.0.1:9999/health');
    // Another app's variable (a platform may inject PORT everywhere) does not move the probe.
    const foreign = Object.values(APP_PORTS).find((p) => p.variable !== variable)!.variable;
    expect(healthcheckUrl(config.healthcheck!, { ...config.env, [foreign]: '7777' })).toBe(`http://127.0.0.1:${port}/health`);
  });

  it(`starts node apps/${app}/dist/main.js (exec form) under tini and stops on SIGTERM`, () => {
    expect(config.entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(config.cmd).toEqual(['node', `apps/${app}/dist/main.js`]);
    expect(config.stopSignal ?? 'SIGTERM').toBe('SIGTERM');
  });
});

describe('Dockerfile with APP=cli', () => {
  const config = imageConfig(readRepoFile('Dockerfile'), { APP: 'cli' });

  it('runs the built CLI under tini as a non-root user, its arguments the command line and its help without any', () => {
    expect(config.entrypoint).toEqual(['/usr/bin/tini', '--', 'node', 'packages/cli/dist/bin.js']);
    expect(config.cmd).toEqual(['--help']);
    expect(fs.existsSync(path.join(ROOT, 'packages/cli/src/bin.ts'))).toBe(true);
    expect(config.user).toMatch(/^\d+:\d+$/);
    expect(config.user!.split(':')[0]).not.toBe('0');
    expect(config.env.NODE_ENV).toBe('production');
  });

  it('is no server: no port, no port variable, no healthcheck', () => {
    expect(config.expose).toEqual([]);
    expect(config.healthcheck).toBeUndefined();
    expect(config.env.APP_PORT_VARIABLE).toBeUndefined();
    for (const { variable } of Object.values(APP_PORTS)) expect(config.env[variable]).toBeUndefined();
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, local data and env files out of the build context', () => {
    const patterns = readRepoFile('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const expected of ['**/node_modules', '**/dist', '**/.data', 'infra/kafka/.jars', 'infra/tools/.bin', '.git', '**/.env', '**/.env.*']) {
      expect(patterns).toContain(expected);
    }
  });
});
