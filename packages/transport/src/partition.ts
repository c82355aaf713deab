import { createHash } from 'node:crypto';

/** Stable key → partition mapping, so one tenant's events stay in order on one partition. */
export function partitionFor(key: string, partitions: number): number {
  if (partitions <= 1) return 0;
  return createHash('md5').update(key).digest().readUInt32BE(0) % partitions;
}
