/**
 * Re-seals stored destination credentials under the keyring's current key, in batches of rows
 * locked in their own transaction (a concurrent `destination set` waits for the batch, never
 * interleaves). A row already sealed under the current key is left as it is, so the rotation is
 * idempotent and an interrupted run resumes by running it again. A row that opens under neither
 * key is reported by tenant and platform, never with its ciphertext or plaintext, and left as is.
 */
import { Prisma } from '../generated/prisma/client';
import { inTransaction, type Db, type DbTransaction } from '../client/db-client';
import { CredentialsDecryptionError } from './credentials';
import type { CredentialsKeyring } from './credentials-keyring';
import { openSealedDestinationCredentials, sealDestinationCredentials } from './destination-credentials';

export interface CredentialsRotationOptions {
  /** Only this tenant's destinations; every tenant's otherwise. */
  tenantId?: string;
  /** Open and count, write nothing (and lock nothing). */
  dryRun?: boolean;
  batchSize?: number;
}

export interface CredentialsRotationFailure {
  tenantId: string;
  platform: string;
  reason: string;
}

export interface CredentialsRotationReport {
  scanned: number;
  /** Re-sealed under the current key (with dryRun: would be). */
  resealed: number;
  alreadyCurrent: number;
  failed: number;
  failures: CredentialsRotationFailure[];
}

interface SealedRow {
  id: string;
  tenant_id: string;
  platform: string;
  credentials_encrypted: string;
}

const FIRST_ID = '00000000-0000-0000-0000-000000000000';

function readBatch(tx: DbTransaction, after: string, opts: Required<Pick<CredentialsRotationOptions, 'batchSize' | 'dryRun'>> & CredentialsRotationOptions) {
  const tenant = opts.tenantId === undefined ? Prisma.empty : Prisma.sql`AND tenant_id = ${opts.tenantId}::uuid`;
  const lock = opts.dryRun ? Prisma.empty : Prisma.sql`FOR UPDATE`;
  return tx.$queryRaw<SealedRow[]>`
    SELECT id::text AS id, tenant_id::text AS tenant_id, platform, credentials_encrypted FROM destinations
    WHERE credentials_encrypted IS NOT NULL AND id > ${after}::uuid ${tenant}
    ORDER BY id LIMIT ${opts.batchSize} ${lock}`;
}

function emptyReport(): CredentialsRotationReport {
  return { scanned: 0, resealed: 0, alreadyCurrent: 0, failed: 0, failures: [] };
}

/** One batch, in its caller's transaction: counted here, added to the total once committed. */
async function rotateBatch(tx: DbTransaction, rows: SealedRow[], keyring: CredentialsKeyring, dryRun: boolean): Promise<CredentialsRotationReport> {
  const batch = emptyReport();
  for (const row of rows) {
    batch.scanned += 1;
    let opened;
    try {
      opened = openSealedDestinationCredentials(row.tenant_id, row.platform, row.credentials_encrypted, keyring);
    } catch (error) {
      const reason = error instanceof CredentialsDecryptionError ? error.message : 'the credentials cannot be opened';
      batch.failed += 1;
      batch.failures.push({ tenantId: row.tenant_id, platform: row.platform, reason });
      continue;
    }
    if (opened.current) {
      batch.alreadyCurrent += 1;
      continue;
    }
    batch.resealed += 1;
    if (dryRun) continue;
    const resealed = sealDestinationCredentials(row.tenant_id, row.platform, opened.credentials, keyring);
    await tx.destination.update({ where: { id: row.id }, data: { credentialsEncrypted: resealed } });
  }
  return batch;
}

export async function rotateDestinationCredentials(db: Db, keyring: CredentialsKeyring, options: CredentialsRotationOptions = {}): Promise<CredentialsRotationReport> {
  const opts = { batchSize: 100, dryRun: false, ...options };
  const report = emptyReport();
  let after = FIRST_ID;
  for (;;) {
    const { rows, batch } = await inTransaction(db, async (tx) => {
      const rows = await readBatch(tx, after, opts);
      return { rows, batch: await rotateBatch(tx, rows, keyring, opts.dryRun) };
    });
    report.scanned += batch.scanned;
    report.resealed += batch.resealed;
    report.alreadyCurrent += batch.alreadyCurrent;
    report.failed += batch.failed;
    report.failures.push(...batch.failures);
    if (rows.length < opts.batchSize) return report;
    after = rows.at(-1)!.id;
  }
}
