// @ts-check
/**
 * Runs Prisma's WebAssembly schema engine inside a worker thread (started by src/schema-engine.ts).
 *
 * Why a worker and a plain .cjs file:
 * - @prisma/internals loads the engine's JS glue with a native dynamic `import()` of an ES
 *   module. That works in plain Node, but not inside Jest's VM sandbox (no
 *   --experimental-vm-modules). A worker thread is a fresh, non-sandboxed Node context, so the
 *   same code path runs in production, in the CLI and inside Jest tests.
 * - The wasm module (~5 MB plus its heap) is released when the worker exits.
 * - A .cjs file outside src/ is found at the same relative path from src/ (ts-jest) and
 *   dist/ (compiled), and needs no compilation.
 *
 * The wasm lookup quirk: @prisma/internals reads `<its package>/build/schema_engine_bg.wasm`,
 * which is not shipped in its npm package. The identical file ships in
 * @prisma/schema-engine-wasm (the package whose JS glue internals imports, so it always matches
 * that glue) and in `prisma/build/`. Instead of copying files into node_modules (fails on a
 * read-only image, races between parallel processes), this worker redirects that one read to
 * the real file. The redirect is local to this worker thread and is a no-op when the expected
 * file exists.
 *
 * @prisma/adapter-pg 7.10 shortcomings are worked around here, also only inside this worker
 * (the app's own Prisma client is untouched): see reportPgCharAsCharacter, sendScriptsWhole,
 * provideShadowDatabases, trackConnections and the `config` comment in main(). Without them a
 * migration with a ";" inside a statement fails, and `diff` from a migrations directory fails,
 * fails at random, or (worse) replays the migrations into the main database.
 *
 * Versions: all @prisma/* packages and `prisma` are pinned to the same exact version (7.10.0);
 * re-run the integration tests after any upgrade.
 */
'use strict';

const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const crypto = require('node:crypto');
const path = require('node:path');

/** Resolve `request` as seen from the directory `fromDir`. */
function resolveFrom(fromDir, request) {
  return require.resolve(request, { paths: [fromDir] });
}

/** The folder of package `name` (as installed under some node_modules/) seen from `fromDir`. */
function packageDir(fromDir, name) {
  const entry = resolveFrom(fromDir, name);
  const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
  const at = entry.lastIndexOf(marker);
  if (at === -1) throw new Error(`Cannot find the package folder of ${name} (resolved ${entry})`);
  return entry.slice(0, at + marker.length - 1);
}

function locateWasm(internalsDir) {
  const candidates = [];
  try {
    const glue = resolveFrom(internalsDir, '@prisma/schema-engine-wasm/schema_engine_bg');
    candidates.push(path.join(path.dirname(glue), 'schema_engine_bg.wasm'));
  } catch {
    /* fall through to the prisma CLI package */
  }
  try {
    candidates.push(path.join(packageDir(__dirname, 'prisma'), 'build', 'schema_engine_bg.wasm'));
  } catch {
    /* prisma is a devDependency: absent in production installs */
  }
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) {
    throw new Error(`schema_engine_bg.wasm not found (looked in: ${candidates.join(', ') || 'nothing resolvable'})`);
  }
  return found;
}

function redirectWasmLookup(internalsDir) {
  const expected = path.join(internalsDir, 'build', 'schema_engine_bg.wasm');
  if (fs.existsSync(expected)) return expected;
  const actual = locateWasm(internalsDir);
  const originalReadFile = fsp.readFile;
  /** @type {any} */ (fsp).readFile = function readFile(file, ...rest) {
    const target = typeof file === 'string' && path.resolve(file) === expected ? actual : file;
    return originalReadFile.call(this, target, ...rest);
  };
  return actual;
}

/**
 * @prisma/adapter-pg 7.10 rejects columns of PostgreSQL's internal one-byte `"char"` type
 * (OID 18, e.g. pg_constraint.contype: "Unsupported column type char"), which the schema
 * engine's catalog queries return when it describes a database (`diff` from migrations), and
 * the engine reads them as ColumnType.Character. In this worker only, report such columns as
 * Character (the value is already a one-character string). Patched once, on the shared
 * PgQueryable prototype (adapters and transactions).
 */
/**
 * adapter-pg 7.10's executeScript splits a migration on every ";" and runs the pieces one by
 * one, which breaks any statement with a ";" inside it (a plpgsql function body, a string).
 * Prisma's native engine sends the script whole; the simple query protocol runs a
 * multi-statement script in one implicit transaction, so a failing migration leaves nothing
 * half-applied.
 */
