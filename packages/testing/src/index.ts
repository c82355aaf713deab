export * from './postgres';
export * from './kafka';
export * from './fakes/fake-meta-graph';
export * from './wait-until';
export * from './fixtures';
export * from './spawn-app';
export * from './fakes/fake-ga4';
export * from './events';
