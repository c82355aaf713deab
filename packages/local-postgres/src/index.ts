export {
  ROOT_SHARED_DIR,
  postgresUserCanReach,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './embedded-postgres';
export { findFreePort, findFreePorts } from './free-port';
export { withPostgresServer } from './temporary-postgres';
