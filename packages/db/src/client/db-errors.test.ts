import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import { DatabaseError } from 'pg';
import { DependencyUnavailableError, isRetryable } from '@attribution/runtime';
import { Prisma } from '../generated/prisma/client';
import { isConnectionError, isUniqueViolation, isUnstorableValueError, postgresErrorCode, toDbError } from './db-errors';

/*
 * Every error below is built the way the library that raises it builds it (checked against the
 * real clients: db-errors.integration.test.ts meets most of them on the wire):
 * - Node's socket errors: an Error with errno/code/syscall (and address/port for connect);
 * - node-postgres: pg-protocol's DatabaseError, with the ErrorResponse fields set on it;
 * - @prisma/adapter-pg: convertDriverError's payload inside a DriverAdapterError;
 * - Prisma 7's client: a PrismaClientKnownRequestError with the adapter error under
 *   meta.driverAdapterError (P2039 for a model query, P2010 for a raw one, the P1xxx codes for
 *   the adapter kinds it names), a raw error with a `code` turned into a known request error of
 *   that code, a message-only one into an unknown request error.
 */

const clientVersion = Prisma.prismaVersion.client;

/** Node's net/dns errors (lib/internal/errors.js: UVExceptionWithHostPort, DNSException). */
function socketError(code: string, syscall: string, errno: number, message = `${syscall} ${code} 127.0.0.1:5432`): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { errno, code, syscall, address: '127.0.0.1', port: 5432 });
}

/** node-postgres' error for an ErrorResponse (pg-protocol parser.ts parseErrorMessage). */
function pgError(code: string, message: string, severity: 'ERROR' | 'FATAL' = 'ERROR', extra: Partial<DatabaseError> = {}): DatabaseError {
  const error = new DatabaseError(message, message.length + 30, 'error');
  return Object.assign(error, { severity, code, ...extra });
}

/** What @prisma/adapter-pg's convertDriverError makes of a pg DatabaseError it has no kind for. */
function adapterPostgresError(pg: DatabaseError): DriverAdapterError {
  return new DriverAdapterError({
    originalCode: pg.code,
    originalMessage: pg.message,
    kind: 'postgres',
    code: pg.code ?? 'N/A',
    severity: pg.severity ?? 'N/A',
    message: pg.message,
    detail: pg.detail,
    column: pg.column,
    hint: pg.hint,
  });
}

/** A model query's failure: Prisma's UserFacingError turned into a known request error. */
function modelQueryError(code: string, message: string, driverAdapterError: DriverAdapterError, modelName = 'ApiKey') {
  return new Prisma.PrismaClientKnownRequestError(`\nInvalid \`prisma.apiKey.findUnique()\` invocation:\n\n\n${message}`, {
    code,
    clientVersion,
    meta: { modelName, driverAdapterError },
  });
}

/** A `postgres` adapter error on a model query: P2039 "Database error" (Prisma's Ap()). */
function p2039(pg: DatabaseError) {
  return modelQueryError('P2039', `Database error. Code: \`${pg.code}\`. Message: \`${pg.message}\``, adapterPostgresError(pg));
}

/** Any adapter error on a raw query: P2010 "Raw query failed" (Prisma's Sp()). */
function p2010(adapterError: DriverAdapterError) {
  const cause = adapterError.cause as { originalCode?: string; originalMessage?: string };
  return new Prisma.PrismaClientKnownRequestError(
    `\nInvalid \`prisma.$queryRaw()\` invocation:\n\n\nRaw query failed. Code: \`${cause.originalCode ?? 'N/A'}\`. Message: \`${cause.originalMessage ?? adapterError.message}\``,
    { code: 'P2010', clientVersion, meta: { driverAdapterError: adapterError } },
  );
}

const STARTING_UP = pgError('57P03', 'the database system is starting up', 'FATAL');
const NOT_YET_ACCEPTING = pgError('57P03', 'the database system is not yet accepting connections', 'FATAL', {
  detail: 'Consistent recovery state has not been yet reached.',
});

