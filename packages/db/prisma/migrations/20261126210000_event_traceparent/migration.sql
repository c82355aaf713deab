-- The W3C traceparent of the request that stored the event, so the outbox relay (which runs
-- later, outside that request) can continue the same trace when it publishes to Kafka.
ALTER TABLE "events" ADD COLUMN "traceparent" TEXT;
