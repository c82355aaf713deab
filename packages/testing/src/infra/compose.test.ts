/**
 * Structural promises of the deployment files (docker-compose.yml, apps/*\/Dockerfile,
 * .dockerignore), checked without Docker: this machine and the unit job have no engine.
 *
 * The `yaml` package is not a dependency of this repo, so docker-compose.yml is read with the
 * small YAML-subset parser below. It understands what the compose file uses (block mappings and
 * sequences, one-line flow sequences, quoted and plain scalars, comments, anchors, aliases and
 * `<<` merge keys) and throws on anything else (block scalars, flow mappings, tabs...), so a
 * construct it cannot read fails this test loudly instead of being skipped. `docker compose
 * config -q` (CI) remains the full validation.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const APPS = ['ingest-api', 'dispatcher', 'pruner'] as const;
/** Apps that talk to Kafka (the pruner only uses PostgreSQL). */
const KAFKA_APPS = new Set<string>(['ingest-api', 'dispatcher']);

// ------------------------------------------------------------------------------------------------
// A YAML subset parser (see the header).

type Yaml = string | null | Yaml[] | { [key: string]: Yaml };
type YamlMap = { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  no: number;
}

function parseYamlSubset(source: string): Yaml {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    const leading = /^[ \t]*/.exec(raw)?.[0] ?? '';
    if (leading.includes('\t')) throw new Error(`line ${i + 1}: tab indentation is not supported`);
    const text = stripComment(raw).trimEnd();
    const trimmed = text.trim();
    if (trimmed === '' || trimmed === '---') return;
    if (trimmed === '...' || trimmed.startsWith('%')) throw new Error(`line ${i + 1}: directives/document ends are not supported`);
    lines.push({ indent: text.length - text.trimStart().length, text: trimmed, no: i + 1 });
  });

  const anchors = new Map<string, Yaml>();
  let pos = 0;
  const fail = (line: Line | undefined, message: string): never => {
    throw new Error(`line ${line?.no ?? 'EOF'}: ${message}${line ? ` (${line.text})` : ''}`);
  };
  const isSeqItem = (text: string): boolean => text === '-' || text.startsWith('- ');

  function parseBlock(): Yaml {
    const first = lines[pos];
    if (!first) return null;
    return isSeqItem(first.text) ? parseSeq(first.indent) : parseMap(first.indent);
  }

  function parseMap(indent: number): YamlMap {
    const out: YamlMap = {};
    const merged: YamlMap[] = [];
    for (let line = lines[pos]; line && line.indent === indent && !isSeqItem(line.text); line = lines[pos]) {
      const entry = splitMappingEntry(line.text);
      if (!entry) fail(line, 'expected "key: value"');
      const { key, rest } = entry!;
      pos += 1;
      const value = parseValue(rest, indent, line);
      if (key === '<<') {
        const sources = Array.isArray(value) ? value : [value];
        for (const source of sources) {
          if (!isMap(source)) fail(line, 'a merge key takes a mapping or a list of mappings');
          merged.push(source as YamlMap);
        }
      } else {
        if (Object.prototype.hasOwnProperty.call(out, key)) fail(line, `duplicate key "${key}"`);
        out[key] = value;
      }
    }
    const next = lines[pos];
    if (next && next.indent > indent) fail(next, 'unexpected indentation');
    // Merge keys: explicit keys win, then earlier merged mappings win over later ones.
    for (const source of merged) {
      for (const [key, value] of Object.entries(source)) {
        if (!Object.prototype.hasOwnProperty.call(out, key)) out[key] = value;
      }
    }
    return out;
  }

  function parseSeq(indent: number): Yaml[] {
    const out: Yaml[] = [];
    for (let line = lines[pos]; line && line.indent === indent && isSeqItem(line.text); line = lines[pos]) {
      const rest = line.text.slice(1).trimStart();
      if (rest === '') {
        pos += 1;
        const next = lines[pos];
        out.push(next && next.indent > indent ? parseBlock() : null);
      } else if (splitMappingEntry(rest)) {
        // "- key: value": a mapping whose first entry sits on the dash line.
        const column = line.indent + (line.text.length - rest.length);
        lines[pos] = { indent: column, text: rest, no: line.no };
        out.push(parseMap(column));
      } else {
        pos += 1;
        out.push(parseInline(rest, line));
      }
    }
    const next = lines[pos];
    if (next && next.indent > indent) fail(next, 'unexpected indentation');
    return out;
  }

  function parseValue(rest: string, indent: number, line: Line): Yaml {
    let anchor: string | undefined;
    const anchored = /^&([A-Za-z0-9_-]+)(?:\s+(.*))?$/.exec(rest);
    if (anchored) {
      anchor = anchored[1];
      rest = anchored[2] ?? '';
    }
    let value: Yaml;
    if (rest === '') {
      const next = lines[pos];
      if (next && (next.indent > indent || (next.indent === indent && isSeqItem(next.text)))) value = parseBlock();
      else value = null;
    } else {
      value = parseInline(rest, line);
    }
    if (anchor) anchors.set(anchor, value);
    return value;
  }

  function parseInline(text: string, line: Line): Yaml {
    if (text.startsWith('*')) {
      const name = text.slice(1);
      if (!anchors.has(name)) fail(line, `unknown alias *${name}`);
      return anchors.get(name) ?? null;
    }
    if (text.startsWith('[')) {
      if (!text.endsWith(']')) fail(line, 'multi-line flow sequences are not supported');
      return splitFlowItems(text.slice(1, -1), line).map((item) => parseInline(item, line));
    }
    if (/^[{|>!&%@`]/.test(text)) fail(line, `unsupported YAML construct "${text[0]}"`);
    return parseScalar(text, line);
  }

  function parseScalar(text: string, line: Line): string | null {
    if (text.startsWith('"')) {
      if (!text.endsWith('"') || text.length < 2) fail(line, 'unterminated double-quoted string');
      return JSON.parse(text) as string;
    }
    if (text.startsWith("'")) {
      if (!text.endsWith("'") || text.length < 2) fail(line, 'unterminated single-quoted string');
      return text.slice(1, -1).replace(/''/g, "'");
    }
    return text === '~' || text === 'null' ? null : text;
  }

  function splitFlowItems(inner: string, line: Line): string[] {
    const items: string[] = [];
    let current = '';
    let quote: string | null = null;
    for (const ch of inner) {
      if (quote) {
        current += ch;
        if (ch === quote) quote = null;
      } else if ((ch === '"' || ch === "'") && current.trim() === '') {
        quote = ch;
        current += ch;
      } else if (ch === ',') {
        items.push(current.trim());
        current = '';
      } else if (ch === '[' || ch === '{') {
        fail(line, 'nested flow collections are not supported');
      } else {
        current += ch;
      }
    }
    if (quote) fail(line, 'unterminated string in a flow sequence');
    if (current.trim() !== '') items.push(current.trim());
    return items;
  }

  const result = parseBlock();
  if (pos < lines.length) fail(lines[pos], 'unexpected content');
  return result;
}

/** Removes a trailing comment: a `#` at the line start or after whitespace, outside quotes. */
function stripComment(raw: string): string {
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i += 1) {
    const ch = raw[i]!;
    const prev = i === 0 ? ' ' : raw[i - 1]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if ((ch === '"' || ch === "'") && /[\s[,]/.test(prev)) {
      // A quote only opens a quoted scalar at the start of a token, not inside a plain one.
      quote = ch;
    } else if (ch === '#' && /\s/.test(prev)) {
      return raw.slice(0, i);
    }
  }
  return raw;
}

/** "key: value" / "key:" → { key, rest }; null if the text is not a mapping entry. */
function splitMappingEntry(text: string): { key: string; rest: string } | null {
  const quoted = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*:(?:\s+(.*))?$/.exec(text);
  if (quoted) {
    const rawKey = quoted[1]!;
    const key = rawKey.startsWith('"') ? (JSON.parse(rawKey) as string) : rawKey.slice(1, -1).replace(/''/g, "'");
    return { key, rest: (quoted[2] ?? '').trim() };
  }
  if (/^["'[{]/.test(text)) return null;
  const match = /^([^\s#][^:]*?|<<)\s*:(?:\s+(.*))?$/.exec(text);
  if (!match) {
    // A key may contain ':' when not followed by a space; find the first ": " or trailing ':'.
    const at = text.search(/:(\s|$)/);
    if (at <= 0) return null;
    return { key: text.slice(0, at).trim(), rest: text.slice(at + 1).trim() };
  }
  return { key: match[1]!.trim(), rest: (match[2] ?? '').trim() };
}

function isMap(value: Yaml | undefined): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ------------------------------------------------------------------------------------------------
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
function interpolation(value: Yaml | undefined): { name: string; modifier: string } | null {
  if (typeof value !== 'string') return null;
  const match = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}$/.exec(value);
  return match ? { name: match[1]!, modifier: match[2] ?? '' } : null;
}

const SECRET_NAME = /(^|_)(KEY|SECRET|TOKEN|PASSWORD|PASS|CREDENTIALS?)(_|$)/i;
/** Secrets that must be supplied by the environment with no default at all. */
const REQUIRED_SECRETS = new Set(['CREDENTIALS_KEY']);
/** Secrets allowed a default: the local-only database password (bound to 127.0.0.1). */
const DEFAULTED_SECRETS = new Set(['POSTGRES_PASSWORD']);

// ------------------------------------------------------------------------------------------------

describe('parseYamlSubset', () => {
  it('reads mappings, sequences, flow lists, quotes, comments, anchors and merge keys', () => {
    const doc = parseYamlSubset(
      [
        'x-base: &base',
        '  A: "1" # comment',
        "  B: 'it''s'",
        'x-more: &more',
        '  C: c',
        'svc:',
        '  env:',
        '    <<: [*base, *more]',
        '    A: override',
        '  list:',
        '    - "127.0.0.1:80:80"',
        '    - plain:value',
        '  test: ["CMD", "node", "-e", "a, b # not a comment"]',
        '  items:',
        '    - name: one',
        '      deep:',
        '        k: v',
        '  empty:',
      ].join('\n'),
    );
    expect(doc).toEqual({
      'x-base': { A: '1', B: "it's" },
      'x-more': { C: 'c' },
      svc: {
        env: { A: 'override', B: "it's", C: 'c' },
        list: ['127.0.0.1:80:80', 'plain:value'],
        test: ['CMD', 'node', '-e', 'a, b # not a comment'],
        items: [{ name: 'one', deep: { k: 'v' } }],
        empty: null,
      },
    });
  });

  it('refuses constructs it does not understand', () => {
    expect(() => parseYamlSubset('a: |\n  text\n')).toThrow(/unsupported/);
    expect(() => parseYamlSubset('a: {b: c}\n')).toThrow(/unsupported/);
    expect(() => parseYamlSubset('a:\n\tb: c\n')).toThrow(/tab/);
    expect(() => parseYamlSubset('a: *missing\n')).toThrow(/unknown alias/);
    expect(() => parseYamlSubset('a: 1\na: 2\n')).toThrow(/duplicate/);
  });
});

describe('docker-compose.yml', () => {
  const raw = readRepoFile('docker-compose.yml');
  const compose = asMap(parseYamlSubset(raw), 'docker-compose.yml');
  const services = asMap(compose.services, 'services');
  const service = (name: string): YamlMap => asMap(services[name], `services.${name}`);
  const environment = (name: string): YamlMap => asMap(service(name).environment, `services.${name}.environment`);

  it('is a compose-spec file with the whole stack', () => {
    expect(compose).not.toHaveProperty('version');
    expect(Object.keys(services).sort()).toEqual(
      expect.arrayContaining(['postgres', 'kafka', 'migrate', 'jaeger', ...APPS].sort()),
    );
  });

  it.each(APPS)('%s is built from its own Dockerfile with the repo root as context', (app) => {
    const build = asMap(service(app).build, `${app}.build`);
    expect(build.context).toBe('.');
    expect(build.dockerfile).toBe(`apps/${app}/Dockerfile`);
    expect(fs.existsSync(path.join(ROOT, `apps/${app}/Dockerfile`))).toBe(true);
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
    expect(asMap(migrate.build, 'migrate.build').dockerfile).toBe('apps/ingest-api/Dockerfile');
    expect(migrate.image).toBe(service('ingest-api').image);
    expect(asList(migrate.command, 'migrate.command')).toEqual(['node', 'packages/db/dist/bin/migrate.js']);
    expect(fs.existsSync(path.join(ROOT, 'packages/db/src/bin/migrate.ts'))).toBe(true);
    expect(migrate.restart).toBe('no');
    expect(asMap(asMap(migrate.depends_on, 'migrate.depends_on').postgres, 'migrate.depends_on.postgres').condition).toBe(
      'service_healthy',
    );
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
    expect(interpolation(environment('dispatcher').CREDENTIALS_KEY)).toEqual({ name: 'CREDENTIALS_KEY', modifier: ':?' });

    for (const [name, value] of Object.entries(services)) {
      const env = asMap(value, name).environment;
      if (env === undefined) continue;
      for (const [key, val] of Object.entries(asMap(env, `${name}.environment`))) {
        if (SECRET_NAME.test(key)) {
          const ref = interpolation(val);
          expect({ service: name, key, fromEnvironment: ref !== null }).toEqual({ service: name, key, fromEnvironment: true });
          if (REQUIRED_SECRETS.has(key)) expect(ref?.modifier).toBe(':?');
          else if (!DEFAULTED_SECRETS.has(ref?.name ?? '')) expect(ref?.modifier).not.toMatch(/-/);
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

describe.each(APPS)('apps/%s/Dockerfile', (app) => {
  const text = readRepoFile(`apps/${app}/Dockerfile`);
  // Instructions with line continuations joined; comments and parser directives dropped.
  const instructions = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...args] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: args.join(' ') };
    });
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  const finalStage = instructions.slice(lastFrom);
  const last = (keyword: string) => finalStage.filter((i) => i.keyword === keyword).at(-1);

  it('is multi-stage', () => {
    expect(instructions.filter((i) => i.keyword === 'FROM').length).toBeGreaterThan(1);
  });

  it('runs as a non-root user', () => {
    const user = last('USER')?.args ?? '';
    expect(user).not.toBe('');
    expect(user.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it('has a HEALTHCHECK that uses node', () => {
    const healthcheck = last('HEALTHCHECK')?.args ?? '';
    expect(healthcheck).toMatch(/\bCMD\s+\[\s*"node"/);
    expect(healthcheck).toContain('/health');
  });

  it(`starts node apps/${app}/dist/main.js (exec form) and stops on SIGTERM`, () => {
    const cmd = JSON.parse(last('CMD')?.args ?? 'null') as unknown;
    expect(cmd).toEqual(['node', `apps/${app}/dist/main.js`]);
    expect(last('STOPSIGNAL')?.args ?? 'SIGTERM').toBe('SIGTERM');
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

describe('.dockerignore', () => {
  it('keeps dependencies, build output, local data and env files out of the build context', () => {
    const patterns = readRepoFile('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const expected of ['**/node_modules', '**/dist', '**/.data', 'infra/kafka/.jars', '.git', '**/.env', '**/.env.*']) {
      expect(patterns).toContain(expected);
    }
  });
});