/** Each shape of db-errors.ts's header comment, as it reaches toDbError. */
const CONNECTION_FAILURES: Array<[string, () => unknown]> = [
  // node-postgres: socket errors, as Node raises them
  ['a refused connection (ECONNREFUSED)', () => socketError('ECONNREFUSED', 'connect', -111)],
  ['a connection reset by the peer (ECONNRESET)', () => socketError('ECONNRESET', 'read', -104, 'read ECONNRESET')],
  ['a connect timeout of the OS (ETIMEDOUT)', () => socketError('ETIMEDOUT', 'connect', -110)],
  ['a write to a closed socket (EPIPE)', () => socketError('EPIPE', 'write', -32, 'write EPIPE')],
  ['an unknown host (ENOTFOUND)', () => socketError('ENOTFOUND', 'getaddrinfo', -3008, 'getaddrinfo ENOTFOUND db.internal')],
  ['a DNS failure (EAI_AGAIN)', () => socketError('EAI_AGAIN', 'getaddrinfo', -3001, 'getaddrinfo EAI_AGAIN db.internal')],
  ['an unreachable host (EHOSTUNREACH)', () => socketError('EHOSTUNREACH', 'connect', -113)],
  ['an unreachable network (ENETUNREACH)', () => socketError('ENETUNREACH', 'connect', -101)],
  [
    // net.connect with autoSelectFamily, every address refused (lib/net.js internalConnectMultiple)
    'an AggregateError of ECONNREFUSED (a host name with several addresses)',
    () =>
      Object.assign(new AggregateError([socketError('ECONNREFUSED', 'connect', -111), socketError('ECONNREFUSED', 'connect', -111, 'connect ECONNREFUSED ::1:5432')], ''), {
        code: 'ECONNREFUSED',
      }),
  ],
  [
    'an AggregateError whose only clue is inside .errors',
    () => new AggregateError([socketError('ECONNREFUSED', 'connect', -111), socketError('ETIMEDOUT', 'connect', -110)], 'All connection attempts failed'),
  ],
  // node-postgres: the server's refusals and terminations (ErrorResponse)
  ['57P01 terminating connection due to administrator command (pg_terminate_backend, fast or immediate shutdown)', () => pgError('57P01', 'terminating connection due to administrator command', 'FATAL')],
  ['57P02 terminating connection because of crash of another server process', () => pgError('57P02', 'terminating connection because of crash of another server process', 'FATAL')],
  ['57P03 the database system is starting up', () => STARTING_UP],
  ['57P03 the database system is not yet accepting connections', () => NOT_YET_ACCEPTING],
  ['57P03 the database system is shutting down', () => pgError('57P03', 'the database system is shutting down', 'FATAL')],
  ['57P03 the database system is in recovery mode', () => pgError('57P03', 'the database system is in recovery mode', 'FATAL')],
  ['53300 sorry, too many clients already', () => pgError('53300', 'sorry, too many clients already', 'FATAL')],
  ...['08000', '08001', '08003', '08004', '08006'].map((code): [string, () => unknown] => [`class 08 connection exception ${code}`, () => pgError(code, 'connection exception', 'FATAL')]),
  // node-postgres: the driver's own errors
  ['pg: Connection terminated unexpectedly (the server hung up)', () => new Error('Connection terminated unexpectedly')],
  [
    'pg: Connection terminated due to connection timeout (connectionTimeoutMillis of a pool)',
    () => new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') }),
  ],
  ['pg-pool: timeout exceeded when trying to connect (every connection busy)', () => new Error('timeout exceeded when trying to connect')],
  ['pg: a query on a client that lost its connection', () => new Error('Client has encountered a connection error and is not queryable')],
  ['pg: timeout expired (connectionTimeoutMillis of a Client)', () => new Error('timeout expired')],
  // Prisma's known request errors for the adapter kinds it names
  [
    'P1001 Can\'t reach database server (adapter kind DatabaseNotReachable, from ECONNREFUSED/ENOTFOUND)',
    () => modelQueryError('P1001', "Can't reach database server at 127.0.0.1:5432", new DriverAdapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 })),
  ],
  [
    'P1017 Server has closed the connection (adapter kind ConnectionClosed, from ECONNRESET)',
    () => modelQueryError('P1017', 'Server has closed the connection.', new DriverAdapterError({ kind: 'ConnectionClosed' })),
  ],
  [
    'P1008 Operations timed out (adapter kind SocketTimeout, from ETIMEDOUT)',
    () => modelQueryError('P1008', 'Operation has timed out', new DriverAdapterError({ kind: 'SocketTimeout' })),
  ],
  [
    'P2037 Too many database connections opened (adapter kind TooManyConnections, from 53300)',
    () =>
      modelQueryError(
        'P2037',
        'Too many database connections opened: sorry, too many clients already',
        new DriverAdapterError({ originalCode: '53300', originalMessage: 'sorry, too many clients already', kind: 'TooManyConnections', cause: 'sorry, too many clients already' }),
      ),
  ],
  ['P1002 The database server was reached but timed out', () => new Prisma.PrismaClientKnownRequestError('The database server at `127.0.0.1:5432` was reached but timed out.', { code: 'P1002', clientVersion })],
  [
    'P2024 Timed out fetching a new connection from the connection pool',
    () => new Prisma.PrismaClientKnownRequestError('Timed out fetching a new connection from the connection pool.', { code: 'P2024', clientVersion }),
  ],
  [
    // inTransaction's maxWait ran out before the pool had a connection: Prisma 7's pool timeout
    'P2028 Unable to start a transaction in the given time',
    () => new Prisma.PrismaClientKnownRequestError('Transaction API error: Unable to start a transaction in the given time.', { code: 'P2028', clientVersion, meta: {} }),
  ],
  [
    // Prisma's handleRequestError: a raw error with a `code` becomes a known request error of that code
    'a known request error with code ECONNREFUSED (Prisma wrapping a raw AggregateError)',
    () => new Prisma.PrismaClientKnownRequestError('\nInvalid `prisma.apiKey.findUnique()` invocation:\n\n', { code: 'ECONNREFUSED', clientVersion, meta: { modelName: 'ApiKey' } }),
  ],
  // Prisma's known request errors for a `postgres` adapter error: the SQLSTATE is under meta
  ['P2039 with 57P03 "starting up" (a model query while PostgreSQL restarts: the reported 500s)', () => p2039(STARTING_UP)],
  ['P2039 with 57P03 "not yet accepting connections"', () => p2039(NOT_YET_ACCEPTING)],
  ['P2039 with 57P01 (the connection was terminated)', () => p2039(pgError('57P01', 'terminating connection due to administrator command', 'FATAL'))],
  ['P2039 with 57P02 (another backend crashed)', () => p2039(pgError('57P02', 'terminating connection because of crash of another server process', 'FATAL'))],
  ['P2010 with 57P03 (a raw query while PostgreSQL restarts)', () => p2010(adapterPostgresError(STARTING_UP))],
  ['P2010 with 57P01 (a raw query whose connection was terminated)', () => p2010(adapterPostgresError(pgError('57P01', 'terminating connection due to administrator command', 'FATAL')))],
  ['P2010 with DatabaseNotReachable (a raw query, server down)', () => p2010(new DriverAdapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 }))],
  // the driver adapter's errors themselves
  ['DriverAdapterError DatabaseNotReachable', () => new DriverAdapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 })],
  ['DriverAdapterError ConnectionClosed', () => new DriverAdapterError({ kind: 'ConnectionClosed' })],
  ['DriverAdapterError SocketTimeout', () => new DriverAdapterError({ kind: 'SocketTimeout' })],
  ['DriverAdapterError TooManyConnections', () => new DriverAdapterError({ originalCode: '53300', originalMessage: 'sorry, too many clients already', kind: 'TooManyConnections', cause: 'sorry, too many clients already' })],
  ['DriverAdapterError postgres 57P03', () => adapterPostgresError(STARTING_UP)],
  // Prisma's unknown request and initialization errors, by message
  [
    // Prisma's #d(): a message-only error from a transaction step becomes an unknown request error
    'PrismaClientUnknownRequestError: Connection terminated unexpectedly',
    () => new Prisma.PrismaClientUnknownRequestError('\nInvalid `prisma.$transaction()` invocation:\n\n\nConnection terminated unexpectedly', { clientVersion }),
  ],
  [
    'PrismaClientUnknownRequestError: the database system is starting up',
    () => new Prisma.PrismaClientUnknownRequestError('FATAL: the database system is starting up', { clientVersion }),
  ],
  ['PrismaClientInitializationError P1001', () => new Prisma.PrismaClientInitializationError("Can't reach database server at `127.0.0.1:5432`", clientVersion, 'P1001')],
  ['PrismaClientInitializationError without a code', () => new Prisma.PrismaClientInitializationError("Can't reach database server at `127.0.0.1:5432`", clientVersion)],
  // wrapped once more by someone else
  ['any of them as the cause of another error', () => new Error('loading the API key failed', { cause: p2039(STARTING_UP) })],
];

