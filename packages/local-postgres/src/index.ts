export {
  ROOT_SHARED_DIR,
  postgresUserCanReach,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './embedded-postgres';
export { findFreePort, findFreePorts } from './free-port';
export type { ShutdownMode } from './postgres-process';
export { withPostgresServer } from './temporary-postgres';