function sendScriptsWhole(connection) {
  let proto = Object.getPrototypeOf(connection);
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'executeScript')) proto = Object.getPrototypeOf(proto);
  if (!proto || proto.__attributionScriptPatch) return;
  proto.executeScript = async function (script) {
    try {
      await this.client.query(script);
    } catch (error) {
      this.onError(error);
    }
  };
  proto.__attributionScriptPatch = true;
}

function reportPgCharAsCharacter(connection, ColumnTypeEnum) {
  let proto = Object.getPrototypeOf(connection);
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'queryRaw')) proto = Object.getPrototypeOf(proto);
  if (!proto || proto.__attributionCharPatch) return;
  const queryRaw = proto.queryRaw;
  proto.queryRaw = async function (query) {
    const charColumns = [];
    // A per-call view of the adapter whose performIO (the adapter's own, via the arrow's
    // lexical `this`) records and relabels the "char" columns before queryRaw maps them.
    const view = Object.create(this, {
      performIO: {
        value: async (q) => {
          const result = await this.performIO(q);
          result.fields.forEach((field, i) => {
            if (field.dataTypeID === 18) {
              charColumns.push(i);
              field.dataTypeID = 25; // text: accepted by adapter-pg, fixed up below
            }
          });
          return result;
        },
      },
    });
    const out = await queryRaw.call(view, query);
    for (const i of charColumns) out.columnTypes[i] = ColumnTypeEnum.Character;
    return out;
  };
  proto.__attributionCharPatch = true;
}

/**
 * Record every adapter (pool) the factory opens, so all can be disposed at the end, and make
 * disposal wait until the pool's connections are really closed: pg-pool's end() resolves as
 * soon as it has asked its idle clients to close, not when their sockets are closed
 * (brianc/node-postgres#2328). A shadow database is dropped right after its pool is disposed,
 * and the parent may drop the main database as soon as the worker replies: a DROP ... WITH
 * (FORCE) that catches a connection still closing terminates it, and the server's FATAL 57P01
 * ("terminating connection due to administrator command") arrives on the closing client as an
 * 'error' event. That race failed `diff` at random (see provideShadowDatabases).
 */
function trackConnections(factory, opened, onConnection) {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const connection = await connect();
    onConnection(connection);
    disposeWaitsForClose(connection);
    opened.push(onceOnly(connection));
    return connection;
  };
  return factory;
}

/**
 * A closing connection normally ends in milliseconds; the bound only keeps an unreachable server
 * from hanging the command after its work is done (the parent terminates the worker, which
 * destroys any socket left).
 */
const CLOSE_WAIT_MS = 5_000;

function disposeWaitsForClose(connection) {
  const pool = connection.underlyingDriver();
  const closed = [];
  // Registered before the engine gets the adapter, so no client connects unobserved.
  pool.on('connect', (client) => closed.push(new Promise((resolve) => client.once('end', resolve))));
  const dispose = connection.dispose.bind(connection);
  connection.dispose = async () => {
    await dispose();
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
    await Promise.race([Promise.all(closed), timeout]);
    clearTimeout(timer);
  };
}

/**
 * Shadow databases for `diff` from a migrations directory, provided here instead of by
 * adapter-pg 7.10's connectToShadowDb, which drops the database while its own pool is still
 * connected ("database ... is being accessed by other users"), never closes the pool it created
 * the database with, and gives the shadow pool no 'error' listener, so a FATAL on an idle shadow
 * connection became an uncaught exception in this worker, reported as the command's failure.
 * Here both pools come from a factory's own connect() (tracked, with adapter-pg's idle-error
 * listener), the pool that created the database is the one that drops it (no guessing which
 * of the opened pools it was), and the drop waits until the shadow connections are closed, so
 * WITH (FORCE) (PostgreSQL >= 13) only ever ends a connection that did not close in
 * CLOSE_WAIT_MS.
 */
function provideShadowDatabases(factory, factoryFor) {
  factory.connectToShadowDb = async () => {
    const admin = await factory.connect();
    const database = `prisma_migrate_shadow_db_${crypto.randomUUID()}`;
    await admin.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await factoryFor(database).connect();
    const closeShadowPool = shadow.dispose;
    shadow.dispose = async () => {
      await closeShadowPool();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.dispose();
    };
    return onceOnly(shadow);
  };
  return factory;
}

