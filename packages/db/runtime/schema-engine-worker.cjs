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
 * Three @prisma/adapter-pg 7.10 shortcomings are worked around here, also only inside this
 * worker (the app's own Prisma client is untouched): see reportPgCharAsCharacter,
 * trackConnections and the `config` comment in main(). Without them `diff` from a migrations
 * directory fails, or (worse) replays the migrations into the main database.
 *
 * Versions: all @prisma/* packages and `prisma` are pinned to the same exact version (7.10.0);
 * re-run the integration tests after any upgrade.
 */
'use strict';

const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
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
 * Record every adapter (pool) the factory opens, so all can be disposed at the end, and fix the
 * shadow database's disposal: adapter-pg 7.10 runs DROP DATABASE while the shadow pool is still
 * connected ("database ... is being accessed by other users") and never closes the pool it used
 * to create it. Here the shadow pool is closed first, then the database dropped (WITH (FORCE),
 * PostgreSQL >= 13), then the admin pool closed.
 */
function trackConnections(factory, opened, onConnection) {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const connection = await connect();
    onConnection(connection);
    opened.push(onceOnly(connection));
    return connection;
  };
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => {
    const before = opened.length;
    const shadow = await connectToShadowDb(); // calls this.connect() (tracked above) + CREATE DATABASE
    const admin = opened[before];
    const pool = shadow.underlyingDriver();
    const database = String(pool.options.database).replace(/"/g, '""');
    onConnection(shadow);
    shadow.dispose = async () => {
      await pool.end().catch(() => undefined);
      if (!admin) return;
      await admin.executeScript(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.dispose();
    };
    opened.push(onceOnly(shadow));
    return shadow;
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

  // The factory also provides shadow databases (CREATE DATABASE prisma_migrate_shadow_db_<uuid>
  // on the same server, dropped afterwards) for `diff` from a migrations directory. It opens
  // them with `{ ...config, database: <shadow> }`; node-postgres lets a `connectionString`
  // override `database`, which would replay (and reset!) the migrations in the main database.
  // So the URL is split into fields here, never passed as `connectionString`.
  const { parse } = require(resolveFrom(resolveFrom(adapterPgDir, 'pg'), 'pg-connection-string'));
  const config = { ...parse(databaseUrl), max: 2 };
  const opened = [];
  const factory = trackConnections(new PrismaPg(config), opened, (connection) => {
    reportPgCharAsCharacter(connection, ColumnTypeEnum);
    sendScriptsWhole(connection);
  });
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
    // Neither the engine nor adapter-pg closes every pool it opened (the connection used to
    // create a shadow database is never disposed): close them all, newest first, so no
    // connection outlives the command.
    for (const connection of opened.reverse()) await connection.dispose().catch(() => undefined);
  }
}

function reportError(error) {
  const e = error instanceof Error ? error : new Error(String(error));
  // A Rust panic surfaces as `RuntimeError: unreachable`; its message is in Prisma's registry.
  /** @type {any} */ const registry = /** @type {any} */ (globalThis).PRISMA_WASM_PANIC_REGISTRY;
  const panic = e.name === 'RuntimeError' && registry ? registry.get() : undefined;
  parentPort?.postMessage({
    ok: false,
    error: { name: e.name, message: panic || e.message, stack: e.stack, code: /** @type {any} */ (e).code },
  });
}

// Engine callbacks can panic outside the awaited chain: report those too, then stop.
process.on('uncaughtException', (error) => {
  reportError(error);
  process.exit(1);
});

main().then((result) => parentPort?.postMessage({ ok: true, result }), reportError);