/*
 * Not outages: a statement's own fault, or a misconfiguration. A wrong database name, user or
 * password (3D000, 28P01, 28000; Prisma P1003, P1000, P1010) is deliberately NOT mapped: the
 * server is up and answering, and no retry with the same configuration can ever succeed. As a 503
 * with Retry-After it would make every client retry forever and hide the fault behind the outage
 * signals; as a 500 (an `internal` error, logged as request_failed) it pages whoever deployed the
 * wrong setting, and at boot the change listener's first connection fails the start. The same
 * holds for TLS misconfiguration (TlsConnectionError, P1011).
 */
const NOT_CONNECTION_FAILURES: Array<[string, () => unknown]> = [
  ['23505 unique violation (pg)', () => pgError('23505', 'duplicate key value violates unique constraint "connections_pkey"', 'ERROR', { constraint: 'connections_pkey' })],
  [
    '23505 unique violation (Prisma P2002)',
    () =>
      modelQueryError(
        'P2002',
        'Unique constraint failed on the constraint: `api_keys_key_hash_key`',
        new DriverAdapterError({ originalCode: '23505', originalMessage: 'duplicate key value violates unique constraint "api_keys_key_hash_key"', kind: 'UniqueConstraintViolation', constraint: { index: 'api_keys_key_hash_key' }, table: 'api_keys' }),
      ),
  ],
  ['42601 syntax error (pg)', () => pgError('42601', 'syntax error at or near "SELEC"', 'ERROR', { position: '1' })],
  ['42601 syntax error (Prisma P2010, raw query)', () => p2010(adapterPostgresError(pgError('42601', 'syntax error at or near "SELEC"')))],
  ['22021 NUL character (pg)', () => pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
  ['22021 NUL character (Prisma P2039)', () => p2039(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'))],
  ['23514 check violation (pg)', () => pgError('23514', 'new row for relation "tenants" violates check constraint "tenants_retention_days_check"', 'ERROR', { constraint: 'tenants_retention_days_check' })],
  ['23514 check violation (Prisma P2039)', () => p2039(pgError('23514', 'new row for relation "tenants" violates check constraint "tenants_retention_days_check"'))],
  ['3D000 database does not exist (pg)', () => pgError('3D000', 'database "attribution" does not exist', 'FATAL')],
  [
    '3D000 database does not exist (Prisma P1003, adapter kind DatabaseDoesNotExist)',
    () => modelQueryError('P1003', 'Database `attribution` does not exist on the database server', new DriverAdapterError({ originalCode: '3D000', originalMessage: 'database "attribution" does not exist', kind: 'DatabaseDoesNotExist', db: 'attribution' })),
  ],
  ['28P01 password authentication failed (pg)', () => pgError('28P01', 'password authentication failed for user "attribution"', 'FATAL')],
  [
    '28P01 password authentication failed (Prisma P1000, adapter kind AuthenticationFailed)',
    () =>
      modelQueryError(
        'P1000',
        'Authentication failed against the database server, the provided database credentials for `attribution` are not valid.',
        new DriverAdapterError({ originalCode: '28P01', originalMessage: 'password authentication failed for user "attribution"', kind: 'AuthenticationFailed', user: 'attribution' }),
      ),
  ],
  ['28000 no pg_hba.conf entry (Prisma P1010, adapter kind DatabaseAccessDenied)', () => modelQueryError('P1010', 'User was denied access on the database `attribution`', new DriverAdapterError({ originalCode: '28000', originalMessage: 'no pg_hba.conf entry', kind: 'DatabaseAccessDenied', db: 'attribution' }))],
  [
    // the transaction outlived its own `timeout`: the work is at fault, not the connection
    'P2028 Transaction already closed (expired)',
    () => new Prisma.PrismaClientKnownRequestError('Transaction API error: Transaction already closed: A query cannot be executed on an expired transaction.', { code: 'P2028', clientVersion, meta: {} }),
  ],
  ['57014 statement timeout (pg)', () => pgError('57014', 'canceling statement due to statement timeout')],
  ['40001 serialization failure (Prisma P2034)', () => modelQueryError('P2034', 'Transaction failed due to a write conflict or a deadlock. Please retry your transaction', new DriverAdapterError({ originalCode: '40001', originalMessage: 'could not serialize access', kind: 'TransactionWriteConflict' }))],
  ['a validation error of the Prisma client', () => new Prisma.PrismaClientValidationError('Argument `where` is missing.', { clientVersion })],
  ['a plain Error', () => new Error('boom')],
  ['a TypeError', () => new TypeError("Cannot read properties of undefined (reading 'id')")],
  ['a string', () => 'ECONNREFUSED'],
  ['null', () => null],
  ['undefined', () => undefined],
];

describe('isConnectionError / toDbError: every shape a connection failure takes', () => {
  it.each(CONNECTION_FAILURES)('maps %s to DependencyUnavailableError', (_shape, make) => {
    const error = make();
    expect(isConnectionError(error)).toBe(true);
    const mapped = toDbError(error);
    expect(mapped).toBeInstanceOf(DependencyUnavailableError);
    expect(mapped).toMatchObject({ dependency: 'postgres', retryable: true, cause: error });
    expect(isRetryable(mapped)).toBe(true);
  });

  it.each(NOT_CONNECTION_FAILURES)('leaves %s alone (the same instance)', (_shape, make) => {
    const error = make();
    expect(isConnectionError(error)).toBe(false);
    expect(toDbError(error)).toBe(error);
  });

  it('keeps a DependencyUnavailableError as it is (mapping twice changes nothing)', () => {
    const once = toDbError(p2039(STARTING_UP));
    expect(toDbError(once)).toBe(once);
  });

  it('the P2039 of the incident carries its SQLSTATE only under meta.driverAdapterError', () => {
    // Why the old mapping missed it: neither the code (P2039: "any database error") nor a cause
    // chain says "connection"; only the adapter error Prisma keeps in meta does.
    const error = p2039(STARTING_UP);
    expect(error.code).toBe('P2039');
    expect(error.cause).toBeUndefined();
    expect(postgresErrorCode(error)).toBe('57P03');
    expect(toDbError(error)).toBeInstanceOf(DependencyUnavailableError);
  });

  it('does not loop on an error that wraps itself', () => {
    const looped: Error & { cause?: unknown } = new Error('outer');
    looped.cause = looped;
    expect(isConnectionError(looped)).toBe(false);
  });
});

describe('postgresErrorCode', () => {
  it('finds the SQLSTATE on a pg error, under meta.driverAdapterError and along the cause chain', () => {
    expect(postgresErrorCode(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'))).toBe('22021');
    expect(postgresErrorCode(p2039(STARTING_UP))).toBe('57P03');
    expect(postgresErrorCode(p2010(adapterPostgresError(pgError('42601', 'syntax error'))))).toBe('42601');
    expect(postgresErrorCode(new Error('wrapped', { cause: pgError('23514', 'check') }))).toBe('23514');
  });

  it('looks through Prisma codes to the SQLSTATE the adapter kept', () => {
    const unique = NOT_CONNECTION_FAILURES.find(([shape]) => shape.includes('P2002'))![1]();
    expect(postgresErrorCode(unique)).toBe('23505');
  });

  it('keeps PL/pgSQL SQLSTATEs (class P0), which are not Prisma codes', () => {
    expect(postgresErrorCode(pgError('P0001', 'raised by a trigger'))).toBe('P0001');
  });

  it('is undefined when there is no SQLSTATE: Prisma codes only, socket errors, adapter kinds', () => {
    expect(postgresErrorCode(new Prisma.PrismaClientKnownRequestError('Timed out', { code: 'P2024', clientVersion }))).toBeUndefined();
    expect(postgresErrorCode(new DriverAdapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 }))).toBeUndefined();
    // EPIPE, EBUSY... are five capitals too, but no SQLSTATE class starts with E
    expect(postgresErrorCode(socketError('EPIPE', 'write', -32, 'write EPIPE'))).toBeUndefined();
    expect(postgresErrorCode(socketError('ECONNREFUSED', 'connect', -111))).toBeUndefined();
    expect(postgresErrorCode(new Error('boom'))).toBeUndefined();
    expect(postgresErrorCode(undefined)).toBeUndefined();
  });
});

describe('isUnstorableValueError', () => {
  it.each([
    ['22021 NUL in text (pg)', () => pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['22021 NUL in text (Prisma P2039)', () => p2039(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'))],
    ['22P05 NUL in JSON', () => pgError('22P05', 'unsupported Unicode escape sequence', 'ERROR', { detail: '\\u0000 cannot be converted to text.' })],
    [
      '22P02 unpaired surrogate in JSON (Prisma P2007, adapter kind InvalidInputValue)',
      () =>
        modelQueryError(
          'P2007',
          'Data validation error',
          new DriverAdapterError({ originalCode: '22P02', originalMessage: 'invalid input syntax for type json', kind: 'InvalidInputValue', message: 'invalid input syntax for type json' }),
        ),
    ],
  ])('is true for %s', (_shape, make) => {
    expect(isUnstorableValueError(make())).toBe(true);
  });

  it('is false for other statement errors and for connection failures', () => {
    expect(isUnstorableValueError(pgError('23505', 'duplicate key'))).toBe(false);
    expect(isUnstorableValueError(pgError('42601', 'syntax error'))).toBe(false);
    expect(isUnstorableValueError(p2039(STARTING_UP))).toBe(false);
    expect(isUnstorableValueError(socketError('ECONNREFUSED', 'connect', -111))).toBe(false);
  });
});

describe('isUniqueViolation', () => {
  const prismaUnique = () => NOT_CONNECTION_FAILURES.find(([shape]) => shape.includes('P2002'))![1]();
  const pgUnique = () =>
    pgError('23505', 'duplicate key value violates unique constraint "events_tenant_id_event_id_key"', 'ERROR', {
      constraint: 'events_tenant_id_event_id_key',
      detail: 'Key (tenant_id, event_id)=(t, e) already exists.',
    });

  it('is true for Prisma P2002, a raw 23505 through Prisma (P2010) and a pg 23505', () => {
    expect(isUniqueViolation(prismaUnique())).toBe(true);
    expect(isUniqueViolation(p2010(adapterPostgresError(pgUnique())))).toBe(true);
    expect(isUniqueViolation(pgUnique())).toBe(true);
  });

  it('with a constraint, only when that constraint is the one named', () => {
    expect(isUniqueViolation(prismaUnique(), 'api_keys_key_hash_key')).toBe(true);
    expect(isUniqueViolation(prismaUnique(), 'events_tenant_id_event_id_key')).toBe(false);
    expect(isUniqueViolation(pgUnique(), 'events_tenant_id_event_id_key')).toBe(true);
    expect(isUniqueViolation(pgUnique(), 'api_keys_key_hash_key')).toBe(false);
  });

  it('is false for other errors', () => {
    expect(isUniqueViolation(pgError('23514', 'check'))).toBe(false);
    expect(isUniqueViolation(p2039(STARTING_UP))).toBe(false);
    expect(isUniqueViolation(new Error('duplicate'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});
