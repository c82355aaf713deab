/**
 * The structure docs/architecture.md describes, held against the code: which workspace may
 * import which, that package.json, tsconfig references and imports say the same thing, that
 * platform names stay in the destinations package, and the size and naming rules.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PLATFORM_IDS } from '@attribution/destinations';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Which workspaces each workspace's production code may import (docs/architecture.md). */
const MAY_IMPORT: Record<string, string[]> = {
  core: [],
  runtime: ['core'],
  transport: ['core', 'runtime'],
  db: ['core', 'runtime'],
  destinations: ['core', 'runtime'],
  'local-postgres': ['db'],
  pixel: [],
  tsconfig: [],
  cli: ['core', 'runtime', 'transport', 'db', 'destinations'],
  testing: ['core', 'db', 'destinations', 'local-postgres'],
  'ingest-api': ['core', 'runtime', 'transport', 'db', 'destinations', 'pixel'],
  dispatcher: ['core', 'runtime', 'transport', 'db', 'destinations'],
  pruner: ['core', 'runtime', 'db'],
  // The replay path is the CLI's (replayDeliveries), a package.
  console: ['core', 'runtime', 'transport', 'db', 'destinations', 'cli'],
  standalone: ['core', 'runtime', 'transport', 'db', 'local-postgres', 'ingest-api', 'dispatcher', 'pruner', 'console'],
};
const APPS = ['ingest-api', 'dispatcher', 'pruner', 'console', 'standalone'];

interface Workspace {
  name: string;
  dir: string;
  manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; scripts?: Record<string, string> };
}

const workspaces: Workspace[] = Object.keys(MAY_IMPORT).map((name) => {
  const dir = path.join(APPS.includes(name) ? 'apps' : 'packages', name);
  return { name, dir, manifest: JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) };
});

const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
const isTest = (file: string) => /\.test\.ts$/.test(file) || /\/test\//.test(file);
const sourcesOf = (ws: Workspace) => tracked.filter((f) => f.startsWith(`${ws.dir}/src/`) && f.endsWith('.ts') && !f.includes('/generated/'));
const importsOf = (file: string) =>
  [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/(?:from|import\(|require\()\s*'@attribution\/([a-z-]+)'/g)].map((m) => m[1]!);
const workspaceDeps = (deps: Record<string, string> | undefined) =>
  Object.keys(deps ?? {})
    .filter((d) => d.startsWith('@attribution/'))
    .map((d) => d.slice('@attribution/'.length));

describe.each(workspaces.map((w) => [w.name, w] as const))('workspace %s', (name, ws) => {
  it('imports, in its production code, only the workspaces it may, each declared as a dependency', () => {
    const declared = workspaceDeps(ws.manifest.dependencies);
    const used = new Set(sourcesOf(ws).filter((f) => !isTest(f)).flatMap(importsOf));
    used.delete(name);
    for (const dep of used) {
      expect({ file: ws.dir, imports: dep, allowed: MAY_IMPORT[name]!.includes(dep) }).toEqual({ file: ws.dir, imports: dep, allowed: true });
      expect({ imports: dep, declared: declared.includes(dep) }).toEqual({ imports: dep, declared: true });
    }
    for (const dep of declared) expect(MAY_IMPORT[name]).toContain(dep);
  });

  it('runs each kind of test it has: npm test reaches every *.test.ts through test:unit or test:integration', () => {
    const tests = tracked.filter((f) => f.startsWith(`${ws.dir}/`) && f.endsWith('.test.ts'));
    const integration = tests.some((f) => f.endsWith('.integration.test.ts'));
    const unit = tests.some((f) => !f.endsWith('.integration.test.ts'));
    const scripts = ws.manifest.scripts ?? {};
    expect({ unit: unit && !scripts['test:unit'], integration: integration && !scripts['test:integration'] }).toEqual({ unit: false, integration: false });
  });

  it('never depends on an app, unless it is the single-process runner', () => {
    if (name === 'standalone') return;
    expect(workspaceDeps(ws.manifest.dependencies).filter((d) => APPS.includes(d))).toEqual([]);
  });

  it('references in its build tsconfig exactly the workspaces it depends on', () => {
    const tsconfig = path.join(ROOT, ws.dir, 'tsconfig.json');
    if (!existsSync(tsconfig) || name === 'tsconfig') return;
    const text = readFileSync(tsconfig, 'utf8');
    const references = [...text.matchAll(/"path":\s*"([^"]+)"/g)].map((m) => path.basename(m[1]!)).filter((r) => !r.startsWith('tsconfig.'));
    const built = workspaceDeps(ws.manifest.dependencies).filter((d) => d !== 'tsconfig');
    expect(references.sort()).toEqual(built.sort());
    expect(text).toMatch(/"exclude":\s*\[[^\]]*\*\.test\.ts/);
  });

  it('keeps test helpers out of src/: production code imports no test library', () => {
    const offenders = sourcesOf(ws)
      .filter((f) => !isTest(f) && name !== 'testing')
      .filter((f) => /from '(?:@attribution\/testing|supertest|fast-check|@jest\/globals)'/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('the whole tree', () => {
  const production = tracked.filter((f) => /^(apps|packages)\/[^/]+\/src\/.*\.ts$/.test(f) && !isTest(f) && !f.includes('/generated/'));

  it('names no platform as a platform outside the destinations package and its fakes', () => {
    const ids = [...PLATFORM_IDS];
    // A platform id as a literal, a comparison with one, or a case of a switch; not `info['meta']`.
    const pattern = new RegExp(`(?<!\\[)(['"\`])(?:${ids.join('|')})\\1|platform\\s*===\\s*['"]|case\\s+'(?:${ids.join('|')})'`);
    // The destinations package, and the test harness (its fakes and fixtures are per platform).
    const allowed = (f: string) => f.startsWith('packages/destinations/') || f.startsWith('packages/testing/');
    const code = (f: string) => readFileSync(path.join(ROOT, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const offenders = production.filter((f) => !allowed(f)).filter((f) => pattern.test(code(f)));
    expect(offenders).toEqual([]);
  });

  it('has no source file over 500 lines', () => {
    const long = tracked
      .filter((f) => /\.(ts|js|cjs|mjs)$/.test(f) && !f.startsWith('packages/pixel/versions/') && existsSync(path.join(ROOT, f)))
      .map((f) => ({ f, lines: readFileSync(path.join(ROOT, f), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 500);
    expect(long).toEqual([]);
  });

  it('gives each app one composition root and one main', () => {
    for (const app of APPS.filter((a) => a !== 'standalone')) {
      expect(existsSync(path.join(ROOT, 'apps', app, 'src', 'composition-root.ts'))).toBe(true);
      expect(existsSync(path.join(ROOT, 'apps', app, 'src', 'main.ts'))).toBe(true);
    }
  });

  it('means one thing by *.service.ts: a class holding one piece of domain logic, named after it', () => {
    for (const file of production.filter((f) => f.endsWith('.service.ts'))) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      expect({ file, service: /export class \w+Service\b/.test(text) }).toEqual({ file, service: true });
    }
  });

  it('builds no test into dist/', () => {
    const built = workspaces.map((w) => path.join(ROOT, w.dir, 'dist')).filter((d) => existsSync(d));
    const tests = built.flatMap((d) => execFileSync('find', [d, '-name', '*.test.*'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean));
    expect(tests).toEqual([]);
  });
});
