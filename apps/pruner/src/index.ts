export { loadPrunerConfig, prunerEnvKeys, toPrunerConfig, type PrunerConfig, type PrunerEnv } from './env';
export { createPruneService, startPruner, type PrunerDeps, type RunningPruner } from './composition-root';
export { PruneService, type PruneReport, type PruneServiceConfig } from './prune.service';
