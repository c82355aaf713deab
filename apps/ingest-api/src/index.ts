export * from './app';
export * from './env';
export * from './ingest-api.service';
export { ApiKeyService } from './auth/api-key.service';
export type { AuthenticatedTenant } from './auth/api-key.service';
