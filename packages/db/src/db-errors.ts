/**
 * Whether a database error means "Postgres is not reachable" (retry later, answer 503) rather
 * than "this statement is wrong". Prisma wraps driver errors, so we look at the whole cause chain.
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'P1001',
  'P1002',
  'P1017',
  'P2024',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300', // too_many_connections
]);

const CONNECTION_MESSAGES = /connection terminated|connection refused|terminating connection|timeout exceeded when trying to connect|Connection terminated|server closed the connection|DatabaseNotReachable|ConnectionClosed|Can't reach database/i;

export function isConnectionError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth += 1) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown; kind?: unknown; originalCode?: unknown };
    for (const code of [candidate.code, candidate.originalCode, candidate.kind]) {
      if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    }
    if (typeof candidate.message === 'string' && CONNECTION_MESSAGES.test(candidate.message)) return true;
    current = candidate.cause;
  }
  return false;
}

/**
 * PostgreSQL's SQLSTATE behind an error, wherever Prisma put it: on the error itself, along the
 * cause chain, or (raw queries through the driver adapter) under meta.driverAdapterError.
 * Prisma's own codes (P1000-P6999) are not SQLSTATEs and are looked through.
 */
export function postgresErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth += 1) {
    const candidate = current as { code?: unknown; originalCode?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    for (const code of [candidate.originalCode, candidate.code]) {
      if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^P[1-9]/.test(code)) return code;
    }
    current = candidate.meta?.driverAdapterError ?? candidate.cause;
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
