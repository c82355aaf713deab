export { startTestPostgres, type TestPostgres, type TestPostgresOptions } from './start-test-postgres';
export { prepareTemplateDatabase, type TemplateDatabase } from './template-database';
export { createTestDatabase, dropTestDatabase, type TestDatabase, type TestDatabaseOptions } from './test-database';
export { assertTestDatabaseName, databaseUrl, TEMPLATE_DATABASE } from './database-names';
export { startFakeStartingPostgres, type FakeStartingPostgres, type FakeStartingPostgresOptions } from './fake-starting-postgres';
