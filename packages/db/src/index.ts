export {
  Prisma,
  createDbClient,
  openDatabase,
  inTransaction,
  pingDatabase,
  type ApiKey,
  type Db,
  type DbClientOptions,
  type DbClientOrTx,
  type DbTransaction,
  type Delivery,
  type DeliveryAttempt,
  type Destination,
  type Event,
  type Tenant,
} from './client/db-client';
export { isConnectionError, isUniqueViolation, isUnstorableValueError, postgresErrorCode, toDbError } from './client/db-errors';
export { PgPool, type PgPoolOptions } from './client/pg-pool';
export { TenantRepository, type CreatedTenant, type NewTenant, type TenantChanges } from './tenants/tenant.repository';
export { ApiKeyRepository, type ApiKeyRecord } from './tenants/api-key.repository';
export { API_KEY_DISPLAY_PREFIX_LENGTH, generateApiKey, hashApiKey, hashesEqual, parseApiKey, type ApiKeyKind, type GeneratedApiKey } from './tenants/api-key';
export { DestinationRepository, type DestinationWrite, type StoredRouting } from './destinations/destination.repository';
export {
  DELIVERY_STATUSES,
  DeliveryRepository,
  MAX_DELIVERY_PAGE,
  SETTLED_STATUSES,
  type DeliveryListPosition,
  type DeliveryListQuery,
  type DeliveryRecord,
  type DeliveryStatus,
  type ListedDelivery,
  type ReplayableDelivery,
  type ReplayableQuery,
} from './deliveries/delivery.repository';
export { DeliveryAttemptRepository } from './deliveries/delivery-attempt.repository';
export { DeliveryReviewRepository, type HourlyOutcome, type StuckDelivery, type StuckDeliveryFilter } from './deliveries/delivery-review.repository';
export { EventLookupRepository, type EventWithDeliveries } from './events/event-lookup.repository';
export { EventRepository, type PersonMatch, type PublishableEvent } from './events/event.repository';
export { EVENT_DATABASE_COLUMNS, EVENT_INSERT_COLUMNS, type NewEventRow } from './events/event-columns';
export { DUPLICATE_WINDOW_HOURS, INSERT_EVENTS_SQL, PgEventWriter, PrismaEventWriter, eventKey, toInsertParameter, type EventWriter, type KeyedEventWriter, type PgEventWriterOptions } from './events/event-writer';
export { toStoredEvent } from './events/stored-event.mapper';
export { PARTITION_DAYS_AHEAD, PartitionRepository, utcDayStart } from './partitions/partition.repository';
export { tryAdvisoryLock, type AdvisoryLock } from './locks/advisory-lock';
export * from './credentials/credentials';
export * from './credentials/destination-credentials';
export * from './credentials/credentials-keyring';
export * from './credentials/credentials-rotation';
export * from './migrations/migrate';
export * from './migrations/migration-authoring';
export * from './notifications/change-listener';
