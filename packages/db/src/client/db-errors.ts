import { DependencyUnavailableError } from '@attribution/runtime';

/**
 * The one mapping of database errors. A connection failure ("PostgreSQL is not reachable":
 * retry later, answer 503, pause the partition) becomes DependencyUnavailableError, whichever
 * client raised it and however deep it is wrapped; anything else is a statement's own fault and
 * stays as it is. Every query of the Prisma client (db-client.ts) and of the raw pools
 * (pg-pool.ts) goes through `toDbError`, so no call site has to remember it.
 *
 * The shapes a connection failure takes (db-errors.test.ts has one case per shape):
 * - node-postgres: a socket error (`ECONNREFUSED`, `ECONNRESET`, ... also inside an
 *   AggregateError when a host name resolves to several addresses), a server refusal with a
 *   SQLSTATE of class 08 or 57P01-57P03 (shutting down, crashed, starting up), 53300 (too many
 *   connections), or the driver's own "Connection terminated unexpectedly", connect timeouts
 *   ("timeout expired" of a Client, "timeout exceeded when trying to connect" of a pool);
 * - Prisma's known request errors: P1001/P1002/P1008/P1017 (unreachable, timed out, closed),
 *   P2024 (pool timeout) and P2028 "Unable to start a transaction in the given time" (no
 *   connection within maxWait), a raw socket error wrapped with its own code (ECONNREFUSED),
 *   and, for any code (P2039 model queries, P2010 raw ones, P2037), the adapter's error under
 *   `meta.driverAdapterError`;
 * - the driver adapter's errors themselves: `cause.kind` DatabaseNotReachable, ConnectionClosed,
 *   SocketTimeout or TooManyConnections, or `cause.kind` postgres with one of the SQLSTATEs above
 *   (57P03 "the database system is starting up" arrives this way while PostgreSQL restarts);
 * - Prisma's unknown request and initialization errors, recognised by their message.
 */

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300', // too_many_connections
]);

/** The driver adapter's names for the same failures (@prisma/adapter-pg convertDriverError). */
const CONNECTION_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

const CONNECTION_MESSAGES =
  /connection terminated|connection refused|terminating connection|timeout exceeded when trying to connect|server closed the connection|the database system is (?:starting up|shutting down|in recovery|not yet accepting connections)|Can't reach database server|DatabaseNotReachable|ConnectionClosed|Connection is closed|not queryable|^timeout expired$|Unable to start a transaction in the given time/i;

interface ErrorLike {
  code?: unknown;
  errorCode?: unknown;
  originalCode?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  meta?: { driverAdapterError?: unknown; cause?: unknown } | null;
}

/** The error and everything it wraps: causes, the adapter error in `meta`, aggregated errors. */
function* errorGraph(error: unknown, depth = 0): Generator<ErrorLike> {
  if (!error || typeof error !== 'object' || depth > 8) return;
  const node = error as ErrorLike;
  yield node;
  yield* errorGraph(node.cause, depth + 1);
  if (node.meta && typeof node.meta === 'object') {
    yield* errorGraph(node.meta.driverAdapterError, depth + 1);
    yield* errorGraph(node.meta.cause, depth + 1);
  }
  if (Array.isArray(node.errors)) for (const inner of node.errors) yield* errorGraph(inner, depth + 1);
}

export function isConnectionError(error: unknown): boolean {
  for (const node of errorGraph(error)) {
    for (const code of [node.code, node.errorCode, node.originalCode]) {
      if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    }
    if (typeof node.kind === 'string' && CONNECTION_KINDS.has(node.kind)) return true;
    if (typeof node.message === 'string' && CONNECTION_MESSAGES.test(node.message)) return true;
  }
  return false;
}

/** A connection failure as the retryable DependencyUnavailableError; any other error unchanged. */
export function toDbError(error: unknown): unknown {
  if (error instanceof DependencyUnavailableError) return error;
  return isConnectionError(error) ? new DependencyUnavailableError('postgres', { cause: error }) : error;
}

/**
 * A SQLSTATE: PostgreSQL's classes start with a digit, or are F0, HV, P0 (PL/pgSQL) or XX. So
 * Prisma's own codes (P1000-P6999) and five-letter errno names (EPIPE) are not taken for one.
 */
const SQLSTATE = /^(?:[0-9][0-9A-Z]|F0|HV|P0|XX)[0-9A-Z]{3}$/;

/**
 * PostgreSQL's SQLSTATE behind an error, wherever Prisma put it: on the error itself, along the
 * cause chain, or (raw queries through the driver adapter) under meta.driverAdapterError.
 * Prisma's own codes are not SQLSTATEs and are looked through.
 */
export function postgresErrorCode(error: unknown): string | undefined {
  for (const node of errorGraph(error)) {
    for (const code of [node.originalCode, node.code]) {
      if (typeof code === 'string' && SQLSTATE.test(code)) return code;
    }
  }
  return undefined;
}

/**
 * SQLSTATEs with which PostgreSQL refuses a value it cannot store, not the statement: a NUL
 * character in text (22021) or JSON (22P05), an unpaired UTF-16 surrogate in JSON (22P02).
 * Retrying cannot help; the request that brought the value is at fault.
 */
const UNSTORABLE_VALUE_CODES = new Set(['22021', '22P05', '22P02']);

export function isUnstorableValueError(error: unknown): boolean {
  const code = postgresErrorCode(error);
  return code !== undefined && UNSTORABLE_VALUE_CODES.has(code);
}

/**
 * True for a unique-constraint violation (Prisma P2002, or SQLSTATE 23505 from a raw query).
 * With `constraint`, only when that constraint (or, as Prisma may report, its columns) is named.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const prismaCode = (error as ErrorLike | null)?.code;
  if (prismaCode !== 'P2002' && postgresErrorCode(error) !== '23505') return false;
  if (!constraint) return true;
  return JSON.stringify((error as ErrorLike).meta ?? {}).includes(constraint) || String((error as ErrorLike).message ?? '').includes(constraint);
}
