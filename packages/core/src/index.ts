// The shared contract of every package and app: the event schema, the logger, and the
// normalisation and hashing of personal identifiers that the schema's user data goes through.
export * from './schema/event.schema';
export * from './schema/event.types';
export * from './schema/stored-event';
export * from './schema/describe-joi';
export * from './logger/logger';
export * from './logger/log-context';
export * from './logger/redact';
export * from './pii';
