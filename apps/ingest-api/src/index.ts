export { createApp, type AppDeps } from './app';
export { ingestEnvKeys, loadIngestConfig, toIngestConfig, type IngestConfig, type IngestEnv } from './env';
export { startIngestApi, type IngestApiDeps, type RunningIngestApi } from './composition-root';
export { ApiKeyService, type AuthenticatedTenant } from './auth/api-key.service';
