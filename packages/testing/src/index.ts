export * from './postgres';
export * from './kafka';
export * from './fakes/fake-meta-graph';
