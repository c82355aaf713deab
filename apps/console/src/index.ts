export { createApp, type ConsoleAppDeps, type ConsoleReads } from './app';
export { adminTokenField, consoleEnvKeys, loadConsoleConfig, toConsoleConfig, type ConsoleConfig, type ConsoleEnv } from './env';
export { startConsole, type ConsoleDeps, type RunningConsole } from './composition-root';
export { randomSecret as generateAdminToken } from './auth/secret-compare';
