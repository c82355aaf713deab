import { Client } from 'pg';

export const TEMPLATE_DATABASE = 'attribution_template';

/** The URL of database `name` on the server of `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

export function requireAdminUrl(adminUrl: string | undefined): string {
  if (!adminUrl) {
    throw new Error(
      'No test PostgreSQL: TEST_PG_ADMIN_URL is unset. Run integration tests through the Jest ' +
        '"integration" project (its global setup starts PostgreSQL), or set TEST_PG_ADMIN_URL.',
    );
  }
  return adminUrl;
}

/** Guard: only databases whose name contains `test` may be dropped by the test kit. */
export function assertTestDatabaseName(name: string): void {
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to drop database "${name}": the test kit only drops databases whose name contains "test"`);
  }
}

export async function withAdminClient<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
