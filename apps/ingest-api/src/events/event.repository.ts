import { DependencyUnavailableError } from '@attribution/core';
import { isConnectionError, type Prisma, type PrismaClient } from '@attribution/db';
import type { NewEventRow } from './to-event-row';

export interface EventWriter {
  /** Stores new rows and returns the client event ids that were new (the rest were duplicates). */
  insert(rows: NewEventRow[]): Promise<Set<string>>;
}

export class PrismaEventWriter implements EventWriter {
  constructor(private readonly db: PrismaClient) {}

  async insert(rows: NewEventRow[]): Promise<Set<string>> {
    try {
      const created = await this.db.event.createManyAndReturn({
        // Row fields are plain JSON by construction (validated input, hashes, strings).
        data: rows as unknown as Prisma.EventCreateManyInput[],
        skipDuplicates: true,
        select: { eventId: true },
      });
      return new Set(created.map((row) => row.eventId));
    } catch (cause) {
      if (isConnectionError(cause)) throw new DependencyUnavailableError('postgres', { cause });
      throw cause;
    }
  }
}
