export * from './env';
export * from './pruner.service';
export * from './prune.service';
