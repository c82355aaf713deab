export { dispatcherEnvKeys, loadDispatcherConfig, toDispatcherConfig, type DispatcherConfig, type DispatcherEnv } from './env';
export { startDispatcher, type DispatcherDeps, type RunningDispatcher } from './composition-root';