/** dispose() at most once (adapter-pg throws when a pool is ended twice). */
function onceOnly(connection) {
  const dispose = connection.dispose.bind(connection);
  let done;
  connection.dispose = () => (done ??= dispose());
  return connection;
}

async function main() {
  const { command, databaseUrl, migrationsDir, schemaPath } = workerData;
  const migrateDir = packageDir(__dirname, '@prisma/migrate');
  const internalsDir = packageDir(migrateDir, '@prisma/internals');
  redirectWasmLookup(internalsDir);

  const { SchemaEngineWasm } = require(path.join(migrateDir, 'dist', 'SchemaEngineWasm.js'));
  const { listMigrations } = require(path.join(migrateDir, 'dist', 'utils', 'listMigrations.js'));
  // The same driver-adapter-utils that @prisma/migrate itself uses.
  const { bindMigrationAwareSqlAdapterFactory } = require(resolveFrom(migrateDir, '@prisma/driver-adapter-utils'));

  const adapterPgDir = packageDir(__dirname, '@prisma/adapter-pg');
  const { PrismaPg } = require(adapterPgDir);
  const { ColumnTypeEnum } = require(resolveFrom(adapterPgDir, '@prisma/driver-adapter-utils'));

  // Shadow databases (see provideShadowDatabases) are opened with `{ ...config, database }`;
  // node-postgres lets a `connectionString` override `database`, which would replay (and
  // reset!) the migrations in the main database. So the URL is split into fields here, never
  // passed as `connectionString`.
  const { parse } = require(resolveFrom(resolveFrom(adapterPgDir, 'pg'), 'pg-connection-string'));
  const config = { ...parse(databaseUrl), max: 2 };
  const opened = [];
  const onConnection = (connection) => {
    reportPgCharAsCharacter(connection, ColumnTypeEnum);
    sendScriptsWhole(connection);
  };
  const factoryFor = (database) => trackConnections(new PrismaPg({ ...config, database }), opened, onConnection);
  const factory = provideShadowDatabases(factoryFor(config.database), factoryFor);
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await SchemaEngineWasm.setup({ adapter });
  const filters = { externalTables: [], externalEnums: [] };
  try {
    const migrationsList = await listMigrations(migrationsDir, '');
    if (command === 'apply') {
      return await engine.applyMigrations({ migrationsList, filters });
    }
    if (command === 'diff') {
      // From the migration history (replayed in a shadow database) to the Prisma schema.
      // `createMigration` cannot be used: in 7.10 the Wasm PostgreSQL connector only supports
      // shadow databases through `diff`. `migrateDiff` only prints, so use the wrapper's
      // (TS-private) generic `runCommand`.
      const schema = { files: [{ path: schemaPath, content: await fsp.readFile(schemaPath, 'utf8') }] };
      const from = migrationsList.migrationDirectories.length === 0 ? { tag: 'empty' } : { tag: 'migrations', ...migrationsList };
      return await /** @type {any} */ (engine).runCommand('diff', {
        from,
        to: { tag: 'schemaDatamodel', ...schema },
        script: true,
        exitCode: null,
        filters,
      });
    }
    throw new Error(`Unknown schema engine command: ${command}`);
  } finally {
    await engine.stop();
    // The engine disposes nothing when it stops, nor the shadow database of a command that
    // failed half-way: close every pool, newest first (a shadow database is dropped through the
    // older pool that created it), so no connection outlives the reply.
    for (const connection of opened.reverse()) await connection.dispose().catch(() => undefined);
  }
}

function reportError(error, context = '') {
  const e = error instanceof Error ? error : new Error(String(error));
  // A Rust panic surfaces as `RuntimeError: unreachable`; its message is in Prisma's registry.
  /** @type {any} */ const registry = /** @type {any} */ (globalThis).PRISMA_WASM_PANIC_REGISTRY;
  const panic = e.name === 'RuntimeError' && registry ? registry.get() : undefined;
  parentPort?.postMessage({
    ok: false,
    error: { name: e.name, message: `${panic || e.message}${context}`, stack: e.stack, code: /** @type {any} */ (e).code },
  });
}

// Engine callbacks can panic outside the awaited chain, and an EventEmitter without an 'error'
// listener throws: report those too, marked, since the parent prefixes every failure with the
// command's name as if the engine had raised it. Then stop.
process.on('uncaughtException', (error) => {
  reportError(error, ' (uncaught in the schema engine worker)');
  process.exit(1);
});

main().then((result) => parentPort?.postMessage({ ok: true, result }), reportError);

