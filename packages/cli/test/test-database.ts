import { createDbClient, type Db } from '@attribution/db';
import { createTestDatabase, type TestDatabase } from '@attribution/testing';

/**
 * Test helper: a fresh database for one test file (created before its tests, dropped after),
 * a client on it and the environment that points the CLI at it. Read the fields in tests only.
 */
export function useTestDatabase(): { db: Db; env: Record<string, string> } {
  const handle = {} as { db: Db; env: Record<string, string> };
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    handle.db = createDbClient(database.url);
    handle.env = { DATABASE_URL: database.url };
  });
  afterAll(async () => {
    await handle.db?.$disconnect();
    await database?.drop();
  });
  return handle;
}
