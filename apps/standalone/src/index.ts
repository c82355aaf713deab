export * from './engine';
export * from './env';
