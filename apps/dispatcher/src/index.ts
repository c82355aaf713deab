export * from './env';
export * from './dispatcher.service';
export { replayDeliveries, type ReplayFilter } from './delivery/replay.service';
