export * from './env';
export * from './dispatcher.service';
