/**
 * Prisma Client over node-postgres (@prisma/adapter-pg): no native query engine.
 * Re-exports everything generated from prisma/schema.prisma (PrismaClient, Prisma, model
 * types such as Tenant/Event, enums such as DeliveryStatus).
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from './generated/prisma/client';

export * from './generated/prisma/client';

/** A client or an interactive-transaction client: repositories should accept either. */
export type DbClientOrTx = PrismaClient | Prisma.TransactionClient;

export interface DbClientOptions {
  /** Maximum pool connections (node-postgres `max`). Default 10. */
  poolMax?: number;
  /** Milliseconds to wait for a connection before failing. Default 10 000. */
  connectionTimeoutMillis?: number;
  /** Idle connections are closed after this many milliseconds. Default 30 000. */
  idleTimeoutMillis?: number;
  /** Shown in pg_stat_activity.application_name. */
  applicationName?: string;
  /** Called when an idle pooled connection errors (e.g. the server restarted). */
  onPoolError?: (error: Error) => void;
}

export function createDbClient(databaseUrl: string, opts: DbClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg(
    {
      connectionString: databaseUrl,
      max: opts.poolMax ?? 10,
      connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 10_000,
      idleTimeoutMillis: opts.idleTimeoutMillis ?? 30_000,
      ...(opts.applicationName ? { application_name: opts.applicationName } : {}),
    },
    opts.onPoolError ? { onPoolError: opts.onPoolError } : undefined,
  );
  return new PrismaClient({ adapter });
}

/**
 * True for a unique-constraint violation (Prisma P2002), e.g. a duplicate (tenant_id, event_id).
 * With `constraint`, only when that constraint (or, as Prisma may report, its columns) is named.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return false;
  if (!constraint) return true;
  return JSON.stringify(error.meta ?? {}).includes(constraint);
}
