export * from './client';
export * from './credentials';
export * from './embedded-postgres';
export { findFreePort, findFreePorts } from './free-port';
export * from './migrate';
// Written by other workstreams on top of the above, exported for the apps that use them.
export * from './db-errors';
export * from './destination-credentials';
export * from './stored-event.mapper';
export * from './tenant-admin';
export * from './change-listener';
